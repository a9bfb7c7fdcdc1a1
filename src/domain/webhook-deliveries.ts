/**
 * Which webhook subscriptions receive an event (docs/contract.md §13), and what body each
 * gets. A subscription with no event types receives every event, otherwise those whose
 * normalized type it lists; an `rc2` subscription's list may also name rc.2 types
 * (`customer.consent.updated` takes the guide's opt-in/opt-out events). The body is fixed when
 * the delivery is queued, in the transaction that stores the event, so an accepted event never
 * lacks its deliveries: a `seed` subscription gets the event exactly as stored; an `rc2` one its
 * rc.2 envelope (docs/bindings.md, "Events"), and nothing for a type with no rc.2 counterpart
 * (§13.6).
 */
import { normalizeEventType } from '../contract/identity.js';
import { eventToRc2, rc2EventTypeOf } from '../contract/rc2/mapping/event-mapping.js';
import type { JsonObject } from '../contract/merge.js';
import type { DeliveryPut } from '../store/engine.js';
import type { WebhookFormat } from '../store/webhook-store.js';

export interface SubscriptionTypes {
  id: string;
  /** Normalized event types; empty means every event. */
  eventTypes: string[];
  /** Absent: `seed`. */
  format?: WebhookFormat;
}

export interface PlannedEvent {
  id: string;
  /** Normalized seed type. */
  eventType: string;
  /** The event as stored (JSON text). */
  body: string;
  /** The identifier of the customer the event names, when resolved (rc.2 `customerIdentifier`). */
  customerIdentifier?: { type: string; value: string };
}

export function subscriptionWants(subscription: SubscriptionTypes, normalizedEventType: string): boolean {
  if (subscription.eventTypes.length === 0 || subscription.eventTypes.includes(normalizedEventType)) return true;
  if (subscription.format !== 'rc2') return false;
  const rc2Type = rc2EventTypeOf(normalizedEventType);
  return rc2Type !== undefined && subscription.eventTypes.includes(normalizeEventType(rc2Type));
}

/** The body a subscription of `format` is sent for `event`, or undefined when it gets none. */
export function deliveryBody(event: PlannedEvent, format: WebhookFormat = 'seed'): string | undefined {
  if (format === 'seed') return event.body;
  const envelope = eventToRc2(JSON.parse(event.body) as JsonObject, event.customerIdentifier);
  return envelope && JSON.stringify(envelope);
}

export function planDeliveries(events: PlannedEvent[], subscriptions: SubscriptionTypes[], now: Date = new Date()): DeliveryPut[] {
  const createdAt = now.toISOString();
  return events.flatMap((event) =>
    subscriptions
      .filter((s) => subscriptionWants(s, event.eventType))
      .flatMap((s) => {
        const body = deliveryBody(event, s.format);
        return body === undefined ? [] : [{ subscriptionId: s.id, eventId: event.id, body, dueAt: now.getTime(), createdAt }];
      }),
  );
}
