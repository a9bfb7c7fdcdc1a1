/**
 * Ledger rows as the committee's rc.2 loyalty shapes (docs/contract.md §15.6). Programs and
 * rewards are returned as they were received; accounts, transactions and coupons are made by
 * the server, so odc's own fields (status, pending points, tier) travel in `metadata`.
 */
import type { AccountRow, CouponRow, EntryRow, ProgramRow, RewardRow } from '../../store/ledger-engine.js';

type Json = Record<string, unknown>;

export const programToRc2 = (row: ProgramRow): Json => JSON.parse(row.data) as Json;

export const rewardToRc2 = (row: RewardRow): Json => JSON.parse(row.data) as Json;

export function accountToRc2(row: AccountRow): Json {
  const metadata: Json = { status: row.status, pointsPending: row.pending, enrolledAt: row.created_at, updatedAt: row.updated_at };
  if (row.tier !== null) metadata.tier = row.tier;
  return { id: row.id, programId: row.program_id, customerId: row.customer_id, balanceType: 'points', balance: row.balance, metadata };
}

export function entryToRc2(row: EntryRow): Json {
  return {
    id: row.id,
    accountId: row.account_id,
    type: row.type,
    amount: row.amount,
    ...(row.related_order_id === null ? {} : { relatedOrderId: row.related_order_id }),
    occurredAt: row.occurred_at,
    ...(row.metadata === null ? {} : { metadata: JSON.parse(row.metadata) as Json }),
  };
}

export function couponToRc2(row: CouponRow): Json {
  const metadata: Json = { ...(JSON.parse(row.metadata) as Json), accountId: row.account_id };
  if (row.related_order_id !== null) metadata.relatedOrderId = row.related_order_id;
  return {
    id: row.id,
    programId: row.program_id,
    customerId: row.customer_id,
    code: row.code,
    status: row.status,
    metadata,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
  };
}
