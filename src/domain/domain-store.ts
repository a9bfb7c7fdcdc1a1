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
import type { Review } from '../contract/review.js';
import type { AuditQuery, AuditRow, CustomerRow, ListSpec, RecordRow, StoreEngine } from '../store/engine.js';
import type { AuditDraft } from './audit-chain.js';
import { subjectMarker, type PrivacySettings } from './erasure-marker.js';
import { retentionProgram, type RetentionLimits } from './retention.js';

import { auditPage, auditProgram, eraseProgram, exportProgram, type ErasureReceipt, type Requester } from './privacy-programs.js';
import type {
  CustomerFilter,
  EventFilter,
  LeadFilter,
  OrderFilter,
  OrderSnapshot,
  PageRequest,
  PageResult,
  PoolUse,
  ReviewFilter,
  Store,
  StoreStatus,
  WriteSummary,
} from '../store/store.js';
import { customerRefs, resolveCustomers } from './customer-resolution.js';
import { customerListSpec, eventListSpec, leadListSpec, orderListSpec, reviewListSpec } from './list-specs.js';
import { LoyaltyLedger } from './loyalty/loyalty-ledger.js';
import { leadDraft, orderDraft, reviewDraft } from './record-rules.js';
import { itemsWithinBytes, MAX_PAGE_BYTES, renderCustomer, renderRow } from './wire.js';
import { customerUpsertProgram, eventsProgram, recordById, replacingProgram } from './write-programs.js';

/** Rows one retention transaction deletes at most. */
const RETENTION_BATCH = 1000;

export class DomainStore implements Store {
  readonly backend: string;
  /** The loyalty ledger (docs/contract.md §15). */
  readonly loyalty: LoyaltyLedger;
  /** The erasure-marker key and rule (docs/contract.md §14); set by the server that holds the secret key. */
  private privacySettings: PrivacySettings | undefined;

  constructor(protected readonly engine: StoreEngine) {
    this.backend = engine.backend;
    this.loyalty = new LoyaltyLedger(engine.ledger);
  }

  get auth() {
    return this.engine.auth;
  }

  get webhooks() {
    return this.engine.webhooks;
  }

  /** Verbatim row copies for `odc export` / `odc import` (src/store/tenant-transfer.ts). */
  get transfer() {
    return this.engine.transfer;
  }

  upsertCustomers(tenant: string, customers: Customer[]): Promise<WriteSummary> {
    return this.engine.write(tenant, (stamp) => customerUpsertProgram(customers, stamp, this.privacySettings));
  }

  configurePrivacy(settings: PrivacySettings): void {
    this.privacySettings = settings;
  }

  private requirePrivacy(): PrivacySettings {
    if (!this.privacySettings) throw new Error('privacy operations need the server secret key (configurePrivacy)');
    return this.privacySettings;
  }

  exportSubject(tenant: string, ref: string, requester: Requester): Promise<string | undefined> {
    const settings = this.requirePrivacy();
    return this.engine.write(tenant, (stamp) => exportProgram(tenant, ref, settings, requester, stamp));
  }

  eraseSubject(tenant: string, ref: string, requester: Requester): Promise<ErasureReceipt | undefined> {
    const settings = this.requirePrivacy();
    return this.engine.write(tenant, (stamp) => eraseProgram(ref, settings, requester, stamp));
  }

  /** A page of the audit trail; `customerRef` is a customer id, hashed as the trail names people (§14). */
  readAudit(tenant: string, query: AuditQuery): Promise<AuditRow[]> {
    const customerId = query.customerId === undefined ? undefined : subjectMarker(this.requirePrivacy().markerKey, query.customerId);
    return this.engine.read(tenant, () => auditPage({ ...query, customerId }));
  }

  appendAudit(tenant: string, draft: AuditDraft): Promise<AuditRow> {
    return this.engine.write(tenant, (stamp) => auditProgram(draft, stamp));
  }

  /** Bounded batches, each its own transaction, so a large backlog never holds the tenant's lock long. */
  async applyRetention(tenant: string, limits: RetentionLimits, nowMs: number): Promise<{ events: number; orders: number }> {
    const total = { events: 0, orders: 0 };
    for (;;) {
      const batch = await this.engine.write(tenant, (stamp) => retentionProgram(limits, nowMs, RETENTION_BATCH, stamp));
      total.events += batch.events;
      total.orders += batch.orders;
      if (!batch.more) return total;
    }
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

  /** A filter naming no known customer still matches records that carry the value as given. */
  async customerFilterRefs(tenant: string, value: string): Promise<string[]> {
    return (await this.resolveCustomerRefs(tenant, value)) ?? [value];
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

  async upsertOrders(tenant: string, orders: OrderSnapshot[]): Promise<WriteSummary> {
    const summary = await this.engine.write(tenant, (stamp) => replacingProgram('orders', orders.map(orderDraft), stamp));
    // Loyalty points follow the stored orders (docs/contract.md §15.7).
    await this.loyalty.accrueOrders(tenant, orders, async (ref) => {
      const text = await this.getCustomer(tenant, ref);
      const id = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id;
      return typeof id === 'string' ? id : undefined;
    });
    return summary;
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
    const listed = await this.engine.list<CustomerRow | RecordRow>(tenant, { ...spec, dataBudget: maxBytes });
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
