/**
 * Leads, orders, reviews and events in SQLite: records keyed by one id, replaced on re-send.
 *
 * Re-sending a key updates the record and never duplicates it; a re-send that changes nothing
 * keeps its stamp, so incremental sync stays quiet (contract-decisions §5). Events differ in
 * one way: they are facts, so the first one stored under a key is kept.
 */
import type Database from 'better-sqlite3';
import type { CustomerEvent } from '../../contract/event.js';
import { contentKey, eventKey, normalizeEventType, OPT_IN_EVENT, OPT_OUT_EVENT } from '../../contract/identity.js';
import type { Lead } from '../../contract/lead.js';
import type { Review } from '../../contract/review.js';
import { millisRange, stampToIso, type ChangeClock } from '../change-clock.js';
import { renderDocument, withoutKeys } from '../render.js';
import type { EventFilter, LeadFilter, OrderFilter, OrderSnapshot, PageRequest, PageResult, ReviewFilter, WriteSummary } from '../store.js';
import { inCondition, rangeConditions, runListQuery, type Condition, type StatementCache } from './sqlite-list.js';
import type { SqliteCustomers } from './sqlite-customers.js';

interface DocRow {
  id: string;
  data: string;
  stamp: number;
  created_at?: string | null;
}

const renderWithUpdatedAt = (row: DocRow) =>
  renderDocument(row.data, { tail: { createdAt: row.created_at ?? undefined, updatedAt: stampToIso(row.stamp) } });
const renderAsStored = (row: DocRow) => row.data;

/** Puts `key: value` first in a copy of `doc` when the payload did not carry its own key. */
function withKeyFirst(doc: Record<string, unknown>, key: string, value: string): Record<string, unknown> {
  return doc[key] === undefined ? { [key]: value, ...doc } : doc;
}

function timeOf(iso: unknown): number | undefined {
  if (typeof iso !== 'string') return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

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

  constructor(
    db: Database.Database,
    private readonly statements: StatementCache,
    private readonly clock: ChangeClock,
    private readonly customers: SqliteCustomers,
  ) {
    this.leadData = db.prepare('SELECT data FROM leads WHERE tenant = ? AND id = ?').pluck();
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
    this.insertEvent = db.prepare(
      'INSERT OR IGNORE INTO events (tenant, id, data, customer_ref, event_type, occurred_ms, stamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.orderById = db.prepare('SELECT id, data, stamp FROM orders WHERE tenant = ? AND id = ?');
    this.reviewById = db.prepare('SELECT data FROM reviews WHERE tenant = ? AND id = ?').pluck();
  }

  upsertLeads(tenant: string, leads: Lead[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    for (const lead of leads) {
      const body = withoutKeys(lead, ['updatedAt']);
      const id = lead.id ?? contentKey('lead', body);
      const data = JSON.stringify(withKeyFirst(body, 'id', id));
      const before = this.leadData.get(tenant, id) as string | undefined;
      if (before === data) {
        summary.unchanged += 1;
        continue;
      }
      const createdAt = body.createdAt === undefined ? new Date().toISOString() : null;
      this.upsertLead.run(tenant, id, data, createdAt, this.clock.next());
      summary[before === undefined ? 'created' : 'updated'] += 1;
    }
    return summary;
  }

  upsertOrders(tenant: string, orders: OrderSnapshot[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    const receivedAt = Date.now();
    for (const order of orders) {
      const data = JSON.stringify(withoutKeys(order, ['updatedAt']));
      const before = this.orderData.get(tenant, order.id) as string | undefined;
      if (before === data) {
        summary.unchanged += 1;
        continue;
      }
      const ownCreatedAt = timeOf(order.createdAt);
      const customer = order.customer as { id?: unknown } | undefined;
      const customerRef = typeof customer?.id === 'string' ? customer.id : null;
      // createdFrom/createdTo use the order's own createdAt, else the time it was first received.
      this.upsertOrder.run(tenant, order.id, data, customerRef, ownCreatedAt ?? receivedAt, this.clock.next(), ownCreatedAt !== undefined ? 1 : 0);
      summary[before === undefined ? 'created' : 'updated'] += 1;
    }
    return summary;
  }

  upsertReviews(tenant: string, reviews: Review[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    for (const review of reviews) {
      const id = review.reviewId ?? contentKey('rev', review);
      const data = JSON.stringify(withKeyFirst(review, 'reviewId', id));
      const before = this.reviewData.get(tenant, id) as string | undefined;
      if (before === data) {
        summary.unchanged += 1;
        continue;
      }
      this.upsertReview.run(
        tenant, id, data,
        review.customer?.customerId ?? null,
        review.subject?.orderId ?? null,
        review.reviewType,
        Date.parse(review.reviewDate),
        this.clock.next(),
      );
      summary[before === undefined ? 'created' : 'updated'] += 1;
    }
    return summary;
  }

  publishEvents(tenant: string, events: CustomerEvent[]): WriteSummary {
    const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
    for (const event of events) {
      const id = eventKey(event);
      const stored = event.id === undefined && event.eventId === undefined ? withKeyFirst(event, 'id', id) : event;
      const type = normalizeEventType(event.eventType);
      const occurredMs = Date.parse(event.occurredAt);
      const inserted = this.insertEvent.run(tenant, id, JSON.stringify(stored), event.customerId ?? null, type, occurredMs, this.clock.next()).changes > 0;
      if (!inserted) {
        summary.unchanged += 1;
        continue;
      }
      summary.created += 1;
      if ((type === OPT_OUT_EVENT || type === OPT_IN_EVENT) && event.customerId) {
        this.customers.applyConsent(tenant, event.customerId, {
          status: type === OPT_OUT_EVENT ? 'opted_out' : 'opted_in',
          occurredAt: event.occurredAt,
          eventId: id,
        });
      }
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
    return runListQuery<DocRow>(this.statements, { table: 'leads', columns: 'id, data, created_at, stamp', tenant, conditions, page, render: renderWithUpdatedAt });
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
