/**
 * Builds the odc Fastify application without listening, so tests drive it with `inject()`
 * or a real socket and the CLI adds only the listening and signal handling (server.ts).
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AuthService } from '../auth/auth-service.js';
import { ContractError } from '../contract/errors.js';
import { buildOpenApiDocument } from '../contract/openapi.js';
import type { OrderProfile } from '../contract/order.js';
import { ContractValidator } from '../contract/validation.js';
import type { Store } from '../store/store.js';
import { version } from '../version.js';
import { adminRoutes } from './admin-routes.js';
import { requireAuthentication, singleTenant, type Authenticator } from './auth.js';
import { bearerAuthenticator } from './bearer-auth.js';
import './decorations.js';
import { discoveryRoute } from './discovery.js';
import { docsRoutes } from './docs.js';
import { registerErrorHandling } from './error-handler.js';
import { healthRoutes } from './health.js';
import { registerJsonBody } from './json-body.js';
import { merchantsRoute } from './merchants-route.js';
import { registerMetrics } from './metrics.js';
import { withRedactedUrls } from './log-redaction.js';
import { oauthRoutes } from './oauth-routes.js';
import { privacyRoutes } from './privacy-routes.js';
import { MARKER_KEY_PURPOSE, type AfterErasure } from '../domain/erasure-marker.js';
import { customerRoutes } from './routes/customers.js';
import { eventRoutes } from './routes/events.js';
import { leadRoutes } from './routes/leads.js';
import { orderRoutes } from './routes/orders.js';
import { reviewRoutes } from './routes/reviews.js';
import { DEFAULT_RC2_BASE_PATH, rc2Binding } from './rc2/rc2-binding.js';
import { buildRc2OpenApiDocument } from '../contract/rc2/openapi.js';
import { wireErrorOptions } from './wire-errors.js';

export interface AppOptions {
  store: Store;
  /** Prefix of every Customer operation, e.g. `/v2`. Default `/`. */
  basePath?: string;
  /**
   * Prefix of the committee's 2.0.0-rc.2 binding (docs/bindings.md), default `/od/v2`;
   * `false` serves the seed binding only.
   */
  rc2BasePath?: string | false;
  /** Largest body in bytes (default 16 MiB). */
  bodyLimit?: number;
  /** Largest batch in items (default 1000). */
  maxBatchItems?: number;
  orderProfile?: OrderProfile;
  /**
   * Credentials: token endpoint, Bearer authentication on every operation, signed events,
   * rate limits, admin API. Without it the server is single-tenant and open (embedding, tests).
   */
  auth?: AuthService;
  /** Overrides the authentication hook (tests drive tenancy with it). */
  authenticate?: Authenticator;
  /** Public base URL for absolute links in discovery, e.g. https://crm.example.com. */
  publicUrl?: string;
  /** Discovery appId; by default a UUID made on first start and kept in the store. */
  appId?: string;
  /** The participant this server plays (seed, "Participants"); declared in discovery. */
  role?: 'crm' | 'origin';
  /**
   * Prometheus metrics at /metrics (default on): guarded by the admin key when one is
   * configured, else served to loopback clients only (metrics.ts).
   */
  metrics?: boolean;
  /** Longest to receive a whole request before answering 408 (default 60 s; wire-errors.ts). */
  requestTimeoutMs?: number;
  logger?: FastifyServerOptions['logger'];
  /**
   * Accept webhook subscriptions to loopback, private and link-local targets through the admin
   * API (docs/contract.md §13.1; the delivery worker has the same switch).
   */
  webhookAllowPrivateTargets?: boolean;
  /**
   * docs/contract.md §14: what a write of an erased person's identifiers does (`refuse`, the
   * default, or `accept` as a new person). Privacy operations need `auth` (its secret key).
   */
  afterErasure?: AfterErasure;
}

import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH_ITEMS } from './server-defaults.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Normalizes a base path to `/` or `/segment[/segment...]` without a trailing slash. */
export function normalizeBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '/').trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const basePath = normalizeBasePath(options.basePath);
  const rc2BasePath = options.rc2BasePath === false ? undefined : normalizeBasePath(options.rc2BasePath ?? DEFAULT_RC2_BASE_PATH);
  if (rc2BasePath !== undefined && (rc2BasePath === '/' || rc2BasePath === basePath))
    throw new Error(`the rc.2 binding needs a base path of its own (got ${rc2BasePath} beside the seed's ${basePath})`);
  const limits = { bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, maxBatchItems: options.maxBatchItems ?? DEFAULT_MAX_BATCH_ITEMS };
  const orderProfile = options.orderProfile ?? 'lenient';

  const app = Fastify({
    logger: withRedactedUrls(options.logger),
    bodyLimit: limits.bodyLimit,
    // A client's X-Request-Id is echoed when it is a plain token; otherwise a new one is made.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    return503OnClosing: true,
    ...wireErrorOptions(options.requestTimeoutMs),
  });

  app.decorate('store', options.store);
  app.decorate('contract', new ContractValidator({ orderProfile }));
  app.decorate('limits', limits);
  app.decorate('auth', options.auth);
  app.decorateRequest('tenant', '');
  app.decorateRequest('clientId', undefined);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerJsonBody(app);
  registerErrorHandling(app);
  if (options.metrics !== false) registerMetrics(app, { adminKey: options.auth?.adminKey });

  const auth = options.auth;
  const prefix = basePath === '/' ? '' : basePath;
  const appId = options.appId ?? (await options.store.auth.initSetting('appId', randomUUID()));

  await app.register(healthRoutes);
  await app.register(docsRoutes, {
    document: buildOpenApiDocument({ version, basePath, orderProfile, authenticated: auth !== undefined, ...limits }),
    bindings:
      rc2BasePath === undefined
        ? []
        : [
            {
              title: 'Customer 2.0.0-rc.2',
              path: `${rc2BasePath}/openapi.json`,
              document: buildRc2OpenApiDocument({ version, basePath: rc2BasePath, authenticated: auth !== undefined, ...limits }),
            },
          ],
  });
  await app.register(discoveryRoute, {
    appId,
    basePath,
    rc2BasePath,
    publicUrl: options.publicUrl,
    role: options.role,
    ...limits,
    auth: auth
      ? { signatureMode: auth.signatureMode, rateLimitPerSecond: auth.rateLimitPerSecond, externalIssuer: auth.tokens.options.external?.issuer }
      : null,
  });
  if (auth) {
    await app.register(oauthRoutes, { auth });
    await app.register(merchantsRoute, { auth, prefix });
    if (auth.adminKey)
      await app.register(adminRoutes, {
        adminKey: auth.adminKey,
        clients: auth.clients,
        webhooks: options.store.webhooks,
        secrets: auth.secrets,
        tokens: auth.tokens,
        allowPrivateWebhookTargets: Boolean(options.webhookAllowPrivateTargets),
      });
    // Erasure markers are keyed by a key derived from the instance secret key (§14).
    options.store.configurePrivacy({ markerKey: auth.secrets.deriveKey(MARKER_KEY_PURPOSE), afterErasure: options.afterErasure ?? 'refuse' });
    await app.register(privacyRoutes, { auth, prefix });
  }
  await app.register(
    async (operations) => {
      requireAuthentication(operations, options.authenticate ?? (auth ? bearerAuthenticator(auth) : singleTenant));
      if (auth && auth.rateLimitPerSecond > 0) {
        // Per client, per instance: N instances admit up to N times the declared rate.
        await operations.register(rateLimit, {
          max: auth.rateLimitPerSecond,
          timeWindow: 1000,
          hook: 'preHandler',
          keyGenerator: (request) => request.clientId ?? request.ip,
          errorResponseBuilder: (_request, context) =>
            new ContractError(
              'RATE_LIMITED',
              `more than ${context.max} requests per second from this client; retry after ${Math.ceil(context.ttl / 1000)} s`,
              [],
              {
                'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))),
              },
            ),
        });
      }
      // Both bindings sit in this one guarded scope (one authentication hook, one rate limit),
      // each under its own prefix.
      await operations.register(
        async (seed) => {
          await seed.register(customerRoutes);
          await seed.register(leadRoutes);
          await seed.register(orderRoutes);
          await seed.register(reviewRoutes);
          await seed.register(eventRoutes);
        },
        { prefix },
      );
      if (rc2BasePath !== undefined) await operations.register(rc2Binding, { prefix: rc2BasePath });
    },
    { prefix: '' },
  );
  return app;
}
