/**
 * The admin API: client management over HTTP, the same operations as `odc clients`; and, so
 * that `odc webhooks`/`odc keys --server URL` act on the running server rather than on some
 * database file, webhook subscriptions and deliveries and signing-key rotation.
 *
 * Guarded by the admin key (`Authorization: Bearer <admin key>` or `X-Admin-Key`), compared in
 * constant time. Served only when an admin key is configured. Secrets appear once, in the
 * answer that creates or rotates them.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientRegistry, NewClient } from '../auth/client-registry.js';
import type { SecretBox } from '../auth/secret-box.js';
import type { TokenService } from '../auth/token-service.js';
import { ContractError } from '../contract/errors.js';
import type { AuditDraft } from '../domain/audit-chain.js';
import type { DeliveryStatus, WebhookStore } from '../store/webhook-store.js';
import { addSubscription, listSubscriptions, type NewSubscription } from '../sync/webhook-subscriptions.js';
import { loyaltyAdminRoutes } from './loyalty-admin-routes.js';

export interface AdminRoutesOptions {
  adminKey: string;
  clients: ClientRegistry;
  /** Webhook subscriptions and the outbox (`/admin/webhooks/...`). */
  webhooks: WebhookStore;
  secrets: SecretBox;
  /** Signing-key rotation (`/admin/keys/rotate`). */
  tokens: TokenService;
  /** Accept loopback and private webhook targets without asking (`--webhook-allow-private-targets`). */
  allowPrivateWebhookTargets?: boolean;
}

const DELIVERY_STATUSES: readonly string[] = ['pending', 'delivered', 'dead'];

function readNewSubscription(body: unknown): NewSubscription {
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.merchant !== 'string' || b.merchant === '') problems.push('/merchant: must be a non-empty string');
  if (typeof b.url !== 'string') problems.push('/url: must be a string');
  if (b.secret !== undefined && typeof b.secret !== 'string') problems.push('/secret: must be a string');
  if (b.eventTypes !== undefined && (!Array.isArray(b.eventTypes) || b.eventTypes.some((t) => typeof t !== 'string')))
    problems.push('/eventTypes: must be an array of event types');
  if (b.format !== undefined && typeof b.format !== 'string') problems.push('/format: must be seed or rc2');
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', 'invalid subscription', problems);
  return {
    tenant: b.merchant as string,
    url: b.url as string,
    secret: b.secret as string | undefined,
    eventTypes: b.eventTypes as string[] | undefined,
    format: b.format as string | undefined,
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function readNewClient(body: unknown): NewClient {
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.name !== 'string' || b.name === '') problems.push('/name: must be a non-empty string');
  if (b.model !== undefined && b.model !== 'application' && b.model !== 'merchant') problems.push('/model: must be application or merchant');
  if (!Array.isArray(b.merchants) || b.merchants.some((m) => typeof m !== 'string')) problems.push('/merchants: must be an array of merchant ids');
  if (b.scopes !== undefined && (!Array.isArray(b.scopes) || b.scopes.some((s) => typeof s !== 'string'))) problems.push('/scopes: must be an array of scopes');
  if (b.signingSecret !== undefined && b.signingSecret !== 'generate' && (typeof b.signingSecret !== 'string' || b.signingSecret.length < 16))
    problems.push('/signingSecret: must be "generate" or a secret of at least 16 characters');
  if (b.clientId !== undefined && (typeof b.clientId !== 'string' || b.clientId === '')) problems.push('/clientId: must be a non-empty string');
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', 'invalid client', problems);
  return {
    clientId: b.clientId as string | undefined,
    name: b.name as string,
    model: (b.model as NewClient['model']) ?? 'application',
    merchants: b.merchants as string[],
    scopes: b.scopes as string[] | undefined,
    signingSecret: b.signingSecret as string | undefined,
  };
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (
  app,
  { adminKey, clients, webhooks, secrets, tokens, allowPrivateWebhookTargets },
) => {
  const expected = digest(adminKey);
  app.addHook('onRequest', async (request) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const given = bearer ?? (typeof request.headers['x-admin-key'] === 'string' ? request.headers['x-admin-key'] : undefined);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new ContractError('UNAUTHORIZED', 'the admin API needs the admin key', [], { 'www-authenticate': 'Bearer realm="odc-admin"' });
    }
  });

  /**
   * A client change is recorded in the audit trail of every merchant the client acts for
   * (docs/contract.md §14.7): which client, what, when, under which request id. Never a secret.
   */
  const audit = async (request: FastifyRequest, action: AuditDraft['action'], client: { clientId: string; merchants: string[]; scopes?: string[] }) => {
    for (const merchant of client.merchants)
      await app.store.appendAudit(merchant, { actor: 'admin', requestId: request.id, action, details: { clientId: client.clientId, scopes: client.scopes } });
  };

  app.get('/admin/clients', async () => clients.list());
  app.post('/admin/clients', async (request, reply) => {
    const issued = await clients.add(readNewClient(request.body));
    await audit(request, 'admin.client.add', issued);
    return reply.code(201).header('cache-control', 'no-store').send(issued);
  });
  app.post('/admin/clients/:clientId/revoke', async (request) => {
    const revoked = await clients.revoke((request.params as { clientId: string }).clientId);
    await audit(request, 'admin.client.revoke', revoked);
    return revoked;
  });
  app.post('/admin/clients/:clientId/rotate-secret', async (request, reply) => {
    const rotated = await clients.rotateSecret((request.params as { clientId: string }).clientId);
    await audit(request, 'admin.client.rotate-secret', rotated);
    return reply.header('cache-control', 'no-store').send(rotated);
  });

  app.get('/admin/webhooks/subscriptions', async (request) => listSubscriptions(webhooks, (request.query as { merchant?: string }).merchant));
  app.post('/admin/webhooks/subscriptions', async (request, reply) =>
    reply
      .code(201)
      .header('cache-control', 'no-store')
      .send(
        await addSubscription(webhooks, secrets, readNewSubscription(request.body), {
          // The admin may allow a private target explicitly, as `odc webhooks add --allow-private-target` does.
          allowPrivateTargets: allowPrivateWebhookTargets === true || ((request.body ?? {}) as { allowPrivateTarget?: unknown }).allowPrivateTarget === true,
        }),
      ),
  );
  app.delete('/admin/webhooks/subscriptions/:id', async (request) => ({ removed: await webhooks.removeSubscription((request.params as { id: string }).id) }));
  app.get('/admin/webhooks/deliveries', async (request) => {
    const q = request.query as { status?: string; merchant?: string; limit?: string };
    if (q.status !== undefined && !DELIVERY_STATUSES.includes(q.status))
      throw new ContractError('VALIDATION_ERROR', 'invalid status', ['status: must be pending, delivered or dead']);
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new ContractError('VALIDATION_ERROR', 'invalid limit', ['limit: must be a whole number of at least 1']);
    const deliveries = await webhooks.listDeliveries({ status: q.status as DeliveryStatus | undefined, tenant: q.merchant, limit });
    return deliveries.map(({ body: _body, ...rest }) => ({ ...rest, nextAttemptAt: new Date(rest.nextAttemptAt).toISOString() }));
  });
  app.post('/admin/webhooks/deliveries/retry', async (request) => {
    const ids = ((request.body ?? {}) as { ids?: unknown }).ids;
    if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => !Number.isSafeInteger(id))))
      throw new ContractError('VALIDATION_ERROR', 'invalid ids', ['/ids: must be an array of delivery ids']);
    const chosen = ids as number[] | undefined;
    return { requeued: await webhooks.redrive(chosen && chosen.length > 0 ? chosen : 'dead', Date.now()) };
  });
  app.post('/admin/keys/rotate', async () => ({ activeKid: await tokens.rotate(), keys: tokens.jwks().keys.map((k) => k.kid) }));
  // Loyalty's operator routes share this guard (docs/contract.md §15.8).
  await app.register(loyaltyAdminRoutes);
};
