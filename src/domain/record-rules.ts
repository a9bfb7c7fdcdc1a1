/**
 * How validated leads, orders, reviews and events become stored rows (docs/contract.md §5),
 * written once for every store: keys (leads and reviews without one get a key derived from
 * their content; orders are keyed by `id`; events by `id`, `eventId` or a content hash),
 * derived columns, server-owned fields (`updatedAt` is never stored from a payload), and the
 * per-record write rules:
 *
 * - a batch is applied item by item as if sent one after the other: for leads, orders and
 *   reviews the last occurrence of a key wins; for events the first is kept (events are
 *   facts) and only its consent is applied;
 * - a re-send that changes nothing keeps its stamp (incremental sync stays quiet);
 * - an order's `createdAt` for createdFrom/createdTo is its own when present and parseable,
 *   otherwise the value stored the first time (the time first received);
 * - a server-assigned `createdAt` (a lead without one) is its first stamp's time, in µs.
 */
import type { CustomerEvent } from '../contract/event.js';
import { contentKey, eventKey, normalizeEventType } from '../contract/identity.js';
import type { Lead } from '../contract/lead.js';
import type { Review } from '../contract/review.js';
import { stampToIso } from '../store/change-clock.js';
import type { RecordPut, RecordRow, RecordTable } from '../store/engine.js';
import type { OrderSnapshot, WriteSummary } from '../store/store.js';
import { consentFromEvent, type ConsentState } from './consent.js';
import { withoutKeys } from './wire.js';

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

/** One item as a row: its key, document, and derived columns given what is stored under the key. */
interface RowDraft {
  id: string;
  data: Doc;
  columns: (before: RecordRow | undefined, stamp: number) => Record<string, string | number | null>;
}

export function leadDraft(lead: Lead): RowDraft {
  const body = withoutKeys(lead, ['updatedAt']);
  const id = lead.id ?? contentKey('lead', body);
  return {
    id,
    data: withKeyFirst(body, 'id', id),
    // The server's first-seen time is rendered only while the lead carries no createdAt of its own.
    columns: (before, stamp) => ({
      created_at: body.createdAt !== undefined ? null : ((before?.created_at as string | null | undefined) ?? stampToIso(stamp)),
    }),
  };
}

export function orderDraft(order: OrderSnapshot): RowDraft {
  const own = timeOf(order.createdAt);
  const customer = order.customer as { id?: unknown } | undefined;
  return {
    id: order.id,
    data: withoutKeys(order, ['updatedAt']),
    columns: (before, stamp) => ({
      customer_ref: typeof customer?.id === 'string' ? customer.id : null,
      created_ms: own ?? (before?.created_ms as number | undefined) ?? Math.floor(stamp / 1000),
    }),
  };
}

export function reviewDraft(review: Review): RowDraft {
  const id = review.reviewId ?? contentKey('rev', review);
  return {
    id,
    data: withKeyFirst(review, 'reviewId', id),
    columns: () => ({
      customer_ref: review.customer?.customerId ?? null,
      order_ref: review.subject?.orderId ?? null,
      review_type: review.reviewType,
      review_ms: Date.parse(review.reviewDate),
    }),
  };
}

export interface EventDraft extends RowDraft {
  eventType: string;
  customerRef: string | null;
  /** The consent state the event sets on its customer, for opt-in/opt-out events. */
  consent: ConsentState | undefined;
}

export function eventDraft(event: CustomerEvent): EventDraft {
  const id = eventKey(event);
  const eventType = normalizeEventType(event.eventType);
  const customerRef = event.customerId ?? null;
  return {
    id,
    data: event.id === undefined && event.eventId === undefined ? withKeyFirst(event, 'id', id) : event,
    eventType,
    customerRef,
    consent: customerRef ? consentFromEvent(eventType, event.occurredAt, id) : undefined,
    columns: () => ({ customer_ref: customerRef, event_type: eventType, occurred_ms: Date.parse(event.occurredAt) }),
  };
}

export interface RecordWrites {
  rows: RecordPut[];
  summary: WriteSummary;
}

/**
 * Leads, orders and reviews: each item in order against what is stored or written earlier in
 * the batch; a key takes one stamp per batch and its last version is written.
 */
export function planReplacingWrites(drafts: RowDraft[], stored: Map<string, RecordRow>, stamp: () => number): RecordWrites {
  const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
  const written = new Map<string, RecordPut>();
  for (const draft of drafts) {
    const original = stored.get(draft.id);
    const before = written.get(draft.id) ?? original;
    const data = JSON.stringify(draft.data);
    if (before?.data === data) {
      summary.unchanged += 1;
      continue;
    }
    summary[before === undefined ? 'created' : 'updated'] += 1;
    const at = written.get(draft.id)?.stamp ?? stamp();
    // Derived columns are computed against the stored row, so a value kept "from the first
    // time" is the stored one, or this batch's first.
    written.set(draft.id, { id: draft.id, data, stamp: at, previousStamp: original?.stamp, ...draft.columns(written.get(draft.id) ?? original, at) });
  }
  return { rows: [...written.values()], summary };
}

/** Events: the first stored under a key is kept; returns the drafts actually written too. */
export function planEventWrites(drafts: EventDraft[], stored: Map<string, RecordRow>, stamp: () => number): RecordWrites & { fresh: EventDraft[] } {
  const rows: RecordPut[] = [];
  const fresh: EventDraft[] = [];
  const seen = new Set<string>();
  for (const draft of drafts) {
    if (stored.has(draft.id) || seen.has(draft.id)) continue;
    seen.add(draft.id);
    const at = stamp();
    rows.push({ id: draft.id, data: JSON.stringify(draft.data), stamp: at, ...draft.columns(undefined, at) });
    fresh.push(draft);
  }
  return { rows, fresh, summary: { created: rows.length, updated: 0, unchanged: drafts.length - rows.length } };
}

export type { RecordTable };
