/**
 * The `odc export` file: NDJSON, one JSON object a line. The first line is a header naming the
 * format, its version and the merchant; every other line is one record, `{"kind": ..., "record":
 * {...}}`. Data rows are the stored columns (src/store/tenant-transfer.ts), documents as their
 * exact JSON text; clients and webhook subscriptions are the stored records, secrets as stored
 * (hashed or sealed with the instance key). More kinds can be added under new names; an importer
 * refuses a kind or a version it does not know rather than drop data.
 */
import type { ClientRecord } from '../store/auth-store.js';
import type { TransferRow, TransferTable } from '../store/tenant-transfer.js';
import type { WebhookSubscription } from '../store/webhook-store.js';

export const EXPORT_FORMAT = 'odc-export';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  merchant: string;
  exportedAt: string;
  /** The backend the export was read from, for the operator's information. */
  source: string;
}

/** The kind of each data table's lines. */
export const TABLE_KINDS: Record<TransferTable, string> = {
  customers: 'customer',
  customer_identities: 'customerIdentity',
  customer_external_ids: 'customerExternalId',
  leads: 'lead',
  orders: 'order',
  reviews: 'review',
  events: 'event',
  erasure_markers: 'erasureMarker',
  privacy_audit: 'privacyAudit',
  consent_history: 'consentHistory',
  loyalty_programs: 'loyaltyProgram',
  loyalty_rewards: 'loyaltyReward',
  loyalty_accounts: 'loyaltyAccount',
  loyalty_entries: 'loyaltyEntry',
  loyalty_pending: 'loyaltyPending',
  loyalty_coupons: 'loyaltyCoupon',
};

export const KIND_TABLES = new Map<string, TransferTable>(Object.entries(TABLE_KINDS).map(([table, kind]) => [kind, table as TransferTable]));

export type ExportLine =
  | { kind: 'client'; record: ClientRecord }
  | { kind: 'webhookSubscription'; record: WebhookSubscription }
  | { kind: string; record: TransferRow };

/** Parses and checks the header line. */
export function parseHeader(line: string | undefined): ExportHeader {
  let header: Partial<ExportHeader>;
  try {
    header = JSON.parse(line ?? '');
  } catch {
    throw new Error('not an odc export: the first line is not JSON');
  }
  if (header.format !== EXPORT_FORMAT) throw new Error(`not an odc export: the first line must name "format": "${EXPORT_FORMAT}"`);
  if (header.version !== EXPORT_VERSION)
    throw new Error(`export format version ${String(header.version)} is not supported by this odc (it reads version ${EXPORT_VERSION}); upgrade odc`);
  if (typeof header.merchant !== 'string' || header.merchant === '') throw new Error('the export header names no merchant');
  return header as ExportHeader;
}
