/**
 * Moving one merchant's stored rows out of a store and into another, verbatim (`odc export` /
 * `odc import`, docs/deployment.md "Moving from SQLite to PostgreSQL").
 *
 * Rows travel as stored: ids, change stamps, the server `createdAt`, consent state, identities
 * and external ids, and documents as their exact JSON text, so the target answers every read
 * byte for byte as the source did (docs/contract.md §11, the wire format). The engines only copy
 * rows; the format of the export file lives in src/cli/transfer-format.ts.
 */
import { RECORD_COLUMNS } from './engine.js';
import { LEDGER_COLUMNS } from './ledger-engine.js';

/** A table that holds a merchant's data, with its key (keyset paging) and the columns copied. */
export interface TransferTableSpec {
  /** The primary key after `tenant`, in order: pages are read in this order. */
  key: readonly string[];
  columns: readonly string[];
  /** Columns that are integers (stamps, milliseconds, points); all others are text, boolean or null. */
  integers: readonly string[];
  /** Columns that are booleans (SQLite keeps 0/1; the export file and PostgreSQL true/false). */
  booleans?: readonly string[];
}

export const TRANSFER_TABLES = {
  customers: { key: ['id'], columns: ['id', 'data', 'created_at', 'stamp', 'consent'], integers: ['stamp'] },
  customer_identities: { key: ['type', 'value'], columns: ['type', 'value', 'customer_id'], integers: [] },
  customer_external_ids: { key: ['source', 'key', 'value', 'customer_id'], columns: ['source', 'key', 'value', 'customer_id'], integers: [] },
  leads: { key: ['id'], columns: ['id', 'data', 'stamp', ...RECORD_COLUMNS.leads], integers: ['stamp'] },
  orders: { key: ['id'], columns: ['id', 'data', 'stamp', ...RECORD_COLUMNS.orders], integers: ['stamp', 'created_ms'] },
  reviews: { key: ['id'], columns: ['id', 'data', 'stamp', ...RECORD_COLUMNS.reviews], integers: ['stamp', 'review_ms'] },
  events: { key: ['id'], columns: ['id', 'data', 'stamp', ...RECORD_COLUMNS.events], integers: ['stamp', 'occurred_ms'] },
  // Privacy (docs/contract.md §14): erasure markers, the audit trail (its hash chain travels intact), consent history.
  erasure_markers: { key: ['marker'], columns: ['marker', 'erased_at'], integers: [] },
  privacy_audit: {
    key: ['seq'],
    columns: ['seq', 'at', 'actor', 'request_id', 'action', 'customer_id', 'details', 'prev_hash', 'hash'],
    integers: ['seq'],
  },
  consent_history: { key: ['customer_id', 'stamp'], columns: ['customer_id', 'stamp', 'at', 'source', 'data'], integers: ['stamp'] },
  // The loyalty ledger (docs/contract.md §15): balances travel with the entries they sum.
  loyalty_programs: { key: ['id'], columns: LEDGER_COLUMNS.loyalty_programs, integers: [] },
  loyalty_rewards: { key: ['id'], columns: LEDGER_COLUMNS.loyalty_rewards, integers: ['cost'], booleans: ['active'] },
  loyalty_accounts: { key: ['id'], columns: LEDGER_COLUMNS.loyalty_accounts, integers: ['balance', 'pending'] },
  loyalty_entries: { key: ['id'], columns: LEDGER_COLUMNS.loyalty_entries, integers: ['amount'] },
  loyalty_pending: { key: ['account_id', 'order_id'], columns: LEDGER_COLUMNS.loyalty_pending, integers: ['points'] },
  loyalty_coupons: { key: ['id'], columns: LEDGER_COLUMNS.loyalty_coupons, integers: [] },
} as const satisfies Record<string, TransferTableSpec>;

/** The boolean columns of a table (none for most). */
export function booleanColumns(table: TransferTable): readonly string[] {
  return (TRANSFER_TABLES[table] as TransferTableSpec).booleans ?? [];
}

export type TransferTable = keyof typeof TRANSFER_TABLES;
export const TRANSFER_TABLE_NAMES = Object.keys(TRANSFER_TABLES) as TransferTable[];

/** One stored row, column name to value, without `tenant`. */
export type TransferRow = Record<string, string | number | boolean | null>;

export interface TransferBatch {
  table: TransferTable;
  rows: TransferRow[];
}

/** What an engine offers `odc export` and `odc import`; no business rule, only rows. */
export interface TenantTransfer {
  /** Up to `limit` rows of `table` for `tenant` whose key is greater than `after`'s, in key order. */
  exportRows(tenant: string, table: TransferTable, after: TransferRow | undefined, limit: number): Promise<TransferRow[]>;
  /** Whether `tenant` holds any row in a transfer table. */
  hasData(tenant: string): Promise<boolean>;
  /**
   * Inserts the rows as they are, in one transaction, keeping their stamps: the stamp buckets
   * (stamp-counts.ts) count them, and the change clock moves past the largest stamp, so a
   * later write still sorts after every imported record (docs/contract.md §2).
   */
  importRows(tenant: string, batches: TransferBatch[]): Promise<void>;
  /** Deletes every row of `tenant` in the transfer tables and its stamp buckets, in one transaction. */
  deleteTenant(tenant: string): Promise<void>;
}

/** The largest stamp among the batches' rows (0 if none). */
export function largestStamp(batches: TransferBatch[]): number {
  let largest = 0;
  for (const { rows } of batches) for (const row of rows) if (typeof row.stamp === 'number' && row.stamp > largest) largest = row.stamp;
  return largest;
}
