/**
 * The SQLite engine's privacy look-ups and plan parts (docs/contract.md §14): records by
 * customer reference, the tenant's leads, outbox rows of events, erasure markers and the
 * audit trail; and the erasure's deletes, markers and audit appends. Nothing here decides
 * what belongs to a person: the domain names every row.
 */
import type Database from 'better-sqlite3';
import {
  RECORD_COLUMNS,
  type AuditRow,
  type ConsentHistoryRow,
  type DeliveryRow,
  type LookupRequest,
  type LookupResult,
  type RecordRow,
  type RecordTable,
  type WritePlan,
} from '../engine.js';
import { sqliteEraseLoyalty, sqliteLoyaltyOf } from './sqlite-ledger-privacy.js';
import { StatementCache } from './sqlite-list.js';
import type { SqliteStampCounts } from './sqlite-stamp-counts.js';

const DELIVERY_COLUMNS = 'id, subscription_id, event_id, body, status, attempts, created_at, delivered_at, last_error';
const AUDIT_COLUMNS = 'seq, at, actor, request_id, action, customer_id, details, prev_hash, hash';
const recordColumns = (table: RecordTable): string => ['id', 'data', 'stamp', ...RECORD_COLUMNS[table]].join(', ');

export class SqlitePrivacyTables {
  /**
   * Statements by their SQL, prepared on first use: every write's plan passes through `apply`,
   * and preparing costs more than running a small statement (a profile of single-event writes
   * found a third of the write in it).
   */
  private readonly statements: StatementCache;

  constructor(
    private readonly db: Database.Database,
    private readonly stampCounts: SqliteStampCounts,
  ) {
    this.statements = new StatementCache(db);
  }

  private prepare(sql: string): Database.Statement {
    return this.statements.get(sql);
  }

  /** Fills the privacy parts of `result` for `request`. */
  lookup(tenant: string, request: LookupRequest, result: LookupResult): void {
    const byRef = request.recordsByRef;
    if (byRef && byRef.refs.length > 0) {
      result.recordsByRef = this.prepare(
        `SELECT ${recordColumns(byRef.table)} FROM ${byRef.table} WHERE tenant = ? AND customer_ref IN (SELECT value FROM json_each(?)) ORDER BY stamp, id`,
      ).all(tenant, JSON.stringify([...new Set(byRef.refs)])) as RecordRow[];
    }
    if (request.allLeads)
      result.allLeads = this.prepare(`SELECT ${recordColumns('leads')} FROM leads WHERE tenant = ? ORDER BY stamp, id`).all(tenant) as RecordRow[];
    if (request.deliveriesOf && request.deliveriesOf.length > 0) {
      result.deliveries = this.prepare(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE tenant = ? AND event_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      ).all(tenant, JSON.stringify(request.deliveriesOf)) as DeliveryRow[];
    }
    if (request.anyErasureMarker) {
      result.anyErasureMarker = this.prepare('SELECT EXISTS (SELECT 1 FROM erasure_markers WHERE tenant = ?)').pluck().get(tenant) === 1;
    }
    if (request.deliveriesMentioning !== undefined) {
      result.deliveriesMentioning = this.prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE tenant = ? AND instr(body, ?) > 0 ORDER BY id`).all(
        tenant,
        request.deliveriesMentioning,
      ) as DeliveryRow[];
    }
    if (request.loyaltyOf && request.loyaltyOf.customerIds.length > 0) result.loyalty = sqliteLoyaltyOf(this.db, tenant, request.loyaltyOf);
    if (request.erasureMarkers && request.erasureMarkers.length > 0) {
      const found = this.prepare('SELECT marker FROM erasure_markers WHERE tenant = ? AND marker IN (SELECT value FROM json_each(?))')
        .pluck()
        .all(tenant, JSON.stringify(request.erasureMarkers)) as string[];
      result.erasureMarkers = new Set(found);
    }
    if (request.auditTail) {
      result.auditTail = this.prepare(`SELECT ${AUDIT_COLUMNS} FROM privacy_audit WHERE tenant = ? ORDER BY seq DESC LIMIT 1`).get(tenant) as
        | AuditRow
        | undefined;
    }
    this.expired(tenant, request, result);
    if (request.consentHistoryOf && request.consentHistoryOf.length > 0) {
      result.consentHistory = this.prepare(
        'SELECT customer_id, stamp, at, source, data FROM consent_history WHERE tenant = ? AND customer_id IN (SELECT value FROM json_each(?)) ORDER BY stamp',
      ).all(tenant, JSON.stringify(request.consentHistoryOf)) as ConsentHistoryRow[];
    }
    const q = request.audit;
    if (q) {
      result.audit = this.prepare(
        `SELECT ${AUDIT_COLUMNS} FROM privacy_audit WHERE tenant = ? AND seq > ? AND (? IS NULL OR customer_id = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at <= ?) ORDER BY seq LIMIT ?`,
      ).all(
        tenant,
        q.afterSeq ?? -1,
        q.customerId ?? null,
        q.customerId ?? null,
        q.from ?? null,
        q.from ?? null,
        q.to ?? null,
        q.to ?? null,
        q.limit,
      ) as AuditRow[];
    }
  }

  /** Fills `expired` for a retention look-up. */
  private expired(tenant: string, request: LookupRequest, result: LookupResult): void {
    const e = request.expired;
    if (!e) return;
    result.expired = this.prepare(`SELECT ${recordColumns(e.table)} FROM ${e.table} WHERE tenant = ? AND ${e.column} < ? ORDER BY ${e.column}, id LIMIT ?`).all(
      tenant,
      e.beforeMs,
      e.limit,
    ) as RecordRow[];
  }

  /** Applies the erasure and audit parts of a plan inside the caller's transaction. */
  apply(tenant: string, plan: WritePlan): void {
    const erase = plan.erase;
    if (erase) {
      for (const c of erase.customers) {
        this.stampCounts.removed('customers', tenant, c.stamp);
        this.prepare('DELETE FROM customers WHERE tenant = ? AND id = ?').run(tenant, c.id);
        this.prepare('DELETE FROM customer_identities WHERE tenant = ? AND customer_id = ?').run(tenant, c.id);
        this.prepare('DELETE FROM customer_external_ids WHERE tenant = ? AND customer_id = ?').run(tenant, c.id);
        this.prepare('DELETE FROM consent_history WHERE tenant = ? AND customer_id = ?').run(tenant, c.id);
      }
      for (const { table, rows } of erase.records) {
        const remove = this.prepare(`DELETE FROM ${table} WHERE tenant = ? AND id = ?`);
        for (const row of rows) {
          if (table === 'leads') this.stampCounts.removed('leads', tenant, row.stamp);
          remove.run(tenant, row.id);
        }
      }
      const outbox = this.prepare('DELETE FROM webhook_outbox WHERE tenant = ? AND event_id = ?');
      for (const eventId of erase.deliveriesOfEvents) outbox.run(tenant, eventId);
      const mark = this.prepare('INSERT OR IGNORE INTO erasure_markers (tenant, marker, erased_at) VALUES (?, ?, ?)');
      for (const marker of erase.markers) mark.run(tenant, marker, erase.erasedAt);
      if (erase.loyalty) sqliteEraseLoyalty(this.db, tenant, erase.loyalty);
    }
    const append = this.prepare(
      `INSERT INTO privacy_audit (tenant, ${AUDIT_COLUMNS}) VALUES (@tenant, @seq, @at, @actor, @request_id, @action, @customer_id, @details, @prev_hash, @hash)`,
    );
    for (const entry of plan.audit ?? []) append.run({ tenant, ...entry });
    const change = this.prepare('INSERT OR IGNORE INTO consent_history (tenant, customer_id, stamp, at, source, data) VALUES (?, ?, ?, ?, ?, ?)');
    for (const c of plan.consentChanges ?? []) change.run(tenant, c.customer_id, c.stamp, c.at, c.source, c.data);
  }
}
