/**
 * `npm run bench`: odc's throughput and latency on this machine, for SQLite and PostgreSQL,
 * beside the ceiling (bench/ceiling.ts: the least a server can do for the same requests) and
 * Stoplight Prism mocking the committee's document. One table, also written to
 * bench/results.json (or `--out FILE`).
 *
 * Every timed figure is measured in `--rounds` rounds (default 3); within a round odc and the
 * ceiling run one after the other on the same bodies, so each round's ratio holds on a noisy
 * machine. The table shows the median with the spread.
 *
 *   --quick            a small version for CI: proves the bench runs; its figures mean nothing
 *   --customers N      stored customers for the read and filter figures (default 1,000,000)
 *   --stores LIST      sqlite,postgres (default both)
 *   --no-prism         skip Prism
 *   --profile DIR      run odc under --cpu-prof, profiles in DIR (bench/profile-summary.ts reads them)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { batchBody, mixedBatchBody } from './data.js';
import { credentials, prepareDatabase, token } from './setup.js';
import { measureEvents, measureFilter, measureReads, measureStartup, postBatches } from './measure.js';
import { benchPrism } from './prism.js';
import { odcNodeFlags, startCeilingProcess, startOdc, type RunningOdc } from './server-process.js';
import { ResultTable } from './table.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const quick = flag('--quick');
const stores = option('--stores', 'sqlite,postgres').split(',');
const stored = Number(option('--customers', quick ? '5000' : '1000000'));
const rounds = Number(option('--rounds', '3'));
const seconds = quick ? 1 : 10;
const out = resolve(option('--out', join(import.meta.dirname, 'results.json')));
const BATCH = 1000;
const SMALL = quick ? 2000 : 10_000;
if (flag('--profile')) odcNodeFlags.push('--cpu-prof', '--cpu-prof-dir', resolve(option('--profile', 'profiles')));

const table = new ResultTable();
const times = <T>(n: number, f: (i: number) => Promise<T>) =>
  Array.from({ length: n }, (_, i) => i).reduce<Promise<T[]>>(async (acc, i) => [...(await acc), await f(i)], Promise.resolve([]));

async function benchStore(kind: string): Promise<void> {
  const db = await prepareDatabase(kind);
  const secretKey = randomBytes(32);
  const env = { ODC_SECRET_KEY: secretKey.toString('base64') };
  const serveArgs = kind === 'sqlite' ? [] : ['--pool-size', '10'];
  const ceilingDir = mkdtempSync(join(tmpdir(), 'odc-ceiling-'));
  let server: RunningOdc | undefined;
  let ceiling: RunningOdc | undefined;
  try {
    const creds = await credentials(db.location, secretKey);
    server = await startOdc(db.location, env, serveArgs);
    if (kind === 'sqlite') ceiling = await startCeilingProcess(join(ceilingDir, 'ceiling.db'));
    const auth = `Bearer ${await token(server.url, creds)}`;
    const targets = [{ url: server.url, auth }, ...(ceiling ? [{ url: ceiling.url, auth: '' }] : [])];
    const load = async (from: number, to: number) => {
      const bodies = Array.from(
        { length: Math.ceil((to - from) / BATCH) },
        (_, i) => () => batchBody(from + i * BATCH, Math.min(BATCH, to - from - i * BATCH)),
      );
      for (const t of targets) await postBatches(t.url, t.auth, bodies, 4);
    };

    // Filters at SMALL customers, before the store grows: their p99 is compared at `stored`.
    await load(0, SMALL);
    const updatedFrom = new Date(Date.now() - 1000).toISOString();
    const small = await times(rounds, async () => ({
      external: (await measureFilter(server!.url, auth, SMALL, 'externalId', seconds)).latency.p99,
      updated: (await measureFilter(server!.url, auth, SMALL, 'updatedFrom', seconds, updatedFrom)).latency.p99,
    }));

    // Ingest: mixed batches (half new, half re-sent), odc then the ceiling on the same bodies.
    const batchesPerRound = quick ? 4 : 40;
    let sent = SMALL;
    const ingest = await times(rounds, async (r) => {
      const bodies = Array.from({ length: batchesPerRound }, (_, i) => mixedBatchBody(sent + i * (BATCH / 2), BATCH, sent, r * 1000 + i));
      sent += batchesPerRound * (BATCH / 2);
      return times(
        targets.length,
        async (t) =>
          (batchesPerRound * BATCH) /
          (await postBatches(
            targets[t].url,
            targets[t].auth,
            bodies.map((b) => () => b),
            4,
          )),
      );
    });
    table.record(
      kind,
      'POST /customers, 1000-item batches (half re-sent)',
      ingest.map((r) => r[0]),
      'customers/s',
      {
        target: kind === 'sqlite' ? '>= 0.6 ceiling' : '>= 25,000/s',
        ceiling: ceiling && ingest.map((r) => r[1]),
      },
    );
    if (ceiling)
      table.record(
        'ceiling',
        'POST /customers, 1000-item batches (half re-sent)',
        ingest.map((r) => r[1]),
        'customers/s',
      );

    // Bulk load to `stored` (new customers only), then peak memory of all the ingest.
    if (stored > sent) {
      const bodies = Array.from(
        { length: Math.ceil((stored - sent) / BATCH) },
        (_, i) => () => batchBody(sent + i * BATCH, Math.min(BATCH, stored - sent - i * BATCH)),
      );
      table.record(kind, `bulk load ${sent} → ${stored} (new customers)`, [(stored - sent) / (await postBatches(server.url, auth, bodies, 4))], 'customers/s');
      if (ceiling) await postBatches(ceiling.url, '', bodies, 4);
    }
    table.record(kind, `peak RSS, whole ingest to ${stored}`, [server.rss() / 1024 / 1024], 'MB', { target: '< 300 MB' });

    // One after the other, never at once: each would steal the other's cores.
    const reads = await times(rounds, () => times(targets.length, (i) => measureReads(targets[i].url, targets[i].auth, stored, seconds)));
    for (const r of reads) if (r[0].non2xx > 0) throw new Error(`reads: ${r[0].non2xx} non-2xx answers`);
    table.record(
      kind,
      `GET /customers/{id} at ${stored}, 16 conns`,
      reads.map((r) => r[0].requests.average),
      'req/s',
      {
        target: kind === 'sqlite' ? '>= 15,000/s, >= 0.7 ceiling' : '>= 10,000/s',
        ceiling: ceiling && reads.map((r) => r[1].requests.average),
      },
    );
    if (ceiling)
      table.record(
        'ceiling',
        `GET /customers/{id} at ${stored}, 16 conns`,
        reads.map((r) => r[1].requests.average),
        'req/s',
      );
    table.record(
      kind,
      'GET /customers/{id} p99',
      reads.map((r) => r[0].latency.p99),
      'ms',
      { target: '< 5 ms' },
    );

    const large = await times(rounds, async () => ({
      external: (await measureFilter(server!.url, auth, stored, 'externalId', seconds)).latency.p99,
      updated: (await measureFilter(server!.url, auth, stored, 'updatedFrom', seconds, updatedFrom)).latency.p99,
    }));
    for (const key of ['external', 'updated'] as const) {
      const name = key === 'external' ? 'GET /customers?externalId=' : 'GET /customers?updatedFrom=&pageSize=100';
      table.record(
        kind,
        `${name} at ${SMALL} p99`,
        small.map((s) => s[key]),
        'ms',
        { target: '< 10 ms' },
      );
      table.record(
        kind,
        `${name} at ${stored} p99`,
        large.map((s) => s[key]),
        'ms',
        { target: '< 10 ms' },
      );
      table.record(
        kind,
        `${name} p99 growth ${SMALL} → ${stored}`,
        large.map((s, i) => s[key] / Math.max(1, small[i][key])),
        'x',
        { target: '<= 1.5x' },
      );
    }

    const events = await times(rounds, () => measureEvents(server!.url, auth, seconds));
    for (const e of events) if (e.non2xx > 0) throw new Error(`events: ${e.non2xx} non-2xx answers`);
    table.record(
      kind,
      'POST /customer/events, 1 per request, 32 conns',
      events.map((e) => e.requests.average),
      'events/s',
      { target: '>= 8,000/s' },
    );

    const startups = await times(rounds, async () => {
      const measured = await measureStartup(server!, db.location, env, serveArgs);
      server = measured.server;
      return measured.ms;
    });
    table.record(kind, `start-up to first answer, ${stored} on disk`, startups, 'ms', { target: '< 1000 ms' });
  } finally {
    await server?.stop();
    await ceiling?.stop();
    rmSync(ceilingDir, { recursive: true, force: true });
    await db.cleanup();
  }
}

table.header(
  `odc bench${quick ? ' (quick: the figures mean nothing)' : ''}: ${stores.join(', ')}; ${stored} stored customers; median of ${rounds} rounds (min–max)`,
);
for (const kind of stores) await benchStore(kind);
if (!flag('--no-prism')) await benchPrism(table, { rounds, seconds, batch: BATCH });

const pgIngest = table.find('postgres', 'POST /customers');
const sqliteIngest = table.find('sqlite', 'POST /customers');
if (pgIngest && sqliteIngest) console.log(`  ingest, postgres/sqlite: ${(pgIngest.median / sqliteIngest.median).toFixed(2)}`);
const prismPost = table.find('prism', 'POST /customers');
if (prismPost && sqliteIngest)
  console.log(`  ingest, odc (sqlite, validates and persists) / prism (validates, stores nothing): ${(sqliteIngest.median / prismPost.median).toFixed(2)}`);
table.write(out, { quick, stored, rounds, machine: { cpus: (await import('node:os')).cpus().length, node: process.version } });
console.log(`results written to ${out}`);
