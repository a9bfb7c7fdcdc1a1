/**
 * Outbound webhooks: subscriptions per tenant and the durable outbox of deliveries.
 *
 * Publishing an event writes its deliveries in the same transaction as the event (one row per
 * matching subscription), so an accepted event is never without its deliveries and a refused
 * one never has any. A worker claims due deliveries with a lease (another instance does not
 * take them meanwhile; a crashed worker's lease runs out and they are claimed again), which
 * makes delivery at-least-once across restarts.
 */

/**
 * The body a subscription's deliveries carry (docs/contract.md §13.6): `seed`, the event as
 * stored; `rc2`, the committee's rc.2 `CustomerEventEnvelope`.
 */
export type WebhookFormat = 'seed' | 'rc2';

export const webhookFormats: readonly WebhookFormat[] = ['seed', 'rc2'];

export interface WebhookSubscription {
  id: string;
  tenant: string;
  url: string;
  /** Sealed HMAC secret (see auth/secret-box.ts). */
  secret: string;
  /** Normalized event types; empty means every event. */
  eventTypes: string[];
  /** Absent when adding: `seed`. Always present when read. */
  format?: WebhookFormat;
  createdAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface WebhookDelivery {
  id: number;
  tenant: string;
  subscriptionId: string;
  eventId: string;
  url: string;
  /** The exact bytes sent and signed: the event as stored, or its rc.2 envelope (the subscription's format). */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** An outbox row joined with its subscription's URL, as both engines select it. */
export interface DeliveryRow {
  id: number;
  tenant: string;
  subscription_id: string;
  event_id: string;
  url: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: Number(r.id),
  tenant: r.tenant,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  url: r.url,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

export interface WebhookStore {
  addSubscription(subscription: WebhookSubscription): Promise<void>;
  listSubscriptions(tenant?: string): Promise<WebhookSubscription[]>;
  getSubscription(id: string): Promise<WebhookSubscription | undefined>;
  removeSubscription(id: string): Promise<boolean>;

  /** Pending deliveries due at `now` (ms), leased to the caller until `now + leaseMs`. */
  claimDueDeliveries(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]>;
  markDelivered(id: number, at: string): Promise<void>;
  /** Records a failed attempt: retried at `nextAttemptAt`, or dead when `dead`. */
  markFailed(id: number, error: string, nextAttemptAt: number, dead: boolean): Promise<void>;
  listDeliveries(filter: { status?: DeliveryStatus; tenant?: string; limit?: number }): Promise<WebhookDelivery[]>;
  /** Puts dead (or given) deliveries back in the queue, due now; returns how many. */
  redrive(ids: number[] | 'dead', now: number): Promise<number>;
}
