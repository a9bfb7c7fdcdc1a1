/**
 * The loyalty ledger (docs/contract.md §15): programs, accounts, append-only entries, rewards
 * and coupons. The CHECK on `balance` and the unique (account, source) key are a last line
 * behind the domain's own rules: a balance never negative, each source counted once.
 */
export const version = 20;
export const name = 'loyalty-ledger';

export const up = `
CREATE TABLE loyalty_programs (
  tenant       text COLLATE "C" NOT NULL,
  id           text COLLATE "C" NOT NULL,
  data         text NOT NULL,
  rules        text NOT NULL,
  merchant_id  text COLLATE "C" NOT NULL,
  updated_at   text NOT NULL,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE loyalty_accounts (
  tenant       text COLLATE "C" NOT NULL,
  id           text COLLATE "C" NOT NULL,
  program_id   text COLLATE "C" NOT NULL,
  customer_id  text COLLATE "C" NOT NULL,
  status       text NOT NULL,
  balance      bigint NOT NULL CHECK (balance >= 0),
  pending      bigint NOT NULL CHECK (pending >= 0),
  tier         text,
  created_at   text NOT NULL,
  updated_at   text NOT NULL,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, program_id, customer_id)
);
CREATE INDEX loyalty_accounts_by_customer ON loyalty_accounts (tenant, customer_id, id);

CREATE TABLE loyalty_entries (
  tenant            text COLLATE "C" NOT NULL,
  id                text COLLATE "C" NOT NULL,
  account_id        text COLLATE "C" NOT NULL,
  type              text NOT NULL,
  amount            bigint NOT NULL,
  source_key        text COLLATE "C" NOT NULL,
  related_order_id  text,
  occurred_at       text COLLATE "C" NOT NULL,
  metadata          text,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, account_id, source_key)
);
CREATE INDEX loyalty_entries_by_account ON loyalty_entries (tenant, account_id, id);

-- Points of open orders, one row per (account, order), not in the balance until completion.
CREATE TABLE loyalty_pending (
  tenant      text COLLATE "C" NOT NULL,
  account_id  text COLLATE "C" NOT NULL,
  order_id    text COLLATE "C" NOT NULL,
  points      bigint NOT NULL CHECK (points >= 0),
  PRIMARY KEY (tenant, account_id, order_id)
);

CREATE TABLE loyalty_rewards (
  tenant      text COLLATE "C" NOT NULL,
  id          text COLLATE "C" NOT NULL,
  program_id  text COLLATE "C" NOT NULL,
  cost        bigint NOT NULL CHECK (cost >= 0),
  active      boolean NOT NULL,
  data        text NOT NULL,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE loyalty_coupons (
  tenant            text COLLATE "C" NOT NULL,
  id                text COLLATE "C" NOT NULL,
  code              text COLLATE "C" NOT NULL,
  merchant_id       text COLLATE "C" NOT NULL,
  program_id        text COLLATE "C" NOT NULL,
  account_id        text COLLATE "C" NOT NULL,
  customer_id       text COLLATE "C" NOT NULL,
  status            text NOT NULL,
  related_order_id  text,
  expires_at        text,
  metadata          text NOT NULL,
  created_at        text NOT NULL,
  updated_at        text NOT NULL,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, merchant_id, code)
);
CREATE INDEX loyalty_coupons_by_customer ON loyalty_coupons (tenant, customer_id, id);
`;
