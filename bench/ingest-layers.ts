/**
 * Where a POS batch's time goes, layer by layer, in one process and one run (no HTTP, no load
 * generator sharing the cores): the same 1000-customer POS batches (data.ts, no `id`) written
 *
 * 1. **ceiling table**: as the bench's SQLite ceiling stores them, one row per customer keyed
 *    by its identifier in one table;
 * 2. **odc's rows**: the rows odc's plan writes for a new customer (the document in
 *    `customers`, its identity, its external id, with odc's indexes: migrations of
 *    src/store/sqlite), by prepared statements, nothing decided: what the data model costs;
 * 3. **odc's store**: `SqliteStore.upsertCustomers`, i.e. the look-ups, the rules of
 *    docs/contract.md §5 (identity, merge, consent, stamps) and the same writes;
 *
 * each in 1000-customer transactions with `synchronous = FULL`, `rounds` times, interleaved.
 * The HTTP layer (parse, validate, auth) is the difference between (3) and `npm run bench`'s
 * per-CPU-second figure.
 *
 *   npx tsx bench/ingest-layers.ts [--batches 100] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { migrateSqlite } from '../src/store/sqlite/sqlite-migrations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { timeOrderedId } from '../src/domain/time-ordered-id.js';
import { ceilingKey } from './ceiling.js';
import { posBatchBody } from './data.js';

const { values } = parseArgs({ options: { batches: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } } });
const batches = Number(values.batches);
const rounds = Number(values.rounds);
type Item = { identifier: { type: string; value: string }; externalIds: { source: string; key: string; value: string }[] };

function openDb(dir: string, name: string): Database.Database {
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

/** Microseconds of CPU (user + system) per customer for `write`, over every batch. */
async function cpuPerCustomer(bodies: string[], write: (items: Item[]) => unknown): Promise<number> {
  const started = process.cpuUsage();
  for (const body of bodies) await write(JSON.parse(body) as Item[]);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / (bodies.length * 1000);
}

const layers: Record<string, number[]> = { 'ceiling table': [], "odc's rows": [], "odc's store": [] };
for (let round = 0; round < rounds; round += 1) {
  const dir = mkdtempSync(join(tmpdir(), 'odc-layers-'));
  try {
    const bodies = Array.from({ length: batches }, (_, i) => posBatchBody(round * batches * 1000 + i * 1000, 1000));

    const ceiling = openDb(dir, 'ceiling.db');
    ceiling.exec('CREATE TABLE customers (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID');
    const upsert = ceiling.prepare('INSERT INTO customers (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data');
    const ceilingBatch = ceiling.transaction((items: Item[]) => {
      for (const item of items) upsert.run(ceilingKey(item), JSON.stringify(item));
    });
    layers['ceiling table'].push(await cpuPerCustomer(bodies, ceilingBatch));
    ceiling.close();

    const rows = openDb(dir, 'rows.db');
    migrateSqlite(rows);
    const putCustomer = rows.prepare('INSERT INTO customers (tenant, id, data, created_at, stamp, consent) VALUES (?, ?, ?, ?, ?, NULL)');
    const addIdentity = rows.prepare('INSERT OR IGNORE INTO customer_identities (tenant, type, value, customer_id) VALUES (?, ?, ?, ?)');
    const addExternal = rows.prepare('INSERT OR IGNORE INTO customer_external_ids (tenant, source, key, value, customer_id) VALUES (?, ?, ?, ?, ?)');
    let stamp = 0;
    const rowsBatch = rows.transaction((items: Item[]) => {
      for (const item of items) {
        const id = timeOrderedId();
        stamp += 1;
        putCustomer.run('m', id, JSON.stringify(item), new Date().toISOString(), stamp);
        addIdentity.run('m', item.identifier.type, item.identifier.value, id);
        for (const e of item.externalIds) addExternal.run('m', e.source, e.key, e.value, id);
      }
    });
    layers["odc's rows"].push(await cpuPerCustomer(bodies, rowsBatch));
    rows.close();

    const store = new SqliteStore({ filename: join(dir, 'store.db') });
    layers["odc's store"].push(await cpuPerCustomer(bodies, (items) => store.upsertCustomers('m', items as never)));
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(layers['ceiling table']);
console.log(`POS batches of 1000 new customers, ${batches} batches, ${rounds} rounds: CPU per customer (median, min-max)`);
for (const [name, xs] of Object.entries(layers)) {
  const m = median(xs);
  console.log(
    `  ${name.padEnd(14)} ${m.toFixed(1).padStart(6)} us  (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})  x${(m / base).toFixed(2)} the ceiling table`,
  );
}
