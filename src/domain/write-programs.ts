/**
 * The writes of docs/contract.md §5 as programs an engine runs in one transaction: each yields
 * its look-up rounds (src/store/engine.ts) and returns the write plan and the answer. Every
 * decision is taken here or in the rule modules it calls; the engine only answers and applies.
 */
import type { Customer } from '../contract/customer.js';
import type { CustomerEvent } from '../contract/event.js';
import type { JsonObject } from '../contract/merge.js';
import {
  emptyPlan,
  externalIdKey,
  identityKey,
  type CustomerPut,
  type CustomerRow,
  type LookupRequest,
  type LookupResult,
  type RecordTable,
  type WritePlan,
} from '../store/engine.js';
import { stampToIso } from '../store/change-clock.js';
import { StoreConflictError, type WriteSummary } from '../store/store.js';
import { CONSENT_EVENT_TYPES, consentFromEvent, consentSupersedes, latestConsent, type ConsentState } from './consent.js';
import { normalizedOrUndefined, resolveCustomers } from './customer-resolution.js';
import { externalIdChanges, planCustomerUpsert, type StoredCustomer } from './customer-upsert.js';
import { eventDraft, type leadDraft, planEventWrites, planReplacingWrites } from './record-rules.js';
import { payloadMarkers, SubjectErasedError, type PrivacySettings } from './erasure-marker.js';
import { planDeliveries } from './webhook-deliveries.js';
import { renderRow } from './wire.js';

type Program<T> = Generator<LookupRequest, T, LookupResult>;

const parseConsent = (text: string | null): ConsentState | null => (text ? (JSON.parse(text) as ConsentState) : null);

/** The stored identifier of a customer row, as sent (rc.2's `customerIdentifier`). */
function identifierOf(row: CustomerRow | undefined): { type: string; value: string } | undefined {
  const identifier = row && (JSON.parse(row.data) as { identifier?: { type?: unknown; value?: unknown } }).identifier;
  return typeof identifier?.type === 'string' && typeof identifier.value === 'string' ? { type: identifier.type, value: identifier.value } : undefined;
}

export function* customerUpsertProgram(
  customers: Customer[],
  stamp: () => number,
  privacy?: PrivacySettings,
): Program<{ plan: WritePlan; result: WriteSummary }> {
  // Markers are keyed hashes of every identifier (an HMAC each): made only when the tenant
  // holds any marker and refuses erased identifiers (docs/contract.md §14).
  const checkErasure = privacy !== undefined && privacy.afterErasure !== 'accept';
  const first = yield {
    anyErasureMarker: checkErasure,
    identities: customers.flatMap((c) => {
      const value = normalizedOrUndefined(c.identifier.type, c.identifier.value);
      return value === undefined ? [] : [{ type: c.identifier.type, value }];
    }),
    externalIds: customers.flatMap((c) => (c.externalIds ?? []).map((e) => ({ source: e.source, key: e.key ?? '', value: e.value }))),
  };
  // Several customers may hold one external id (merges): the smallest id, by UTF-16 code units, matches.
  const externalHolder = new Map([...first.externalIds].map(([key, holders]) => [key, [...holders].sort()[0]]));
  const ids = [...new Set([...customers.flatMap((c) => (c.id ? [c.id] : [])), ...first.identities.values(), ...externalHolder.values()])];
  const markers = checkErasure && first.anyErasureMarker ? customers.map((c) => payloadMarkers(privacy.markerKey, c)) : [];
  const second = yield { customers: ids, erasureMarkers: markers.flat() };
  const stored = second.customers;
  if (second.erasureMarkers.size > 0) refuseErased(customers, markers, second.erasureMarkers, first.identities, externalHolder, stored);
  // Each stored document is parsed once: the plan, the consent history and the external-id
  // changes below all read it.
  const parsed = new Map<string, StoredCustomer>();
  const storedCustomer = (id: string): StoredCustomer | undefined => {
    const row = stored.get(id);
    if (!row) return undefined;
    let customer = parsed.get(id);
    if (!customer) {
      customer = {
        id,
        data: JSON.parse(row.data) as JsonObject,
        text: row.data,
        createdAt: row.created_at,
        consent: parseConsent(row.consent),
        stamp: row.stamp,
      };
      parsed.set(id, customer);
    }
    return customer;
  };
  const plan = planCustomerUpsert(
    customers,
    {
      identity: (type, value) => first.identities.get(identityKey(type, value)),
      externalId: (source, key, value) => externalHolder.get(externalIdKey(source, key, value)),
      customer: storedCustomer,
    },
    stamp,
  );
  if (plan.conflicts.length > 0)
    throw new StoreConflictError(`${plan.conflicts.length} customer(s) conflict with stored records; nothing was written`, plan.conflicts);

  // A consent event may arrive before its customer: the maximum of those applies on creation.
  const refs = [...new Set(plan.writes.filter((w) => w.isNew).flatMap((w) => w.consentRefs))];
  const pending = new Map<string, ConsentState[]>();
  if (refs.length > 0) {
    const found = yield { eventsByCustomer: { refs, eventTypes: CONSENT_EVENT_TYPES } };
    for (const event of found.eventsByCustomer) {
      const state = consentFromEvent(event.event_type, (JSON.parse(event.data) as { occurredAt: string }).occurredAt, event.id);
      if (state) pending.set(event.customer_ref, [...(pending.get(event.customer_ref) ?? []), state]);
    }
  }
  const result = emptyPlan();
  for (const write of plan.writes) {
    const before = stored.get(write.id);
    const consent = write.isNew ? latestConsent(write.consentRefs.flatMap((ref) => pending.get(ref) ?? [])) : undefined;
    result.customers.push({
      id: write.id,
      data: write.text,
      created_at: write.createdAt,
      stamp: write.stamp,
      consent: write.isNew ? (consent ? JSON.stringify(consent) : null) : (before?.consent ?? null),
      previousStamp: write.isNew ? undefined : before?.stamp,
    });
    // docs/contract.md §14.5: a change of the consent list (rc.2 `consents[]`) is kept with its time.
    const consents = JSON.stringify(write.data.consents ?? null);
    const beforeData = storedCustomer(write.id)?.data;
    const consentsBefore = beforeData ? JSON.stringify(beforeData.consents ?? null) : 'null';
    if (consents !== consentsBefore) {
      result.consentChanges = result.consentChanges ?? [];
      result.consentChanges.push({ customer_id: write.id, stamp: write.stamp, at: stampToIso(write.stamp), source: 'customer.consents', data: consents });
    }
    const externalIds = externalIdChanges(write.id, beforeData, write.data);
    result.externalIds.push(...externalIds.added);
    result.externalIdsRemoved.push(...externalIds.removed);
  }
  result.identities = plan.identities;
  return { plan: result, result: plan.summary };
}

/**
 * docs/contract.md §14: an item bringing an identifier of an erased person, and matching no
 * stored customer, is refused (the whole batch, nothing written) unless the server accepts
 * such writes as a new person.
 */
function refuseErased(
  customers: Customer[],
  markers: string[][],
  erased: Set<string>,
  identities: Map<string, string>,
  externalHolder: Map<string, string>,
  stored: Map<string, CustomerRow>,
): void {
  const details: string[] = [];
  customers.forEach((c, i) => {
    if (!markers[i].some((m) => erased.has(m))) return;
    const value = normalizedOrUndefined(c.identifier.type, c.identifier.value);
    const held =
      (c.id !== undefined && stored.has(c.id)) ||
      (value !== undefined && identities.has(identityKey(c.identifier.type, value))) ||
      (c.externalIds ?? []).some((e) => externalHolder.has(externalIdKey(e.source, e.key ?? '', e.value)));
    if (!held) details.push(`/${i}: names a person whose data was erased`);
  });
  if (details.length > 0) throw new SubjectErasedError(details);
}

export function* eventsProgram(events: CustomerEvent[], stamp: () => number): Program<{ plan: WritePlan; result: WriteSummary }> {
  const drafts = events.map(eventDraft);
  // The subscriptions come in the same round as the stored events: no extra round trip.
  const found = yield { records: { table: 'events', ids: [...new Set(drafts.map((d) => d.id))] }, subscriptions: true };
  const writes = planEventWrites(drafts, found.records, stamp);
  const bodies = new Map(writes.rows.map((r) => [r.id, r.data]));
  const consenting = writes.fresh.filter((d) => d.consent && d.customerRef);
  // rc.2 envelopes name the customer by identifier (docs/contract.md §13.6): resolved in the
  // same rounds as the consent look-ups.
  const wantsRc2 = found.subscriptions.some((s) => s.format === 'rc2');
  const refs = [...consenting, ...(wantsRc2 ? writes.fresh : [])].flatMap((d) => (d.customerRef ? [d.customerRef] : []));
  const customers = refs.length > 0 ? yield* resolveCustomers(refs) : new Map<string, CustomerRow>();
  const deliveries = planDeliveries(
    writes.fresh.map((d) => ({
      id: d.id,
      eventType: d.eventType,
      body: bodies.get(d.id) as string,
      customerIdentifier: d.customerRef ? identifierOf(customers.get(d.customerRef)) : undefined,
    })),
    found.subscriptions,
  );
  const plan: WritePlan = { ...emptyPlan(), records: { table: 'events', rows: writes.rows }, deliveries };
  if (consenting.length > 0) {
    const changed = new Map<string, { row: CustomerRow; consent: ConsentState | null }>();
    for (const draft of consenting) {
      const row = customers.get(draft.customerRef as string);
      if (!row) continue;
      const current = changed.get(row.id) ?? { row, consent: parseConsent(row.consent) };
      if (consentSupersedes(current.consent, draft.consent as ConsentState)) changed.set(row.id, { row, consent: draft.consent as ConsentState });
    }
    for (const { row, consent } of changed.values()) {
      const put: CustomerPut = { ...row, consent: JSON.stringify(consent), stamp: stamp(), previousStamp: row.stamp };
      plan.customers.push(put);
    }
  }
  return { plan, result: writes.summary };
}

export function* replacingProgram(
  table: Exclude<RecordTable, 'events'>,
  drafts: ReturnType<typeof leadDraft>[],
  stamp: () => number,
): Program<{ plan: WritePlan; result: WriteSummary }> {
  const stored = (yield { records: { table, ids: [...new Set(drafts.map((d) => d.id))] } }).records;
  const writes = planReplacingWrites(drafts, stored, stamp);
  return { plan: { ...emptyPlan(), records: { table, rows: writes.rows } }, result: writes.summary };
}

export function* recordById(table: RecordTable, id: string): Program<string | undefined> {
  const row = (yield { records: { table, ids: [id] } }).records.get(id);
  return row && renderRow(table, row);
}
