/**
 * The measurements of the bench, each against a running server URL: events one per request,
 * list filters, start-up time. Load comes from autocannon (latency percentiles) or undici's
 * fetch; every figure is timed with the monotonic clock.
 */
import autocannon from 'autocannon';
import { customerId } from './data.js';
import { startOdc, type RunningOdc } from './server-process.js';

export function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Posts the batches `bodies` makes (each made when sent, so big loads need no memory),
 * `connections` at a time; returns the seconds it took, timed with the monotonic clock.
 */
export async function postBatches(url: string, auth: string, bodies: Array<() => string>, connections: number): Promise<number> {
  let next = 0;
  const began = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]();
      const res = await fetch(`${url}/customers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body });
      if (res.status !== 200) throw new Error(`POST /customers answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
      await res.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return Number(process.hrtime.bigint() - began) / 1e9;
}

/** GET /customers/{id} for random stored customers, 16 connections. */
export async function measureReads(url: string, auth: string, count: number, seconds: number): Promise<autocannon.Result> {
  return run({
    url,
    connections: 16,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        headers: { authorization: auth },
        setupRequest: (req) => ({ ...req, path: `/customers/${customerId(Math.floor(Math.random() * count))}` }),
      },
    ],
  });
}

/** POST /customer/events, one new event per request; every 202 is a committed event. */
export async function measureEvents(url: string, auth: string, seconds: number): Promise<autocannon.Result> {
  let n = 0;
  const runId = Date.now().toString(36);
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
            customerId: customerId(n % 1000),
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
