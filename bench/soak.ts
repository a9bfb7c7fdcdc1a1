/**
 * `npm run soak -- --minutes 10 [--store sqlite|postgres] [--rate 100]`: steady mixed traffic
 * against a built odc server running as its own process, for as long as asked, to show what
 * a short benchmark cannot: whether errors appear, latency creeps up, or memory grows.
 *
 * Traffic, at a fixed rate (open loop: requests are sent on schedule whether or not earlier
 * ones answered, up to a cap in flight): batch upserts of customers (half updates, half new),
 * reads by id, lists with filters (identifier, externalId, updatedFrom, plain pages), events
 * published and listed, reviews created and listed, orders pushed and listed.
 *
 * Every minute it records requests, errors (a 5xx, a refused connection, or any answer other
 * than the operation's success status), p50/p99/max latency and the server's resident memory
 * (VmRSS from /proc). The report gives p99 drift and RSS drift (last minute against the first
 * and against the second, after warm-up), prints a table and writes bench/soak-results.json.
 * Not part of the unit tests: it runs for minutes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { customer, customerId } from './data.js';
import { startOdc } from './server-process.js';
import { credentials, prepareDatabase, token } from './setup.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const minutes = Number(option('--minutes', '10'));
const storeKind = option('--store', 'sqlite');
const rate = Number(option('--rate', '100'));
/** Length of one sampling window in seconds (60: per minute; smaller for a quick try). */
const windowSeconds = Number(option('--window', '60'));
const MAX_IN_FLIGHT = 64;
const SEEDED = 2_000;

interface Planned {
  kind: string;
  /** First id of the new customers an upsert batch creates. */
  newStart?: number;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  expect: number;
}

interface Window {
  index: number;
  latencies: number[];
  requests: number;
  errors: number;
  /** Requests not sent because MAX_IN_FLIGHT were still waiting (the server fell behind). */
  shed: number;
  errorSamples: string[];
  rssBytes: number;
  /** The machine's 1-minute load average at the window's end: a shared machine's noise shows here. */
  load: number;
}

/** Latencies of the whole run by request kind, to tell which kind makes the tail. */
const byKind = new Map<string, number[]>();

const pick = (n: number) => Math.floor(Math.random() * n);
let nextNew = SEEDED;
let nextRecord = 0;
/** Customers that exist: the seeded ones and the new ones already acknowledged. */
let known = SEEDED;
/** Starts of new-customer ranges acknowledged out of order, waiting for `known` to reach them. */
const acknowledged = new Set<number>();
const NEW_PER_BATCH = 10;

/** Makes the customers of an acknowledged batch readable once every earlier batch is too. */
function acknowledge(newStart: number): void {
  acknowledged.add(newStart);
  while (acknowledged.delete(known)) known += NEW_PER_BATCH;
}

/** One request of the mix, drawn by weight. */
function plan(): Planned {
  const r = Math.random() * 100;
  const someone = customerId(pick(known));
  if (r < 15) {
    const items = [];
    for (let i = 0; i < 10; i += 1) items.push(customer(pick(known), 1 + pick(5)));
    const newStart = nextNew;
    for (let i = 0; i < NEW_PER_BATCH; i += 1) items.push(customer(nextNew++));
    return { kind: 'upsert batch', newStart, method: 'POST', path: '/customers', body: JSON.stringify(items), expect: 200 };
  }
  if (r < 40) return { kind: 'get customer', method: 'GET', path: `/customers/${someone}`, expect: 200 };
  if (r < 60) {
    const n = pick(known);
    const filters = [
      `customerIdentifierType=external_id&customerIdentifierValue=${encodeURIComponent(`crm:customer:${n}`)}`,
      `externalIdSource=PDV&externalId=C${n}`,
      `updatedFrom=${encodeURIComponent(new Date(Date.now() - 30_000).toISOString())}&pageSize=50`,
      `pageSize=20&page=${1 + pick(5)}`,
    ];
    return { kind: 'list customers', method: 'GET', path: `/customers?${filters[pick(filters.length)]}`, expect: 200 };
  }
  if (r < 75) {
    const body = {
      id: `ev-${randomUUID()}`,
      eventType: pick(2) ? 'ORDER_COMPLETED' : 'CART_ABANDONED',
      occurredAt: new Date().toISOString(),
      customerId: someone,
      data: { total: pick(500) },
    };
    return { kind: 'publish event', method: 'POST', path: '/customer/events', body: JSON.stringify(body), expect: 202 };
  }
  if (r < 80) return { kind: 'list events', method: 'GET', path: `/customer/events?customerId=${someone}&pageSize=20`, expect: 200 };
  if (r < 88) {
    const body = {
      reviewId: `rv-${nextRecord++}`,
      reviewType: 'ORDER',
      overallRating: { ratingStyle: 'STAR', value: 1 + pick(5) },
      reviewDate: new Date().toISOString(),
      customer: { customerId: someone },
    };
    return { kind: 'create review', method: 'POST', path: '/reviews', body: JSON.stringify(body), expect: 201 };
  }
  if (r < 92) return { kind: 'list reviews', method: 'GET', path: `/customers/${someone}/reviews?pageSize=20`, expect: 200 };
  if (r < 96) {
    const body = [{ id: `ord-${nextRecord++}`, displayId: String(pick(9999)), createdAt: new Date().toISOString(), customer: { id: someone, name: 'Soak' } }];
    return { kind: 'push orders', method: 'POST', path: '/orders', body: JSON.stringify(body), expect: 201 };
  }
  return { kind: 'list orders', method: 'GET', path: `/orders?customerId=${someone}&pageSize=20`, expect: 200 };
}

function send(agent: http.Agent, base: URL, auth: string, p: Planned): Promise<{ status: number; ms: number; text: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const headers: Record<string, string> = { authorization: auth };
    if (p.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(p.body));
    }
    const req = http.request({ host: base.hostname, port: base.port, path: p.path, method: p.method, headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          text: Buffer.concat(parts).toString('utf8').slice(0, 200),
        }),
      );
      res.on('error', (e) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6, text: String(e) }));
    });
    req.on('error', (e) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6, text: String(e) }));
    req.end(p.body);
  });
}

/** Resident memory of a process now (VmRSS), in bytes; 0 when unreadable. */
function currentRss(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024);

async function main(): Promise<void> {
  const db = await prepareDatabase(storeKind);
  const secretKey = randomBytes(32);
  const creds = await credentials(db.location, secretKey);
  const tokenTtl = String(minutes * 60 + 3600);
  const server = await startOdc(db.location, { ODC_SECRET_KEY: secretKey.toString('base64') }, [
    '--token-ttl',
    tokenTtl,
    ...(storeKind === 'postgres' ? ['--pool-size', '10'] : []),
  ]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const base = new URL(server.url);
  const windows: Window[] = [];
  try {
    const auth = `Bearer ${await token(server.url, creds)}`;

    for (let start = 0; start < SEEDED; start += 500) {
      const items = Array.from({ length: 500 }, (_, i) => customer(start + i));
      const res = await send(agent, base, auth, { kind: 'seed', method: 'POST', path: '/customers', body: JSON.stringify(items), expect: 200 });
      if (res.status !== 200) throw new Error(`seeding answered ${res.status}: ${res.text}`);
    }
    console.log(`soak: ${storeKind}, ${minutes} min at ${rate} req/s, server ${server.url} (pid ${server.child.pid}), ${SEEDED} customers seeded`);

    const totalWindows = Math.max(1, Math.round((minutes * 60) / windowSeconds));
    let inFlight = 0;
    const pending = new Set<Promise<void>>();
    const startedAt = Date.now();
    let sent = 0;
    for (let w = 0; w < totalWindows; w += 1) {
      const window: Window = { index: w + 1, latencies: [], requests: 0, errors: 0, shed: 0, errorSamples: [], rssBytes: 0, load: 0 };
      windows.push(window);
      const windowEnd = startedAt + (w + 1) * windowSeconds * 1000;
      while (Date.now() < windowEnd) {
        // Open loop: catch up to the schedule every 10 ms.
        const due = Math.floor(((Date.now() - startedAt) / 1000) * rate);
        while (sent < due) {
          sent += 1;
          if (inFlight >= MAX_IN_FLIGHT) {
            window.shed += 1;
            continue;
          }
          const p = plan();
          inFlight += 1;
          const done = send(agent, base, auth, p).then((res) => {
            inFlight -= 1;
            window.requests += 1;
            window.latencies.push(res.ms);
            if (!byKind.has(p.kind)) byKind.set(p.kind, []);
            byKind.get(p.kind)!.push(res.ms);
            if (res.status !== p.expect) {
              window.errors += 1;
              if (window.errorSamples.length < 5) window.errorSamples.push(`${p.kind} ${p.method} ${p.path.slice(0, 80)}: ${res.status} ${res.text}`);
            } else if (p.newStart !== undefined) acknowledge(p.newStart);
          });
          pending.add(done);
          void done.finally(() => pending.delete(done));
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      window.rssBytes = currentRss(server.child.pid);
      window.load = round(loadavg()[0], 2);
      const sorted = [...window.latencies].sort((a, b) => a - b);
      console.log(
        `  window ${String(window.index).padStart(3)}: ${String(window.requests).padStart(6)} req, ${window.errors} errors, ${window.shed} shed, p50 ${round(percentile(sorted, 50))} ms, p99 ${round(percentile(sorted, 99))} ms, RSS ${mb(window.rssBytes)} MB, load ${window.load}`,
      );
    }
    await Promise.all(pending);

    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    const server5xx = metrics
      .split('\n')
      .filter((line) => line.startsWith('odc_http_requests_total{') && /status="5\d\d"/.test(line))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    report(windows, server5xx);
  } finally {
    agent.destroy();
    await server.stop();
    await db.cleanup();
  }
}

function report(windows: Window[], server5xx: number): void {
  const rows = windows.map((w) => {
    const sorted = [...w.latencies].sort((a, b) => a - b);
    return {
      window: w.index,
      requests: w.requests,
      errors: w.errors,
      shed: w.shed,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1) ?? 0),
      rssMb: mb(w.rssBytes),
      load: w.load,
      errorSamples: w.errorSamples,
    };
  });
  const first = rows[0];
  const second = rows[1] ?? rows[0];
  const last = rows[rows.length - 1];
  const summary = {
    store: storeKind,
    minutes,
    windowSeconds,
    ratePerSecond: rate,
    requests: rows.reduce((s, r) => s + r.requests, 0),
    errors: rows.reduce((s, r) => s + r.errors, 0),
    shed: rows.reduce((s, r) => s + r.shed, 0),
    server5xxFromMetrics: server5xx,
    p99FirstMs: first.p99Ms,
    p99LastMs: last.p99Ms,
    p99DriftMs: round(last.p99Ms - first.p99Ms),
    p99DriftAfterWarmupMs: round(last.p99Ms - second.p99Ms),
    rssFirstMb: first.rssMb,
    rssLastMb: last.rssMb,
    rssDriftMb: round(last.rssMb - first.rssMb),
    rssDriftAfterWarmupMb: round(last.rssMb - second.rssMb),
    rssMaxMb: Math.max(...rows.map((r) => r.rssMb)),
  };
  const kinds = [...byKind].map(([kind, latencies]) => {
    const sorted = latencies.sort((a, b) => a - b);
    return { kind, requests: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
  });
  console.log('\n kind              requests   p50 ms   p99 ms');
  for (const k of kinds)
    console.log(` ${k.kind.padEnd(16)}  ${String(k.requests).padStart(8)}  ${String(k.p50Ms).padStart(7)}  ${String(k.p99Ms).padStart(7)}`);
  console.log(`\n window  requests  errors  shed   p50 ms   p99 ms    max ms   RSS MB  load (${cpus().length} cores)`);
  for (const r of rows) {
    console.log(
      ` ${String(r.window).padStart(6)}  ${String(r.requests).padStart(8)}  ${String(r.errors).padStart(6)}  ${String(r.shed).padStart(4)}  ${String(r.p50Ms).padStart(7)}  ${String(r.p99Ms).padStart(7)}  ${String(r.maxMs).padStart(8)}  ${String(r.rssMb).padStart(7)}  ${String(r.load).padStart(5)}`,
    );
  }
  console.log(`\n${summary.requests} requests, ${summary.errors} errors (server-side 5xx per /metrics: ${server5xx}), ${summary.shed} shed`);
  console.log(
    `p99 drift: ${summary.p99FirstMs} -> ${summary.p99LastMs} ms (${summary.p99DriftMs >= 0 ? '+' : ''}${summary.p99DriftMs} ms; after warm-up ${summary.p99DriftAfterWarmupMs >= 0 ? '+' : ''}${summary.p99DriftAfterWarmupMs} ms)`,
  );
  console.log(
    `RSS drift: ${summary.rssFirstMb} -> ${summary.rssLastMb} MB (${summary.rssDriftMb >= 0 ? '+' : ''}${summary.rssDriftMb} MB; after warm-up ${summary.rssDriftAfterWarmupMb >= 0 ? '+' : ''}${summary.rssDriftAfterWarmupMb} MB; max ${summary.rssMaxMb} MB)`,
  );
  const out = join(import.meta.dirname, 'soak-results.json');
  writeFileSync(out, `${JSON.stringify({ ranAt: new Date().toISOString(), summary, kinds, windows: rows }, null, 2)}\n`);
  console.log(`written to ${out}`);
  if (summary.errors > 0 || server5xx > 0) process.exitCode = 1;
}

await main();
