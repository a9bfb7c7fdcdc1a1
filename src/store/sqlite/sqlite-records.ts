/**
 * Leads, orders, reviews and events in SQLite: records keyed by one id, replaced on re-send.
 *
 * Re-sending a key updates the record and never duplicates it; a re-send that changes nothing
 * keeps its stamp, so incremental sync stays quiet (docs/contract.md §5). Events differ in
 * one way: they are facts, so the first one stored under a key is kept.
 */
import type Database from 'better-sqlite3';
import type { CustomerEvent } from '../../contract/event.js';
import type { Lead } from '../../contract/lead.js';
import type { Review } from '../../contract/review.js';
import { millisRange, type ChangeClock } from '../change-clock.js';
import { eventRow, leadRow, orderRow, reviewRow } from '../record-rows.js';
import { renderAsStored, renderWithUpdatedAt, type DocRow } from '../stored-rows.js';
import type { EventFilter, LeadFilter, OrderFilter, OrderSnapshot, PageRequest, PageResult, ReviewFilter, WriteSummary } from '../store.js';
import type { SqliteStampCounts } from './sqlite-stamp-counts.js';
import { inCondition, rangeConditions, runListQuery, type Condition, type StatementCache } from './sqlite-list.js';
import type { SqliteCustomers } from './sqlite-customers.js';
import { prepareDeliveryEnqueue } from './sqlite-webhooks.js';

export class SqliteRecords {
  private readonly leadData: Database.Statement;
  private readonly upsertLead: Database.Statement;
  private readonly orderData: Database.Statement;
  private readonly upsertOrder: Database.Statement;
  private readonly reviewData: Database.Statement;
  private readonly upsertReview: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly orderById: Database.Statement;
  private readonly reviewById: Database.Statement;

  private readonly enqueueDeliveries: ReturnType<typeof prepareDeliveryEnqueue>;

  constructor(
    db: Database.Database,
    private readonly statements: StatementCache,
    private readonly clock: ChangeClock,
    private readonly customers: SqliteCustomers,
    private readonly stampCounts: SqliteStampCounts,
  ) {
    this.leadData = db.prepare('SELECT data, stamp FROM leads WHERE tenant = ? AND id = ?');
    this.upsertLead = db.prepare(
      `INSERT INTO leads (tenant, id, data, created_at, stamp) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, created_at = coalesce(leads.created_at, excluded.created_at), stamp = excluded.stamp`,
    );
    this.orderData = db.prepare('SELECT data FROM orders WHERE tenant = ? AND id = ?').pluck();
    this.upsertOrder = db.prepare(
      `INSERT INTO orders (tenant, id, data, customer_ref, created_ms, stamp) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, customer_ref = excluded.customer_ref,
         created_ms = CASE WHEN ? THEN excluded.created_ms ELSE orders.created_ms END, stamp = excluded.stamp`,
    );
    this.reviewData = db.prepare('SELECT data FROM reviews WHERE tenant = ? AND id = ?').pluck();
    this.upsertReview = db.prepare(
      `INSERT INTO reviews (tenant, id, data, customer_ref, order_ref, review_type, review_ms, stamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, customer_ref = excluded.customer_ref, order_ref = excluded.order_ref,
         review_type = excluded.review_type, review_ms = excluded.review_ms, stamp = excluded.stamp`,
    );
    this.insertEvent = db.prepare('INSERT OR IGNORE INTO events (tenant, id, data, customer_ref, event_type, occurred_ms, stamp) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.enqueueDeliveries = prepareDeliveryEnqueue(db);
    this.orderById = db.prepare('SELECT id, data, stamp FROM orders WHERE tenant = ? AND id = ?');
    this.reviewById = db.prepare('SELECT data FROM reviews WHERE tenant = ? AND id = ?').pluck();
  }

  upsertLeads(tenant: string, leads: Lead[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    const now = new Date().toISOString();
    for (const row of leads.map((lead) => leadRow(lead, now))) {
      const data = JSON.stringify(row.data);
      const before = this.leadData.get(tenant, row.id) as { data: string; stamp: number } | undefined;
      if (before?.data === data) summary.unchanged += 1;
      else {
        const stamp = this.clock.next();
        this.stampCounts.moved('leads', tenant, before?.stamp, stamp);
        this.upsertLead.run(tenant, row.id, data, row.createdAt, stamp);
        summary[before === undefined ? 'created' : 'updated'] += 1;
      }
    }
    return summary;
  }

  upsertOrders(tenant: string, orders: OrderSnapshot[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    const receivedMs = Date.now();
    for (const row of orders.map((order) => orderRow(order, receivedMs))) {
      const data = JSON.stringify(row.data);
      const before = this.orderData.get(tenant, row.id) as string | undefined;
      if (before === data) summary.unchanged += 1;
      else {
        this.upsertOrder.run(tenant, row.id, data, row.customerRef, row.createdMs, this.clock.next(), row.ownCreatedAt ? 1 : 0);
        summary[before === undefined ? 'created' : 'updated'] += 1;
      }
    }
    return summary;
  }

  upsertReviews(tenant: string, reviews: Review[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    for (const row of reviews.map(reviewRow)) {
      const data = JSON.stringify(row.data);
      const before = this.reviewData.get(tenant, row.id) as string | undefined;
      if (before === data) summary.unchanged += 1;
      else {
        this.upsertReview.run(tenant, row.id, data, row.customerRef, row.orderRef, row.reviewType, row.reviewMs, this.clock.next());
        summary[before === undefined ? 'created' : 'updated'] += 1;
      }
    }
    return summary;
  }

  publishEvents(tenant: string, events: CustomerEvent[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    for (const row of events.map(eventRow)) {
      const inserted =
        this.insertEvent.run(tenant, row.id, JSON.stringify(row.data), row.customerRef, row.eventType, row.occurredMs, this.clock.next()).changes > 0;
      if (!inserted) {
        summary.unchanged += 1;
        continue;
      }
      summary.created += 1;
      // The deliveries of a new event commit with it (the outbox of webhook-store.ts).
      this.enqueueDeliveries(tenant, row.id, row.eventType, JSON.stringify(row.data));
      if (row.consent && row.customerRef) this.customers.applyConsent(tenant, row.customerRef, row.consent);
    }
    return summary;
  }

  getOrder(tenant: string, id: string): string | undefined {
    const row = this.orderById.get(tenant, id) as DocRow | undefined;
    return row && renderWithUpdatedAt(row);
  }

  getReview(tenant: string, id: string): string | undefined {
    return this.reviewById.get(tenant, id) as string | undefined;
  }

  listLeads(tenant: string, filter: LeadFilter, page: PageRequest): PageResult {
    const conditions = rangeConditions('stamp', filter.updated);
    return runListQuery<DocRow>(this.statements, {
      table: 'leads',
      columns: 'id, data, created_at, stamp',
      tenant,
      conditions,
      page,
      render: renderWithUpdatedAt,
      stampCount: { table: 'leads', range: filter.updated },
    });
  }

  listOrders(tenant: string, filter: OrderFilter, page: PageRequest): PageResult {
    const conditions: Condition[] = [];
    if (filter.customerRefs) conditions.push(inCondition('customer_ref', filter.customerRefs));
    conditions.push(...rangeConditions('created_ms', millisRange(filter.created)), ...rangeConditions('stamp', filter.updated));
    return runListQuery<DocRow>(this.statements, { table: 'orders', columns: 'id, data, stamp', tenant, conditions, page, render: renderWithUpdatedAt });
  }

  listReviews(tenant: string, filter: ReviewFilter, page: PageRequest): PageResult {
    const conditions: Condition[] = [];
    if (filter.customerRefs) conditions.push(inCondition('customer_ref', filter.customerRefs));
    if (filter.orderId !== undefined) conditions.push({ sql: 'order_ref = ?', params: [filter.orderId] });
    if (filter.reviewType !== undefined) conditions.push({ sql: 'review_type = ?', params: [filter.reviewType] });
    conditions.push(...rangeConditions('review_ms', millisRange(filter.created)));
    return runListQuery<DocRow>(this.statements, { table: 'reviews', columns: 'id, data, stamp', tenant, conditions, page, render: renderAsStored });
  }

  listEvents(tenant: string, filter: EventFilter, page: PageRequest): PageResult {
    const conditions: Condition[] = [];
    if (filter.customerRefs) conditions.push(inCondition('customer_ref', filter.customerRefs));
    if (filter.eventType !== undefined) conditions.push({ sql: 'event_type = ?', params: [filter.eventType] });
    conditions.push(...rangeConditions('occurred_ms', millisRange(filter.occurred)));
    return runListQuery<DocRow>(this.statements, { table: 'events', columns: 'id, data, stamp', tenant, conditions, page, render: renderAsStored });
  }
}
