/**
 * The Store routes receive (src/store/store.ts), composed over a narrow engine
 * (src/store/engine.ts): every write is a program of look-up rounds and a plan made here from
 * the rules of src/domain/, which the engine runs in one transaction; every list is a spec the
 * engine translates to SQL, rendered and bounded here. Both engines therefore give the same
 * answers: the rules exist once.
 */
import type { Customer } from '../contract/customer.js';
import type { CustomerEvent } from '../contract/event.js';
import type { Lead } from '../contract/lead.js';
import type { JsonObject } from '../contract/merge.js';
import type { Review } from '../contract/review.js';
import {
  emptyPlan,
  externalIdKey,
  identityKey,
  type CustomerPut,
  type CustomerRow,
  type ListSpec,
  type LookupRequest,
  type LookupResult,
  type RecordRow,
  type RecordTable,
  type StoreEngine,
  type WritePlan,
} from '../store/engine.js';
import {
  StoreConflictError,
  type CustomerFilter,
  type EventFilter,
  type LeadFilter,
  type OrderFilter,
  type OrderSnapshot,
  type PageRequest,
  type PageResult,
  type PoolUse,
  type ReviewFilter,
  type Store,
  type StoreStatus,
  type WriteSummary,
} from '../store/store.js';
import { CONSENT_EVENT_TYPES, consentFromEvent, consentSupersedes, latestConsent, type ConsentState } from './consent.js';
import { customerRefs, normalizedOrUndefined, resolveCustomers } from './customer-resolution.js';
import { externalIdsOf, planCustomerUpsert, type StoredCustomer } from './customer-upsert.js';
import { customerListSpec, eventListSpec, leadListSpec, orderListSpec, reviewListSpec } from './list-specs.js';
import { eventDraft, leadDraft, orderDraft, planEventWrites, planReplacingWrites, reviewDraft } from './record-rules.js';
import { itemsWithinBytes, MAX_PAGE_BYTES, renderCustomer, renderRow } from './wire.js';

type Program<T> = Generator<LookupRequest, T, LookupResult>;

const parseConsent = (text: string | null): ConsentState | null => (text ? (JSON.parse(text) as ConsentState) : null);

function* customerUpsertProgram(customers: Customer[], stamp: () => number): Program<{ plan: WritePlan; result: WriteSummary }> {
  const first = yield {
    identities: customers.flatMap((c) => {
      const value = normalizedOrUndefined(c.identifier.type, c.identifier.value);
      return value === undefined ? [] : [{ type: c.identifier.type, value }];
    }),
    externalIds: customers.flatMap((c) => (c.externalIds ?? []).map((e) => ({ source: e.source, key: e.key ?? '', value: e.value }))),
  };
  const ids = [...new Set([...customers.flatMap((c) => (c.id ? [c.id] : [])), ...first.identities.values(), ...first.externalIds.values()])];
  const stored = (yield { customers: ids }).customers;
  const plan = planCustomerUpsert(
    customers,
    {
      identity: (type, value) => first.identities.get(identityKey(type, value)),
      externalId: (source, key, value) => first.externalIds.get(externalIdKey(source, key, value)),
      customer: (id): StoredCustomer | undefined => {
        const row = stored.get(id);
        return row && { id, data: JSON.parse(row.data) as JsonObject, createdAt: row.created_at, consent: parseConsent(row.consent), stamp: row.stamp };
      },
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
      data: JSON.stringify(write.data),
      created_at: write.createdAt,
      stamp: write.stamp,
      consent: write.isNew ? (consent ? JSON.stringify(consent) : null) : (before?.consent ?? null),
      previousStamp: write.isNew ? undefined : before?.stamp,
    });
    // Only customers that existed have external ids to resynchronise.
    if (!write.isNew) result.externalIdsReplacedFor.push(write.id);
    for (const e of externalIdsOf(write.data)) result.externalIds.push({ ...e, customerId: write.id });
  }
  result.identities = plan.identities;
  return { plan: result, result: plan.summary };
}

function* eventsProgram(events: CustomerEvent[], stamp: () => number): Program<{ plan: WritePlan; result: WriteSummary }> {
  const drafts = events.map(eventDraft);
  const stored = (yield { records: { table: 'events', ids: [...new Set(drafts.map((d) => d.id))] } }).records;
  const writes = planEventWrites(drafts, stored, stamp);
  const plan: WritePlan = { ...emptyPlan(), records: { table: 'events', rows: writes.rows }, deliveries: writes.fresh.map((d) => d.id) };
  const consenting = writes.fresh.filter((d) => d.consent && d.customerRef);
  if (consenting.length > 0) {
    const customers = yield* resolveCustomers(consenting.map((d) => d.customerRef as string));
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

function* replacingProgram(
  table: Exclude<RecordTable, 'events'>,
  drafts: ReturnType<typeof leadDraft>[],
  stamp: () => number,
): Program<{ plan: WritePlan; result: WriteSummary }> {
  const stored = (yield { records: { table, ids: [...new Set(drafts.map((d) => d.id))] } }).records;
  const writes = planReplacingWrites(drafts, stored, stamp);
  return { plan: { ...emptyPlan(), records: { table, rows: writes.rows } }, result: writes.summary };
}

function* recordById(table: RecordTable, id: string): Program<string | undefined> {
  const row = (yield { records: { table, ids: [id] } }).records.get(id);
  return row && renderRow(table, row);
}

export class DomainStore implements Store {
  readonly backend: string;

  constructor(protected readonly engine: StoreEngine) {
    this.backend = engine.backend;
  }

  get auth() {
    return this.engine.auth;
  }

  get webhooks() {
    return this.engine.webhooks;
  }

  upsertCustomers(tenant: string, customers: Customer[]): Promise<WriteSummary> {
    return this.engine.write(tenant, (stamp) => customerUpsertProgram(customers, stamp));
  }

  getCustomer(tenant: string, ref: string): Promise<string | undefined> {
    return this.engine.read(tenant, function* () {
      const row = (yield* resolveCustomers([ref])).get(ref);
      return row && renderCustomer(row);
    });
  }

  resolveCustomerRefs(tenant: string, ref: string): Promise<string[] | undefined> {
    return this.engine.read(tenant, () => customerRefs(ref));
  }

  listCustomers(tenant: string, filter: CustomerFilter, page: PageRequest): Promise<PageResult> {
    return this.page(tenant, customerListSpec(filter, page));
  }

  upsertLeads(tenant: string, leads: Lead[]): Promise<WriteSummary> {
    return this.engine.write(tenant, (stamp) => replacingProgram('leads', leads.map(leadDraft), stamp));
  }

  listLeads(tenant: string, filter: LeadFilter, page: PageRequest): Promise<PageResult> {
    return this.page(tenant, leadListSpec(filter, page));
  }

  upsertOrders(tenant: string, orders: OrderSnapshot[]): Promise<WriteSummary> {
    return this.engine.write(tenant, (stamp) => replacingProgram('orders', orders.map(orderDraft), stamp));
  }

  getOrder(tenant: string, id: string): Promise<string | undefined> {
    return this.engine.read(tenant, () => recordById('orders', id));
  }

  listOrders(tenant: string, filter: OrderFilter, page: PageRequest): Promise<PageResult> {
    return this.page(tenant, orderListSpec(filter, page));
  }

  upsertReviews(tenant: string, reviews: Review[]): Promise<WriteSummary> {
    return this.engine.write(tenant, (stamp) => replacingProgram('reviews', reviews.map(reviewDraft), stamp));
  }

  getReview(tenant: string, id: string): Promise<string | undefined> {
    return this.engine.read(tenant, () => recordById('reviews', id));
  }

  listReviews(tenant: string, filter: ReviewFilter, page: PageRequest): Promise<PageResult> {
    return this.page(tenant, reviewListSpec(filter, page));
  }

  publishEvents(tenant: string, events: CustomerEvent[]): Promise<WriteSummary> {
    return this.engine.write(tenant, (stamp) => eventsProgram(events, stamp));
  }

  listEvents(tenant: string, filter: EventFilter, page: PageRequest): Promise<PageResult> {
    return this.page(tenant, eventListSpec(filter, page));
  }

  /**
   * Runs a list spec, renders its rows and stops the page before its body passes
   * MAX_PAGE_BYTES (always one item at least): the next cursor then starts after the last
   * item sent (docs/contract.md §9).
   */
  protected async page(tenant: string, spec: ListSpec, maxBytes = MAX_PAGE_BYTES): Promise<PageResult> {
    const listed = await this.engine.list<CustomerRow | RecordRow>(tenant, spec);
    const items = listed.rows.map((row) => renderRow(spec.table, row));
    const kept = itemsWithinBytes(items, maxBytes);
    const last = listed.rows[kept - 1];
    return {
      items: kept === items.length ? items : items.slice(0, kept),
      total: listed.total,
      last: last ? { stamp: last.stamp, id: last.id } : undefined,
      hasMore: listed.hasMore || kept < items.length,
    };
  }

  ping(): Promise<void> {
    return this.engine.ping();
  }

  status(): Promise<StoreStatus> {
    return this.engine.status();
  }

  poolUse(): PoolUse | undefined {
    return this.engine.poolUse();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
