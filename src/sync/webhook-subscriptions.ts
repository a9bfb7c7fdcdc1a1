/**
 * Webhook subscriptions of a tenant (merchant): where its customer events go, signed with
 * which secret, for which event types. Secrets are sealed at rest and shown once.
 */
import { randomUUID } from 'node:crypto';
import { generateSecret } from '../auth/client-secrets.js';
import type { SecretBox } from '../auth/secret-box.js';
import { ContractError } from '../contract/errors.js';
import { normalizeEventType } from '../contract/identity.js';
import type { WebhookStore, WebhookSubscription } from '../store/webhook-store.js';

export interface NewSubscription {
  tenant: string;
  url: string;
  /** `generate`, or a secret of at least 16 characters shared with the receiver. */
  secret?: string;
  eventTypes?: string[];
}

export type SubscriptionView = Omit<WebhookSubscription, 'secret'>;

export async function addSubscription(store: WebhookStore, box: SecretBox, input: NewSubscription): Promise<SubscriptionView & { secret: string }> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new ContractError('VALIDATION_ERROR', `not an absolute URL: ${input.url}`, ['url: must be an absolute http(s) URL']);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ContractError('VALIDATION_ERROR', 'webhook URLs are http or https', ['url: must be http(s)']);
  const secret = !input.secret || input.secret === 'generate' ? generateSecret('odwh') : input.secret;
  if (secret.length < 16) throw new ContractError('VALIDATION_ERROR', 'the secret must be at least 16 characters', ['secret: too short']);
  const subscription: WebhookSubscription = {
    id: randomUUID(),
    tenant: input.tenant,
    url: url.toString(),
    secret: box.encrypt(secret),
    eventTypes: [...new Set((input.eventTypes ?? []).map(normalizeEventType))],
    createdAt: new Date().toISOString(),
  };
  await store.addSubscription(subscription);
  const { secret: _sealed, ...view } = subscription;
  return { ...view, secret };
}

export async function listSubscriptions(store: WebhookStore, tenant?: string): Promise<SubscriptionView[]> {
  return (await store.listSubscriptions(tenant)).map(({ secret: _sealed, ...view }) => view);
}
