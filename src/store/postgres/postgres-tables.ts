/**
 * The PostgreSQL engine's batch look-ups and plan application (src/store/engine.ts): each kind
 * of look-up is one query for the whole batch (arrays bound as parameters), each part of a
 * plan one multi-row statement. Nothing here decides anything; the domain planned every row.
 * Documents are text columns holding the exact JSON the domain wrote (jsonb would reorder
 * keys and add spaces).
 */
import type { Pool, PoolClient } from 'pg';
import {
  emptyPrivacyResult,
  externalIdKey,
  identityKey,
  RECORD_COLUMNS,
  type CustomerRow,
  type LookupRequest,
  type LookupResult,
  type RecordRow,
  type RecordTable,
  type WritePlan,
} from '../engine.js';
import { pgPrivacyApply, pgPrivacyLookup } from './postgres-privacy.js';
import { runQueries } from './postgres-query-order.js';
import { enqueuePgDeliveries } from './postgres-webhooks.js';
import type { WebhookFormat } from '../webhook-store.js';

type Db = Pool | PoolClient;

/** SQL types of the record columns, for jsonb_to_recordset. */
const COLUMN_TYPES: Record<string, string> = {
  created_at: 'text',
  customer_ref: 'text',
  created_ms: 'bigint',
  order_ref: 'text',
  review_type: 'text',
  review_ms: 'bigint',
  event_type: 'text',
  occurred_ms: 'bigint',
};

const recordColumns = (table: RecordTable): string[] => ['id', 'data', 'stamp', ...RECORD_COLUMNS[table]];

/**
 * What one transaction has read already and may read again without a round trip. Only the
 * tenant's webhook subscriptions: no write program changes them, so within one (group)
 * transaction the first answer stands; every event of a group asks for them.
 */
export interface TransactionReads {
  subscriptions?: Promise<{ rows: { id: string; event_types: string[]; format: WebhookFormat }[] }>;
}

export async function pgLookup(db: Db, tenant: string, request: LookupRequest, reads: TransactionReads = {}): Promise<LookupResult> {
  const found: {
    customers?: CustomerRow[];
    identities?: { type: string; value: string; customer_id: string }[];
    externals?: { source: string; key: string; value: string; customer_id: string }[];
    identitiesOf?: { type: string; value: string; customer_id: string }[];
    events?: LookupResult['eventsByCustomer'];
    records?: RecordRow[];
    subscriptions?: { id: string; event_types: string[]; format: WebhookFormat }[];
    privacy?: Partial<LookupResult>;
  } = {};
  const queries: Array<() => Promise<void>> = [];
  if (request.customers?.length) {
    queries.push(async () => {
      found.customers = (
        await db.query<CustomerRow>('SELECT id, data, created_at, stamp, consent FROM customers WHERE tenant = $1 AND id = ANY($2::text[])', [
          tenant,
          [...new Set(request.customers)],
        ])
      ).rows;
    });
  }
  if (request.identities?.length) {
    const keys = request.identities;
    queries.push(async () => {
      found.identities = (
        await db.query<{ type: string; value: string; customer_id: string }>(
          // One index probe per key (LATERAL ... LIMIT 1 keeps the planner from flattening it):
          // as a join, PostgreSQL hashed the batch's keys and scanned the tenant's whole table.
          `SELECT k.type, k.value, ci.customer_id FROM unnest($2::text[], $3::text[]) AS k(type, value)
           CROSS JOIN LATERAL (SELECT customer_id FROM customer_identities WHERE tenant = $1 AND type = k.type AND value = k.value LIMIT 1) AS ci`,
          [tenant, keys.map((k) => k.type), keys.map((k) => k.value)],
        )
      ).rows;
    });
  }
  if (request.externalIds?.length) {
    const keys = request.externalIds;
    queries.push(async () => {
      found.externals = (
        await db.query<{ source: string; key: string; value: string; customer_id: string }>(
          `SELECT DISTINCT k.source, k.key, k.value, ce.customer_id FROM unnest($2::text[], $3::text[], $4::text[]) AS k(source, key, value)
           CROSS JOIN LATERAL (SELECT customer_id FROM customer_external_ids WHERE tenant = $1 AND source = k.source AND key = k.key AND value = k.value) AS ce`,
          [tenant, keys.map((k) => k.source), keys.map((k) => k.key), keys.map((k) => k.value)],
        )
      ).rows;
    });
  }
  if (request.identitiesOf?.length) {
    const ids = [...new Set(request.identitiesOf)];
    queries.push(async () => {
      found.identitiesOf = (
        await db.query<{ type: string; value: string; customer_id: string }>(
          'SELECT type, value, customer_id FROM customer_identities WHERE tenant = $1 AND customer_id = ANY($2::text[]) ORDER BY type, value',
          [tenant, ids],
        )
      ).rows;
    });
  }
  const events = request.eventsByCustomer;
  if (events?.refs.length) {
    queries.push(async () => {
      found.events = (
        await db.query<LookupResult['eventsByCustomer'][number]>(
          'SELECT customer_ref, id, data, event_type FROM events WHERE tenant = $1 AND customer_ref = ANY($2::text[]) AND event_type = ANY($3::text[]) ORDER BY id',
          [tenant, [...new Set(events.refs)], events.eventTypes],
        )
      ).rows;
    });
  }
  const records = request.records;
  if (records?.ids.length) {
    queries.push(async () => {
      found.records = (
        await db.query<RecordRow>(`SELECT ${recordColumns(records.table).join(', ')} FROM ${records.table} WHERE tenant = $1 AND id = ANY($2::text[])`, [
          tenant,
          [...new Set(records.ids)],
        ])
      ).rows;
    });
  }
  if (request.subscriptions) {
    queries.push(async () => {
      reads.subscriptions ??= db.query<{ id: string; event_types: string[]; format: WebhookFormat }>(
        'SELECT id, event_types, format FROM webhook_subscriptions WHERE tenant = $1 ORDER BY created_at, id',
        [tenant],
      );
      found.subscriptions = (await reads.subscriptions).rows;
    });
  }
  queries.push(async () => {
    found.privacy = await pgPrivacyLookup(db, tenant, request);
  });
  await runQueries(db, queries);
  const of = new Map<string, { type: string; value: string }[]>();
  for (const row of found.identitiesOf ?? []) of.set(row.customer_id, [...(of.get(row.customer_id) ?? []), { type: row.type, value: row.value }]);
  return {
    customers: new Map((found.customers ?? []).map((row) => [row.id, row])),
    identities: new Map((found.identities ?? []).map((row) => [identityKey(row.type, row.value), row.customer_id])),
    externalIds: holders(found.externals ?? []),
    identitiesOf: of,
    eventsByCustomer: found.events ?? [],
    records: new Map((found.records ?? []).map((row) => [row.id, row])),
    subscriptions: (found.subscriptions ?? []).map((row) => ({ id: row.id, eventTypes: row.event_types, format: row.format })),
    ...emptyPrivacyResult(),
    ...found.privacy,
  };
}

function holders(rows: { source: string; key: string; value: string; customer_id: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const key = externalIdKey(row.source, row.key, row.value);
    out.set(key, [...(out.get(key) ?? []), row.customer_id]);
  }
  return out;
}

/** Applies a plan inside the caller's transaction (planRows counts its rows for ANALYZE pacing). */
export async function pgApply(db: PoolClient, tenant: string, plan: WritePlan): Promise<void> {
  if (plan.customers.length > 0) {
    await db.query(
      `INSERT INTO customers (tenant, id, data, created_at, stamp, consent)
       SELECT $1, x.id, x.data, x.created_at, x.stamp, x.consent FROM jsonb_to_recordset($2::jsonb) AS x(id text, data text, created_at text, stamp bigint, consent text)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, stamp = excluded.stamp, consent = excluded.consent`,
      [tenant, JSON.stringify(plan.customers.map(({ previousStamp: _, ...row }) => row))],
    );
  }
  if (plan.externalIdsRemoved.length > 0) {
    await db.query(
      `DELETE FROM customer_external_ids AS ce USING jsonb_to_recordset($2::jsonb) AS x(source text, key text, value text, "customerId" text)
       WHERE ce.tenant = $1 AND ce.source = x.source AND ce.key = x.key AND ce.value = x.value AND ce.customer_id = x."customerId"`,
      [tenant, JSON.stringify(plan.externalIdsRemoved)],
    );
  }
  if (plan.externalIds.length > 0) {
    await db.query(
      `INSERT INTO customer_external_ids (tenant, source, key, value, customer_id)
       SELECT $1, x.source, x.key, x.value, x."customerId" FROM jsonb_to_recordset($2::jsonb) AS x(source text, key text, value text, "customerId" text)
       ON CONFLICT DO NOTHING`,
      [tenant, JSON.stringify(plan.externalIds)],
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
  const records = plan.records;
  if (records && records.rows.length > 0) {
    const columns = recordColumns(records.table);
    const types = columns.map((c) => `${c} ${c === 'stamp' ? 'bigint' : (COLUMN_TYPES[c] ?? 'text')}`);
    await db.query(
      `INSERT INTO ${records.table} (tenant, ${columns.join(', ')})
       SELECT $1, ${columns.map((c) => `x.${c}`).join(', ')} FROM jsonb_to_recordset($2::jsonb) AS x(${types.join(', ')})
       ON CONFLICT (tenant, id) DO UPDATE SET ${columns
         .slice(1)
         .map((c) => `${c} = excluded.${c}`)
         .join(', ')}`,
      [tenant, JSON.stringify(records.rows.map(({ previousStamp: _, ...row }) => row))],
    );
  }
  // The deliveries of new events commit with them (the outbox of webhook-store.ts).
  await enqueuePgDeliveries(db, tenant, plan.deliveries);
  await pgPrivacyApply(db, tenant, plan);
}
