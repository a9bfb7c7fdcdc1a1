/**
 * The stamp buckets behind X-Total-Count (src/store/stamp-counts.ts): for any set of change
 * stamps, any writes that move them, and any `updatedFrom`/`updatedTo`, the total a list
 * reports equals the number of matching records counted one by one.
 *
 * Stamps are written with raw SQL so that they can span second, hour and day boundaries
 * (the live clock would need days); the triggers under test are the stores' own. Runs on
 * both stores; the brute-force count is computed in the test, not by the store.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import type { Store } from '../src/store/store.js';
import { STORES, type StoreFixture } from './support/stores.js';

const DAY = 86_400_000_000;
const HOUR = 3_600_000_000;
const BASE = Date.UTC(2026, 10, 20) * 1000; // µs, midnight UTC

/** Stamps over three days, crowded near 10 ms, second, hour and day boundaries where mistakes hide. */
const stampArb = fc.oneof(
  fc.integer({ min: 0, max: 3 * DAY - 1 }),
  fc.tuple(fc.integer({ min: 0, max: 71 }), fc.integer({ min: -3, max: 3 })).map(([h, d]) => Math.max(0, h * HOUR + d)),
  fc.tuple(fc.integer({ min: 0, max: 3 * 3600 }), fc.integer({ min: -2, max: 2 })).map(([s, d]) => Math.max(0, s * 1_000_000 + d)),
  // 10 ms slots of three seconds, the first and last slots of a second often.
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom(0, 1, 98, 99)), fc.integer({ min: -2, max: 2 }))
    .map(([second, slot, d]) => Math.max(0, 7_200_000_000 + second * 1_000_000 + slot * 10_000 + d)),
).map((offset) => BASE + offset);

const scenarioArb = fc.record({
  stamps: fc.array(stampArb, { minLength: 1, maxLength: 60 }),
  /** Moves: record index → new stamp (an update); and records deleted. */
  moves: fc.array(fc.tuple(fc.nat(), stampArb), { maxLength: 20 }),
  deletes: fc.array(fc.nat(), { maxLength: 5 }),
  ranges: fc.array(fc.record({ from: fc.option(stampArb, { nil: undefined }), to: fc.option(stampArb, { nil: undefined }) }), { minLength: 1, maxLength: 8 }),
});

/** Runs SQL on the fixture's database the way an operator's tool would, bypassing the store. */
interface RawDb {
  run(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

async function rawDb(kind: string, fixture: StoreFixture): Promise<RawDb> {
  if (kind === 'sqlite') {
    const db = new Database(fixture.location);
    db.pragma('busy_timeout = 5000');
    return { run: async (sql, params) => void db.prepare(sql.replace(/\$\d+/g, '?')).run(...params), close: async () => void db.close() };
  }
  const client = new pg.Client({ connectionString: fixture.location });
  await client.connect();
  return { run: async (sql, params) => void (await client.query(sql, params)), close: () => client.end() };
}

for (const kind of STORES) {
  describe(`stamp-bucket totals equal counted matches (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: Store;
    let raw: RawDb;
    let round = 0;
    before(async () => {
      fixture = await kind.create();
      store = await fixture.open();
      raw = await rawDb(kind.name, fixture);
    });
    after(async () => {
      await raw.close();
      await store.close();
      await fixture.destroy();
    });

    for (const table of ['customers', 'leads'] as const) {
      it(`${table}: inserts, stamp moves and deletes keep every range's total exact`, async () => {
        await fc.assert(
          fc.asyncProperty(scenarioArb, async ({ stamps, moves, deletes, ranges }) => {
            const tenant = `t${(round += 1)}`;
            const current = new Map<string, number>();
            for (const [i, stamp] of stamps.entries()) {
              const id = `r${i}`;
              await raw.run(`INSERT INTO ${table} (tenant, id, data, stamp) VALUES ($1, $2, $3, $4)`, [tenant, id, '{}', stamp]);
              current.set(id, stamp);
            }
            for (const [i, stamp] of moves) {
              const id = `r${i % stamps.length}`;
              if (!current.has(id)) continue;
              await raw.run(`UPDATE ${table} SET stamp = $1 WHERE tenant = $2 AND id = $3`, [stamp, tenant, id]);
              current.set(id, stamp);
            }
            for (const i of deletes) {
              const id = `r${i % stamps.length}`;
              await raw.run(`DELETE FROM ${table} WHERE tenant = $1 AND id = $2`, [tenant, id]);
              current.delete(id);
            }
            for (const range of [{}, ...ranges] as { from?: number; to?: number }[]) {
              const expected = [...current.values()].filter((s) => (range.from === undefined || s >= range.from) && (range.to === undefined || s <= range.to)).length;
              const page = { limit: 1, offset: 0 };
              const result = table === 'customers'
                ? await store.listCustomers(tenant, { updated: range }, page)
                : await store.listLeads(tenant, { updated: range }, page);
              assert.equal(result.total, expected, `range ${JSON.stringify(range)} over ${JSON.stringify([...current.values()])}`);
            }
          }),
          { numRuns: kind.name === 'sqlite' ? 150 : 40 },
        );
      });
    }
  });
}
