/**
 * Which webhook subscriptions receive an event (docs/contract.md, webhooks): a subscription
 * with no event types receives every event, otherwise those whose normalized type it lists.
 * A delivery carries the event exactly as stored (the bytes signed and sent) and is due at
 * once; it is queued in the transaction that stores the event, so an accepted event never
 * lacks its deliveries.
 */
import type { DeliveryPut } from '../store/engine.js';

export interface SubscriptionTypes {
  id: string;
  /** Normalized event types; empty means every event. */
  eventTypes: string[];
}

export function subscriptionWants(subscription: SubscriptionTypes, normalizedEventType: string): boolean {
  return subscription.eventTypes.length === 0 || subscription.eventTypes.includes(normalizedEventType);
}

export function planDeliveries(
  events: { id: string; eventType: string; body: string }[],
  subscriptions: SubscriptionTypes[],
  now: Date = new Date(),
): DeliveryPut[] {
  const createdAt = now.toISOString();
  return events.flatMap((event) =>
    subscriptions
      .filter((s) => subscriptionWants(s, event.eventType))
      .map((s) => ({ subscriptionId: s.id, eventId: event.id, body: event.body, dueAt: now.getTime(), createdAt })),
  );
}
