/**
 * The narrow interface a database implements (docs/architecture.md, "The store interface").
 *
 * A store engine knows tables, indexes, transactions and change stamps, and nothing of the
 * rules of docs/contract.md: it answers batch look-ups, applies a write plan the domain made,
 * and runs a list spec the domain described. Everything that decides something (which
 * customer a payload matches, which event wins, which `createdAt` an order keeps, what a
 * filter means) lives in src/domain/ and reaches the engine as data.
 */
import type { AuthStore } from './auth-store.js';
import type { AccountRow, CouponRow, EntryRow, LedgerEngine, PendingRow } from './ledger-engine.js';
import type { PageRequest, PoolUse, StoreStatus, TimeRange } from './store.js';
import type { CountedTable } from './stamp-counts.js';
import type { TenantTransfer } from './tenant-transfer.js';
import type { WebhookFormat, WebhookStore } from './webhook-store.js';

/** Tables of records keyed by one id (customers have their own shape). */
export type RecordTable = 'leads' | 'orders' | 'reviews' | 'events';
export type DataTable = 'customers' | RecordTable;

/** The columns beside `id`, `data` and `stamp` each record table has, in this order. */
export const RECORD_COLUMNS = {
  leads: ['created_at'],
  orders: ['customer_ref', 'created_ms'],
  reviews: ['customer_ref', 'order_ref', 'review_type', 'review_ms'],
  events: ['customer_ref', 'event_type', 'occurred_ms'],
} as const satisfies Record<RecordTable, readonly string[]>;

export type ColumnValue = string | number | null;

/** A customer row as stored: the document (JSON text) without server fields, and those fields. */
export interface CustomerRow {
  id: string;
  data: string;
  created_at: string | null;
  stamp: number;
  /** Consent state as JSON text, or null. */
  consent: string | null;
}

/** A lead, order, review or event row: its document and derived columns. */
export interface RecordRow {
  id: string;
  data: string;
  stamp: number;
  [column: string]: ColumnValue | undefined;
}

export interface IdentityKey {
  type: string;
  value: string;
}

export interface ExternalIdKey {
  source: string;
  key: string;
  value: string;
}

/** One round of look-ups; a PostgreSQL engine answers each kind with one query. */
export interface LookupRequest {
  /** Customers by id. */
  customers?: string[];
  /** Customer ids by identity (type, normalized value). */
  identities?: IdentityKey[];
  /** Customer ids by external id (source, key, value): every customer holding it. */
  externalIds?: ExternalIdKey[];
  /** Every identity of these customers. */
  identitiesOf?: string[];
  /** Events of these types stored under these customer refs. */
  eventsByCustomer?: { refs: string[]; eventTypes: string[] };
  /** Rows of one record table by id. */
  records?: { table: RecordTable; ids: string[] };
  /** The tenant's webhook subscriptions (id, event types and format). */
  subscriptions?: boolean;
  /** Rows of one record table whose `customer_ref` is one of `refs` (docs/contract.md §14). */
  recordsByRef?: { table: Exclude<RecordTable, 'leads'>; refs: string[] };
  /** Every lead of the tenant: which of them match a person is a domain rule (§14). */
  allLeads?: boolean;
  /** Webhook outbox rows of these event ids. */
  deliveriesOf?: string[];
  /** Which of these erasure markers the tenant holds. */
  erasureMarkers?: string[];
  /** Whether the tenant holds any erasure marker at all (a write makes its markers only then). */
  anyErasureMarker?: boolean;
  /** The last audit entry of the tenant (its sequence number and hash), to chain the next one. */
  auditTail?: boolean;
  /** Audit entries of the tenant in sequence order, filtered (§14). */
  audit?: AuditQuery;
  /** The consent-list history of these customers (§14.5). */
  consentHistoryOf?: string[];
  /** At most `limit` rows of `table` whose `column` (epoch ms) is below `beforeMs`, oldest first (retention, §14.8). */
  expired?: { table: 'orders' | 'events'; column: 'created_ms' | 'occurred_ms'; beforeMs: number; limit: number };
  /**
   * The loyalty ledger rows of these customers (§14.2): their accounts, those accounts' entries
   * in ledger order and pending rows, and their coupons. With `lock`, the customer rows and the
   * accounts stay locked to the end of the transaction against ledger movements and enrolments.
   */
  loyaltyOf?: { customerIds: string[]; lock: boolean };
  /** Outbox rows whose body contains this text: candidates only, the domain reads each body. */
  deliveriesMentioning?: string;
}

/** A person's loyalty ledger rows, as a `loyaltyOf` look-up answers. */
export interface LoyaltyHoldings {
  accounts: AccountRow[];
  entries: EntryRow[];
  pending: PendingRow[];
  coupons: CouponRow[];
}

/** One row of the webhook outbox, as the privacy export shows it. */
export interface DeliveryRow {
  id: number;
  subscription_id: string;
  event_id: string;
  body: string;
  status: string;
  attempts: number;
  created_at: string;
  delivered_at: string | null;
  last_error: string | null;
}

/** One entry of the append-only privacy audit trail, as stored (docs/contract.md §14). */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  request_id: string | null;
  action: string;
  customer_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditQuery {
  customerId?: string;
  /** ISO instants, inclusive. */
  from?: string;
  to?: string;
  afterSeq?: number;
  limit: number;
}

export interface LookupResult {
  customers: Map<string, CustomerRow>;
  /** By identityKey(type, value). */
  identities: Map<string, string>;
  /** By externalIdKey(source, key, value): the holders, in no particular order. */
  externalIds: Map<string, string[]>;
  identitiesOf: Map<string, IdentityKey[]>;
  eventsByCustomer: { customer_ref: string; id: string; event_type: string; data: string }[];
  records: Map<string, RecordRow>;
  subscriptions: { id: string; eventTypes: string[]; format: WebhookFormat }[];
  recordsByRef: RecordRow[];
  allLeads: RecordRow[];
  deliveries: DeliveryRow[];
  erasureMarkers: Set<string>;
  anyErasureMarker: boolean;
  auditTail: AuditRow | undefined;
  audit: AuditRow[];
  expired: RecordRow[];
  consentHistory: ConsentHistoryRow[];
  loyalty: LoyaltyHoldings;
  deliveriesMentioning: DeliveryRow[];
}

/** One change of a customer's consent list (rc.2 `consents[]`), as stored (§14.5). */
export interface ConsentHistoryRow {
  customer_id: string;
  stamp: number;
  at: string;
  source: string;
  /** The list after the change, as JSON text (`null` when cleared). */
  data: string;
}

/** What an erasure removes (docs/contract.md §14); applied with the rest of the plan. */
export interface ErasurePlan {
  /** Customers removed with their identities and external ids; `stamp` for the stamp buckets. */
  customers: { id: string; stamp: number }[];
  /** Record rows removed. */
  records: { table: RecordTable; rows: { id: string; stamp: number }[] }[];
  /** Webhook outbox rows of these events removed, whatever their status. */
  deliveriesOfEvents: string[];
  /** Keyed hashes of the person's identifiers, kept so a later write of them is recognized. */
  markers: string[];
  erasedAt: string;
  /** Loyalty accounts removed with their entries and pending rows; coupons; outbox rows by id. */
  loyalty?: { accountIds: string[]; couponIds: string[]; deliveryIds: number[] };
}

/** The privacy parts of a look-up result when nothing of them was asked. */
export const emptyPrivacyResult = (): Pick<
  LookupResult,
  | 'recordsByRef'
  | 'allLeads'
  | 'deliveries'
  | 'erasureMarkers'
  | 'anyErasureMarker'
  | 'auditTail'
  | 'audit'
  | 'expired'
  | 'consentHistory'
  | 'loyalty'
  | 'deliveriesMentioning'
> => ({
  loyalty: { accounts: [], entries: [], pending: [], coupons: [] },
  deliveriesMentioning: [],
  consentHistory: [],
  expired: [],
  recordsByRef: [],
  allLeads: [],
  deliveries: [],
  erasureMarkers: new Set(),
  anyErasureMarker: false,
  auditTail: undefined,
  audit: [],
});

export const identityKey = (type: string, value: string): string => `${type}\u0000${value}`;
export const externalIdKey = (source: string, key: string, value: string): string => `${source}\u0000${key}\u0000${value}`;

/** A row to write, whole; `previousStamp` is the stamp it replaces (undefined: a new row). */
export interface CustomerPut extends CustomerRow {
  previousStamp?: number;
}

export interface RecordPut extends RecordRow {
  previousStamp?: number;
}

/** Everything one write transaction changes, decided by the domain; the engine only applies it. */
export interface WritePlan {
  customers: CustomerPut[];
  /**
   * External-id rows to add and to remove: only the keys a written customer's document gained
   * or lost (docs/contract.md §5), so an unchanged key is never deleted and inserted again.
   */
  externalIds: (ExternalIdKey & { customerId: string })[];
  externalIdsRemoved: (ExternalIdKey & { customerId: string })[];
  /** Identities to add (an identity already held is left as it is). */
  identities: (IdentityKey & { customerId: string })[];
  records?: { table: RecordTable; rows: RecordPut[] };
  /** Webhook deliveries queued in the same transaction as their events (the outbox). */
  deliveries: DeliveryPut[];
  erase?: ErasurePlan;
  /** Audit entries appended, already chained by the domain. */
  audit?: AuditRow[];
  consentChanges?: ConsentHistoryRow[];
}

/** One row of the webhook outbox: the exact body sent, due at `dueAt` (epoch ms). */
export interface DeliveryPut {
  subscriptionId: string;
  eventId: string;
  body: string;
  dueAt: number;
  createdAt: string;
}

export const emptyPlan = (): WritePlan => ({ customers: [], externalIds: [], externalIdsRemoved: [], identities: [], deliveries: [] });

/**
 * A write as a program: it yields look-up rounds and returns the plan and its answer. The
 * SQLite engine drives it synchronously inside its transaction, the PostgreSQL engine with
 * one round trip per round; `stamp()` hands out the transaction's next change stamp.
 */
export type WriteProgram<T> = (stamp: () => number) => Generator<LookupRequest, { plan: WritePlan; result: T }, LookupResult>;
export type ReadProgram<T> = () => Generator<LookupRequest, T, LookupResult>;

/** A condition of a list spec, translated by each engine to SQL served by an index. */
export type ListCondition =
  | { kind: 'equals'; column: string; value: string }
  | { kind: 'in'; column: string; values: string[] }
  | { kind: 'range'; column: string; range: TimeRange }
  /** Customers holding an identity of `type` (any type if absent) with one of `values` (any value if absent). */
  | { kind: 'identity'; type?: string; values?: string[] }
  /** Customers with an external id of this value (and source); `orIdentifier`: or an external_id identity of it. */
  | { kind: 'externalId'; value: string; source?: string; orIdentifier: boolean };

export interface ListSpec {
  table: DataTable;
  conditions: ListCondition[];
  /** In (stamp, id) order, after a position or at an offset; `limit` rows at most. */
  page: PageRequest;
  /** The conditions are exactly this stamp range on a counted table: count from the stamp buckets. */
  countFromBuckets?: { table: CountedTable; range: TimeRange | undefined };
  /** The conditions pick few rows by id: read those and sort, rather than walk in stamp order. */
  selective?: boolean;
  /**
   * Stop reading once the documents read (`data`, counted in the engine's unit: UTF-16 code
   * units or UTF-8 bytes, never more than the rendered bytes) pass this: the domain's page byte
   * bound (docs/contract.md §9.4) cuts there anyway, so the rest of `limit` is never read.
   */
  dataBudget?: number;
}

/**
 * The rows of a page read in (stamp, id) order from `source` (which may offer one row more than
 * `limit`): at most `limit`, and none after the row whose document passes `budget` (counted by
 * `size`); `hasMore` when a row follows the last one kept. Reading stops at the first row not
 * kept, so a lazy source is read no further.
 */
export function takeWithinBudget<Row>(source: Iterable<Row>, limit: number, budget: number, size: (row: Row) => number): { rows: Row[]; hasMore: boolean } {
  const rows: Row[] = [];
  let used = 0;
  for (const row of source) {
    if (rows.length === limit || used > budget) return { rows, hasMore: true };
    rows.push(row);
    used += size(row);
  }
  return { rows, hasMore: false };
}

export interface ListRows<Row> {
  /** At most `limit` rows, in (stamp, id) order. */
  rows: Row[];
  total: number;
  /** Whether rows follow the last one returned. */
  hasMore: boolean;
}

export interface StoreEngine {
  readonly backend: string;
  readonly auth: AuthStore;
  readonly webhooks: WebhookStore;
  /** Verbatim row copies for `odc export` / `odc import` (tenant-transfer.ts). */
  readonly transfer: TenantTransfer;
  /** The loyalty ledger's tables (docs/contract.md §15). */
  readonly ledger: LedgerEngine;
  /** Runs the program in one transaction of `tenant` and resolves after COMMIT. */
  write<T>(tenant: string, program: WriteProgram<T>): Promise<T>;
  read<T>(tenant: string, program: ReadProgram<T>): Promise<T>;
  list<Row extends CustomerRow | RecordRow>(tenant: string, spec: ListSpec): Promise<ListRows<Row>>;
  ping(): Promise<void>;
  status(): Promise<StoreStatus>;
  poolUse(): PoolUse | undefined;
  close(): Promise<void>;
}
