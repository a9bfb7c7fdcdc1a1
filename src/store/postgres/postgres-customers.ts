/**
 * Customers on PostgreSQL: the shared upsert plan (customer-upsert.ts) executed as set
 * operations — a few round trips per batch, whatever its size — plus reads and lists.
 *
 * Everything a batch may match is fetched up front (identities, external ids, customers by
 * id); the plan then runs in memory and its writes go out as multi-row statements. The
 * caller holds the tenant's clock row (postgres-store.ts), so no other write of the tenant
 * interleaves between the reads and the writes.
 */
import type { Pool, PoolClient } from 'pg';
import type { Customer } from '../../contract/customer.js';
import { identifierTypes } from '../../contract/customer.js';
import { normalizeIdentifierValue, OPT_IN_EVENT, OPT_OUT_EVENT, splitTypedReference } from '../../contract/identity.js';
import type { JsonObject } from '../../contract/merge.js';
import { consentFromEvent, consentSupersedes, latestConsent, type ConsentState } from '../consent.js';
import { externalIdsOf, planCustomerUpsert, type StoredCustomer } from '../customer-upsert.js';
import { renderCustomer, type CustomerRow } from '../stored-rows.js';
import { StoreConflictError, type CustomerFilter, type PageRequest, type PageResult, type WriteSummary } from '../store.js';
import { Params, rangeConditions, runPgListQuery } from './postgres-list.js';

const COLUMNS = 'id, data::text AS data, created_at, stamp, consent::text AS consent';
const JOINED_COLUMNS = 'c.id, c.data::text AS data, c.created_at, c.stamp, c.consent::text AS consent';

const key = (...parts: string[]) => parts.join('\u0000');

export class PostgresCustomers {
  constructor(private readonly pool: Pool) {}

  /** Runs inside the caller's transaction; `stamp()` hands out the tenant's next change stamp. */
  async upsert(db: PoolClient, tenant: string, customers: Customer[], stamp: () => number): Promise<WriteSummary> {
    const identityKeys = customers.map((c) => [c.identifier.type, normalizeIdentifierValue(c.identifier.type, c.identifier.value) as string]);
    const externalKeys = customers.flatMap((c) => (c.externalIds ?? []).map((e) => [e.source, e.key ?? '', e.value]));
    const [identities, externals] = await Promise.all([
      db.query<{ type: string; value: string; customer_id: string }>(
        // One index probe per key (LATERAL ... LIMIT 1 keeps the planner from flattening it):
        // as a join, PostgreSQL hashed the batch's keys and scanned the tenant's whole table.
        `SELECT k.type, k.value, ci.customer_id FROM unnest($2::text[], $3::text[]) AS k(type, value)
         CROSS JOIN LATERAL (SELECT customer_id FROM customer_identities WHERE tenant = $1 AND type = k.type AND value = k.value LIMIT 1) AS ci`,
        [tenant, identityKeys.map((k) => k[0]), identityKeys.map((k) => k[1])],
      ),
      externalKeys.length === 0
        ? { rows: [] as { source: string; key: string; value: string; customer_id: string }[] }
        : db.query<{ source: string; key: string; value: string; customer_id: string }>(
            `SELECT DISTINCT k.source, k.key, k.value, ce.customer_id FROM unnest($2::text[], $3::text[], $4::text[]) AS k(source, key, value)
             CROSS JOIN LATERAL (SELECT customer_id FROM customer_external_ids WHERE tenant = $1 AND source = k.source AND key = k.key AND value = k.value
                                 ORDER BY customer_id LIMIT 1) AS ce`,
            [tenant, externalKeys.map((k) => k[0]), externalKeys.map((k) => k[1]), externalKeys.map((k) => k[2])],
          ),
    ]);
    const identityMap = new Map(identities.rows.map((r) => [key(r.type, r.value), r.customer_id]));
    const externalMap = new Map(externals.rows.map((r) => [key(r.source, r.key, r.value), r.customer_id]));
    const ids = [...new Set([...customers.flatMap((c) => (c.id ? [c.id] : [])), ...identityMap.values(), ...externalMap.values()])];
    const stored = await db.query<CustomerRow>(`SELECT ${COLUMNS} FROM customers WHERE tenant = $1 AND id = ANY($2::text[])`, [tenant, ids]);
    const customerMap = new Map<string, StoredCustomer>(
      stored.rows.map((r) => [
        r.id,
        { id: r.id, data: JSON.parse(r.data) as JsonObject, createdAt: r.created_at, consent: r.consent ? (JSON.parse(r.consent) as ConsentState) : null },
      ]),
    );

    const plan = planCustomerUpsert(customers, {
      identity: (type, value) => identityMap.get(key(type, value)),
      externalId: (source, k, value) => externalMap.get(key(source, k, value)),
      customer: (id) => customerMap.get(id),
    });
    if (plan.conflicts.length > 0)
      throw new StoreConflictError(`${plan.conflicts.length} customer(s) conflict with stored records; nothing was written`, plan.conflicts);
    if (plan.writes.length === 0 && plan.identities.length === 0) return plan.summary;

    const consentByRef = await this.pendingConsent(
      db,
      tenant,
      plan.writes.filter((w) => w.isNew).flatMap((w) => w.consentRefs),
    );
    const rows = plan.writes.map((w) => ({
      id: w.id,
      data: w.data,
      created_at: w.createdAt,
      stamp: stamp(),
      consent: w.isNew ? (latestConsent(w.consentRefs.flatMap((ref) => consentByRef.get(ref) ?? [])) ?? null) : null,
      is_new: w.isNew,
    }));
    const external = plan.writes.flatMap((w) => externalIdsOf(w.data).map((e) => ({ ...e, customer_id: w.id })));
    if (rows.length > 0) {
      await db.query(
        `INSERT INTO customers (tenant, id, data, created_at, stamp, consent)
         SELECT $1, x.id, x.data, x.created_at, x.stamp, x.consent FROM jsonb_to_recordset($2::jsonb) AS x(id text, data jsonb, created_at text, stamp bigint, consent jsonb)
         ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, stamp = excluded.stamp`,
        [tenant, JSON.stringify(rows)],
      );
      // Only customers that existed have external ids to resynchronise.
      const existing = rows.filter((r) => !r.is_new).map((r) => r.id);
      if (existing.length > 0) await db.query('DELETE FROM customer_external_ids WHERE tenant = $1 AND customer_id = ANY($2::text[])', [tenant, existing]);
    }
    if (external.length > 0) {
      await db.query(
        `INSERT INTO customer_external_ids (tenant, source, key, value, customer_id)
         SELECT $1, x.source, x.key, x.value, x.customer_id FROM jsonb_to_recordset($2::jsonb) AS x(source text, key text, value text, customer_id text)
         ON CONFLICT DO NOTHING`,
        [tenant, JSON.stringify(external)],
      );
    }
    if (plan.identities.length > 0) {
      await db.query(
        `INSERT INTO customer_identities (tenant, type, value, customer_id)
         SELECT $1, x.type, x.value, x."customerId" FROM jsonb_to_recordset($2::jsonb) AS x(type text, value text, "customerId" text)
         ON CONFLICT DO NOTHING`,
        [tenant, JSON.stringify(plan.identities)],
      );
    }
    return plan.summary;
  }

  /** Consent events sent before their customer existed, by the refs they named. */
  private async pendingConsent(db: PoolClient, tenant: string, refs: string[]): Promise<Map<string, ConsentState[]>> {
    const out = new Map<string, ConsentState[]>();
    if (refs.length === 0) return out;
    const { rows } = await db.query<{ customer_ref: string; id: string; event_type: string; occurred_at: string }>(
      `SELECT customer_ref, id, event_type, data->>'occurredAt' AS occurred_at FROM events
       WHERE tenant = $1 AND customer_ref = ANY($2::text[]) AND event_type IN ($3, $4)`,
      [tenant, [...new Set(refs)], OPT_IN_EVENT, OPT_OUT_EVENT],
    );
    for (const row of rows) {
      const state = consentFromEvent(row.event_type, row.occurred_at, row.id);
      if (state) out.set(row.customer_ref, [...(out.get(row.customer_ref) ?? []), state]);
    }
    return out;
  }

  /** Applies an opt-in/opt-out event to the customer `ref` resolves to, if it supersedes. */
  async applyConsent(db: PoolClient, tenant: string, ref: string, candidate: ConsentState, stamp: () => number): Promise<void> {
    const row = await this.resolve(db, tenant, ref);
    if (!row) return;
    const current = row.consent ? (JSON.parse(row.consent) as ConsentState) : undefined;
    if (!consentSupersedes(current, candidate)) return;
    await db.query('UPDATE customers SET consent = $3::jsonb, stamp = $4 WHERE tenant = $1 AND id = $2', [tenant, row.id, JSON.stringify(candidate), stamp()]);
  }

  /** Resolution order of GET /customers/{id}: id, external_id identifier, `<type>:<value>`. */
  async resolve(db: Pool | PoolClient, tenant: string, ref: string): Promise<CustomerRow | undefined> {
    const typed = splitTypedReference(ref);
    const norm = typed ? normalizeIdentifierValue(typed.type, typed.value) : undefined;
    const { rows } = await db.query<CustomerRow>(
      `SELECT ${JOINED_COLUMNS} FROM (
         SELECT 1 AS rank, id AS cid FROM customers WHERE tenant = $1 AND id = $2
         UNION ALL SELECT 2, customer_id FROM customer_identities WHERE tenant = $1 AND type = 'external_id' AND value = $2
         UNION ALL SELECT 3, customer_id FROM customer_identities WHERE tenant = $1 AND type = $3 AND value = $4
       ) r JOIN customers c ON c.tenant = $1 AND c.id = r.cid ORDER BY r.rank LIMIT 1`,
      [tenant, ref, typed?.type ?? null, norm ?? null],
    );
    return rows[0];
  }

  async get(tenant: string, ref: string): Promise<string | undefined> {
    // Most lookups name the id: one prepared primary-key read before the full resolution.
    const { rows } = await this.pool.query<CustomerRow>({
      name: 'odc_customer_by_id',
      text: `SELECT ${COLUMNS} FROM customers WHERE tenant = $1 AND id = $2`,
      values: [tenant, ref],
    });
    const row = rows[0] ?? (await this.resolve(this.pool, tenant, ref));
    return row && renderCustomer(row);
  }

  async refs(tenant: string, ref: string): Promise<string[] | undefined> {
    const row = await this.resolve(this.pool, tenant, ref);
    if (!row) return undefined;
    const { rows } = await this.pool.query<{ value: string }>(
      "SELECT value FROM customer_identities WHERE tenant = $1 AND customer_id = $2 AND type = 'external_id'",
      [tenant, row.id],
    );
    return [...new Set([ref, row.id, ...rows.map((r) => r.value)])];
  }

  async list(tenant: string, filter: CustomerFilter, page: PageRequest): Promise<PageResult> {
    const params = new Params();
    params.add(tenant);
    const conditions: string[] = [];
    if (filter.identifierType !== undefined || filter.identifierValue !== undefined) {
      const types = filter.identifierType === undefined ? identifierTypes : [filter.identifierType];
      const parts = ['tenant = $1'];
      if (filter.identifierType !== undefined) parts.push(`type = ${params.add(filter.identifierType)}`);
      if (filter.identifierValue !== undefined) {
        const values = [
          ...new Set(types.map((t) => normalizeIdentifierValue(t, filter.identifierValue as string)).filter((v): v is string => v !== undefined)),
        ];
        parts.push(`value = ANY(${params.add(values)}::text[])`);
      }
      conditions.push(`id IN (SELECT customer_id FROM customer_identities WHERE ${parts.join(' AND ')})`);
    }
    if (filter.externalId !== undefined) {
      const value = params.add(filter.externalId);
      conditions.push(
        filter.externalIdSource === undefined
          ? `id IN (SELECT customer_id FROM customer_external_ids WHERE tenant = $1 AND value = ${value} UNION SELECT customer_id FROM customer_identities WHERE tenant = $1 AND type = 'external_id' AND value = ${value})`
          : `id IN (SELECT customer_id FROM customer_external_ids WHERE tenant = $1 AND value = ${value} AND source = ${params.add(filter.externalIdSource)})`,
      );
    }
    // Only a time range (or nothing) left: the total comes from the stamp buckets.
    const stampCount = conditions.length === 0 ? { table: 'customers' as const, range: filter.updated } : undefined;
    conditions.push(...rangeConditions(params, 'stamp', filter.updated));
    return runPgListQuery<CustomerRow>(this.pool, { table: 'customers', columns: COLUMNS, params, conditions, page, render: renderCustomer, stampCount });
  }
}
