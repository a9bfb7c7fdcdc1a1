/**
 * The narrow interface a database offers the loyalty ledger (docs/contract.md §15).
 *
 * As with the record engine (engine.ts), the engine decides nothing: the domain
 * (src/domain/loyalty/) runs a ledger program that yields single steps (read a row, lock a
 * row, put a row, append an entry) and the engine answers each inside one transaction. The
 * program holds every rule (permissions, balance checks, each source counted once); the
 * engine provides atomicity and the row lock that makes two racing redemptions take turns.
 */
import type { DeliveryPut } from './engine.js';
import type { WebhookFormat } from './webhook-store.js';

export interface ProgramRow {
  id: string;
  /** The program document as received (compact JSON text). */
  data: string;
  /** odc's rules for the program as JSON text (earn rate, enrolment, expiry, tiers). */
  rules: string;
  merchant_id: string;
  updated_at: string;
}

export type AccountStatus = 'ENROLLED' | 'ACTIVE' | 'SUSPENDED';

export interface AccountRow {
  id: string;
  program_id: string;
  customer_id: string;
  status: AccountStatus;
  /** Always the sum of the account's entries (kept in the transaction that appends one). */
  balance: number;
  /** Points of open orders, not yet in the balance. */
  pending: number;
  tier: string | null;
  created_at: string;
  updated_at: string;
}

export type EntryType = 'earn' | 'redeem' | 'adjust' | 'expire' | 'coupon_use' | 'tier_change';

/** One append-only ledger entry. `source_key` is unique per account: each source counts once. */
export interface EntryRow {
  id: string;
  account_id: string;
  type: EntryType;
  amount: number;
  source_key: string;
  related_order_id: string | null;
  occurred_at: string;
  /** Supplementary data as JSON text, or null. */
  metadata: string | null;
}

/** Points an open order will earn, kept apart from the balance (the account's `pending`). */
export interface PendingRow {
  account_id: string;
  order_id: string;
  points: number;
}

export interface RewardRow {
  id: string;
  program_id: string;
  cost: number;
  active: boolean;
  /** The reward document (compact JSON text). */
  data: string;
}

export type CouponStatus = 'available' | 'applied' | 'used' | 'expired' | 'cancelled';

export interface CouponRow {
  id: string;
  code: string;
  merchant_id: string;
  program_id: string;
  account_id: string;
  customer_id: string;
  status: CouponStatus;
  related_order_id: string | null;
  expires_at: string | null;
  /** The coupon's metadata (reward, redemption) as JSON text. */
  metadata: string;
  created_at: string;
  updated_at: string;
}

/** A webhook subscription as a ledger program matches loyalty events against it. */
export interface LedgerSubscription {
  id: string;
  /** Normalized event types; empty means every type. */
  eventTypes: string[];
  format: WebhookFormat;
}

/** One step of a ledger program; the engine answers it with `LedgerAnswer<step>`. */
export type LedgerStep =
  | { op: 'program'; id: string }
  | { op: 'account'; id: string; lock: boolean }
  | { op: 'accountOf'; programId: string; customerId: string; lock: boolean }
  | { op: 'entry'; accountId: string; sourceKey: string }
  /** Every entry of the account, in ledger order (`occurred_at`, then `id`). */
  | { op: 'entries'; accountId: string }
  /** The sum of the account's entries of these types (0 when none). */
  | { op: 'entrySum'; accountId: string; types: EntryType[] }
  /** Ids of the program's accounts whose balance is above zero, in id order. */
  | { op: 'accountsWithBalance'; programId: string }
  /** Coupons in one of `statuses` whose `expires_at` is at or before `at`, at most `limit`, in id order. */
  | { op: 'couponsExpiring'; statuses: CouponStatus[]; at: string; limit: number }
  /** The tenant's webhook subscriptions. */
  | { op: 'subscriptions' }
  /** Queues webhook deliveries in the program's transaction (the durable outbox). */
  | { op: 'enqueueDeliveries'; deliveries: DeliveryPut[] }
  | { op: 'reward'; id: string }
  | { op: 'pending'; accountId: string; orderId: string }
  | { op: 'putPending'; row: PendingRow }
  | { op: 'dropPending'; accountId: string; orderId: string }
  | { op: 'coupon'; id: string; lock: boolean }
  | { op: 'putProgram'; row: ProgramRow }
  | { op: 'putAccount'; row: AccountRow }
  | { op: 'appendEntry'; row: EntryRow }
  | { op: 'putReward'; row: RewardRow }
  | { op: 'putCoupon'; row: CouponRow };

/** What each step answers: a row or undefined for reads, undefined for writes. */
export type LedgerAnswer =
  | ProgramRow
  | AccountRow
  | EntryRow
  | RewardRow
  | CouponRow
  | PendingRow
  | EntryRow[]
  | CouponRow[]
  | LedgerSubscription[]
  | string[]
  | number
  | undefined;

export type LedgerProgram<T> = () => Generator<LedgerStep, T, LedgerAnswer>;

/** List reads; every list is in id order (ids are time-ordered UUIDv7 or caller-given). */
export type LedgerList =
  | { table: 'programs'; merchantId?: string }
  | { table: 'accounts'; customerId: string; programId?: string }
  | { table: 'entries'; accountId: string; occurredFrom?: string; occurredTo?: string }
  | { table: 'rewards'; programId?: string; activeOnly?: boolean }
  | { table: 'coupons'; merchantId?: string; programId?: string; customerId?: string };

export interface LedgerPage {
  offset: number;
  limit: number;
}

export interface LedgerEngine {
  /** Runs the program in one transaction of `tenant`; resolves after COMMIT. */
  transact<T>(tenant: string, program: LedgerProgram<T>): Promise<T>;
  list<Row>(tenant: string, query: LedgerList, page: LedgerPage): Promise<{ rows: Row[]; total: number }>;
  /** The tenants that hold at least one loyalty program. */
  tenants(): Promise<string[]>;
}

/**
 * A ledger list's filters as column conditions with `?` placeholders, one mapping for both
 * engines (each renders its own placeholders); `activeIsTrue` is how the engine spells a true
 * boolean column.
 */
export function ledgerListConditions(query: LedgerList, activeIsTrue: string): { where: string[]; params: unknown[] } {
  const pairs: [string, string | undefined][] = [];
  const fixed: string[] = [];
  switch (query.table) {
    case 'programs':
      pairs.push(['merchant_id = ?', query.merchantId]);
      break;
    case 'accounts':
      pairs.push(['customer_id = ?', query.customerId], ['program_id = ?', query.programId]);
      break;
    case 'entries':
      pairs.push(['account_id = ?', query.accountId], ['occurred_at >= ?', query.occurredFrom], ['occurred_at <= ?', query.occurredTo]);
      break;
    case 'rewards':
      pairs.push(['program_id = ?', query.programId]);
      if (query.activeOnly) fixed.push(activeIsTrue);
      break;
    case 'coupons':
      pairs.push(['merchant_id = ?', query.merchantId], ['program_id = ?', query.programId], ['customer_id = ?', query.customerId]);
      break;
  }
  const present = pairs.filter((p): p is [string, string] => p[1] !== undefined);
  return { where: [...present.map((p) => p[0]), ...fixed], params: present.map((p) => p[1]) };
}

/** The ledger tables' columns in the order of the row types, one list for both engines. */
export const LEDGER_COLUMNS = {
  loyalty_programs: ['id', 'data', 'rules', 'merchant_id', 'updated_at'],
  loyalty_accounts: ['id', 'program_id', 'customer_id', 'status', 'balance', 'pending', 'tier', 'created_at', 'updated_at'],
  loyalty_entries: ['id', 'account_id', 'type', 'amount', 'source_key', 'related_order_id', 'occurred_at', 'metadata'],
  loyalty_rewards: ['id', 'program_id', 'cost', 'active', 'data'],
  loyalty_pending: ['account_id', 'order_id', 'points'],
  loyalty_coupons: [
    'id',
    'code',
    'merchant_id',
    'program_id',
    'account_id',
    'customer_id',
    'status',
    'related_order_id',
    'expires_at',
    'metadata',
    'created_at',
    'updated_at',
  ],
} as const;
export type LedgerTable = keyof typeof LEDGER_COLUMNS;
