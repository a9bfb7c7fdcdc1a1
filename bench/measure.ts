/**
 * The measurements of the bench, each against a running server URL: events one per request,
 * list filters, start-up time. Load comes from autocannon (latency percentiles) or undici's
 * fetch; every figure is timed with the monotonic clock.
 */
import autocannon from 'autocannon';
import { startOdc, type RunningOdc } from './server-process.js';

export function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Posts the batches `bodies` makes (each made when sent, so big loads need no memory),
 * `connections` at a time; returns the seconds it took, timed with the monotonic clock. Each
 * request's time in ms is pushed to `latencies` when given.
 */
export async function postBatches(url: string, auth: string, bodies: Array<() => string>, connections: number, latencies?: number[]): Promise<number> {
  let next = 0;
  const began = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]();
      const sent = process.hrtime.bigint();
      await postUntilStored(url, auth, body);
      latencies?.push(Number(process.hrtime.bigint() - sent) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return Number(process.hrtime.bigint() - began) / 1e9;
}

/** Times a batch was answered 503 or 429 and sent again after its Retry-After (all runs of this process). */
export const retried = { count: 0 };

/**
 * One batch, sent as a POS sends it: a 503 or 429 is an answer to wait `Retry-After` seconds
 * and send the same batch again (docs/contract.md §7: nothing of it was stored), up to 20
 * times. The latency a caller records includes those waits: it is what the POS lived through.
 */
async function postUntilStored(url: string, auth: string, body: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const res = await fetch(`${url}/customers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body });
    if (res.status === 200) {
      await res.arrayBuffer().catch(() => undefined);
      return;
    }
    const text = (await res.text()).slice(0, 500);
    if ((res.status !== 503 && res.status !== 429) || attempt >= 20) throw new Error(`POST /customers answered ${res.status}: ${text}`);
    retried.count += 1;
    const wait = Math.min(30, Math.max(0.05, Number(res.headers.get('retry-after') ?? '1') || 1));
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/**
 * The ids the server made for the stored customers, learned as a client would: a walk of
 * `GET /customers` pages (500 a page) following the `next` links (docs/contract.md §2.4).
 */
export async function learnIds(url: string, auth: string): Promise<string[]> {
  const ids: string[] = [];
  let path: string | undefined = '/customers?pageSize=500';
  while (path) {
    const res: Response = await fetch(`${url}${path}`, { headers: { authorization: auth } });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    for (const c of (await res.json()) as Array<{ id: string }>) ids.push(c.id);
    path = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return ids;
}

export const pick = (values: readonly string[]) => values[Math.floor(Math.random() * values.length)];

/** GET /customers/{key} for the keys `nextKey` picks (ids for odc, identifiers for the ceilings), 16 connections. */
export async function measureReads(url: string, auth: string, nextKey: () => string, seconds: number): Promise<autocannon.Result> {
  return run({
    url,
    connections: 16,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        headers: { authorization: auth },
        setupRequest: (req) => ({ ...req, path: `/customers/${encodeURIComponent(nextKey())}` }),
      },
    ],
  });
}

/** POST /customer/events, one new event per request for one of `customerIds`; every 202 is a committed event. */
export async function measureEvents(url: string, auth: string, seconds: number, customerIds: readonly string[]): Promise<autocannon.Result> {
  let n = 0;
  const runId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  return run({
    url,
    connections: 32,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/customer/events',
        headers: { 'content-type': 'application/json', authorization: auth },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            id: `bench-${runId}-${n++}`,
            eventType: 'ORDER_COMPLETED',
            occurredAt: new Date().toISOString(),
            customerId: pick(customerIds),
            data: { totalAmount: 7990, currency: 'BRL' },
          }),
        }),
      },
    ],
  });
}

/** GET /customers with a filter: by externalId (one match) or updatedFrom with pageSize 100. */
export async function measureFilter(
  url: string,
  auth: string,
  count: number,
  filter: 'externalId' | 'updatedFrom',
  seconds: number,
  updatedFrom?: string,
): Promise<autocannon.Result> {
  return run({
    url,
    connections: 8,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        headers: { authorization: auth },
        setupRequest: (req) => ({
          ...req,
          path:
            filter === 'externalId'
              ? `/customers?externalId=C${Math.floor(Math.random() * count)}`
              : `/customers?updatedFrom=${encodeURIComponent(updatedFrom ?? '')}&pageSize=100`,
        }),
      },
    ],
  });
}

/** Stops `server` and starts it again on the same database: ms from spawn to the first 200. */
export async function measureStartup(
  server: RunningOdc,
  database: string,
  env: Record<string, string>,
  extraArgs: string[],
): Promise<{ ms: number; server: RunningOdc }> {
  await server.stop();
  const began = process.hrtime.bigint();
  const next = await startOdc(database, env, extraArgs);
  for (;;) {
    const res = await fetch(`${next.url}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
  }
  return { ms: Number(process.hrtime.bigint() - began) / 1e6, server: next };
}
