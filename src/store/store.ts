/**
 * The Store interface: everything the HTTP layer may ask of persistence.
 *
 * Routes speak only to this interface, never to SQL, so that the embedded SQLite store and a
 * PostgreSQL store are interchangeable and pass one shared test suite. Every write method runs
 * as one transaction and resolves only after it has committed: a 2xx means the data is on
 * disk (docs/contract.md §7). Reads return documents already rendered as JSON text, so a
 * list answer is a concatenation, not a re-serialization.
 */
import type { Customer } from '../contract/customer.js';
import type { AuthStore } from './auth-store.js';
import type { WebhookStore } from './webhook-store.js';
import type { LoyaltyLedger } from '../domain/loyalty/loyalty-ledger.js';
import type { CustomerEvent } from '../contract/event.js';
import type { Lead } from '../contract/lead.js';
import type { Review } from '../contract/review.js';
import type { AuditDraft } from '../domain/audit-chain.js';
import type { PrivacySettings } from '../domain/erasure-marker.js';
import type { RetentionLimits } from '../domain/retention.js';
import type { ErasureReceipt, Requester } from '../domain/privacy-programs.js';
import type { AuditQuery, AuditRow } from './engine.js';

/** An Order snapshot: the canonical v1 Order, of which only the string `id` is certain. */
export type OrderSnapshot = { id: string } & Record<string, unknown>;

/** A keyset position: the change stamp and id of the last record of a page. */
export interface Position {
  stamp: number;
  id: string;
}

export interface PageRequest {
  limit: number;
  /** Rows to skip; used for `page` numbers when no keyset position is given. */
  offset: number;
  /** Continue strictly after this position (cursor pagination); offset is then ignored. */
  after?: Position;
}

export interface PageResult {
  /** Rendered JSON documents, in (stamp, id) order. */
  items: string[];
  /** Records matching the filter, across all pages. */
  total: number;
  /** Position of the last item, to build the next cursor. */
  last?: Position;
  /** Whether more records follow this page. */
  hasMore: boolean;
}

/** Times are microseconds since the epoch (the precision of `updatedAt`); ranges are inclusive. */
export interface TimeRange {
  from?: number;
  to?: number;
}

export interface CustomerFilter {
  identifierType?: string;
  identifierValue?: string;
  externalId?: string;
  externalIdSource?: string;
  updated?: TimeRange;
}

export interface LeadFilter {
  updated?: TimeRange;
}

export interface OrderFilter {
  customerRefs?: string[];
  created?: TimeRange;
  updated?: TimeRange;
}

export interface ReviewFilter {
  customerRefs?: string[];
  orderId?: string;
  reviewType?: string;
  created?: TimeRange;
}

export interface EventFilter {
  customerRefs?: string[];
  /** Already normalized with normalizeEventType. */
  eventType?: string;
  occurred?: TimeRange;
}

/**
 * What operators ask of a store beyond serving requests: readiness (every migration this
 * build knows is applied) and the outbox depth, for /readyz and /metrics.
 */
export interface StoreStatus {
  /** Versions of this build's migrations the database has not recorded; empty when ready. */
  pendingMigrations: number[];
  /** Webhook deliveries waiting to be sent (status pending). */
  outboxDepth: number;
}

/** Connections of a store's pool, for /metrics; an embedded store has none. */
export interface PoolUse {
  max: number;
  total: number;
  idle: number;
  /** Callers queued for a connection. */
  waiting: number;
}

/** What a write did, item by item: created, updated, or unchanged (a no-op re-send). */
export interface WriteSummary {
  created: number;
  updated: number;
  unchanged: number;
}

export interface Store {
  /** Which backend this is, for logs and health answers. */
  readonly backend: string;
  /** Clients, signing keys and settings, in the same database. */
  readonly auth: AuthStore;
  /** Webhook subscriptions and the outbox their deliveries wait in. */
  readonly webhooks: WebhookStore;
  /** The loyalty ledger (docs/contract.md §15). */
  readonly loyalty: LoyaltyLedger;

  upsertCustomers(tenant: string, customers: Customer[]): Promise<WriteSummary>;
  /** Resolves `ref` as id, external_id identifier value, then `<type>:<value>`. */
  getCustomer(tenant: string, ref: string): Promise<string | undefined>;
  /**
   * The references a customer is known by in other records (its id and external_id values),
   * or undefined when no customer resolves from `ref`.
   */
  resolveCustomerRefs(tenant: string, ref: string): Promise<string[] | undefined>;
  /**
   * What a `customerId` filter of orders, reviews and events matches: the value as given and
   * every reference of the customer it names, if any (docs/contract.md §2).
   */
  customerFilterRefs(tenant: string, value: string): Promise<string[]>;
  listCustomers(tenant: string, filter: CustomerFilter, page: PageRequest): Promise<PageResult>;

  upsertLeads(tenant: string, leads: Lead[]): Promise<WriteSummary>;
  listLeads(tenant: string, filter: LeadFilter, page: PageRequest): Promise<PageResult>;

  upsertOrders(tenant: string, orders: OrderSnapshot[]): Promise<WriteSummary>;
  getOrder(tenant: string, id: string): Promise<string | undefined>;
  listOrders(tenant: string, filter: OrderFilter, page: PageRequest): Promise<PageResult>;

  upsertReviews(tenant: string, reviews: Review[]): Promise<WriteSummary>;
  getReview(tenant: string, id: string): Promise<string | undefined>;
  listReviews(tenant: string, filter: ReviewFilter, page: PageRequest): Promise<PageResult>;

  /** Stores events idempotently and applies consent events to their customers. */
  publishEvents(tenant: string, events: CustomerEvent[]): Promise<WriteSummary>;
  listEvents(tenant: string, filter: EventFilter, page: PageRequest): Promise<PageResult>;

  /** Sets the erasure-marker key and the rule for writes of erased identifiers (docs/contract.md §14). */
  configurePrivacy(settings: PrivacySettings): void;
  /** The person's data as the export document (JSON text), with its audit entry; undefined when `ref` names nobody. */
  exportSubject(tenant: string, ref: string, requester: Requester): Promise<string | undefined>;
  /** Erases the person in one transaction and records it; undefined when `ref` names nobody. */
  eraseSubject(tenant: string, ref: string, requester: Requester): Promise<ErasureReceipt | undefined>;
  readAudit(tenant: string, query: AuditQuery): Promise<AuditRow[]>;
  appendAudit(tenant: string, draft: AuditDraft): Promise<AuditRow>;
  /** Deletes the tenant's events and orders older than its limits (docs/contract.md §14.8); returns how many. */
  applyRetention(tenant: string, limits: RetentionLimits, nowMs: number): Promise<{ events: number; orders: number }>;

  /** Resolves when the store can serve requests. */
  ping(): Promise<void>;
  /** Readiness and outbox depth; rejects when the database does not answer. */
  status(): Promise<StoreStatus>;
  /** The connection pool's use right now, or undefined without a pool. */
  poolUse(): PoolUse | undefined;
  close(): Promise<void>;
}

/**
 * Thrown by a store when a payload contradicts stored state (an id that belongs to another
 * record). Carries `pointer: reason` lines relative to the batch.
 */
export class StoreConflictError extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/**
 * Thrown by a store that cannot reach its database (down, restarting, out of connections).
 * Answered as 503 with Retry-After; nothing of the request was committed.
 */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}
