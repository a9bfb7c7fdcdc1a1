/**
 * A person's data for one merchant (docs/contract.md §14): collected in look-up rounds, then
 * either rendered as the export document or planned for erasure. Which records belong to the
 * person is decided here, once: the customer and its identities; leads whose contact or
 * external ids match one of its identifiers; orders, reviews and events whose customer
 * reference is one of the refs it is known by; the webhook deliveries of those events; its
 * loyalty ledger (loyalty/loyalty-privacy.ts).
 */
import { normalizeIdentifierValue } from '../contract/identity.js';
import type { ExternalIdKey, IdentityKey, LookupRequest, LookupResult, RecordRow, CustomerRow, DeliveryRow, ConsentHistoryRow } from '../store/engine.js';
import { CONSENT_EVENT_TYPES, compareConsent, consentFromEvent, type ConsentState } from './consent.js';
import { resolveCustomers } from './customer-resolution.js';
import { externalIdsOf } from './customer-upsert.js';
import type { JsonObject } from '../contract/merge.js';
import { collectLoyalty, type LoyaltySubject } from './loyalty/loyalty-privacy.js';

type Program<T> = Generator<LookupRequest, T, LookupResult>;

export interface Subject {
  customer: CustomerRow;
  identities: IdentityKey[];
  externalIds: ExternalIdKey[];
  /** The references other records may name the person by. */
  refs: string[];
  leads: RecordRow[];
  orders: RecordRow[];
  reviews: RecordRow[];
  events: RecordRow[];
  deliveries: DeliveryRow[];
  /** Changes of the customer's consent list (rc.2 `consents[]`), oldest first. */
  consentLists: ConsentHistoryRow[];
  /** Its loyalty accounts, entries, pending points, coupons and loyalty deliveries. */
  loyalty: LoyaltySubject;
}

/** Whether a lead names one of the person's identifiers (its contact, or one of its external ids). */
export function leadMatches(lead: JsonObject, identities: readonly IdentityKey[], externalIds: readonly ExternalIdKey[]): boolean {
  const contact = lead.contact;
  const value = typeof contact === 'string' ? contact : contact && typeof contact === 'object' ? (contact as { value?: unknown }).value : undefined;
  if (typeof value === 'string') {
    for (const identity of identities) {
      let normalized: string | undefined;
      try {
        normalized = normalizeIdentifierValue(identity.type, value);
      } catch {
        normalized = undefined;
      }
      if (normalized === identity.value) return true;
    }
  }
  const leadExternal = Array.isArray(lead.externalIds) ? (lead.externalIds as { source?: string; key?: string; value?: string }[]) : [];
  const externalValues = new Set(identities.filter((i) => i.type === 'external_id').map((i) => i.value));
  return leadExternal.some(
    (e) => externalValues.has(e.value ?? '') || externalIds.some((x) => x.source === e.source && x.key === (e.key ?? '') && x.value === e.value),
  );
}

/**
 * Everything held on the person `ref` resolves to, or undefined when it resolves to no customer.
 * `forErasure` locks its loyalty accounts against ledger movements until the transaction ends.
 */
export function* collectSubject(ref: string, forErasure: boolean): Program<Subject | undefined> {
  const customer = (yield* resolveCustomers([ref])).get(ref);
  if (!customer) return undefined;
  const first = yield { identitiesOf: [customer.id], allLeads: true, consentHistoryOf: [customer.id] };
  const identities = first.identitiesOf.get(customer.id) ?? [];
  const externalIds = externalIdsOf(JSON.parse(customer.data) as JsonObject).map((e) => ({ source: e.source, key: e.key, value: e.value }));
  const refs = [
    ...new Set([ref, customer.id, ...identities.filter((i) => i.type === 'external_id').map((i) => i.value), ...identities.map((i) => `${i.type}:${i.value}`)]),
  ];
  const leads = first.allLeads.filter((row) => leadMatches(JSON.parse(row.data) as JsonObject, identities, externalIds));
  const orders = (yield { recordsByRef: { table: 'orders', refs } }).recordsByRef;
  const reviews = (yield { recordsByRef: { table: 'reviews', refs } }).recordsByRef;
  const events = (yield { recordsByRef: { table: 'events', refs } }).recordsByRef;
  const deliveries = events.length > 0 ? (yield { deliveriesOf: events.map((e) => e.id) }).deliveries : [];
  const loyalty = yield* collectLoyalty(customer.id, forErasure);
  return { customer, identities, externalIds, refs, leads, orders, reviews, events, deliveries, consentLists: first.consentHistory, loyalty };
}

export interface ConsentChange extends ConsentState {
  /** Where the change came from: the event that carried it. */
  source: { kind: 'event'; eventType: string; eventId: string };
}

/** Every consent change of the person in the total order of §8 (earliest first); the last is the current state. */
export function consentHistory(events: readonly RecordRow[]): ConsentChange[] {
  const out: ConsentChange[] = [];
  for (const row of events) {
    const type = String(row.event_type);
    if (!CONSENT_EVENT_TYPES.includes(type)) continue;
    const state = consentFromEvent(type, (JSON.parse(row.data) as { occurredAt: string }).occurredAt, row.id);
    if (state) out.push({ ...state, source: { kind: 'event', eventType: (JSON.parse(row.data) as { eventType: string }).eventType, eventId: row.id } });
  }
  return out.sort(compareConsent);
}
