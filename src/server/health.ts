/**
 * `GET /healthz`: the process is up and its store answers. Public, cheap, never cached.
 */
import type { FastifyPluginAsync } from 'fastify';
import { version } from '../version.js';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    await app.store.ping();
    return reply.header('cache-control', 'no-store').send({ status: 'ok', version, store: app.store.backend });
  });
};
