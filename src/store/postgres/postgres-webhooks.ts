/**
 * The WebhookStore on PostgreSQL (see webhook-store.ts). Claims use `FOR UPDATE SKIP LOCKED`
 * and a lease, so several instances share the outbox without delivering one row twice at
 * once; a lease that runs out (crashed instance) makes the row due again.
 */
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { DeliveryPut } from '../engine.js';
import { toDelivery, type DeliveryStatus, type WebhookDelivery, type WebhookFormat, type WebhookStore, type WebhookSubscription } from '../webhook-store.js';
import { translatePgError } from './postgres-errors.js';

interface SubscriptionRow {
  id: string;
  tenant: string;
  url: string;
  secret: string;
  event_types: string[];
  format: WebhookFormat;
  created_at: string;
}

const toSubscription = (r: SubscriptionRow): WebhookSubscription => ({
  id: r.id,
  tenant: r.tenant,
  url: r.url,
  secret: r.secret,
  eventTypes: r.event_types,
  format: r.format,
  createdAt: r.created_at,
});

const DELIVERY_COLUMNS =
  'o.id, o.tenant, o.subscription_id, o.event_id, s.url, o.body, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.delivered_at';

/** Queues deliveries the domain planned, inside the caller's transaction, in one statement. */
export async function enqueuePgDeliveries(db: PoolClient, tenant: string, deliveries: DeliveryPut[]): Promise<void> {
  if (deliveries.length === 0) return;
  await db.query(
    `INSERT INTO webhook_outbox (tenant, subscription_id, event_id, body, next_attempt_at, created_at)
     SELECT $1, x."subscriptionId", x."eventId", x.body, x."dueAt", x."createdAt"
     FROM jsonb_to_recordset($2::jsonb) AS x("subscriptionId" text, "eventId" text, body text, "dueAt" bigint, "createdAt" text)`,
    [tenant, JSON.stringify(deliveries)],
  );
}

export class PostgresWebhookStore implements WebhookStore {
  constructor(private readonly pool: Pool) {}

  private query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<QueryResult<R>> {
    return this.pool.query<R>(text, values).catch(translatePgError);
  }

  async addSubscription(s: WebhookSubscription): Promise<void> {
    await this.query('INSERT INTO webhook_subscriptions (id, tenant, url, secret, event_types, format, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      s.id,
      s.tenant,
      s.url,
      s.secret,
      JSON.stringify(s.eventTypes),
      s.format ?? 'seed',
      s.createdAt,
    ]);
  }

  async listSubscriptions(tenant?: string): Promise<WebhookSubscription[]> {
    const { rows } =
      tenant === undefined
        ? await this.query<SubscriptionRow>('SELECT * FROM webhook_subscriptions ORDER BY created_at, id')
        : await this.query<SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE tenant = $1 ORDER BY created_at, id', [tenant]);
    return rows.map(toSubscription);
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const { rows } = await this.query<SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE id = $1', [id]);
    return rows[0] && toSubscription(rows[0]);
  }

  async removeSubscription(id: string): Promise<boolean> {
    return ((await this.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async claimDueDeliveries(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    const { rows } = await this.query<Parameters<typeof toDelivery>[0]>(
      `UPDATE webhook_outbox o SET lease_until = $2 FROM webhook_subscriptions s
       WHERE s.id = o.subscription_id AND o.id IN (
         SELECT id FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND lease_until <= $1
         ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${DELIVERY_COLUMNS}`,
      [now, now + leaseMs, limit],
    );
    return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  }

  async markDelivered(id: number, at: string): Promise<void> {
    await this.query(
      "UPDATE webhook_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = $2, lease_until = 0, last_error = NULL WHERE id = $1",
      [id, at],
    );
  }

  async markFailed(id: number, error: string, nextAttemptAt: number, dead: boolean): Promise<void> {
    await this.query('UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, status = $4, lease_until = 0 WHERE id = $1', [
      id,
      error.slice(0, 500),
      nextAttemptAt,
      dead ? 'dead' : 'pending',
    ]);
  }

  async listDeliveries(filter: { status?: DeliveryStatus; tenant?: string; limit?: number }): Promise<WebhookDelivery[]> {
    const { rows } = await this.query<Parameters<typeof toDelivery>[0]>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_outbox o LEFT JOIN webhook_subscriptions s ON s.id = o.subscription_id
       WHERE ($1::text IS NULL OR o.status = $1) AND ($2::text IS NULL OR o.tenant = $2) ORDER BY o.id DESC LIMIT $3`,
      [filter.status ?? null, filter.tenant ?? null, filter.limit ?? 100],
    );
    return rows.map(toDelivery);
  }

  async redrive(ids: number[] | 'dead', now: number): Promise<number> {
    const result =
      ids === 'dead'
        ? await this.query("UPDATE webhook_outbox SET status = 'pending', next_attempt_at = $1, lease_until = 0 WHERE status = 'dead'", [now])
        : await this.query(
            "UPDATE webhook_outbox SET status = 'pending', next_attempt_at = $1, lease_until = 0 WHERE id = ANY($2::bigint[]) AND status <> 'pending'",
            [now, ids],
          );
    return result.rowCount ?? 0;
  }
}
