/**
 * Leads, orders, reviews and events on PostgreSQL: one multi-row statement per batch.
 *
 * `ON CONFLICT ... DO UPDATE ... WHERE data IS DISTINCT FROM excluded.data` makes a re-send
 * that changes nothing a no-op (its stamp stays, so incremental sync stays quiet), and
 * `RETURNING (xmax = 0)` tells created from updated. Events insert with `DO NOTHING`: the
 * first fact stored under a key is kept, on whichever instance it arrived.
 */
import type { Pool, PoolClient } from 'pg';
import type { CustomerEvent } from '../../contract/event.js';
import type { Lead } from '../../contract/lead.js';
import type { Review } from '../../contract/review.js';
import { millisRange } from '../change-clock.js';
import { eventRow, lastPerKey, leadRow, orderRow, reviewRow } from '../record-rows.js';
import { renderAsStored, renderWithUpdatedAt, type DocRow } from '../stored-rows.js';
import type { EventFilter, LeadFilter, OrderFilter, OrderSnapshot, PageRequest, PageResult, ReviewFilter, WriteSummary } from '../store.js';
import type { PostgresCustomers } from './postgres-customers.js';
import { Params, rangeConditions, runPgListQuery } from './postgres-list.js';
import { enqueuePgDeliveries } from './postgres-webhooks.js';

function summaryOf(total: number, returned: { inserted: boolean }[]): WriteSummary {
  const created = returned.filter((r) => r.inserted).length;
  return { created, updated: returned.length - created, unchanged: total - returned.length };
}

export class PostgresRecords {
  constructor(
    private readonly pool: Pool,
    private readonly customers: PostgresCustomers,
  ) {}

  async upsertLeads(db: PoolClient, tenant: string, leads: Lead[], stamp: () => number): Promise<WriteSummary> {
    const now = new Date().toISOString();
    const rows = lastPerKey(leads.map((lead) => leadRow(lead, now))).map((r) => ({ id: r.id, data: r.data, created_at: r.createdAt, stamp: stamp() }));
    const { rows: returned } = await db.query<{ inserted: boolean }>(
      `INSERT INTO leads (tenant, id, data, created_at, stamp)
       SELECT $1, x.id, x.data, x.created_at, x.stamp FROM jsonb_to_recordset($2::jsonb) AS x(id text, data jsonb, created_at text, stamp bigint)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, created_at = coalesce(leads.created_at, excluded.created_at), stamp = excluded.stamp
       WHERE leads.data IS DISTINCT FROM excluded.data
       RETURNING (xmax = 0) AS inserted`,
      [tenant, JSON.stringify(rows)],
    );
    return summaryOf(leads.length, returned);
  }

  async upsertOrders(db: PoolClient, tenant: string, orders: OrderSnapshot[], stamp: () => number): Promise<WriteSummary> {
    const receivedMs = Date.now();
    const rows = lastPerKey(orders.map((o) => orderRow(o, receivedMs))).map((r) => ({
      id: r.id,
      data: r.data,
      customer_ref: r.customerRef,
      created_ms: r.createdMs,
      stamp: stamp(),
    }));
    const { rows: returned } = await db.query<{ inserted: boolean }>(
      `INSERT INTO orders (tenant, id, data, customer_ref, created_ms, stamp)
       SELECT $1, x.id, x.data, x.customer_ref, x.created_ms, x.stamp
       FROM jsonb_to_recordset($2::jsonb) AS x(id text, data jsonb, customer_ref text, created_ms bigint, stamp bigint)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, customer_ref = excluded.customer_ref,
         -- createdFrom/createdTo: a re-send without its own createdAt keeps the first received time.
         created_ms = CASE WHEN excluded.data ? 'createdAt' THEN excluded.created_ms ELSE orders.created_ms END, stamp = excluded.stamp
       WHERE orders.data IS DISTINCT FROM excluded.data
       RETURNING (xmax = 0) AS inserted`,
      [tenant, JSON.stringify(rows)],
    );
    return summaryOf(orders.length, returned);
  }

  async upsertReviews(db: PoolClient, tenant: string, reviews: Review[], stamp: () => number): Promise<WriteSummary> {
    const rows = lastPerKey(reviews.map(reviewRow)).map((r) => ({
      id: r.id,
      data: r.data,
      customer_ref: r.customerRef,
      order_ref: r.orderRef,
      review_type: r.reviewType,
      review_ms: r.reviewMs,
      stamp: stamp(),
    }));
    const { rows: returned } = await db.query<{ inserted: boolean }>(
      `INSERT INTO reviews (tenant, id, data, customer_ref, order_ref, review_type, review_ms, stamp)
       SELECT $1, x.id, x.data, x.customer_ref, x.order_ref, x.review_type, x.review_ms, x.stamp
       FROM jsonb_to_recordset($2::jsonb) AS x(id text, data jsonb, customer_ref text, order_ref text, review_type text, review_ms bigint, stamp bigint)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, customer_ref = excluded.customer_ref, order_ref = excluded.order_ref,
         review_type = excluded.review_type, review_ms = excluded.review_ms, stamp = excluded.stamp
       WHERE reviews.data IS DISTINCT FROM excluded.data
       RETURNING (xmax = 0) AS inserted`,
      [tenant, JSON.stringify(rows)],
    );
    return summaryOf(reviews.length, returned);
  }

  async publishEvents(db: PoolClient, tenant: string, events: CustomerEvent[], stamp: () => number): Promise<WriteSummary> {
    const all = events.map(eventRow);
    const rows = lastPerKey(all).map((r) => ({
      id: r.id,
      data: r.data,
      customer_ref: r.customerRef,
      event_type: r.eventType,
      occurred_ms: r.occurredMs,
      stamp: stamp(),
    }));
    const { rows: inserted } = await db.query<{ id: string }>(
      `INSERT INTO events (tenant, id, data, customer_ref, event_type, occurred_ms, stamp)
       SELECT $1, x.id, x.data, x.customer_ref, x.event_type, x.occurred_ms, x.stamp
       FROM jsonb_to_recordset($2::jsonb) AS x(id text, data jsonb, customer_ref text, event_type text, occurred_ms bigint, stamp bigint)
       ON CONFLICT (tenant, id) DO NOTHING
       RETURNING id`,
      [tenant, JSON.stringify(rows)],
    );
    const fresh = new Set(inserted.map((r) => r.id));
    // The deliveries of new events commit with them (the outbox of webhook-store.ts).
    await enqueuePgDeliveries(db, tenant, [...fresh]);
    for (const row of all) {
      if (fresh.has(row.id) && row.consent && row.customerRef) await this.customers.applyConsent(db, tenant, row.customerRef, row.consent, stamp);
    }
    return { created: fresh.size, updated: 0, unchanged: events.length - fresh.size };
  }

  async getOrder(tenant: string, id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<DocRow>('SELECT id, data::text AS data, stamp FROM orders WHERE tenant = $1 AND id = $2', [tenant, id]);
    return rows[0] && renderWithUpdatedAt(rows[0]);
  }

  async getReview(tenant: string, id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ data: string }>('SELECT data::text AS data FROM reviews WHERE tenant = $1 AND id = $2', [tenant, id]);
    return rows[0]?.data;
  }

  async listLeads(tenant: string, filter: LeadFilter, page: PageRequest): Promise<PageResult> {
    const params = new Params();
    params.add(tenant);
    const conditions = rangeConditions(params, 'stamp', filter.updated);
    return runPgListQuery<DocRow>(this.pool, {
      table: 'leads',
      columns: 'id, data::text AS data, created_at, stamp',
      params,
      conditions,
      page,
      render: renderWithUpdatedAt,
      stampCount: { table: 'leads', range: filter.updated },
    });
  }

  async listOrders(tenant: string, filter: OrderFilter, page: PageRequest): Promise<PageResult> {
    const params = new Params();
    params.add(tenant);
    const conditions: string[] = [];
    if (filter.customerRefs) conditions.push(`customer_ref = ANY(${params.add(filter.customerRefs)}::text[])`);
    conditions.push(...rangeConditions(params, 'created_ms', millisRange(filter.created)), ...rangeConditions(params, 'stamp', filter.updated));
    return runPgListQuery<DocRow>(this.pool, {
      table: 'orders',
      columns: 'id, data::text AS data, stamp',
      params,
      conditions,
      page,
      render: renderWithUpdatedAt,
    });
  }

  async listReviews(tenant: string, filter: ReviewFilter, page: PageRequest): Promise<PageResult> {
    const params = new Params();
    params.add(tenant);
    const conditions: string[] = [];
    if (filter.customerRefs) conditions.push(`customer_ref = ANY(${params.add(filter.customerRefs)}::text[])`);
    if (filter.orderId !== undefined) conditions.push(`order_ref = ${params.add(filter.orderId)}`);
    if (filter.reviewType !== undefined) conditions.push(`review_type = ${params.add(filter.reviewType)}`);
    conditions.push(...rangeConditions(params, 'review_ms', millisRange(filter.created)));
    return runPgListQuery<DocRow>(this.pool, { table: 'reviews', columns: 'id, data::text AS data, stamp', params, conditions, page, render: renderAsStored });
  }

  async listEvents(tenant: string, filter: EventFilter, page: PageRequest): Promise<PageResult> {
    const params = new Params();
    params.add(tenant);
    const conditions: string[] = [];
    if (filter.customerRefs) conditions.push(`customer_ref = ANY(${params.add(filter.customerRefs)}::text[])`);
    if (filter.eventType !== undefined) conditions.push(`event_type = ${params.add(filter.eventType)}`);
    conditions.push(...rangeConditions(params, 'occurred_ms', millisRange(filter.occurred)));
    return runPgListQuery<DocRow>(this.pool, { table: 'events', columns: 'id, data::text AS data, stamp', params, conditions, page, render: renderAsStored });
  }
}
