/**
 * Webhook subscriptions of a tenant (merchant): where its customer events go, signed with
 * which secret, for which event types. Secrets are sealed at rest and shown once.
 */
import { randomUUID } from 'node:crypto';
import { generateSecret } from '../auth/client-secrets.js';
import type { SecretBox } from '../auth/secret-box.js';
import { ContractError } from '../contract/errors.js';
import { normalizeEventType } from '../contract/identity.js';
import { webhookFormats, type WebhookFormat, type WebhookStore, type WebhookSubscription } from '../store/webhook-store.js';
import { webhookTargetProblem, withoutCredentials, type WebhookTargetRules } from './webhook-targets.js';

export interface NewSubscription {
  tenant: string;
  url: string;
  /** `generate`, or a secret of at least 16 characters shared with the receiver. */
  secret?: string;
  eventTypes?: string[];
  /** The body sent (docs/contract.md §13.6): the event as stored (`seed`, the default) or its rc.2 envelope. */
  format?: WebhookFormat | string;
}

/** The target rules (webhook-targets.ts): private targets only when explicitly allowed. */
export type SubscriptionRules = WebhookTargetRules;

export type SubscriptionView = Omit<WebhookSubscription, 'secret'>;

export async function addSubscription(
  store: WebhookStore,
  box: SecretBox,
  input: NewSubscription,
  rules: SubscriptionRules = {},
): Promise<SubscriptionView & { secret: string }> {
  const problem = await webhookTargetProblem(input.url, rules);
  if (problem) throw new ContractError('VALIDATION_ERROR', `the webhook URL ${withoutCredentials(input.url)} is refused: ${problem}`, [`url: ${problem}`]);
  const format = input.format ?? 'seed';
  if (!webhookFormats.includes(format as WebhookFormat))
    throw new ContractError('VALIDATION_ERROR', `the format must be one of ${webhookFormats.join(', ')}`, [
      `format: must be one of ${webhookFormats.join(', ')}`,
    ]);
  const url = new URL(input.url);
  const secret = !input.secret || input.secret === 'generate' ? generateSecret('odwh') : input.secret;
  if (secret.length < 16) throw new ContractError('VALIDATION_ERROR', 'the secret must be at least 16 characters', ['secret: too short']);
  const subscription: WebhookSubscription = {
    id: randomUUID(),
    tenant: input.tenant,
    url: url.toString(),
    secret: box.encrypt(secret),
    eventTypes: [...new Set((input.eventTypes ?? []).map(normalizeEventType))],
    format: format as WebhookFormat,
    createdAt: new Date().toISOString(),
  };
  await store.addSubscription(subscription);
  const { secret: _sealed, ...view } = subscription;
  return { ...view, secret };
}

export async function listSubscriptions(store: WebhookStore, tenant?: string): Promise<SubscriptionView[]> {
  return (await store.listSubscriptions(tenant)).map(({ secret: _sealed, ...view }) => ({ ...view, url: withoutCredentials(view.url) }));
}
