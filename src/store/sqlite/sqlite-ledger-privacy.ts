/**
 * The SQLite engine's part of privacy for the loyalty ledger (docs/contract.md §14.2, §14.4):
 * a person's ledger rows by customer id, and their removal in the erasure's transaction.
 * Which rows belong to the person is the domain's decision; it names them here.
 */
import type Database from 'better-sqlite3';
import type { ErasurePlan, LookupRequest, LoyaltyHoldings } from '../engine.js';
import { type AccountRow, type CouponRow, type EntryRow, LEDGER_COLUMNS, type PendingRow } from '../ledger-engine.js';

const columns = (table: keyof typeof LEDGER_COLUMNS): string => LEDGER_COLUMNS[table].join(', ');

/** The ledger rows of the customers a `loyaltyOf` look-up names (SQLite's write transaction already excludes ledger movements). */
export function sqliteLoyaltyOf(db: Database.Database, tenant: string, request: NonNullable<LookupRequest['loyaltyOf']>): LoyaltyHoldings {
  const customers = JSON.stringify(request.customerIds);
  const accounts = db
    .prepare(`SELECT ${columns('loyalty_accounts')} FROM loyalty_accounts WHERE tenant = ? AND customer_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(tenant, customers) as AccountRow[];
  const ids = JSON.stringify(accounts.map((a) => a.id));
  const entries = db
    .prepare(
      `SELECT ${columns('loyalty_entries')} FROM loyalty_entries WHERE tenant = ? AND account_id IN (SELECT value FROM json_each(?)) ORDER BY occurred_at, id`,
    )
    .all(tenant, ids) as EntryRow[];
  const pending = db
    .prepare(
      `SELECT ${columns('loyalty_pending')} FROM loyalty_pending WHERE tenant = ? AND account_id IN (SELECT value FROM json_each(?)) ORDER BY account_id, order_id`,
    )
    .all(tenant, ids) as PendingRow[];
  const coupons = db
    .prepare(`SELECT ${columns('loyalty_coupons')} FROM loyalty_coupons WHERE tenant = ? AND customer_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(tenant, customers) as CouponRow[];
  return { accounts, entries, pending, coupons };
}

/** Deletes the ledger rows and outbox rows an erasure names, inside the caller's transaction. */
export function sqliteEraseLoyalty(db: Database.Database, tenant: string, loyalty: NonNullable<ErasurePlan['loyalty']>): void {
  const accounts = JSON.stringify(loyalty.accountIds);
  for (const table of ['loyalty_entries', 'loyalty_pending'])
    db.prepare(`DELETE FROM ${table} WHERE tenant = ? AND account_id IN (SELECT value FROM json_each(?))`).run(tenant, accounts);
  db.prepare('DELETE FROM loyalty_accounts WHERE tenant = ? AND id IN (SELECT value FROM json_each(?))').run(tenant, accounts);
  db.prepare('DELETE FROM loyalty_coupons WHERE tenant = ? AND id IN (SELECT value FROM json_each(?))').run(tenant, JSON.stringify(loyalty.couponIds));
  db.prepare('DELETE FROM webhook_outbox WHERE tenant = ? AND id IN (SELECT value FROM json_each(?))').run(tenant, JSON.stringify(loyalty.deliveryIds));
}
