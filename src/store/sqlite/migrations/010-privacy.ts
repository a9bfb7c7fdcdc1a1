/**
 * Privacy (docs/contract.md §14): erasure markers (keyed hashes of an erased person's
 * identifiers, no plain data), the append-only audit trail chained by hash, and an index to
 * find the webhook deliveries of an event; the history of rc.2 `consents[]` lists.
 */
export const version = 10;
export const name = 'privacy';

export const up = `
CREATE TABLE erasure_markers (
  tenant     TEXT NOT NULL,
  marker     TEXT NOT NULL,
  erased_at  TEXT NOT NULL,
  PRIMARY KEY (tenant, marker)
);

CREATE TABLE privacy_audit (
  tenant       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  at           TEXT NOT NULL,
  actor        TEXT NOT NULL,
  request_id   TEXT,
  action       TEXT NOT NULL,
  customer_id  TEXT,
  details      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL,
  PRIMARY KEY (tenant, seq)
);
CREATE INDEX privacy_audit_by_customer ON privacy_audit (tenant, customer_id, seq);

CREATE TABLE consent_history (
  tenant       TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  stamp        INTEGER NOT NULL,
  at           TEXT NOT NULL,
  source       TEXT NOT NULL,
  data         TEXT NOT NULL,
  PRIMARY KEY (tenant, customer_id, stamp)
);

CREATE INDEX webhook_outbox_by_event ON webhook_outbox (tenant, event_id);
`;
