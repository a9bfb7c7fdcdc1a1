/**
 * Outbound webhooks: subscriptions per tenant and the outbox their deliveries wait in.
 */
export const version = 3;
export const name = 'webhooks';

export const up = `
CREATE TABLE webhook_subscriptions (
  id           text PRIMARY KEY,
  tenant       text COLLATE "C" NOT NULL,
  url          text NOT NULL,
  secret       text NOT NULL,
  event_types  jsonb NOT NULL,
  created_at   text NOT NULL
);
CREATE INDEX webhook_subscriptions_by_tenant ON webhook_subscriptions (tenant);

CREATE TABLE webhook_outbox (
  id               bigserial PRIMARY KEY,
  tenant           text COLLATE "C" NOT NULL,
  subscription_id  text NOT NULL,
  event_id         text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending',
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  bigint NOT NULL,
  lease_until      bigint NOT NULL DEFAULT 0,
  last_error       text,
  created_at       text NOT NULL,
  delivered_at     text
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);
`;
