/**
 * Probes for orchestrators, public, cheap, never cached:
 * - `GET /healthz` (liveness): the process is up and its store answers.
 * - `GET /readyz` (readiness): the store answers *and* every migration this build knows is
 *   applied, so the instance may take traffic. 503 UNAVAILABLE otherwise, with Retry-After and
 *   details naming what is missing; a load balancer then sends requests elsewhere while the
 *   process keeps running (a failed readiness probe must not restart it).
 */
import type { FastifyPluginAsync } from 'fastify';
import { ContractError } from '../contract/errors.js';
import type { StoreStatus } from '../store/store.js';
import { version } from '../version.js';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    await app.store.ping();
    return reply.header('cache-control', 'no-store').send({ status: 'ok', version, store: app.store.backend });
  });

  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    let status: StoreStatus;
    try {
      status = await app.store.status();
    } catch (error) {
      // Whatever the store throws (unreachable, closed, missing table) means "not ready".
      request.log.warn({ err: error }, 'readiness: the store does not answer');
      throw notReady('the store does not answer', [`store: ${app.store.backend} is unreachable or closed`]);
    }
    if (status.pendingMigrations.length > 0) {
      throw notReady(
        'migrations are pending',
        status.pendingMigrations.map((v) => `migrations/${v}: not applied; run odc migrate`),
      );
    }
    return reply.send({ status: 'ready', version, store: app.store.backend });
  });
};

function notReady(reason: string, details: string[]): ContractError {
  return new ContractError('UNAVAILABLE', `not ready: ${reason}`, details, { 'retry-after': '5' });
}
