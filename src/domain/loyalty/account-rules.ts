/**
 * What an account's status allows (the guide's permission table; docs/contract.md §15.2):
 * reading is always allowed; earn, redeem and coupon use are allowed while ENROLLED or ACTIVE
 * and refused while SUSPENDED. An ENROLLED account becomes ACTIVE with its first movement.
 */
import { ContractError } from '../../contract/errors.js';
import type { AccountRow, AccountStatus, EntryType } from '../../store/ledger-engine.js';

/** Movements a suspended account refuses; operator adjustments, expiry and tier changes still apply. */
const BLOCKED_WHEN_SUSPENDED: ReadonlySet<EntryType> = new Set(['earn', 'redeem', 'coupon_use']);

export function assertMayMove(account: AccountRow, type: EntryType): void {
  if (account.status === 'SUSPENDED' && BLOCKED_WHEN_SUSPENDED.has(type)) {
    throw new ContractError('CONFLICT', `loyalty account ${account.id} is SUSPENDED: ${type} is not allowed`, [
      `/accountId: account status SUSPENDED refuses ${type}`,
    ]);
  }
}

/** The status after a movement of `type`: the first earn, redeem or coupon use activates. */
export function statusAfter(account: AccountRow, type: EntryType): AccountStatus {
  return account.status === 'ENROLLED' && BLOCKED_WHEN_SUSPENDED.has(type) ? 'ACTIVE' : account.status;
}

/** Operator transitions: SUSPENDED ↔ ACTIVE; suspending an ENROLLED account is allowed too. */
export function statusTransition(account: AccountRow, to: 'SUSPENDED' | 'ACTIVE'): AccountStatus {
  if (to === 'ACTIVE' && account.status === 'ENROLLED') return 'ENROLLED';
  return to;
}
