/**
 * Outbound webhooks: subscriptions per tenant and the outbox their deliveries wait in.
 */
export const version = 3;
export const name = 'webhooks';

export const up = `
CREATE TABLE webhook_subscriptions (
  id           TEXT PRIMARY KEY,
  tenant       TEXT NOT NULL,
  url          TEXT NOT NULL,
  secret       TEXT NOT NULL,
  event_types  TEXT NOT NULL,
  created_at   TEXT NOT NULL
);
CREATE INDEX webhook_subscriptions_by_tenant ON webhook_subscriptions (tenant);

CREATE TABLE webhook_outbox (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant           TEXT NOT NULL,
  subscription_id  TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  body             TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending',
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  delivered_at     TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);
`;
