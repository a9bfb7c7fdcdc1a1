/**
 * A real odc server with one deliberate break, for proving that the conformance kit catches
 * what it must. It wraps odc's own `buildApp` with Fastify hooks that bend one behaviour per
 * mode, at the HTTP layer, exactly as a faulty implementation would answer:
 *
 * - `wrong-status`: upsertOrders answers 200 instead of 201.
 * - `accepts-missing-identifier`: upsertCustomer invents an identifier for a customer sent without one.
 * - `no-auth`: every operation acts as the kit's client whatever token it is sent (or none).
 * - `no-pagination-headers`: lists lose X-Total-Count and Link.
 * - `duplicate-events`: every published event gets a fresh key, so repeats are stored again.
 * - `overclaims`: discovery declares getReviewById, but the route answers 404.
 * - `undeclared`: getReviewById neither declared nor served (an honest partial implementation).
 *
 * Authentication is on (odc's real token endpoint), with one client for merchant `m1` that
 * has a signing secret; its credentials are returned for the kit.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createAuthService } from '../../src/auth/auth-service.js';
import type { IssuedCredentials } from '../../src/auth/client-registry.js';
import { buildApp } from '../../src/server/app.js';
import type { Authenticator } from '../../src/server/auth.js';
import { bearerAuthenticator } from '../../src/server/bearer-auth.js';
import type { StoreKind } from './stores.js';

export const brokenModes = [
  'wrong-status',
  'accepts-missing-identifier',
  'no-auth',
  'no-pagination-headers',
  'duplicate-events',
  'overclaims',
  'undeclared',
] as const;
export type BrokenMode = (typeof brokenModes)[number];

export interface BrokenServer {
  url: string;
  credentials: IssuedCredentials;
  merchantId: string;
  stop(): Promise<void>;
}

const operationOf = (request: FastifyRequest) => (request.routeOptions.config as { operationId?: string } | undefined)?.operationId;

function batchItems(body: unknown): Record<string, unknown>[] {
  if (Array.isArray(body)) return body;
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [];
}

/** Adds the hooks of one mode. */
function breakApp(app: FastifyInstance, mode: BrokenMode | undefined): void {
  switch (mode) {
    case 'wrong-status':
      app.addHook('onSend', async (request, reply, payload) => {
        if (operationOf(request) === 'upsertOrders' && reply.statusCode === 201) reply.code(200);
        return payload;
      });
      break;
    case 'accepts-missing-identifier':
      app.addHook('preHandler', async (request) => {
        if (operationOf(request) !== 'upsertCustomer') return;
        for (const item of batchItems(request.body))
          if (item && typeof item === 'object' && !('identifier' in item)) item.identifier = { type: 'custom', value: randomUUID() };
      });
      break;
    case 'no-auth':
      // Done through buildApp's `authenticate` (see startBrokenServer): its hook runs first.
      break;
    case 'no-pagination-headers':
      app.addHook('onSend', async (_request, reply, payload) => {
        reply.removeHeader('x-total-count');
        reply.removeHeader('link');
        return payload;
      });
      break;
    case 'duplicate-events':
      app.addHook('preHandler', async (request) => {
        if (operationOf(request) === 'publishCustomerEvent' && request.body && typeof request.body === 'object')
          (request.body as Record<string, unknown>).id = randomUUID();
      });
      break;
    case 'overclaims':
    case 'undeclared':
      app.addHook('onRequest', async (request, reply) => {
        if (operationOf(request) === 'getReviewById') await reply.code(404).send({ code: 'NOT_FOUND', message: 'not implemented here', details: [] });
      });
      if (mode === 'undeclared') {
        app.addHook('onSend', async (request, _reply, payload) => {
          if (request.url !== '/.well-known/opendelivery' || typeof payload !== 'string') return payload;
          const manifest = JSON.parse(payload);
          const customer = manifest.capabilities.customer;
          customer.supportedOperations = customer.supportedOperations.filter((op: string) => op !== 'getReviewById');
          customer.unsupportedOperations = ['getReviewById'];
          return JSON.stringify(manifest);
        });
      }
      break;
    case undefined:
      break;
  }
}

/** Starts odc with auth on and the given break (none: the real thing) on a random port. */
export async function startBrokenServer(kind: StoreKind, mode?: BrokenMode): Promise<BrokenServer> {
  const fixture = await kind.create();
  const store = await fixture.open();
  const auth = await createAuthService(store, { keyFile: '', secretKey: randomBytes(32) });
  const merchantId = 'm1';
  const credentials = await auth.clients.add({
    name: 'conformance kit',
    model: 'application',
    merchants: [merchantId],
    scopes: ['od.crm'],
    signingSecret: 'generate',
  });
  const { token } = await auth.tokens.issue(credentials.clientId, ['od.crm']);
  // no-auth: odc's real Bearer check, always handed a valid token whatever the caller sent.
  const bearer = bearerAuthenticator(auth);
  const authenticate: Authenticator | undefined =
    mode === 'no-auth'
      ? (request) => {
          request.headers.authorization = `Bearer ${token}`;
          return bearer(request);
        }
      : undefined;
  const app = await buildApp({ store, auth, authenticate });
  breakApp(app, mode);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    credentials,
    merchantId,
    async stop() {
      await app.close();
      await store.close();
      await fixture.destroy();
    },
  };
}

/** Options for `runConformance` with the server's client: Bearer, merchant and signing secret. */
export function kitOptions(server: BrokenServer) {
  return {
    baseUrl: server.url,
    clientId: server.credentials.clientId,
    clientSecret: server.credentials.clientSecret,
    merchantId: server.merchantId,
    signingSecret: server.credentials.signingSecret,
  };
}
