/**
 * The privacy operations of docs/contract.md §14 as programs an engine runs in one
 * transaction: the export (the person's data as one document, and its audit entry), the
 * erasure (deletes, anonymized reviews, markers, and its audit entry), and the audit trail's
 * reads. Each audit entry is chained to the tenant's last one inside the same transaction.
 */
import type { JsonObject } from '../contract/merge.js';
import type { ErasureReceipt } from '../contract/privacy.js';
import { stampToIso } from '../store/change-clock.js';
import {
  emptyPlan,
  type AuditQuery,
  type AuditRow,
  type DeliveryRow,
  type LookupRequest,
  type LookupResult,
  type RecordPut,
  type WritePlan,
} from '../store/engine.js';
import { chainEntry, renderAuditEntry, type AuditDraft } from './audit-chain.js';
import { externalIdMarker, identityMarker, subjectMarker, type PrivacySettings } from './erasure-marker.js';
import { loyaltyCounts, loyaltyErasure, loyaltySection } from './loyalty/loyalty-privacy.js';
import { collectSubject, consentHistory } from './privacy-subject.js';
import { renderRow } from './wire.js';

type Program<T> = Generator<LookupRequest, T, LookupResult>;

/** The version of the export document's format (§14); a change of shape changes it. */
export const EXPORT_FORMAT = 'odc.privacy-export/1';

/** Where the audit draft of an operation comes from: who asked, under which request id. */
export type Requester = Pick<AuditDraft, 'actor' | 'requestId'>;

function* appendAudit(draft: AuditDraft, at: string): Program<AuditRow> {
  const tail = (yield { auditTail: true }).auditTail;
  return chainEntry(tail, draft, at);
}

const parse = (text: string): unknown => JSON.parse(text);

/** An outbox row as the export shows it (§14.3). */
const renderDelivery = (d: DeliveryRow) => ({
  id: Number(d.id),
  subscriptionId: d.subscription_id,
  eventId: d.event_id,
  status: d.status,
  attempts: d.attempts,
  createdAt: d.created_at,
  deliveredAt: d.delivered_at,
  body: parse(d.body),
});

export function* exportProgram(
  tenant: string,
  ref: string,
  settings: PrivacySettings,
  requester: Requester,
  stamp: () => number,
): Program<{ plan: WritePlan; result: string | undefined }> {
  const subject = yield* collectSubject(ref, false);
  if (!subject) return { plan: emptyPlan(), result: undefined };
  const marker = subjectMarker(settings.markerKey, subject.customer.id);
  const earlier = (yield { audit: { customerId: marker, limit: 10_000 } }).audit;
  const at = stampToIso(stamp());
  const entry = yield* appendAudit(
    {
      ...requester,
      action: 'privacy.export',
      subject: marker,
      details: {
        leads: subject.leads.length,
        orders: subject.orders.length,
        reviews: subject.reviews.length,
        events: subject.events.length,
        ...loyaltyCounts(subject.loyalty),
      },
    },
    at,
  );
  const history = consentHistory(subject.events);
  const document = {
    format: EXPORT_FORMAT,
    merchantId: tenant,
    exportedAt: at,
    customer: parse(renderRow('customers', subject.customer)),
    identities: subject.identities.map((i) => ({ type: i.type, value: i.value })),
    leads: subject.leads.map((r) => parse(renderRow('leads', r))),
    orders: subject.orders.map((r) => parse(renderRow('orders', r))),
    reviews: subject.reviews.map((r) => parse(renderRow('reviews', r))),
    events: subject.events.map((r) => parse(renderRow('events', r))),
    consent: {
      current: history.at(-1) ?? null,
      history,
      lists: subject.consentLists.map((c) => ({ at: c.at, source: c.source, consents: parse(c.data) })),
    },
    webhookDeliveries: subject.deliveries.map(renderDelivery),
    loyalty: loyaltySection(subject.loyalty, renderDelivery),
    audit: [...earlier, entry].map(renderAuditEntry),
  };
  return { plan: { ...emptyPlan(), audit: [entry] }, result: JSON.stringify(document) };
}

/** What an erasure did, as DELETE /privacy/customers/{ref} answers it (the contract's shape). */
export type { ErasureReceipt } from '../contract/privacy.js';

/** A review keeps only what aggregates need: its kind, rating and time, with nothing naming the person (§14). */
function anonymizedReview(row: RecordPut | LookupResult['recordsByRef'][number], stamp: number): RecordPut {
  const doc = JSON.parse(row.data) as JsonObject;
  // The review's own key stays under the field it came in (a re-send must still match it).
  const kept: JsonObject = doc.reviewId !== undefined ? { reviewId: doc.reviewId } : { id: row.id };
  kept.reviewType = doc.reviewType;
  const rating = doc.overallRating as JsonObject | undefined;
  if (rating) kept.overallRating = { ratingStyle: rating.ratingStyle, value: rating.value };
  for (const time of ['reviewDate', 'createdAt']) if (doc[time] !== undefined) kept[time] = doc[time];
  return {
    id: row.id,
    data: JSON.stringify(kept),
    stamp,
    customer_ref: null,
    order_ref: null,
    review_type: row.review_type ?? null,
    review_ms: row.review_ms ?? null,
    previousStamp: row.stamp,
  };
}

export function* eraseProgram(
  ref: string,
  settings: PrivacySettings,
  requester: Requester,
  stamp: () => number,
): Program<{ plan: WritePlan; result: ErasureReceipt | undefined }> {
  const subject = yield* collectSubject(ref, true);
  if (!subject) return { plan: emptyPlan(), result: undefined };
  const key = settings.markerKey;
  const loyalty = loyaltyCounts(subject.loyalty);
  const at = stampToIso(stamp());
  const marker = subjectMarker(key, subject.customer.id);
  const entry = yield* appendAudit(
    {
      ...requester,
      action: 'privacy.erase',
      subject: marker,
      details: {
        leads: subject.leads.length,
        orders: subject.orders.length,
        reviews: subject.reviews.length,
        events: subject.events.length,
        webhookDeliveries: subject.deliveries.length,
        ...loyalty,
      },
    },
    at,
  );
  const rows = (list: typeof subject.leads) => list.map((r) => ({ id: r.id, stamp: r.stamp }));
  const plan: WritePlan = {
    ...emptyPlan(),
    records: { table: 'reviews', rows: subject.reviews.map((r) => anonymizedReview(r, stamp())) },
    erase: {
      customers: [{ id: subject.customer.id, stamp: subject.customer.stamp }],
      records: [
        { table: 'leads', rows: rows(subject.leads) },
        { table: 'orders', rows: rows(subject.orders) },
        { table: 'events', rows: rows(subject.events) },
      ],
      deliveriesOfEvents: subject.events.map((e) => e.id),
      markers: [...subject.identities.map((i) => identityMarker(key, i)), ...subject.externalIds.map((e) => externalIdMarker(key, e))],
      erasedAt: at,
      loyalty: loyaltyErasure(subject.loyalty),
    },
    audit: [entry],
  };
  return {
    plan,
    result: {
      erasedAt: at,
      subject: marker,
      removed: {
        customers: 1,
        leads: subject.leads.length,
        orders: subject.orders.length,
        events: subject.events.length,
        webhookDeliveries: subject.deliveries.length,
        ...loyalty,
      },
      anonymized: { reviews: subject.reviews.length },
      auditSeq: entry.seq,
    },
  };
}

/** Reads a page of the audit trail (no entry is written for reading it). */
export function* auditPage(query: AuditQuery): Program<AuditRow[]> {
  return (yield { audit: query }).audit;
}

/** Appends one audit entry on its own (admin actions, client changes). */
export function* auditProgram(draft: AuditDraft, stamp: () => number): Program<{ plan: WritePlan; result: AuditRow }> {
  const entry = yield* appendAudit(draft, stampToIso(stamp()));
  return { plan: { ...emptyPlan(), audit: [entry] }, result: entry };
}
