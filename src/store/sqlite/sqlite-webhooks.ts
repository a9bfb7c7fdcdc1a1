/**
 * The WebhookStore on SQLite (see webhook-store.ts). One process owns the file, so the lease
 * only guards against a worker that crashed mid-delivery: its deliveries come back when the
 * lease runs out.
 */
import type Database from 'better-sqlite3';
import type { DeliveryPut } from '../engine.js';
import {
  toDelivery,
  type DeliveryRow,
  type DeliveryStatus,
  type WebhookDelivery,
  type WebhookFormat,
  type WebhookStore,
  type WebhookSubscription,
} from '../webhook-store.js';

interface SubscriptionRow {
  id: string;
  tenant: string;
  url: string;
  secret: string;
  event_types: string;
  format: WebhookFormat;
  created_at: string;
}

const toSubscription = (r: SubscriptionRow): WebhookSubscription => ({
  id: r.id,
  tenant: r.tenant,
  url: r.url,
  secret: r.secret,
  eventTypes: JSON.parse(r.event_types) as string[],
  format: r.format,
  createdAt: r.created_at,
});

const DELIVERY_COLUMNS =
  'o.id, o.tenant, o.subscription_id, o.event_id, s.url, o.body, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.delivered_at';

/** Queues deliveries the domain planned, inside the caller's transaction. */
export function prepareDeliveryEnqueue(db: Database.Database): (tenant: string, delivery: DeliveryPut) => void {
  const insert = db.prepare('INSERT INTO webhook_outbox (tenant, subscription_id, event_id, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  return (tenant, d) => {
    insert.run(tenant, d.subscriptionId, d.eventId, d.body, d.dueAt, d.createdAt);
  };
}

/** The tenant's subscriptions, for the domain to match events against. */
export function prepareSubscriptionLookup(db: Database.Database): (tenant: string) => { id: string; eventTypes: string[]; format: WebhookFormat }[] {
  const select = db.prepare('SELECT id, event_types, format FROM webhook_subscriptions WHERE tenant = ? ORDER BY created_at, id');
  return (tenant) =>
    (select.all(tenant) as { id: string; event_types: string; format: WebhookFormat }[]).map((r) => ({
      id: r.id,
      eventTypes: JSON.parse(r.event_types) as string[],
      format: r.format,
    }));
}

export class SqliteWebhookStore implements WebhookStore {
  constructor(private readonly db: Database.Database) {}

  async addSubscription(s: WebhookSubscription): Promise<void> {
    this.db
      .prepare('INSERT INTO webhook_subscriptions (id, tenant, url, secret, event_types, format, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.tenant, s.url, s.secret, JSON.stringify(s.eventTypes), s.format ?? 'seed', s.createdAt);
  }

  async listSubscriptions(tenant?: string): Promise<WebhookSubscription[]> {
    const rows = (
      tenant === undefined
        ? this.db.prepare('SELECT * FROM webhook_subscriptions ORDER BY created_at, id').all()
        : this.db.prepare('SELECT * FROM webhook_subscriptions WHERE tenant = ? ORDER BY created_at, id').all(tenant)
    ) as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const row = this.db.prepare('SELECT * FROM webhook_subscriptions WHERE id = ?').get(id) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  async removeSubscription(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes > 0;
  }

  async claimDueDeliveries(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
                  WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND o.lease_until <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?`)
          .all(now, now, limit) as DeliveryRow[];
        const lease = this.db.prepare('UPDATE webhook_outbox SET lease_until = ? WHERE id = ?');
        for (const row of rows) lease.run(now + leaseMs, row.id);
        return rows.map(toDelivery);
      })
      .immediate();
  }

  async markDelivered(id: number, at: string): Promise<void> {
    this.db
      .prepare("UPDATE webhook_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, lease_until = 0, last_error = NULL WHERE id = ?")
      .run(at, id);
  }

  async markFailed(id: number, error: string, nextAttemptAt: number, dead: boolean): Promise<void> {
    this.db
      .prepare('UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, status = ?, lease_until = 0 WHERE id = ?')
      .run(error.slice(0, 500), nextAttemptAt, dead ? 'dead' : 'pending', id);
  }

  async listDeliveries(filter: { status?: DeliveryStatus; tenant?: string; limit?: number }): Promise<WebhookDelivery[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      where.push('o.status = ?');
      params.push(filter.status);
    }
    if (filter.tenant) {
      where.push('o.tenant = ?');
      params.push(filter.tenant);
    }
    const sql = `SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox o LEFT JOIN webhook_subscriptions s ON s.id = o.subscription_id
                 ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, filter.limit ?? 100) as DeliveryRow[]).map(toDelivery);
  }

  async redrive(ids: number[] | 'dead', now: number): Promise<number> {
    if (ids === 'dead')
      return this.db.prepare("UPDATE webhook_outbox SET status = 'pending', next_attempt_at = ?, lease_until = 0 WHERE status = 'dead'").run(now).changes;
    const update = this.db.prepare("UPDATE webhook_outbox SET status = 'pending', next_attempt_at = ?, lease_until = 0 WHERE id = ? AND status <> 'pending'");
    return this.db.transaction(() => ids.reduce((n, id) => n + update.run(now, id).changes, 0))();
  }
}
