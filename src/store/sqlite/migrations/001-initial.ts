/**
 * Initial schema. Every table is keyed by tenant first (docs/contract.md §6), every list
 * filter has an index that starts with the tenant (§2), and lists read in (stamp, id) order.
 * Documents are JSON text with server-owned fields removed; times used by filters are
 * integer columns (milliseconds, or microsecond change stamps).
 */
export const version = 1;
export const name = 'initial';

export const up = `
CREATE TABLE customers (
  tenant      TEXT    NOT NULL,
  id          TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  created_at  TEXT,
  stamp       INTEGER NOT NULL,
  consent     TEXT,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX customers_by_stamp ON customers (tenant, stamp, id);

CREATE TABLE customer_identities (
  tenant       TEXT NOT NULL,
  type         TEXT NOT NULL,
  value        TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  PRIMARY KEY (tenant, type, value)
) WITHOUT ROWID;
CREATE INDEX customer_identities_by_value ON customer_identities (tenant, value);
CREATE INDEX customer_identities_by_customer ON customer_identities (tenant, customer_id);

CREATE TABLE customer_external_ids (
  tenant       TEXT NOT NULL,
  source       TEXT NOT NULL,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  PRIMARY KEY (tenant, source, key, value, customer_id)
) WITHOUT ROWID;
CREATE INDEX customer_external_ids_by_value ON customer_external_ids (tenant, value, source);
CREATE INDEX customer_external_ids_by_customer ON customer_external_ids (tenant, customer_id);

CREATE TABLE leads (
  tenant      TEXT    NOT NULL,
  id          TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  created_at  TEXT,
  stamp       INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX leads_by_stamp ON leads (tenant, stamp, id);

CREATE TABLE orders (
  tenant        TEXT    NOT NULL,
  id            TEXT    NOT NULL,
  data          TEXT    NOT NULL,
  customer_ref  TEXT,
  created_ms    INTEGER NOT NULL,
  stamp         INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX orders_by_stamp ON orders (tenant, stamp, id);
CREATE INDEX orders_by_customer ON orders (tenant, customer_ref, stamp, id);
CREATE INDEX orders_by_created ON orders (tenant, created_ms);

CREATE TABLE reviews (
  tenant        TEXT    NOT NULL,
  id            TEXT    NOT NULL,
  data          TEXT    NOT NULL,
  customer_ref  TEXT,
  order_ref     TEXT,
  review_type   TEXT    NOT NULL,
  review_ms     INTEGER NOT NULL,
  stamp         INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX reviews_by_stamp ON reviews (tenant, stamp, id);
CREATE INDEX reviews_by_customer ON reviews (tenant, customer_ref, stamp, id);
CREATE INDEX reviews_by_order ON reviews (tenant, order_ref, stamp, id);
CREATE INDEX reviews_by_type ON reviews (tenant, review_type, stamp, id);
CREATE INDEX reviews_by_date ON reviews (tenant, review_ms);

CREATE TABLE events (
  tenant        TEXT    NOT NULL,
  id            TEXT    NOT NULL,
  data          TEXT    NOT NULL,
  customer_ref  TEXT,
  event_type    TEXT    NOT NULL,
  occurred_ms   INTEGER NOT NULL,
  stamp         INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX events_by_stamp ON events (tenant, stamp, id);
CREATE INDEX events_by_customer ON events (tenant, customer_ref, event_type, occurred_ms);
CREATE INDEX events_by_customer_stamp ON events (tenant, customer_ref, stamp, id);
CREATE INDEX events_by_type ON events (tenant, event_type, stamp, id);
CREATE INDEX events_by_occurred ON events (tenant, occurred_ms);
`;
