/**
 * The PostgreSQL engine's part of privacy for the loyalty ledger (docs/contract.md §14.2,
 * §14.4): a person's ledger rows by customer id, and their removal in the erasure's
 * transaction. An erasure locks the customer rows (which opening an account reads FOR SHARE) and
 * reads the accounts `FOR UPDATE`, the lock every ledger movement takes first
 * (postgres-ledger.ts): a movement or enrolment under way commits before the erasure reads the
 * ledger, and one that comes later finds no customer or no account. Which rows belong to the person is the
 * domain's decision; it names them here.
 */
import type { Pool, PoolClient } from 'pg';
import type { ErasurePlan, LookupRequest, LoyaltyHoldings } from '../engine.js';
import type { AccountRow, CouponRow, EntryRow, PendingRow } from '../ledger-engine.js';
import { selectList } from './postgres-ledger.js';

type Db = Pool | PoolClient;

/** The ledger rows of the customers a `loyaltyOf` look-up names; the accounts first, so their lock is held before the rest is read. */
export async function pgLoyaltyOf(db: Db, tenant: string, request: NonNullable<LookupRequest['loyaltyOf']>): Promise<LoyaltyHoldings> {
  // The customer rows first: an enrolment under way (its `customerHeld` step reads them FOR SHARE)
  // commits before the accounts are read, and a later one finds no customer.
  if (request.lock) await db.query('SELECT 1 FROM customers WHERE tenant = $1 AND id = ANY($2::text[]) FOR UPDATE', [tenant, request.customerIds]);
  const accounts = (
    await db.query<AccountRow>(
      `SELECT ${selectList('loyalty_accounts')} FROM loyalty_accounts WHERE tenant = $1 AND customer_id = ANY($2::text[]) ORDER BY id${request.lock ? ' FOR UPDATE' : ''}`,
      [tenant, request.customerIds],
    )
  ).rows;
  const ids = accounts.map((a) => a.id);
  // One statement at a time: a client runs them in turn anyway (pg deprecates overlapping them).
  const entries = await db.query<EntryRow>(
    `SELECT ${selectList('loyalty_entries')} FROM loyalty_entries WHERE tenant = $1 AND account_id = ANY($2::text[]) ORDER BY occurred_at, id`,
    [tenant, ids],
  );
  const pending = await db.query<PendingRow>(
    `SELECT ${selectList('loyalty_pending')} FROM loyalty_pending WHERE tenant = $1 AND account_id = ANY($2::text[]) ORDER BY account_id, order_id`,
    [tenant, ids],
  );
  const coupons = await db.query<CouponRow>(
    `SELECT ${selectList('loyalty_coupons')} FROM loyalty_coupons WHERE tenant = $1 AND customer_id = ANY($2::text[]) ORDER BY id`,
    [tenant, request.customerIds],
  );
  return { accounts, entries: entries.rows, pending: pending.rows, coupons: coupons.rows };
}

/** Deletes the ledger rows and outbox rows an erasure names, inside the caller's transaction. */
export async function pgEraseLoyalty(db: PoolClient, tenant: string, loyalty: NonNullable<ErasurePlan['loyalty']>): Promise<void> {
  if (loyalty.accountIds.length > 0) {
    await db.query('DELETE FROM loyalty_entries WHERE tenant = $1 AND account_id = ANY($2::text[])', [tenant, loyalty.accountIds]);
    await db.query('DELETE FROM loyalty_pending WHERE tenant = $1 AND account_id = ANY($2::text[])', [tenant, loyalty.accountIds]);
    await db.query('DELETE FROM loyalty_accounts WHERE tenant = $1 AND id = ANY($2::text[])', [tenant, loyalty.accountIds]);
  }
  if (loyalty.couponIds.length > 0) await db.query('DELETE FROM loyalty_coupons WHERE tenant = $1 AND id = ANY($2::text[])', [tenant, loyalty.couponIds]);
  if (loyalty.deliveryIds.length > 0) await db.query('DELETE FROM webhook_outbox WHERE tenant = $1 AND id = ANY($2::bigint[])', [tenant, loyalty.deliveryIds]);
}
