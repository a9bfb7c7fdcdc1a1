/**
 * Event-loop delay of the server under the hostile mix of issue 13 §1, at the documented
 * limits (docs/contract.md §9): customers at every cap (100 externalIds, 20 phones, 20 e-mails,
 * 20 addresses, ~60 KiB stored) re-sent in batches, while pageSize=500 lists of them run in
 * parallel. The server runs in a child process (no auth, SQLite or PostgreSQL) and measures
 * itself with perf_hooks.monitorEventLoopDelay; this process only generates the load.
 *
 *   npx tsx bench/hostile-mix.ts [sqlite|postgres] [seconds] [pageSize] [readers] [writers] [rc2Readers]
 *
 * pageSize defaults to 500 (the documented maximum): the page byte bound of docs/contract.md
 * §9.4 (1 MiB) cuts a seed page of such customers to 16 of them, while an rc.2 reader
 * (`/od/v2/customers`, none by default) gets all 500 (some 32 MB). It prints the event-loop
 * delay's p50/p99/max, the server's CPU time and the load average before and after, because on
 * a shared machine the delay includes the time the server waited for a core.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';
import { MAX_ADDRESSES, MAX_CONTACTS_PER_LIST, MAX_CUSTOMER_DOCUMENT_BYTES, MAX_EXTERNAL_IDS } from '../src/contract/limits.js';
import { customerDocumentBytes } from '../src/contract/record-size.js';
import { prepareDatabase } from './setup.js';

const CUSTOMERS = 600;
const BATCH = 10;

/** A customer at every cap, its stored document just under MAX_CUSTOMER_DOCUMENT_BYTES. */
export function customerAtCaps(n: number): Record<string, unknown> {
  const customer: Record<string, unknown> = {
    id: `cap-${n}`,
    identifier: { type: 'external_id', value: `hostile:${n}` },
    name: `Customer ${n}`,
    externalIds: Array.from({ length: MAX_EXTERNAL_IDS }, (_, i) => ({ source: `SRC${i % 7}`, key: `key-${i}`, value: `${n}-${i}-value` })),
    contacts: {
      phones: Array.from({ length: MAX_CONTACTS_PER_LIST }, (_, i) => ({ number: `+55119${String(n * 100 + i).padStart(8, '0')}`, type: 'mobile' })),
      emails: Array.from({ length: MAX_CONTACTS_PER_LIST }, (_, i) => ({ email: `c${n}.${i}@example.com` })),
    },
    addresses: Array.from({ length: MAX_ADDRESSES }, (_, i) => ({ type: 'home', street: `Rua ${i}`, number: String(i), city: 'São Paulo', country: 'BR' })),
    metadata: { note: '' },
  };
  const room = MAX_CUSTOMER_DOCUMENT_BYTES - 512 - customerDocumentBytes(customer);
  (customer.metadata as Record<string, string>).note = 'x'.repeat(Math.max(0, room));
  return customer;
}

/**
 * What the event-loop delay would be on a core of its own (Linux only): every 10 ms tick records
 * the CPU time the main thread used since the previous tick (from /proc schedstat, in ns), so a
 * synchronous stretch counts for its own length, not for the time the process also waited for
 * a core while other processes ran. Also sums that wait (the run-queue time).
 */
class MainThreadCpu {
  private readonly file = `/proc/self/task/${process.pid}/schedstat`;
  readonly histogram = createHistogram();
  private timer: NodeJS.Timeout | undefined;
  private waitedAtStart = 0;

  private read(): [number, number] | undefined {
    try {
      const [run, wait] = readFileSync(this.file, 'utf8').split(' ').map(Number);
      return [run, wait];
    } catch {
      return undefined;
    }
  }

  start(): void {
    let last = this.read();
    if (!last) return;
    this.waitedAtStart = last[1];
    const tick = () => {
      const now = this.read() as [number, number];
      this.histogram.record(Math.max(1, now[0] - (last as [number, number])[0]));
      last = now;
      this.timer = setTimeout(tick, 10);
    };
    this.timer = setTimeout(tick, 10);
  }

  stop(): { histogram: RecordableHistogram; waitedNs: number } | undefined {
    clearTimeout(this.timer);
    const now = this.read();
    return this.timer && now ? { histogram: this.histogram, waitedNs: now[1] - this.waitedAtStart } : undefined;
  }
}

async function serverChild(): Promise<void> {
  const { buildApp } = await import('../src/server/app.js');
  const { openStore } = await import('../src/store/open-store.js');
  const store = await openStore({ database: process.env.ODC_MIX_DATABASE as string });
  const app = await buildApp({ store, bodyLimit: 16 * 1024 * 1024 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const onCpu = new MainThreadCpu();
  let cpuAtStart = process.cpuUsage();
  process.on('message', async (message: string) => {
    if (message === 'start') {
      histogram.reset();
      histogram.enable();
      onCpu.start();
      cpuAtStart = process.cpuUsage();
      process.send?.('started');
    } else if (message === 'stop') {
      histogram.disable();
      const cpu = onCpu.stop();
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      process.send?.({
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        ...(cpu && {
          onCpuBetweenTicks: { p50: ms(cpu.histogram.percentile(50)), p99: ms(cpu.histogram.percentile(99)), max: ms(cpu.histogram.max) },
          runQueueWaitSeconds: Math.round(cpu.waitedNs / 1e7) / 100,
        }),
        serverCpuSeconds: Math.round((process.cpuUsage(cpuAtStart).user + process.cpuUsage(cpuAtStart).system) / 1e4) / 100,
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      });
      await app.close();
      await store.close();
      process.exit(0);
    }
  });
  process.send?.({ url });
}

async function main(): Promise<void> {
  const kind = process.argv[2] ?? 'sqlite';
  const seconds = Number(process.argv[3] ?? 20);
  const pageSize = Number(process.argv[4] ?? 500);
  const readers = Number(process.argv[5] ?? 4);
  const writers = Number(process.argv[6] ?? 4);
  const rc2Readers = Number(process.argv[7] ?? 0);
  const database = await prepareDatabase(kind);
  // ODC_MIX_CPU_PROF=DIR profiles the server child (summarize with bench/profile-summary.ts).
  const profile = process.env.ODC_MIX_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.ODC_MIX_CPU_PROF] : [];
  const child = fork(import.meta.filename, ['--server'], {
    execArgv: ['--import', 'tsx', ...profile],
    env: { ...process.env, ODC_MIX_DATABASE: database.location },
  });
  const next = () => new Promise<unknown>((resolve) => child.once('message', resolve));
  try {
    const { url } = (await next()) as { url: string };
    const post = (body: unknown) =>
      fetch(`${url}/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => {
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`seed/re-send answered ${r.status}`);
      });
    for (let i = 0; i < CUSTOMERS; i += BATCH) await post(Array.from({ length: BATCH }, (_, j) => customerAtCaps(i + j)));

    const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
    child.send('start');
    await next();
    const until = Date.now() + seconds * 1000;
    const latencies: Record<string, number[]> = { resend: [], list: [], rc2: [] };
    let rc2Bytes = 0;
    let listBytes = 0;
    const writer = async () => {
      while (Date.now() < until) {
        const from = Math.floor(Math.random() * (CUSTOMERS - BATCH));
        const start = performance.now();
        await post(Array.from({ length: BATCH }, (_, j) => customerAtCaps(from + j)));
        latencies.resend.push(performance.now() - start);
      }
    };
    const reader = async () => {
      while (Date.now() < until) {
        const start = performance.now();
        const res = await fetch(`${url}/customers?pageSize=${pageSize}&page=${1 + Math.floor((Math.random() * CUSTOMERS) / pageSize)}`);
        listBytes = Math.max(listBytes, (await res.arrayBuffer()).byteLength);
        latencies.list.push(performance.now() - start);
      }
    };
    const rc2Reader = async () => {
      while (Date.now() < until) {
        const start = performance.now();
        const res = await fetch(`${url}/od/v2/customers?pageSize=${pageSize}&page=${1 + Math.floor((Math.random() * CUSTOMERS) / pageSize)}`);
        rc2Bytes = Math.max(rc2Bytes, (await res.arrayBuffer()).byteLength);
        latencies.rc2.push(performance.now() - start);
      }
    };
    await Promise.all([
      ...Array.from({ length: writers }, writer),
      ...Array.from({ length: readers }, reader),
      ...Array.from({ length: rc2Readers }, rc2Reader),
    ]);
    const loadAfter = loadavg().map((l) => Math.round(l * 100) / 100);
    child.send('stop');
    const loop = (await next()) as Record<string, number>;
    // The child closes and exits by itself (writing its CPU profile, when asked).
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    const p = (xs: number[], q: number) => Math.round(xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0);
    console.log(
      JSON.stringify(
        {
          store: kind,
          seconds,
          loadAverage: { before: loadBefore, after: loadAfter },
          customersAtCaps: CUSTOMERS,
          storedBytesEach: customerDocumentBytes(customerAtCaps(0)),
          eventLoopDelayMs: loop,
          resends: { writers, count: latencies.resend.length, p50ms: p(latencies.resend, 0.5), p99ms: p(latencies.resend, 0.99) },
          lists: {
            pageSize,
            readers,
            count: latencies.list.length,
            p50ms: p(latencies.list, 0.5),
            p99ms: p(latencies.list, 0.99),
            largestPageBytes: listBytes,
          },
          rc2Lists: {
            pageSize,
            readers: rc2Readers,
            count: latencies.rc2.length,
            p50ms: p(latencies.rc2, 0.5),
            p99ms: p(latencies.rc2, 0.99),
            largestPageBytes: rc2Bytes,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    child.kill();
    await database.cleanup();
  }
}

if (import.meta.filename === process.argv[1] && process.argv.includes('--server')) await serverChild();
else if (import.meta.filename === process.argv[1]) await main();
