/**
 * Privacy (docs/contract.md §14): erasure markers (keyed hashes of an erased person's
 * identifiers, no plain data), the append-only audit trail chained by hash, and an index to
 * find the webhook deliveries of an event; the history of rc.2 `consents[]` lists.
 */
export const version = 10;
export const name = 'privacy';

export const up = `
CREATE TABLE erasure_markers (
  tenant     text COLLATE "C" NOT NULL,
  marker     text NOT NULL,
  erased_at  text NOT NULL,
  PRIMARY KEY (tenant, marker)
);

CREATE TABLE privacy_audit (
  tenant       text COLLATE "C" NOT NULL,
  seq          bigint NOT NULL,
  at           text NOT NULL,
  actor        text NOT NULL,
  request_id   text,
  action       text NOT NULL,
  customer_id  text,
  details      text NOT NULL,
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  PRIMARY KEY (tenant, seq)
);
CREATE INDEX privacy_audit_by_customer ON privacy_audit (tenant, customer_id, seq);

CREATE TABLE consent_history (
  tenant       text COLLATE "C" NOT NULL,
  customer_id  text NOT NULL,
  stamp        bigint NOT NULL,
  at           text NOT NULL,
  source       text NOT NULL,
  data         text NOT NULL,
  PRIMARY KEY (tenant, customer_id, stamp)
);

CREATE INDEX webhook_outbox_by_event ON webhook_outbox (tenant, event_id);
`;
