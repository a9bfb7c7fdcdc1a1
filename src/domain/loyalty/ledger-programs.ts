/**
 * The ledger's write programs (docs/contract.md §15). Each is a generator of single steps the
 * engine answers inside one transaction, so that an entry, the balance it changes and any
 * coupon it issues commit together or not at all. The rules live here:
 *
 * - every balance change is an appended entry; the account's balance is updated in the same
 *   transaction and therefore always equals the sum of its entries;
 * - a balance never goes negative (a debit larger than the balance is a 409);
 * - each source counts once: an entry's `source_key` (an order, a redemption key, a coupon)
 *   is unique per account, and a repeated source answers what the first one did;
 * - the account is read with a lock before any movement, so racing debits take turns;
 * - a movement of qualifying points settles the account's tier in the same transaction
 *   (tiers.ts), and every movement queues its loyaltyEvent deliveries there too
 *   (loyalty-events.ts).
 */
import { randomInt } from 'node:crypto';
import { timeOrderedId } from '../time-ordered-id.js';
import { ContractError } from '../../contract/errors.js';
import { stampToIso } from '../../store/change-clock.js';
import type { AccountRow, CouponRow, EntryRow, EntryType, LedgerAnswer, LedgerStep, ProgramRow, RewardRow } from '../../store/ledger-engine.js';
import { assertMayMove, statusAfter, statusTransition } from './account-rules.js';
import { couponEnvelope, emitLoyaltyEvents, entryEnvelope, type LoyaltyEnvelope } from './loyalty-events.js';
import { parseRules } from './program-rules.js';
import { QUALIFYING_TYPES, tierFor } from './tiers.js';

export type Steps<T> = Generator<LedgerStep, T, LedgerAnswer>;

/** A server-made time: UTC with microseconds (docs/contract.md §11). */
export const nowIso = (): string => stampToIso(Date.now() * 1000);

const notFound = (what: string, id: string): ContractError => new ContractError('NOT_FOUND', `no ${what} ${id}`, [`/${what}Id: not found`]);
const conflict = (message: string, detail: string): ContractError => new ContractError('CONFLICT', message, [detail]);

export function* programRow(id: string): Steps<ProgramRow> {
  const row = (yield { op: 'program', id }) as ProgramRow | undefined;
  if (!row) throw notFound('program', id);
  return row;
}

export function* lockedAccount(id: string): Steps<AccountRow> {
  const row = (yield { op: 'account', id, lock: true }) as AccountRow | undefined;
  if (!row) throw notFound('account', id);
  return row;
}

export interface Movement {
  type: EntryType;
  /** Signed: positive credits, negative debits. */
  amount: number;
  /** What the entry counts, once per account (`order:<id>`, `redemption:<key>`, `coupon:<id>`). */
  sourceKey: string;
  relatedOrderId?: string;
  metadata?: Record<string, unknown>;
  /** Fields the movement's loyaltyEvent payload carries beside the entry's (coupon, reward). */
  event?: Record<string, unknown>;
}

/**
 * The tier change a movement causes (docs/contract.md §15.10), as a `tier_change` entry of 0
 * points after `entry`, or undefined. Read after the entry is appended, so its points count.
 */
function* tierChange(account: AccountRow, entry: EntryRow): Steps<EntryRow | undefined> {
  if (!QUALIFYING_TYPES.includes(entry.type) || entry.amount === 0) return undefined;
  const rules = parseRules((yield* programRow(account.program_id)).rules);
  if (rules.tiers === null && account.tier === null) return undefined;
  const qualifying = (yield { op: 'entrySum', accountId: account.id, types: [...QUALIFYING_TYPES] }) as number;
  const tier = tierFor(qualifying, rules.tiers);
  if (tier === account.tier) return undefined;
  return {
    id: timeOrderedId(),
    account_id: account.id,
    type: 'tier_change',
    amount: 0,
    source_key: `tier:${entry.id}`,
    related_order_id: null,
    occurred_at: entry.occurred_at,
    metadata: JSON.stringify({ from: account.tier, to: tier, qualifyingPoints: qualifying }),
  };
}

/**
 * Appends one entry to a locked account and keeps its balance; a source already counted
 * answers its first entry and changes nothing.
 */
export function* post(account: AccountRow, movement: Movement): Steps<{ entry: EntryRow; account: AccountRow; repeated: boolean }> {
  const earlier = (yield { op: 'entry', accountId: account.id, sourceKey: movement.sourceKey }) as EntryRow | undefined;
  if (earlier) return { entry: earlier, account, repeated: true };
  assertMayMove(account, movement.type);
  if (!Number.isInteger(movement.amount)) throw new ContractError('VALIDATION_ERROR', 'points are whole numbers', ['/amount: not an integer']);
  const balance = account.balance + movement.amount;
  if (balance < 0) {
    throw conflict(
      `insufficient balance: account ${account.id} holds ${account.balance} points, ${-movement.amount} needed`,
      '/accountId: insufficient balance',
    );
  }
  const at = nowIso();
  const entry: EntryRow = {
    id: timeOrderedId(),
    account_id: account.id,
    type: movement.type,
    amount: movement.amount,
    source_key: movement.sourceKey,
    related_order_id: movement.relatedOrderId ?? null,
    occurred_at: at,
    metadata: movement.metadata ? JSON.stringify(movement.metadata) : null,
  };
  let next: AccountRow = { ...account, balance, status: statusAfter(account, movement.type), updated_at: at };
  yield { op: 'appendEntry', row: entry };
  const events: LoyaltyEnvelope[] = [];
  const change = yield* tierChange(account, entry);
  if (change) {
    yield { op: 'appendEntry', row: change };
    next = { ...next, tier: (JSON.parse(change.metadata ?? '{}') as { to: string | null }).to };
  }
  yield { op: 'putAccount', row: next };
  events.push(entryEnvelope(entry, next, movement.event));
  if (change) events.push(entryEnvelope(change, next, { from: account.tier, to: next.tier }));
  yield* emitLoyaltyEvents(events);
  return { entry, account: next, repeated: false };
}

/**
 * Opens the customer's account in the program, or answers the one already open. A customer
 * no longer held (erased since the caller resolved it) gets no account (docs/contract.md §14.4).
 */
export function* enrol(programId: string, customerId: string): Steps<AccountRow> {
  yield* programRow(programId);
  const existing = (yield { op: 'accountOf', programId, customerId, lock: false }) as AccountRow | undefined;
  if (existing) return existing;
  if (!((yield { op: 'customerHeld', customerId }) as boolean)) throw notFound('customer', customerId);
  const at = nowIso();
  const row: AccountRow = {
    id: timeOrderedId(),
    program_id: programId,
    customer_id: customerId,
    status: 'ENROLLED',
    balance: 0,
    pending: 0,
    tier: null,
    created_at: at,
    updated_at: at,
  };
  yield { op: 'putAccount', row };
  return row;
}

/** Suspension and reactivation (operator side). */
export function* setStatus(accountId: string, to: 'SUSPENDED' | 'ACTIVE'): Steps<AccountRow> {
  const account = yield* lockedAccount(accountId);
  const next: AccountRow = { ...account, status: statusTransition(account, to), updated_at: nowIso() };
  yield { op: 'putAccount', row: next };
  return next;
}

/** Coupon codes: 10 characters without look-alikes (0/O, 1/I/L); unique per merchant by index. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const couponCode = (): string => Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

export interface RedemptionRequest {
  accountId: string;
  rewardId: string;
  quantity: number;
  relatedOrderId?: string;
  metadata?: Record<string, unknown>;
  /** The caller's idempotency key: a retry with the same key debits once. */
  key: string;
}

export interface Redemption {
  transaction: EntryRow;
  coupon: CouponRow;
  account: AccountRow;
  repeated: boolean;
}

/**
 * A redemption: the balance is checked under the account lock, cost × quantity is debited and
 * a coupon issued, all in one transaction (docs/contract.md §15.4).
 */
export function* redeem(request: RedemptionRequest, customerId?: string): Steps<Redemption> {
  const account = yield* lockedAccount(request.accountId);
  if (customerId !== undefined && account.customer_id !== customerId) throw notFound('account', request.accountId);
  const reward = (yield { op: 'reward', id: request.rewardId }) as RewardRow | undefined;
  if (!reward || reward.program_id !== account.program_id) throw notFound('reward', request.rewardId);
  if (!reward.active) throw conflict(`reward ${reward.id} is not available`, '/rewardId: reward not available');
  const program = yield* programRow(account.program_id);
  const sourceKey = `redemption:${request.key}`;
  const couponId = timeOrderedId();
  const posted = yield* post(account, {
    type: 'redeem',
    amount: -reward.cost * request.quantity,
    sourceKey,
    relatedOrderId: request.relatedOrderId,
    metadata: { rewardId: reward.id, quantity: request.quantity, couponId, ...(request.metadata ?? {}) },
    event: { couponId, rewardId: reward.id, quantity: request.quantity },
  });
  if (posted.repeated) {
    const first = JSON.parse(posted.entry.metadata ?? '{}') as { couponId?: string };
    const coupon = (yield { op: 'coupon', id: first.couponId ?? '', lock: false }) as CouponRow;
    return { transaction: posted.entry, coupon, account: posted.account, repeated: true };
  }
  const rules = parseRules(program.rules);
  const at = posted.entry.occurred_at;
  const coupon: CouponRow = {
    id: couponId,
    code: couponCode(),
    merchant_id: program.merchant_id,
    program_id: program.id,
    account_id: account.id,
    customer_id: account.customer_id,
    status: 'available',
    related_order_id: null,
    expires_at: rules.couponValidityDays === null ? null : stampToIso((Date.now() + rules.couponValidityDays * 86_400_000) * 1000),
    metadata: JSON.stringify({ rewardId: reward.id, quantity: request.quantity, redemptionId: posted.entry.id }),
    created_at: at,
    updated_at: at,
  };
  yield { op: 'putCoupon', row: coupon };
  return { transaction: posted.entry, coupon, account: posted.account, repeated: false };
}

/**
 * Coupon use, idempotent by (coupon, related order) (rc.2 useLoyaltyCoupon; docs/contract.md
 * §15.5): used for the same order → the current state; used for another order, expired or
 * cancelled → 409; a suspended account → 409.
 */
export function* useCoupon(couponId: string, relatedOrderId: string | undefined): Steps<{ coupon: CouponRow; repeated: boolean }> {
  const peek = (yield { op: 'coupon', id: couponId, lock: false }) as CouponRow | undefined;
  if (!peek) throw notFound('coupon', couponId);
  // Lock order everywhere: account, then coupon.
  const account = yield* lockedAccount(peek.account_id);
  const coupon = (yield { op: 'coupon', id: couponId, lock: true }) as CouponRow;
  const order = relatedOrderId ?? null;
  if (coupon.status === 'used') {
    if (coupon.related_order_id === order) return { coupon, repeated: true };
    throw conflict(`coupon ${coupon.id} was already used for another order`, '/relatedOrderId: coupon already used for another order');
  }
  if (coupon.status === 'cancelled' || coupon.status === 'expired' || (coupon.expires_at !== null && coupon.expires_at < nowIso())) {
    const status = coupon.status === 'cancelled' ? 'cancelled' : 'expired';
    throw conflict(`coupon ${coupon.id} is ${status}`, `/couponId: coupon is ${status}`);
  }
  const posted = yield* post(account, {
    type: 'coupon_use',
    amount: 0,
    sourceKey: `coupon:${coupon.id}`,
    relatedOrderId: order ?? undefined,
    event: { couponId: coupon.id, code: coupon.code },
  });
  const next: CouponRow = { ...coupon, status: 'used', related_order_id: order, updated_at: posted.entry.occurred_at };
  yield { op: 'putCoupon', row: next };
  return { coupon: next, repeated: false };
}

/** Operator cancellation of a coupon not yet used (docs/contract.md §15.5). */
export function* cancelCoupon(couponId: string): Steps<CouponRow> {
  const coupon = (yield { op: 'coupon', id: couponId, lock: true }) as CouponRow | undefined;
  if (!coupon) throw notFound('coupon', couponId);
  if (coupon.status === 'used') throw conflict(`coupon ${coupon.id} was already used`, '/couponId: coupon already used');
  if (coupon.status === 'cancelled') return coupon;
  const next: CouponRow = { ...coupon, status: 'cancelled', updated_at: nowIso() };
  yield { op: 'putCoupon', row: next };
  yield* emitLoyaltyEvents([couponEnvelope(next, 'loyalty.coupon.cancelled')]);
  return next;
}
