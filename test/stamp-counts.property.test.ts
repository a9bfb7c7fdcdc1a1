/**
 * The stamp buckets behind X-Total-Count (src/store/stamp-counts.ts).
 *
 * 1. The counting plan: for any stamps (crowded at 10 ms, second, hour and day edges, where
 *    mistakes hide) and any range, adding up the plan's rows and buckets gives the number of
 *    matching stamps. Computed in memory, independently of the stores.
 * 2. The stores keep the buckets: after any sequence of writes through the Store (new and
 *    re-sent customers, changed and unchanged, consent events before and after their
 *    customer, leads new and changed), the buckets equal a recount of the tables, and list
 *    totals for ranges around the stored stamps equal the counted matches. Both stores.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { planAtLeast, STAMP_LEVELS, type AtLeastPlan } from '../src/store/stamp-counts.js';
import type { Store } from '../src/store/store.js';
import { STORES, type StoreFixture } from './support/stores.js';

const DAY = 86_400_000_000;
const HOUR = 3_600_000_000;
const BASE = Date.UTC(2026, 10, 20) * 1000; // µs, midnight UTC

const stampArb = fc
  .oneof(
    fc.integer({ min: 0, max: 3 * DAY - 1 }),
    fc.tuple(fc.integer({ min: 0, max: 71 }), fc.integer({ min: -3, max: 3 })).map(([h, d]) => Math.max(0, h * HOUR + d)),
    fc.tuple(fc.integer({ min: 0, max: 3 * 3600 }), fc.integer({ min: -2, max: 2 })).map(([s, d]) => Math.max(0, s * 1_000_000 + d)),
    // 10 ms slots of three seconds, the first and last slots of a second often.
    fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom(0, 1, 98, 99)), fc.integer({ min: -2, max: 2 }))
      .map(([second, slot, d]) => Math.max(0, 7_200_000_000 + second * 1_000_000 + slot * 10_000 + d)),
  )
  .map((offset) => BASE + offset);

/** Evaluates a plan over stamps in memory: exact rows plus bucket sums, as a store would. */
function evaluateInMemory(stamps: number[], plan: AtLeastPlan): number {
  const rows = stamps.filter((s) => s >= plan.rowsFrom && s < plan.rowsBefore).length;
  const buckets = plan.buckets.map(({ level, after, before }) => {
    const width = STAMP_LEVELS.find((l) => l.level === level)!.width;
    return stamps.filter((s) => Math.floor(s / width) > after && (before === undefined || Math.floor(s / width) < before)).length;
  });
  return rows + buckets.reduce((a, b) => a + b, 0);
}

describe('stamp-count plan (in memory)', () => {
  it('rows of the first slot plus the buckets after it count exactly the stamps >= from', () => {
    fc.assert(
      fc.property(fc.array(stampArb, { maxLength: 80 }), stampArb, (stamps, from) => {
        assert.equal(evaluateInMemory(stamps, planAtLeast(from)), stamps.filter((s) => s >= from).length);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Reads the bucket table and a recount of it, with the fixture's own driver. */
interface Recount {
  buckets(): Promise<string[]>;
  recount(): Promise<string[]>;
  stamps(table: string, tenant: string): Promise<number[]>;
  close(): Promise<void>;
}

const RECOUNT = (table: string) =>
  STAMP_LEVELS.map(
    ({ level, width }) =>
      `SELECT tenant, '${table}' AS tbl, ${level} AS level, stamp / ${width} AS bucket, count(*) AS n FROM ${table} GROUP BY tenant, stamp / ${width}`,
  ).join(' UNION ALL ');
const ALL_RECOUNT = `SELECT * FROM (${RECOUNT('customers')} UNION ALL ${RECOUNT('leads')}) AS r`;
const line = (r: { tenant: string; tbl: string; level: unknown; bucket: unknown; n: unknown }) => `${r.tenant}/${r.tbl}/${r.level}/${r.bucket}=${r.n}`;

async function recounter(kind: string, fixture: StoreFixture): Promise<Recount> {
  if (kind === 'sqlite') {
    const db = new Database(fixture.location, { readonly: true });
    const all = (sql: string) => (db.prepare(sql).all() as Parameters<typeof line>[0][]).map(line).sort();
    return {
      buckets: async () => all('SELECT * FROM stamp_counts WHERE n <> 0'),
      recount: async () => all(ALL_RECOUNT),
      stamps: async (table, tenant) => db.prepare(`SELECT stamp FROM ${table} WHERE tenant = ?`).pluck().all(tenant) as number[],
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: fixture.location });
  await client.connect();
  const all = async (sql: string) => (await client.query(sql)).rows.map(line).sort();
  return {
    buckets: () => all('SELECT * FROM stamp_counts WHERE n <> 0'),
    recount: () => all(ALL_RECOUNT),
    stamps: async (table, tenant) => (await client.query(`SELECT stamp FROM ${table} WHERE tenant = $1`, [tenant])).rows.map((r) => Number(r.stamp)),
    close: () => client.end(),
  };
}

/** One write through the Store; customers and leads are drawn from small pools so re-sends happen. */
const writeArb = fc.oneof(
  fc.record({ kind: fc.constant('customers' as const), items: fc.array(fc.tuple(fc.nat({ max: 12 }), fc.nat({ max: 2 })), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('consent' as const), who: fc.nat({ max: 15 }), optIn: fc.boolean(), minute: fc.nat({ max: 59 }) }),
  fc.record({ kind: fc.constant('leads' as const), items: fc.array(fc.tuple(fc.nat({ max: 8 }), fc.nat({ max: 2 })), { minLength: 1, maxLength: 4 }) }),
);

async function apply(store: Store, tenant: string, write: Record<string, any>): Promise<void> {
  if (write.kind === 'customers') {
    await store.upsertCustomers(
      tenant,
      write.items.map(([n, v]: [number, number]) => ({ id: `c${n}`, identifier: { type: 'email', value: `c${n}@example.com` }, name: `C ${n} v${v}` })),
    );
  } else if (write.kind === 'consent') {
    // Customers c13..c15 never exist: their consent waits (and must not touch the buckets).
    await store.publishEvents(tenant, [
      {
        id: `e${write.who}-${write.optIn}-${write.minute}`,
        eventType: write.optIn ? 'customer.opted_in' : 'customer.opted_out',
        occurredAt: `2026-06-01T10:${String(write.minute).padStart(2, '0')}:00Z`,
        customerId: `c${write.who}`,
      },
    ]);
  } else {
    await store.upsertLeads(
      tenant,
      write.items.map(([n, v]: [number, number]) => ({ id: `l${n}`, source: `s${v}` })),
    );
  }
}

for (const kind of STORES) {
  describe(`stamp buckets kept by the store's writes (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: Store;
    let recount: Recount;
    let round = 0;
    before(async () => {
      fixture = await kind.create();
      store = await fixture.open();
      recount = await recounter(kind.name, fixture);
    });
    after(async () => {
      await recount.close();
      await store.close();
      await fixture.destroy();
    });

    it('buckets equal a recount after any writes, and list totals equal counted matches', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(writeArb, { minLength: 1, maxLength: 12 }),
          fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -1, max: 1 })), { maxLength: 4 }),
          async (writes, picks) => {
            const tenant = `t${(round += 1)}`;
            for (const write of writes) await apply(store, tenant, write);
            assert.deepEqual(await recount.buckets(), await recount.recount());
            for (const table of ['customers', 'leads'] as const) {
              const stamps = (await recount.stamps(table, tenant)).sort((a, b) => a - b);
              // Ranges that start and end on stored stamps, just before or just after them.
              const ranges: { from?: number; to?: number }[] = [{}];
              for (const [i, j, nudge] of picks) {
                if (stamps.length === 0) break;
                const a = stamps[i % stamps.length] + nudge;
                const b = stamps[j % stamps.length] - nudge;
                ranges.push({ from: Math.min(a, b) }, { to: Math.max(a, b) }, { from: Math.min(a, b), to: Math.max(a, b) });
              }
              for (const range of ranges) {
                const expected = stamps.filter((s) => (range.from === undefined || s >= range.from) && (range.to === undefined || s <= range.to)).length;
                const page = { limit: 1, offset: 0 };
                const result =
                  table === 'customers' ? await store.listCustomers(tenant, { updated: range }, page) : await store.listLeads(tenant, { updated: range }, page);
                assert.equal(result.total, expected, `${table} ${JSON.stringify(range)} over ${JSON.stringify(stamps)}`);
              }
            }
          },
        ),
        { numRuns: kind.name === 'sqlite' ? 60 : 25 },
      );
    });
  });
}
