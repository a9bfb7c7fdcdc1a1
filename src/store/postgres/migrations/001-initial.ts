/**
 * Initial PostgreSQL schema: the same tables as the SQLite store, documents in jsonb, keys and
 * filter columns in indexed columns (tenant first), text keys in the "C" collation so that
 * ordering and cursor comparisons are byte-wise, as in SQLite. `tenant_clocks` holds each
 * tenant's last change stamp; locking its row serializes a tenant's writes so that stamps
 * commit in order (see postgres-store.ts).
 */
export const version = 1;
export const name = 'initial';

export const up = `
CREATE TABLE tenant_clocks (
  tenant  text COLLATE "C" PRIMARY KEY,
  stamp   bigint NOT NULL
);

CREATE TABLE customers (
  tenant      text COLLATE "C" NOT NULL,
  id          text COLLATE "C" NOT NULL,
  data        jsonb  NOT NULL,
  created_at  text,
  stamp       bigint NOT NULL,
  consent     jsonb,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX customers_by_stamp ON customers (tenant, stamp, id);

CREATE TABLE customer_identities (
  tenant       text COLLATE "C" NOT NULL,
  type         text COLLATE "C" NOT NULL,
  value        text COLLATE "C" NOT NULL,
  customer_id  text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant, type, value)
);
CREATE INDEX customer_identities_by_value ON customer_identities (tenant, value);
CREATE INDEX customer_identities_by_customer ON customer_identities (tenant, customer_id);

CREATE TABLE customer_external_ids (
  tenant       text COLLATE "C" NOT NULL,
  source       text COLLATE "C" NOT NULL,
  key          text COLLATE "C" NOT NULL,
  value        text COLLATE "C" NOT NULL,
  customer_id  text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant, source, key, value, customer_id)
);
CREATE INDEX customer_external_ids_by_value ON customer_external_ids (tenant, value, source);
CREATE INDEX customer_external_ids_by_customer ON customer_external_ids (tenant, customer_id);

CREATE TABLE leads (
  tenant      text COLLATE "C" NOT NULL,
  id          text COLLATE "C" NOT NULL,
  data        jsonb  NOT NULL,
  created_at  text,
  stamp       bigint NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX leads_by_stamp ON leads (tenant, stamp, id);

CREATE TABLE orders (
  tenant        text COLLATE "C" NOT NULL,
  id            text COLLATE "C" NOT NULL,
  data          jsonb  NOT NULL,
  customer_ref  text COLLATE "C",
  created_ms    bigint NOT NULL,
  stamp         bigint NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX orders_by_stamp ON orders (tenant, stamp, id);
CREATE INDEX orders_by_customer ON orders (tenant, customer_ref, stamp, id);
CREATE INDEX orders_by_created ON orders (tenant, created_ms);

CREATE TABLE reviews (
  tenant        text COLLATE "C" NOT NULL,
  id            text COLLATE "C" NOT NULL,
  data          jsonb  NOT NULL,
  customer_ref  text COLLATE "C",
  order_ref     text COLLATE "C",
  review_type   text COLLATE "C" NOT NULL,
  review_ms     bigint NOT NULL,
  stamp         bigint NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX reviews_by_stamp ON reviews (tenant, stamp, id);
CREATE INDEX reviews_by_customer ON reviews (tenant, customer_ref, stamp, id);
CREATE INDEX reviews_by_order ON reviews (tenant, order_ref, stamp, id);
CREATE INDEX reviews_by_type ON reviews (tenant, review_type, stamp, id);
CREATE INDEX reviews_by_date ON reviews (tenant, review_ms);

CREATE TABLE events (
  tenant        text COLLATE "C" NOT NULL,
  id            text COLLATE "C" NOT NULL,
  data          jsonb  NOT NULL,
  customer_ref  text COLLATE "C",
  event_type    text COLLATE "C" NOT NULL,
  occurred_ms   bigint NOT NULL,
  stamp         bigint NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX events_by_stamp ON events (tenant, stamp, id);
CREATE INDEX events_by_customer ON events (tenant, customer_ref, event_type, occurred_ms);
CREATE INDEX events_by_customer_stamp ON events (tenant, customer_ref, stamp, id);
CREATE INDEX events_by_type ON events (tenant, event_type, stamp, id);
CREATE INDEX events_by_occurred ON events (tenant, occurred_ms);
`;
