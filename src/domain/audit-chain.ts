/**
 * The privacy audit trail (docs/contract.md §14): append-only entries, each carrying the hash
 * of the one before it, so removing or altering any entry but the last breaks the chain and
 * `odc privacy verify-audit` names where.
 */
import { createHash } from 'node:crypto';
import type { AuditRow } from '../store/engine.js';

/** The `prev_hash` of a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditDraft {
  /** The client id, `admin` (the admin key) or `cli`. */
  actor: string;
  requestId?: string;
  action: 'privacy.export' | 'privacy.erase' | 'retention.run' | 'admin.client.add' | 'admin.client.revoke' | 'admin.client.rotate-secret';
  /** The keyed hash naming the person (erasure-marker.ts `subjectMarker`), when the entry is about one. */
  subject?: string;
  details: Record<string, unknown>;
}

/** The hash of an entry: SHA-256 over its fields and its predecessor's hash, as JSON. */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = [row.prev_hash, row.seq, row.at, row.actor, row.request_id, row.action, row.customer_id, row.details];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The next entry after `tail` (undefined: the first one). */
export function chainEntry(tail: Pick<AuditRow, 'seq' | 'hash'> | undefined, draft: AuditDraft, at: string): AuditRow {
  const row = {
    seq: (tail?.seq ?? 0) + 1,
    at,
    actor: draft.actor,
    request_id: draft.requestId ?? null,
    action: draft.action,
    customer_id: draft.subject ?? null,
    details: JSON.stringify(draft.details),
    prev_hash: tail?.hash ?? GENESIS_HASH,
  };
  return { ...row, hash: auditHash(row) };
}

export interface ChainBreak {
  seq: number;
  problem: string;
}

/** Walks entries in sequence order from the first and reports every break of the chain. */
export class AuditVerifier {
  private previous: Pick<AuditRow, 'seq' | 'hash'> = { seq: 0, hash: GENESIS_HASH };
  readonly breaks: ChainBreak[] = [];
  checked = 0;

  add(row: AuditRow): void {
    this.checked += 1;
    if (row.seq !== this.previous.seq + 1) this.breaks.push({ seq: row.seq, problem: `entries ${this.previous.seq + 1}..${row.seq - 1} are missing` });
    if (row.prev_hash !== this.previous.hash) this.breaks.push({ seq: row.seq, problem: 'does not chain to the entry before it' });
    if (auditHash(row) !== row.hash) this.breaks.push({ seq: row.seq, problem: 'was altered: its hash does not match its content' });
    this.previous = row;
  }
}

/** An entry as GET /privacy/audit and the export show it. */
export function renderAuditEntry(row: AuditRow): Record<string, unknown> {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    requestId: row.request_id,
    action: row.action,
    subject: row.customer_id,
    details: JSON.parse(row.details) as unknown,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
