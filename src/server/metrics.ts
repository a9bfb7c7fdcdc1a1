/**
 * Prometheus metrics at `GET /metrics`, for operators: requests by route and status, latency
 * histograms, batch sizes, rejected items, webhook outbox depth, database pool use, and the
 * usual process metrics (RSS, heap, event-loop lag, GC).
 *
 * Each app has its own registry (tests and embedders build many apps in one process; the
 * global default registry would mix their counts); process metrics describe the process, so
 * they live in one registry per process and are appended to every app's answer.
 *
 * Who may read it: with an admin key configured, whoever presents it (`Authorization: Bearer
 * <admin key>` or `X-Admin-Key`, as the admin API); without one (single-tenant development,
 * embedding), only clients on the loopback interface. Metrics name routes, volumes and error
 * rates, which is not for the public internet.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ContractError } from '../contract/errors.js';
import { operations } from '../contract/operations.js';
import { toContractError } from './error-handler.js';

export interface MetricsOptions {
  /** The admin key guarding /metrics; without it /metrics answers loopback clients only. */
  adminKey?: string;
}

/** Operations whose body carries records, and whether it is a batch or one record. */
const writes = new Map<string, 'batch' | 'one'>(operations.flatMap((op) => (op.request === 'none' ? [] : [[op.operationId, op.request] as const])));

let processRegistry: Registry | undefined;

/** One registry of process metrics for the whole process, made on first use. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'odc_' });
  }
  return processRegistry;
}

/** The records a write request carried: the batch's length (bare or `{items}`), or 1. */
function itemsOf(kind: string, body: unknown): number | undefined {
  if (kind === 'one') return body === undefined ? undefined : 1;
  if (Array.isArray(body)) return body.length;
  const items = (body as { items?: unknown } | null | undefined)?.items;
  return Array.isArray(items) ? items.length : undefined;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The admin API's check (admin-routes.ts): the key, compared in constant time. */
function guard(adminKey: string | undefined) {
  const expected = adminKey === undefined ? undefined : digest(adminKey);
  return async (request: FastifyRequest) => {
    if (expected === undefined) {
      if (!isLoopback(request.socket.remoteAddress))
        throw new ContractError('FORBIDDEN', 'without an admin key configured, /metrics answers loopback clients only');
      return;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const given = bearer ?? (typeof request.headers['x-admin-key'] === 'string' ? request.headers['x-admin-key'] : undefined);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new ContractError('UNAUTHORIZED', '/metrics needs the admin key', [], { 'www-authenticate': 'Bearer realm="odc-admin"' });
    }
  };
}

/**
 * Adds the measuring hooks to the root instance (so they see every route, including 404s)
 * and the /metrics route. Call before any route is registered.
 */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions = {}): void {
  const registry = new Registry();
  const requests = new Counter({
    name: 'odc_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'odc_http_request_duration_seconds',
    help: 'Time from request to answer, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchItems = new Histogram({
    name: 'odc_batch_items',
    help: 'Records per write request, by operation and outcome (accepted, rejected)',
    labelNames: ['operation', 'outcome'],
    buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 5000],
    registers: [registry],
  });
  const rejectedItems = new Counter({
    name: 'odc_rejected_items_total',
    help: 'Records in write requests answered with an error (batches are all or nothing), by operation and error code',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  const outboxDepth = new Gauge({ name: 'odc_webhook_outbox_depth', help: 'Webhook deliveries waiting to be sent', registers: [registry] });
  const storeUp = new Gauge({ name: 'odc_store_up', help: '1 when the store answered the last scrape, else 0', registers: [registry] });
  const pool = new Gauge({
    name: 'odc_db_pool_connections',
    help: 'Database pool connections by state (max, total, idle, waiting)',
    labelNames: ['state'],
    registers: [registry],
  });

  /** The error code of requests that failed, seen in onError and counted in onResponse. */
  const errorCodes = new WeakMap<FastifyRequest, string>();

  app.addHook('onError', async (request, _reply, error) => {
    errorCodes.set(request, toContractError(error, app.limits).code);
  });

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    const operation = (request.routeOptions.config as { operationId?: string } | undefined)?.operationId;
    const kind = operation === undefined ? undefined : writes.get(operation);
    if (operation === undefined || kind === undefined) return;
    const items = itemsOf(kind, request.body);
    if (items === undefined) return;
    const accepted = reply.statusCode < 400;
    batchItems.observe({ operation, outcome: accepted ? 'accepted' : 'rejected' }, items);
    if (!accepted && items > 0) rejectedItems.inc({ operation, code: errorCodes.get(request) ?? String(reply.statusCode) }, items);
  });

  app.get('/metrics', { onRequest: guard(options.adminKey) }, async (request, reply) => {
    try {
      const status = await app.store.status();
      outboxDepth.set(status.outboxDepth);
      storeUp.set(1);
    } catch (error) {
      request.log.warn({ err: error }, 'metrics: the store does not answer');
      storeUp.set(0);
    }
    const use = app.store.poolUse();
    if (use) for (const [state, value] of Object.entries(use)) pool.set({ state }, value);
    const text = (await registry.metrics()) + (await processMetrics().metrics());
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(text);
  });
}
