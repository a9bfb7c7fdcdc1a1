/**
 * How a validated lead, order, review or event becomes a stored row, shared by every store so
 * that keys, derived columns and server-owned fields are the same whichever database holds them
 * (docs/contract.md §5): leads and reviews without a key get one derived from their content,
 * orders are keyed by their `id`, events by `id`, `eventId` or a content hash; `updatedAt` is
 * the server's and never stored from the payload.
 */
import type { CustomerEvent } from '../contract/event.js';
import { contentKey, eventKey, normalizeEventType } from '../contract/identity.js';
import type { Lead } from '../contract/lead.js';
import type { Review } from '../contract/review.js';
import { consentFromEvent, type ConsentState } from './consent.js';
import { withoutKeys } from './render.js';
import type { OrderSnapshot } from './store.js';

type Doc = Record<string, unknown>;

/** Puts `key: value` first in a copy of `doc` when the payload did not carry its own key. */
function withKeyFirst(doc: Doc, key: string, value: string): Doc {
  return doc[key] === undefined ? { [key]: value, ...doc } : doc;
}

function timeOf(iso: unknown): number | undefined {
  if (typeof iso !== 'string') return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface LeadRow {
  id: string;
  data: Doc;
  /** The server's first-seen time, rendered when the lead carries no createdAt of its own. */
  createdAt: string | null;
}

export function leadRow(lead: Lead, now: string): LeadRow {
  const body = withoutKeys(lead, ['updatedAt']);
  const id = lead.id ?? contentKey('lead', body);
  return { id, data: withKeyFirst(body, 'id', id), createdAt: body.createdAt === undefined ? now : null };
}

export interface OrderRow {
  id: string;
  data: Doc;
  customerRef: string | null;
  /** The order's own createdAt, else the time it was received (createdFrom/createdTo). */
  createdMs: number;
  /** Whether createdMs comes from the order; a re-send without it keeps the first value. */
  ownCreatedAt: boolean;
}

export function orderRow(order: OrderSnapshot, receivedMs: number): OrderRow {
  const own = timeOf(order.createdAt);
  const customer = order.customer as { id?: unknown } | undefined;
  return {
    id: order.id,
    data: withoutKeys(order, ['updatedAt']),
    customerRef: typeof customer?.id === 'string' ? customer.id : null,
    createdMs: own ?? receivedMs,
    ownCreatedAt: own !== undefined,
  };
}

export interface ReviewRow {
  id: string;
  data: Doc;
  customerRef: string | null;
  orderRef: string | null;
  reviewType: string;
  reviewMs: number;
}

export function reviewRow(review: Review): ReviewRow {
  const id = review.reviewId ?? contentKey('rev', review);
  return {
    id,
    data: withKeyFirst(review, 'reviewId', id),
    customerRef: review.customer?.customerId ?? null,
    orderRef: review.subject?.orderId ?? null,
    reviewType: review.reviewType,
    reviewMs: Date.parse(review.reviewDate),
  };
}

export interface EventRow {
  id: string;
  data: Doc;
  customerRef: string | null;
  eventType: string;
  occurredMs: number;
  /** The consent state the event sets on its customer, for opt-in/opt-out events. */
  consent: ConsentState | undefined;
}

export function eventRow(event: CustomerEvent): EventRow {
  const id = eventKey(event);
  const eventType = normalizeEventType(event.eventType);
  return {
    id,
    data: event.id === undefined && event.eventId === undefined ? withKeyFirst(event, 'id', id) : event,
    customerRef: event.customerId ?? null,
    eventType,
    occurredMs: Date.parse(event.occurredAt),
    consent: event.customerId ? consentFromEvent(eventType, event.occurredAt, id) : undefined,
  };
}

/** Keeps the last row of each key: a batch that sends one key twice writes its last version. */
export function lastPerKey<T extends { id: string }>(rows: T[]): T[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}
