/**
 * The loyalty ledger (docs/contract.md §15): programs, accounts, append-only entries, rewards
 * and coupons. The CHECK on `balance` and the unique (account, source) key are a last line
 * behind the domain's own rules: a balance never negative, each source counted once.
 */
export const version = 20;
export const name = 'loyalty-ledger';

export const up = `
CREATE TABLE loyalty_programs (
  tenant       TEXT NOT NULL,
  id           TEXT NOT NULL,
  data         TEXT NOT NULL,
  rules        TEXT NOT NULL,
  merchant_id  TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE loyalty_accounts (
  tenant       TEXT NOT NULL,
  id           TEXT NOT NULL,
  program_id   TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  status       TEXT NOT NULL,
  balance      INTEGER NOT NULL CHECK (balance >= 0),
  pending      INTEGER NOT NULL CHECK (pending >= 0),
  tier         TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, program_id, customer_id)
);
CREATE INDEX loyalty_accounts_by_customer ON loyalty_accounts (tenant, customer_id, id);

CREATE TABLE loyalty_entries (
  tenant            TEXT NOT NULL,
  id                TEXT NOT NULL,
  account_id        TEXT NOT NULL,
  type              TEXT NOT NULL,
  amount            INTEGER NOT NULL,
  source_key        TEXT NOT NULL,
  related_order_id  TEXT,
  occurred_at       TEXT NOT NULL,
  metadata          TEXT,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, account_id, source_key)
);
CREATE INDEX loyalty_entries_by_account ON loyalty_entries (tenant, account_id, id);

-- Points of open orders, one row per (account, order), not in the balance until completion.
CREATE TABLE loyalty_pending (
  tenant      TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  order_id    TEXT NOT NULL,
  points      INTEGER NOT NULL CHECK (points >= 0),
  PRIMARY KEY (tenant, account_id, order_id)
);

CREATE TABLE loyalty_rewards (
  tenant      TEXT NOT NULL,
  id          TEXT NOT NULL,
  program_id  TEXT NOT NULL,
  cost        INTEGER NOT NULL CHECK (cost >= 0),
  active      INTEGER NOT NULL,
  data        TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE loyalty_coupons (
  tenant            TEXT NOT NULL,
  id                TEXT NOT NULL,
  code              TEXT NOT NULL,
  merchant_id       TEXT NOT NULL,
  program_id        TEXT NOT NULL,
  account_id        TEXT NOT NULL,
  customer_id       TEXT NOT NULL,
  status            TEXT NOT NULL,
  related_order_id  TEXT,
  expires_at        TEXT,
  metadata          TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, merchant_id, code)
);
CREATE INDEX loyalty_coupons_by_customer ON loyalty_coupons (tenant, customer_id, id);
`;
