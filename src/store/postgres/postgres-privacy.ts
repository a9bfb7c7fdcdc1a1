/**
 * The PostgreSQL engine's privacy look-ups and plan parts (docs/contract.md §14): records by
 * customer reference, the tenant's leads, outbox rows of events, erasure markers and the
 * audit trail; and the erasure's deletes, markers and audit appends, one statement each.
 * Nothing here decides what belongs to a person: the domain names every row.
 */
import type { Pool, PoolClient } from 'pg';
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
import { pgEraseLoyalty, pgLoyaltyOf } from './postgres-ledger-privacy.js';
import { runQueries } from './postgres-query-order.js';

type Db = Pool | PoolClient;

const DELIVERY_COLUMNS = 'id::int AS id, subscription_id, event_id, body, status, attempts, created_at, delivered_at, last_error';
const AUDIT_COLUMNS = 'seq, at, actor, request_id, action, customer_id, details, prev_hash, hash';
const recordColumns = (table: RecordTable): string => ['id', 'data', 'stamp', ...RECORD_COLUMNS[table]].join(', ');

/** The privacy parts of a look-up result, one query per kind asked, run together. */
export async function pgPrivacyLookup(db: Db, tenant: string, request: LookupRequest): Promise<Partial<LookupResult>> {
  const out: Partial<LookupResult> = {};
  const jobs: Array<() => Promise<void>> = [];
  const byRef = request.recordsByRef;
  if (byRef && byRef.refs.length > 0) {
    jobs.push(() =>
      db
        .query<RecordRow>(`SELECT ${recordColumns(byRef.table)} FROM ${byRef.table} WHERE tenant = $1 AND customer_ref = ANY($2::text[]) ORDER BY stamp, id`, [
          tenant,
          [...new Set(byRef.refs)],
        ])
        .then((r) => {
          out.recordsByRef = r.rows;
        }),
    );
  }
  if (request.allLeads) {
    jobs.push(() =>
      db.query<RecordRow>(`SELECT ${recordColumns('leads')} FROM leads WHERE tenant = $1 ORDER BY stamp, id`, [tenant]).then((r) => {
        out.allLeads = r.rows;
      }),
    );
  }
  if (request.deliveriesOf && request.deliveriesOf.length > 0) {
    jobs.push(() =>
      db
        .query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE tenant = $1 AND event_id = ANY($2::text[]) ORDER BY id`, [
          tenant,
          request.deliveriesOf,
        ])
        .then((r) => {
          out.deliveries = r.rows;
        }),
    );
  }
  if (request.anyErasureMarker) {
    jobs.push(() =>
      db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM erasure_markers WHERE tenant = $1) AS any', [tenant]).then((r) => {
        out.anyErasureMarker = r.rows[0].any;
      }),
    );
  }
  if (request.deliveriesMentioning !== undefined) {
    jobs.push(() =>
      db
        .query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox WHERE tenant = $1 AND strpos(body, $2) > 0 ORDER BY id`, [
          tenant,
          request.deliveriesMentioning,
        ])
        .then((r) => {
          out.deliveriesMentioning = r.rows;
        }),
    );
  }
  const loyaltyOf = request.loyaltyOf;
  if (loyaltyOf && loyaltyOf.customerIds.length > 0) {
    jobs.push(() =>
      pgLoyaltyOf(db, tenant, loyaltyOf).then((holdings) => {
        out.loyalty = holdings;
      }),
    );
  }
  if (request.erasureMarkers && request.erasureMarkers.length > 0) {
    jobs.push(() =>
      db
        .query<{ marker: string }>('SELECT marker FROM erasure_markers WHERE tenant = $1 AND marker = ANY($2::text[])', [tenant, request.erasureMarkers])
        .then((r) => {
          out.erasureMarkers = new Set(r.rows.map((row) => row.marker));
        }),
    );
  }
  if (request.auditTail) {
    jobs.push(() =>
      db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM privacy_audit WHERE tenant = $1 ORDER BY seq DESC LIMIT 1`, [tenant]).then((r) => {
        out.auditTail = r.rows[0];
      }),
    );
  }
  const q = request.audit;
  if (q) {
    jobs.push(() =>
      db
        .query<AuditRow>(
          `SELECT ${AUDIT_COLUMNS} FROM privacy_audit WHERE tenant = $1 AND seq > $2 AND ($3::text IS NULL OR customer_id = $3)
           AND ($4::text IS NULL OR at >= $4) AND ($5::text IS NULL OR at <= $5) ORDER BY seq LIMIT $6`,
          [tenant, q.afterSeq ?? -1, q.customerId ?? null, q.from ?? null, q.to ?? null, q.limit],
        )
        .then((r) => {
          out.audit = r.rows;
        }),
    );
  }
  if (request.consentHistoryOf && request.consentHistoryOf.length > 0) {
    jobs.push(() =>
      db
        .query<ConsentHistoryRow>(
          'SELECT customer_id, stamp, at, source, data FROM consent_history WHERE tenant = $1 AND customer_id = ANY($2::text[]) ORDER BY stamp',
          [tenant, request.consentHistoryOf],
        )
        .then((r) => {
          out.consentHistory = r.rows;
        }),
    );
  }
  const e = request.expired;
  if (e) {
    jobs.push(() =>
      db
        .query<RecordRow>(`SELECT ${recordColumns(e.table)} FROM ${e.table} WHERE tenant = $1 AND ${e.column} < $2 ORDER BY ${e.column}, id LIMIT $3`, [
          tenant,
          e.beforeMs,
          e.limit,
        ])
        .then((r) => {
          out.expired = r.rows;
        }),
    );
  }
  await runQueries(db, jobs);
  return out;
}

/** Applies the erasure and audit parts of a plan inside the caller's transaction. */
export async function pgPrivacyApply(db: PoolClient, tenant: string, plan: WritePlan): Promise<void> {
  const erase = plan.erase;
  if (erase) {
    const ids = erase.customers.map((c) => c.id);
    if (ids.length > 0) {
      // The stamp buckets follow deletes through the tables' triggers (migration 004).
      await db.query('DELETE FROM customers WHERE tenant = $1 AND id = ANY($2::text[])', [tenant, ids]);
      await db.query('DELETE FROM customer_identities WHERE tenant = $1 AND customer_id = ANY($2::text[])', [tenant, ids]);
      await db.query('DELETE FROM customer_external_ids WHERE tenant = $1 AND customer_id = ANY($2::text[])', [tenant, ids]);
      await db.query('DELETE FROM consent_history WHERE tenant = $1 AND customer_id = ANY($2::text[])', [tenant, ids]);
    }
    for (const { table, rows } of erase.records) {
      if (rows.length > 0) await db.query(`DELETE FROM ${table} WHERE tenant = $1 AND id = ANY($2::text[])`, [tenant, rows.map((r) => r.id)]);
    }
    if (erase.deliveriesOfEvents.length > 0)
      await db.query('DELETE FROM webhook_outbox WHERE tenant = $1 AND event_id = ANY($2::text[])', [tenant, erase.deliveriesOfEvents]);
    if (erase.markers.length > 0) {
      await db.query('INSERT INTO erasure_markers (tenant, marker, erased_at) SELECT $1, m, $3 FROM unnest($2::text[]) AS m ON CONFLICT DO NOTHING', [
        tenant,
        erase.markers,
        erase.erasedAt,
      ]);
    }
    if (erase.loyalty) await pgEraseLoyalty(db, tenant, erase.loyalty);
  }
  if (plan.consentChanges && plan.consentChanges.length > 0) {
    await db.query(
      `INSERT INTO consent_history (tenant, customer_id, stamp, at, source, data)
       SELECT $1, x.customer_id, x.stamp, x.at, x.source, x.data FROM jsonb_to_recordset($2::jsonb) AS x(customer_id text, stamp bigint, at text, source text, data text)
       ON CONFLICT DO NOTHING`,
      [tenant, JSON.stringify(plan.consentChanges)],
    );
  }
  for (const e of plan.audit ?? []) {
    await db.query(`INSERT INTO privacy_audit (tenant, ${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      tenant,
      e.seq,
      e.at,
      e.actor,
      e.request_id,
      e.action,
      e.customer_id,
      e.details,
      e.prev_hash,
      e.hash,
    ]);
  }
}
