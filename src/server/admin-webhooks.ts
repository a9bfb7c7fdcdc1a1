/**
 * Webhook subscriptions over the admin API, the same operations as `odc webhooks add`,
 * `subscriptions` and `remove` (docs/contract.md §13.1, §13.6): a subscription's tenant, URL,
 * secret (generated or given, shown once), event types and format (`seed` | `rc2`). Registered
 * inside the admin routes, behind the admin key.
 */
import type { FastifyInstance } from 'fastify';
import type { SecretBox } from '../auth/secret-box.js';
import { ContractError } from '../contract/errors.js';
import type { WebhookStore } from '../store/webhook-store.js';
import { addSubscription, listSubscriptions, type NewSubscription, type SubscriptionRules } from '../sync/webhook-subscriptions.js';

export interface AdminWebhooksOptions {
  store: WebhookStore;
  secrets: SecretBox;
  /** The target rules of the delivery worker (private targets only when allowed). */
  rules: SubscriptionRules;
}

function readNewSubscription(body: unknown): NewSubscription {
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.merchantId !== 'string' || b.merchantId === '') problems.push('/merchantId: must be a non-empty string');
  if (typeof b.url !== 'string' || b.url === '') problems.push('/url: must be a non-empty string');
  if (b.secret !== undefined && typeof b.secret !== 'string') problems.push('/secret: must be a string');
  if (b.eventTypes !== undefined && (!Array.isArray(b.eventTypes) || b.eventTypes.some((t) => typeof t !== 'string')))
    problems.push('/eventTypes: must be an array of event types');
  if (b.format !== undefined && typeof b.format !== 'string') problems.push('/format: must be seed or rc2');
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', 'invalid webhook subscription', problems);
  return {
    tenant: b.merchantId as string,
    url: b.url as string,
    secret: b.secret as string | undefined,
    eventTypes: b.eventTypes as string[] | undefined,
    format: b.format as string | undefined,
  };
}

export function adminWebhookRoutes(app: FastifyInstance, { store, secrets, rules }: AdminWebhooksOptions): void {
  app.get('/admin/webhooks', async (request) => {
    const merchantId = (request.query as { merchantId?: unknown }).merchantId;
    return listSubscriptions(store, typeof merchantId === 'string' ? merchantId : undefined);
  });
  app.post('/admin/webhooks', async (request, reply) =>
    reply
      .code(201)
      .header('cache-control', 'no-store')
      .send(await addSubscription(store, secrets, readNewSubscription(request.body), rules)),
  );
  app.delete('/admin/webhooks/:subscriptionId', async (request, reply) => {
    const removed = await store.removeSubscription((request.params as { subscriptionId: string }).subscriptionId);
    if (!removed) throw new ContractError('NOT_FOUND', 'no such webhook subscription');
    return reply.code(204).send();
  });
}
