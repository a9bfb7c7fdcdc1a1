/**
 * Builds the odc Fastify application without listening, so tests drive it with `inject()`
 * or a real socket and the CLI adds only the listening and signal handling (server.ts).
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildOpenApiDocument } from '../contract/openapi.js';
import type { OrderProfile } from '../contract/order.js';
import { ContractValidator } from '../contract/validation.js';
import type { Store } from '../store/store.js';
import { version } from '../version.js';
import { requireAuthentication, singleTenant, type Authenticator } from './auth.js';
import './decorations.js';
import { docsRoutes } from './docs.js';
import { registerErrorHandling } from './error-handler.js';
import { healthRoutes } from './health.js';
import { registerJsonBody } from './json-body.js';
import { customerRoutes } from './routes/customers.js';
import { eventRoutes } from './routes/events.js';
import { leadRoutes } from './routes/leads.js';
import { orderRoutes } from './routes/orders.js';
import { reviewRoutes } from './routes/reviews.js';

export interface AppOptions {
  store: Store;
  /** Prefix of every Customer operation, e.g. `/v2`. Default `/`. */
  basePath?: string;
  /** Largest body in bytes (default 16 MiB). */
  bodyLimit?: number;
  /** Largest batch in items (default 1000). */
  maxBatchItems?: number;
  orderProfile?: OrderProfile;
  authenticate?: Authenticator;
  logger?: FastifyServerOptions['logger'];
}

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;
export const DEFAULT_MAX_BATCH_ITEMS = 1000;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Normalizes a base path to `/` or `/segment[/segment...]` without a trailing slash. */
export function normalizeBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '/').trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const basePath = normalizeBasePath(options.basePath);
  const limits = { bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, maxBatchItems: options.maxBatchItems ?? DEFAULT_MAX_BATCH_ITEMS };
  const orderProfile = options.orderProfile ?? 'lenient';

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.bodyLimit,
    // A client's X-Request-Id is echoed when it is a plain token; otherwise a new one is made.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    return503OnClosing: true,
  });

  app.decorate('store', options.store);
  app.decorate('contract', new ContractValidator({ orderProfile }));
  app.decorate('limits', limits);
  app.decorateRequest('tenant', '');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerJsonBody(app);
  registerErrorHandling(app);

  await app.register(healthRoutes);
  await app.register(docsRoutes, { document: buildOpenApiDocument({ version, basePath, orderProfile, ...limits }) });
  await app.register(
    async (operations) => {
      requireAuthentication(operations, options.authenticate ?? singleTenant);
      await operations.register(customerRoutes);
      await operations.register(leadRoutes);
      await operations.register(orderRoutes);
      await operations.register(reviewRoutes);
      await operations.register(eventRoutes);
    },
    { prefix: basePath === '/' ? '' : basePath },
  );
  return app;
}
