/**
 * `npm run bench`: odc's throughput and latency on this machine, for SQLite and PostgreSQL,
 * beside a ceiling per store (bench/ceiling.ts, bench/pg-ceiling.ts: the least a server can do
 * for the same requests) and Stoplight Prism mocking the committee's document. One table, also
 * written to bench/results.json (or `--out FILE`).
 *
 * odc runs as `odc serve` with its defaults (log level `warn`, `--sync full`, pool of 10), except
 * `--rate-limit 0`: the default limit of 100 requests/s per client would cap a one-client bench.
 * A flags table (`--skip flags` leaves it out) measures what that and the other flags change.
 *
 * The main ingest row grows the store from empty to `--customers` with POS batches (no `id`),
 * timed per tenth, odc then the ceiling on each tenth. Other figures are measured in `--rounds`
 * rounds (default 3), odc and the ceiling one after the other within a round; the table shows
 * the median with the spread, and the median of the per-round ratios.
 *
 *   --quick            a small version for CI: proves the bench runs; its figures mean nothing
 *   --customers N      customers the store grows to (default 1,000,000)
 *   --stores LIST      sqlite,postgres (default both)
 *   --rounds N         rounds of each figure but the growth (default 3; 1 with --quick)
 *   --merchants N      merchants pushing at once in the many-merchant row (default 100)
 *   --skip LIST        leave out parts: filters, mixed, ids, events, merchants, flags, startup
 *   --no-prism         skip Prism
 *   --out FILE         where the JSON goes (default bench/results.json)
 *   --profile DIR      run odc under --cpu-prof, profiles in DIR (bench/profile-summary.ts reads them)
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { batchBody, identifierKey, mixedBatchBody } from './data.js';
import { growStore, type Target } from './ingest.js';
import { learnIds, measureEvents, measureFilter, measureReads, measureStartup, pick, postBatches } from './measure.js';
import { pushFromMerchants } from './merchants.js';
import { benchPrism } from './prism.js';
import { measureFlags } from './serve-flags.js';
import { odcNodeFlags, startCeilingProcess, startOdc, type RunningOdc } from './server-process.js';
import { merchantCredentials, prepareDatabase, token } from './setup.js';
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
const rounds = Number(option('--rounds', quick ? '1' : '3'));
const merchants = Number(option('--merchants', quick ? '10' : '100'));
const skip = new Set(option('--skip', '').split(','));
const seconds = quick ? 1 : 10;
const out = resolve(option('--out', join(import.meta.dirname, 'results.json')));
const BATCH = 1000;
const SEGMENTS = 10;
const SMALL = Math.min(quick ? 2000 : 10_000, Math.floor(stored / 2));
if (flag('--profile')) odcNodeFlags.push('--cpu-prof', '--cpu-prof-dir', resolve(option('--profile', 'profiles')));

const table = new ResultTable();
const times = <T>(n: number, f: (i: number) => Promise<T>) =>
  Array.from({ length: n }, (_, i) => i).reduce<Promise<T[]>>(async (acc, i) => [...(await acc), await f(i)], Promise.resolve([]));
const mb = (bytes: number) => bytes / 1024 / 1024;
const count = (n: number) => n.toLocaleString('en-US');

async function benchStore(kind: 'sqlite' | 'postgres'): Promise<void> {
  const db = await prepareDatabase(kind);
  const ceilingDb = await prepareDatabase(kind);
  const secretKey = randomBytes(32);
  const env = { ODC_SECRET_KEY: secretKey.toString('base64') };
  let server: RunningOdc | undefined;
  let second: RunningOdc | undefined;
  let ceiling: RunningOdc | undefined;
  try {
    const merchantIds = ['bench', ...Array.from({ length: skip.has('merchants') ? 0 : merchants }, (_, i) => `m-${String(i).padStart(3, '0')}`)];
    const creds = await merchantCredentials(db.location, secretKey, merchantIds);
    server = await startOdc(db.location, env);
    ceiling = await startCeilingProcess(kind, ceilingDb.location);
    const authFor = async (url: string, i = 0) => `Bearer ${await token(url, creds[i])}`;
    const auth = await authFor(server.url);
    const first = server;
    const odc: Target = { url: server.url, auth, cpu: () => first.cpu() };
    const top: Target = { url: ceiling.url, auth: '', cpu: () => ceiling!.cpu() };
    /** Runs `work` (which answers how many units it did) and counts the CPU seconds `target`'s server spent. */
    const perCpu = async (target: Target, work: () => Promise<number>) => {
      const before = target.cpu?.() ?? 0;
      const units = await work();
      return units / Math.max(0.01, (target.cpu?.() ?? 0) - before);
    };
    const filterP99 = async (size: number) => ({
      external: (await measureFilter(server!.url, auth, size, 'externalId', seconds)).latency.p99,
      updated: (await measureFilter(server!.url, auth, size, 'updatedFrom', seconds, updatedFrom)).latency.p99,
    });
    let updatedFrom = '';
    let small: Array<{ external: number; updated: number }> = [];

    // 1. The store grows to `stored` with POS batches; the filters are measured at SMALL on the way.
    const growth = await growStore([odc, top], {
      stored,
      segments: SEGMENTS,
      batch: BATCH,
      inFlight: 4,
      progress: (at, r) => console.log(`    ${kind} at ${count(at)}: ${r.map((x) => Math.round(x)).join(' / ceiling ')} customers/s`),
      pause: skip.has('filters')
        ? undefined
        : {
            at: SMALL,
            run: async () => {
              updatedFrom = new Date(Date.now() - 1000).toISOString();
              small = await times(rounds, () => filterP99(SMALL));
            },
          },
    });
    const [rates, ceilingRates] = growth.rates;
    const growthName = `POST /customers, POS batches (no id), per ${count(growth.segment)} to ${count(stored)}`;
    table.record(kind, growthName, rates, 'customers/s', { target: kind === 'sqlite' ? '>= 0.6 ceiling' : '>= 0.6 pg ceiling', ceiling: ceilingRates });
    table.record('ceiling', growthName, ceilingRates, 'customers/s');
    const [cpuRates, ceilingCpuRates] = growth.cpuRates;
    table.record(kind, `${growthName}, per server CPU-second`, cpuRates, 'customers/cpu-s', { ceiling: ceilingCpuRates });
    table.record('ceiling', `${growthName}, per server CPU-second`, ceilingCpuRates, 'customers/cpu-s');
    console.log(`    ${kind} per ${count(growth.segment)}: ${rates.map((r) => Math.round(r)).join(', ')}`);
    console.log(`    ceiling per ${count(growth.segment)}: ${ceilingRates.map((r) => Math.round(r)).join(', ')}`);
    table.record(kind, `ingest rate, last / first ${count(growth.segment)}`, [rates[rates.length - 1] / rates[0]], 'x', {
      target: '>= 0.8',
      ceiling: [ceilingRates[ceilingRates.length - 1] / ceilingRates[0]],
    });
    table.record(kind, `peak RSS, whole ingest to ${count(stored)}`, [mb(server.rss())], 'MB', { target: '< 300 MB' });
    let next = stored;

    // 2. The ids the server made, learned by a list walk (writes answer without a body, §1.4).
    const walkBegan = process.hrtime.bigint();
    const ids = await learnIds(server.url, auth);
    if (ids.length !== stored) throw new Error(`the list walk found ${ids.length} customers, ${stored} were sent`);
    table.record(kind, `list walk of ${count(stored)} ids, 500 a page`, [Number(process.hrtime.bigint() - walkBegan) / 1e9], 's');

    // 3. Reads by id at `stored`, odc then the ceiling (by its key) in each round.
    const readCpu: number[][] = [];
    const reads = await times(rounds, async () => {
      const both: Awaited<ReturnType<typeof measureReads>>[] = [];
      const cpu = [
        await perCpu(odc, async () => (both[0] = await measureReads(odc.url, auth, () => pick(ids), seconds)).requests.total),
        await perCpu(
          top,
          async () => (both[1] = await measureReads(top.url, '', () => identifierKey(Math.floor(Math.random() * stored)), seconds)).requests.total,
        ),
      ];
      readCpu.push(cpu);
      return both;
    });
    for (const r of reads) if (r[0].non2xx + r[1].non2xx > 0) throw new Error(`reads: ${r[0].non2xx} + ${r[1].non2xx} non-2xx answers`);
    const readName = `GET /customers/{id} at ${count(stored)}, 16 conns`;
    table.record(
      kind,
      readName,
      reads.map((r) => r[0].requests.average),
      'req/s',
      { target: '>= 0.7 ceiling', ceiling: reads.map((r) => r[1].requests.average) },
    );
    table.record(
      'ceiling',
      readName,
      reads.map((r) => r[1].requests.average),
      'req/s',
    );
    table.record(
      kind,
      `${readName}, per server CPU-second`,
      readCpu.map((c) => c[0]),
      'req/cpu-s',
      { ceiling: readCpu.map((c) => c[1]) },
    );
    table.record(
      kind,
      'GET /customers/{id} p99',
      reads.map((r) => r[0].latency.p99),
      'ms',
      { target: '< 5 ms' },
    );

    // 4. The list filters at `stored` beside the same at SMALL.
    if (!skip.has('filters')) {
      const large = await times(rounds, () => filterP99(stored));
      for (const key of ['external', 'updated'] as const) {
        const name = key === 'external' ? 'GET /customers?externalId=' : 'GET /customers?updatedFrom=&pageSize=100';
        table.record(
          kind,
          `${name} at ${count(SMALL)} p99`,
          small.map((s) => s[key]),
          'ms',
          { target: '< 10 ms' },
        );
        table.record(
          kind,
          `${name} at ${count(stored)} p99`,
          large.map((s) => s[key]),
          'ms',
          { target: '< 10 ms' },
        );
        const growthX = large.map((s, i) => s[key] / Math.max(1, small[i][key]));
        table.record(kind, `${name} p99 growth ${count(SMALL)} → ${count(stored)}`, growthX, 'x', { target: '<= 1.5x' });
      }
    }

    // 5. Other batch shapes, odc then the ceiling on the same bodies in each round.
    const shapes = [
      { key: 'mixed', name: 'POST /customers, POS batches, half new, half re-sent', batches: quick ? 4 : 40, fresh: BATCH / 2, target: '>= 0.5 ceiling' },
      { key: 'ids', name: 'POST /customers, new customers with ids (c-00000001)', batches: quick ? 2 : 20, fresh: BATCH, target: '' },
    ].filter((s) => !skip.has(s.key));
    for (const shape of shapes) {
      const samples = await times(rounds, async (r) => {
        const bodies = Array.from({ length: shape.batches }, (_, i) =>
          shape.key === 'mixed' ? mixedBatchBody(next + i * shape.fresh, BATCH, stored, r * 1000 + i, 'pos') : batchBody(next + i * BATCH, BATCH),
        );
        next += shape.batches * shape.fresh;
        const rate = async (t: Target) => {
          let wall = 0;
          const cpu = await perCpu(t, async () => {
            wall = await postBatches(
              t.url,
              t.auth,
              bodies.map((b) => () => b),
              4,
            );
            return shape.batches * BATCH;
          });
          return [(shape.batches * BATCH) / wall, cpu];
        };
        return [await rate(odc), await rate(top)];
      });
      const name = `${shape.name}, 1000 a batch`;
      table.record(
        kind,
        name,
        samples.map((s) => s[0][0]),
        'customers/s',
        { target: shape.target, ceiling: samples.map((s) => s[1][0]) },
      );
      table.record(
        'ceiling',
        name,
        samples.map((s) => s[1][0]),
        'customers/s',
      );
      table.record(
        kind,
        `${name}, per server CPU-second`,
        samples.map((s) => s[0][1]),
        'customers/cpu-s',
        { ceiling: samples.map((s) => s[1][1]) },
      );
    }

    // 6. Events, one per request.
    if (!skip.has('events')) {
      const eventCpu: number[] = [];
      const events = await times(rounds, async () => {
        let result: Awaited<ReturnType<typeof measureEvents>> | undefined;
        eventCpu.push(await perCpu(odc, async () => (result = await measureEvents(odc.url, auth, seconds, ids)).requests.total));
        return result!;
      });
      table.record(kind, 'POST /customer/events, per server CPU-second', eventCpu, 'events/cpu-s');
      for (const e of events) if (e.non2xx > 0) throw new Error(`events: ${e.non2xx} non-2xx answers`);
      const target = kind === 'sqlite' ? '>= 8,000/s' : '>= 3,000/s';
      table.record(
        kind,
        'POST /customer/events, 1 per request, 32 conns',
        events.map((e) => e.requests.average),
        'events/s',
        { target },
      );
      table.record(
        kind,
        'POST /customer/events p99',
        events.map((e) => e.latency.p99),
        'ms',
      );
    }

    // 7. Many merchants at once (PostgreSQL: two instances on one database) beside one merchant.
    if (!skip.has('merchants')) {
      if (kind === 'postgres') second = await startOdc(db.location, env);
      const instances = second ? [server, second] : [server];
      // One token at a time: POST /oauth/token admits few concurrent requests per address.
      const many = await times(merchants, async (i) => {
        const url = instances[i % instances.length].url;
        return { url, auth: await authFor(url, i + 1) };
      });
      const batches = quick ? 2 : 5;
      const pushes = await times(rounds, async () => {
        const pushed = await pushFromMerchants(odc, many, { batches, batch: 100, inFlight: 4, firstCustomer: next });
        next += pushed.customers;
        return pushed;
      });
      const where = second ? 'two instances, one database' : 'one instance';
      const one = `POST /customers, 1 merchant, 100-item batches, 4 in flight`;
      const all = `POST /customers, ${merchants} merchants at once, 100-item batches (${where})`;
      table.record(
        kind,
        one,
        pushes.map((p) => p.one.rate),
        'customers/s',
      );
      table.record(
        kind,
        `${one}, p99`,
        pushes.map((p) => p.one.p99),
        'ms',
      );
      table.record(
        kind,
        all,
        pushes.map((p) => p.many.rate),
        'customers/s',
        { target: '>= 1 merchant', ceiling: pushes.map((p) => p.one.rate), ratioTo: '1 merchant' },
      );
      table.record(
        kind,
        `${all}, p99`,
        pushes.map((p) => p.many.p99),
        'ms',
      );
      table.record(
        kind,
        `${all}, batches answered 503/429 and sent again`,
        pushes.map((p) => p.manyRetries),
        'retries',
      );
      await second?.stop();
      second = undefined;
    }

    // 8. What the flags change: each against the defaults of the same round.
    if (!skip.has('flags')) {
      const settings = [
        { label: 'defaults', args: [] },
        { label: '--log-level info', args: ['--log-level', 'info'] },
        { label: '--rate-limit 100000 (on, never reached)', args: ['--rate-limit', '100000'] },
        ...(kind === 'sqlite' ? [{ label: '--sync normal', args: ['--sync', 'normal'] }] : []),
      ];
      const flags = await measureFlags(settings, {
        rounds: quick ? 1 : rounds,
        seconds: quick ? 1 : 5,
        ids,
        authFor: (url) => authFor(url),
        restart: async (extra) => {
          await server!.stop();
          server = await startOdc(db.location, env, extra);
          return server;
        },
      });
      const base = flags.get('defaults')!;
      for (const [label, f] of flags) {
        const against = (baseSamples: number[]) => (label === 'defaults' ? {} : { ratioTo: 'defaults', ceiling: baseSamples });
        table.record(kind, `flags: ${label}, events/s`, f.events, 'events/s', against(base.events));
        table.record(kind, `flags: ${label}, events per server CPU-second`, f.eventsPerCpu, 'events/cpu-s', against(base.eventsPerCpu));
        table.record(kind, `flags: ${label}, reads/s`, f.reads, 'req/s', against(base.reads));
        table.record(kind, `flags: ${label}, reads per server CPU-second`, f.readsPerCpu, 'req/cpu-s', against(base.readsPerCpu));
      }
      table.record(kind, 'flags: --log-level info, log bytes per request', flags.get('--log-level info')!.logBytesPerRequest, 'bytes');
    }

    // 9. Start-up on the full store.
    if (!skip.has('startup')) {
      const startups = await times(rounds, async () => {
        const measured = await measureStartup(server!, db.location, env, []);
        server = measured.server;
        return measured.ms;
      });
      table.record(kind, `start-up to first answer, ${count(stored)} on disk`, startups, 'ms', { target: '< 1000 ms' });
    }
  } catch (error) {
    // The server's log is removed when it stops: show its end first, where the cause is.
    for (const [name, child] of [
      ['odc', server],
      ['second odc', second],
      ['ceiling', ceiling],
    ] as const)
      if (child) console.error(`--- last lines of the ${name} log:\n${child.logTail(30)}`);
    throw error;
  } finally {
    await second?.stop();
    await server?.stop();
    await ceiling?.stop();
    await db.cleanup();
    await ceilingDb.cleanup();
  }
}

const began = Date.now();
table.header(
  `odc bench${quick ? ' (quick: the figures mean nothing)' : ''}: ${stores.join(', ')}; store grown to ${count(stored)}; median of ${rounds} rounds (min–max)`,
);
const failed: string[] = [];
for (const kind of stores)
  await benchStore(kind as 'sqlite' | 'postgres').catch((error: unknown) => {
    console.error(`${kind}: the bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    failed.push(kind);
  });
if (!flag('--no-prism')) await benchPrism(table, { rounds, seconds, batch: BATCH });

const main = (store: string) => table.find(store, 'POST /customers, POS');
const pgIngest = main('postgres');
const sqliteIngest = main('sqlite');
if (pgIngest && sqliteIngest) console.log(`  ingest, postgres/sqlite: ${(pgIngest.median / sqliteIngest.median).toFixed(2)}`);
const prismPost = table.find('prism', 'POST /customers');
if (prismPost && sqliteIngest)
  console.log(`  ingest, odc (sqlite, validates and persists) / prism (validates, stores nothing): ${(sqliteIngest.median / prismPost.median).toFixed(2)}`);
console.log(`  the bench took ${Math.round((Date.now() - began) / 1000)} s`);
table.write(out, { quick, stored, rounds, merchants, seconds: (Date.now() - began) / 1000, machine: { cpus: cpus().length, node: process.version } });
console.log(`results written to ${out}`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
