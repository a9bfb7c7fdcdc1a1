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
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAuthService } from '../src/auth/auth-service.js';
import { openStore } from '../src/store/open-store.js';
import { batchBody, customerId } from './data.js';
import { measureEvents, measureFilter, measureStartup, run } from './measure.js';
import { startCeilingProcess, startOdc, type RunningOdc } from './server-process.js';

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
  target?: string;
  /** The ceiling's figure measured in the same run, and odc's ratio to it. */
  ceiling?: number;
  ratio?: number;
}
const rows: Row[] = [];
const round = (n: number) => Math.round(n * 100) / 100;
const record = (store: string, figure: string, value: number, unit: string, extra: { target?: string; ceiling?: number } = {}) => {
  const ratio = extra.ceiling ? round(value / extra.ceiling) : undefined;
  rows.push({ store, figure, value: round(value), unit, target: extra.target, ceiling: extra.ceiling && round(extra.ceiling), ratio });
  console.log(`  ${store.padEnd(9)} ${figure.padEnd(58)} ${String(round(value)).padStart(11)} ${unit.padEnd(12)} ${(extra.target ?? '').padEnd(28)} ${ratio !== undefined ? `ratio ${ratio}` : ''}`);
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

const seconds = quick ? 3 : 10;

async function filters(kind: string, url: string, auth: string, count: number, updatedFrom: string): Promise<void> {
  const byExternal = await measureFilter(url, auth, count, 'externalId', seconds);
  const byUpdated = await measureFilter(url, auth, count, 'updatedFrom', seconds, updatedFrom);
  record(kind, `GET /customers?externalId= at ${count} p99`, byExternal.latency.p99, 'ms', { target: '< 10 ms' });
  record(kind, `GET /customers?updatedFrom=&pageSize=100 at ${count} p99`, byUpdated.latency.p99, 'ms', { target: '< 10 ms' });
}

async function benchStore(kind: string): Promise<void> {
  const db = await prepareDatabase(kind);
  const secretKey = randomBytes(32);
  const env = { ODC_SECRET_KEY: secretKey.toString('base64') };
  const args = kind === 'sqlite' ? [] : ['--pool-size', '10'];
  let server: RunningOdc | undefined;
  let ceiling: RunningOdc | undefined;
  const ceilingDir = mkdtempSync(join(tmpdir(), 'odc-ceiling-'));
  try {
    const creds = await credentials(db.location, secretKey);
    server = await startOdc(db.location, env, args);
    const auth = `Bearer ${await token(server.url, creds)}`;

    // Filters at 10,000 customers, before the store grows (their p99 is compared at 1M).
    const small = 10_000;
    await ingest(server.url, auth, 0, small / BATCH, 4);
    const midpoint = new Date(Date.now() - 1000).toISOString();
    await filters(kind, server.url, auth, small, midpoint);

    // Ingest, odc and (SQLite) the ceiling alternately on the same bodies.
    const ingestBatches = quick ? 5 : 60;
    const odcIngest = await ingest(server.url, auth, small, ingestBatches, 4, true);
    if (kind === 'sqlite') {
      ceiling = await startCeilingProcess(join(ceilingDir, 'ceiling.db'));
      await ingest(ceiling.url, '', 0, small / BATCH, 4);
      const ceilingIngest = await ingest(ceiling.url, '', small, ingestBatches, 4, true);
      record('ceiling', 'POST /customers, 1000-item batches (new)', ceilingIngest, 'customers/s');
      record(kind, 'POST /customers, 1000-item batches (new)', odcIngest, 'customers/s', { target: kind === 'sqlite' ? '>= 0.6 ceiling' : '>= 25,000/s', ceiling: ceilingIngest });
    } else record(kind, 'POST /customers, 1000-item batches (new)', odcIngest, 'customers/s', { target: '>= 25,000/s' });

    const loaded = small + ingestBatches * BATCH;
    const remaining = Math.max(0, Math.ceil((stored - loaded) / BATCH));
    if (remaining > 0) record(kind, `bulk load to ${stored} customers`, await ingest(server.url, auth, loaded, remaining, 4), 'customers/s');
    record(kind, `peak RSS after ingesting ${stored}`, server.rss() / 1024 / 1024, 'MB', { target: '< 300 MB' });
    if (ceiling && remaining > 0) await ingest(ceiling.url, '', loaded, remaining, 4);

    const reads = await measureReads(server.url, auth, stored);
    if (reads.non2xx > 0) throw new Error(`reads: ${reads.non2xx} non-2xx answers`);
    let ceilingReads: number | undefined;
    if (ceiling) {
      const c = await measureReads(ceiling.url, '', stored);
      ceilingReads = c.requests.average;
      record('ceiling', `GET /customers/{id} at ${stored}, 16 conns`, c.requests.average, 'req/s');
    }
    record(kind, `GET /customers/{id} at ${stored}, 16 conns`, reads.requests.average, 'req/s', { target: kind === 'sqlite' ? '>= 15,000/s, >= 0.7 ceiling' : '>= 10,000/s', ceiling: ceilingReads });
    record(kind, 'GET /customers/{id} p50', reads.latency.p50, 'ms');
    record(kind, 'GET /customers/{id} p99', reads.latency.p99, 'ms', { target: '< 5 ms' });

    await filters(kind, server.url, auth, stored, midpoint);

    const events = await measureEvents(server.url, auth, seconds);
    if (events.non2xx > 0) throw new Error(`events: ${events.non2xx} non-2xx answers`);
    record(kind, 'POST /customer/events, 1 per request, 32 conns', events.requests.average, 'events/s', { target: '>= 8,000/s' });

    const startup = await measureStartup(server, db.location, env, args);
    server = startup.server;
    record(kind, `start-up to first answer with ${stored} on disk`, startup.ms, 'ms', { target: '< 1000 ms' });
  } finally {
    await server?.stop();
    await ceiling?.stop();
    rmSync(ceilingDir, { recursive: true, force: true });
    await db.cleanup();
  }
}

/** Prism mocking the committee's document: what a team would otherwise use to fake this API. */
async function benchPrism(): Promise<void> {
  const document = join(import.meta.dirname, '../../shared/reference/committee-customer-2026-06.openapi.yaml');
  if (!existsSync(document)) return console.log('  prism: ../shared/reference absent, skipped');
  const prism = spawn(join(import.meta.dirname, '../node_modules/.bin/prism'), ['mock', '-h', '127.0.0.1', '-p', '4011', document], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      prism.stdout.on('data', (d: Buffer) => /Prism is listening/.test(d.toString()) && resolve());
      prism.once('exit', (code) => reject(new Error(`prism exited ${code}`)));
    });
    const body = JSON.stringify({ items: JSON.parse(batchBody(0, BATCH)) });
    const post = await run({ url: 'http://127.0.0.1:4011', connections: 4, duration: seconds, requests: [{ method: 'POST', path: '/customers', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body }] });
    record('prism', 'POST /customers, 1000-item batches (validates, stores nothing)', post.requests.average * BATCH, 'customers/s');
    const get = await run({ url: 'http://127.0.0.1:4011', connections: 16, duration: seconds, requests: [{ method: 'GET', path: '/customers/c-00000001', headers: { authorization: 'Bearer x' } }] });
    record('prism', `GET /customers/{id}: ${get.non2xx > 0 ? 'not in the document, answers 404' : 'mocked'}`, get.requests.average, 'req/s');
  } finally {
    prism.kill('SIGTERM');
  }
}

console.log(`odc bench${quick ? ' (quick)' : ''}: ${stores.join(' vs ')}, ${stored} stored customers for reads`);
console.log(`  ${'store'.padEnd(9)} ${'figure'.padEnd(58)} ${'value'.padStart(11)} ${'unit'.padEnd(12)} ${'target'.padEnd(28)} ratio to ceiling`);
for (const kind of stores) await benchStore(kind);
if (!flag('--no-prism')) await benchPrism();

const byFigure = (store: string, prefix: string) => rows.find((r) => r.store === store && r.figure.startsWith(prefix))?.value;
const pgIngest = byFigure('postgres', 'POST /customers');
const sqliteIngest = byFigure('sqlite', 'POST /customers');
if (pgIngest && sqliteIngest) console.log(`  ingest ratio postgres/sqlite: ${(pgIngest / sqliteIngest).toFixed(2)}`);

writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), quick, stored, rows }, null, 2)}\n`);
console.log('results written to bench/results.json');
