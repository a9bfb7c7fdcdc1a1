/**
 * `npm run bench`: odc's throughput and latency on this machine, SQLite and PostgreSQL
 * measured side by side in one run, printed as one table and written to bench/results.json.
 *
 *   ingest   POST /customers, 1000-item batches of new customers, 4 connections
 *   read     GET /customers/{id} at N stored customers (1,000,000 by default), 16 connections
 *
 * `--quick` runs a small version (no figures worth quoting; it proves the bench runs).
 * `--customers N` sets the stored count for the read figure; `--stores sqlite,postgres`.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAuthService } from '../src/auth/auth-service.js';
import { openStore } from '../src/store/open-store.js';
import { batchBody, customerId } from './data.js';
import { startOdc, type RunningOdc } from './server-process.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const quick = flag('--quick');
const stores = option('--stores', 'sqlite,postgres').split(',');
const stored = Number(option('--customers', quick ? '20000' : '1000000'));
const BATCH = 1000;
const PG_ADMIN = process.env.ODC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Row {
  store: string;
  figure: string;
  value: number;
  unit: string;
}
const rows: Row[] = [];
const record = (store: string, figure: string, value: number, unit: string) => {
  rows.push({ store, figure, value: Math.round(value * 100) / 100, unit });
  console.log(`  ${store.padEnd(9)} ${figure.padEnd(44)} ${String(Math.round(value * 100) / 100).padStart(12)} ${unit}`);
};

async function prepareDatabase(kind: string): Promise<{ location: string; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'odc-bench-'));
    return { location: join(dir, 'odc.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `odc_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A client made directly in the database, and a token for it from the running server. */
async function credentials(location: string, secretKey: Buffer): Promise<{ clientId: string; clientSecret: string }> {
  const store = await openStore({ database: location });
  try {
    const auth = await createAuthService(store, { keyFile: '', secretKey });
    const issued = await auth.clients.add({ name: 'bench', model: 'merchant', merchants: ['bench'], scopes: ['od.crm'] });
    return { clientId: issued.clientId, clientSecret: issued.clientSecret };
  } finally {
    await store.close();
  }
}

async function token(url: string, creds: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Posts `batches` batches of new customers from `start`, `connections` at a time, timed with
 * the monotonic clock; returns customers per second. With `prepared`, every body is made
 * before the clock starts, so the figure is the server's and not the generator's.
 */
async function ingest(url: string, auth: string, start: number, batches: number, connections: number, prepared = false): Promise<number> {
  const bodies = prepared ? Array.from({ length: batches }, (_, i) => batchBody(start + i * BATCH, BATCH)) : [];
  let next = 0;
  const began = process.hrtime.bigint();
  const worker = async () => {
    while (next < batches) {
      const n = next++;
      const body = prepared ? bodies[n] : batchBody(start + n * BATCH, BATCH);
      const res = await fetch(`${url}/customers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return (batches * BATCH) / seconds;
}

async function measureReads(url: string, auth: string, count: number): Promise<autocannon.Result> {
  return run({
    url,
    connections: 16,
    duration: quick ? 3 : 10,
    requests: [{ method: 'GET', headers: { authorization: auth }, setupRequest: (req) => ({ ...req, path: `/customers/${customerId(Math.floor(Math.random() * count))}` }) }],
  });
}

async function benchStore(kind: string): Promise<void> {
  const db = await prepareDatabase(kind);
  const secretKey = randomBytes(32);
  let server: RunningOdc | undefined;
  try {
    const creds = await credentials(db.location, secretKey);
    server = await startOdc(db.location, { ODC_SECRET_KEY: secretKey.toString('base64') }, kind === 'sqlite' ? [] : ['--pool-size', '10']);
    const auth = `Bearer ${await token(server.url, creds)}`;

    const ingestBatches = quick ? 5 : 60;
    record(kind, 'POST /customers, 1000-item batches (new)', await ingest(server.url, auth, 0, ingestBatches, 4, true), 'customers/s');

    const loaded = ingestBatches * BATCH;
    const remaining = Math.max(0, Math.ceil((stored - loaded) / BATCH));
    const loadRate = remaining > 0 ? await ingest(server.url, auth, loaded, remaining, 4) : 0;
    if (remaining > 0) record(kind, `bulk load to ${stored} customers`, loadRate, 'customers/s');

    const reads = await measureReads(server.url, auth, stored);
    if (reads.non2xx > 0) throw new Error(`reads: ${reads.non2xx} non-2xx answers`);
    record(kind, `GET /customers/{id} at ${stored}, 16 conns`, reads.requests.average, 'req/s');
    record(kind, `GET /customers/{id} p50`, reads.latency.p50, 'ms');
    record(kind, `GET /customers/{id} p99`, reads.latency.p99, 'ms');
  } finally {
    await server?.stop();
    await db.cleanup();
  }
}

console.log(`odc bench${quick ? ' (quick)' : ''}: ${stores.join(' vs ')}, ${stored} stored customers for reads`);
for (const kind of stores) await benchStore(kind);

const byFigure = (store: string, prefix: string) => rows.find((r) => r.store === store && r.figure.startsWith(prefix))?.value;
const pgIngest = byFigure('postgres', 'POST /customers');
const sqliteIngest = byFigure('sqlite', 'POST /customers');
if (pgIngest && sqliteIngest) console.log(`  ingest ratio postgres/sqlite: ${(pgIngest / sqliteIngest).toFixed(2)}`);

writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), quick, stored, rows }, null, 2)}\n`);
console.log('results written to bench/results.json');
