/**
 * A stored (seed) customer event in the rc.2 `CustomerEventEnvelope` (docs/bindings.md,
 * "Events"). The seed's event types are open strings compared case-insensitively with `.` and
 * `_` alike (docs/contract.md §5); rc.2's are a closed list. Where a seed type corresponds to an
 * rc.2 type it is renamed, and the original name travels in `payload.seedEventType` when the
 * rc.2 name says less (`customer.opted_out` -> `customer.consent.updated` with
 * `payload.status: "opt_out"`). A type without a counterpart (`lead.created`) has no rc.2 form.
 */
import { normalizeEventType, splitTypedReference } from '../../identity.js';
import type { Rc2CustomerEventType } from '../event.js';
import { isPlainObject, put, type JsonObject } from './json-object.js';

interface Correspondence {
  type: Rc2CustomerEventType;
  /** Whether the rc.2 name says exactly what the seed name says. */
  exact: boolean;
  /** Payload fields the rc.2 form adds (the consent status of opt-in/opt-out). */
  payload?: JsonObject;
}

/** Keyed by the normalized seed type (normalizeEventType). */
const correspondences: Record<string, Correspondence> = {
  [normalizeEventType('order.created')]: { type: 'order.created', exact: true },
  [normalizeEventType('order.cancelled')]: { type: 'order.cancelled', exact: true },
  [normalizeEventType('order.canceled')]: { type: 'order.cancelled', exact: false },
  [normalizeEventType('order.delivered')]: { type: 'order.delivered', exact: true },
  [normalizeEventType('order.completed')]: { type: 'order.delivered', exact: false },
  [normalizeEventType('cart.abandoned')]: { type: 'cart.abandoned', exact: true },
  [normalizeEventType('customer.updated')]: { type: 'customer.updated', exact: true },
  [normalizeEventType('customer.created')]: { type: 'customer.updated', exact: false },
  [normalizeEventType('customer.consent.updated')]: { type: 'customer.consent.updated', exact: true },
  [normalizeEventType('customer.opted_in')]: { type: 'customer.consent.updated', exact: false, payload: { status: 'opt_in' } },
  [normalizeEventType('customer.opted_out')]: { type: 'customer.consent.updated', exact: false, payload: { status: 'opt_out' } },
  [normalizeEventType('review.created')]: { type: 'review.created', exact: true },
};

/** The rc.2 type a seed event type corresponds to, or undefined when it has none. */
export function rc2EventTypeOf(seedEventType: string): Rc2CustomerEventType | undefined {
  return correspondences[normalizeEventType(seedEventType)]?.type;
}

/**
 * The rc.2 envelope of a stored event, or undefined when its type has no rc.2 counterpart.
 * `identifier` is the identifier of the customer `customerId` names, when the caller resolved
 * it; a `<type>:<value>` reference is split without help; otherwise the reference travels as
 * `payload.customerId`.
 */
export function eventToRc2(event: JsonObject, identifier?: { type: string; value: string }): JsonObject | undefined {
  const eventType = typeof event.eventType === 'string' ? event.eventType : '';
  const match = correspondences[normalizeEventType(eventType)];
  if (!match) return undefined;
  const data = isPlainObject(event.data) ? event.data : {};
  const customerId = typeof event.customerId === 'string' ? event.customerId : undefined;
  const customerIdentifier = identifier ?? (customerId === undefined ? undefined : splitTypedReference(customerId));
  const payload: JsonObject = { ...data, ...match.payload };
  if (!match.exact) payload.seedEventType = eventType;
  if (customerId !== undefined && customerIdentifier === undefined) payload.customerId = customerId;
  const envelope: JsonObject = {};
  put(envelope, 'id', event.id ?? event.eventId);
  envelope.eventType = match.type;
  envelope.occurredAt = event.occurredAt;
  put(envelope, 'customerIdentifier', customerIdentifier);
  put(envelope, 'orderId', typeof data.orderId === 'string' ? data.orderId : undefined);
  if (Object.keys(payload).length > 0) envelope.payload = payload;
  return envelope;
}
