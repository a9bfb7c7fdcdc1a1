/**
 * The loyalty ledger as routes, the CLI and the order hook use it (docs/contract.md §15): each
 * method runs one program of ledger-programs.ts in one transaction of the engine.
 */
import { timeOrderedId } from '../time-ordered-id.js';
import { stampToIso } from '../../store/change-clock.js';
import type { AccountRow, CouponRow, EntryRow, LedgerEngine, LedgerList, LedgerPage, ProgramRow, RewardRow } from '../../store/ledger-engine.js';
import * as programs from './ledger-programs.js';
import { accrueOrder, orderFacts } from './order-accrual.js';
import { expireAccount, expireCoupons } from './points-expiry.js';
import { parseRules, type ProgramRules } from './program-rules.js';
import { checkTiers } from './tiers.js';

/** What an expiry run did (docs/contract.md §15.9). */
export interface ExpiryResult {
  /** Accounts that lost points. */
  accounts: number;
  expiredPoints: number;
  expiredCoupons: number;
}

/** Coupons marked expired per transaction. */
const COUPON_BATCH = 200;

/** A program document as rc.2 names it (`LoyaltyProgram`): `id` and `name` at least. */
export interface ProgramDocument {
  id: string;
  name: string;
  merchantId?: string;
  [field: string]: unknown;
}

/** A reward as rc.2 names it (`LoyaltyReward`) plus odc's `active` flag for the catalog. */
export interface RewardDocument {
  id: string;
  programId: string;
  cost: number;
  name?: string;
  [field: string]: unknown;
}

export class LoyaltyLedger {
  constructor(private readonly engine: LedgerEngine) {}

  /** Stores programs as sent; a program's odc rules are kept across re-sends. */
  upsertPrograms(tenant: string, items: ProgramDocument[]): Promise<ProgramRow[]> {
    return this.engine.transact(tenant, function* () {
      const rows: ProgramRow[] = [];
      for (const item of items) {
        const existing = (yield { op: 'program', id: item.id }) as ProgramRow | undefined;
        const row: ProgramRow = {
          id: item.id,
          data: JSON.stringify(item),
          rules: existing?.rules ?? '{}',
          merchant_id: item.merchantId ?? '',
          updated_at: programs.nowIso(),
        };
        yield { op: 'putProgram', row };
        rows.push(row);
      }
      return rows;
    });
  }

  /** Replaces the rules given, keeping the others (operator side). */
  setProgramRules(tenant: string, programId: string, rules: Partial<ProgramRules>): Promise<ProgramRules> {
    return this.engine.transact(tenant, function* () {
      checkTiers(rules.tiers);
      const program = yield* programs.programRow(programId);
      const next = { ...parseRules(program.rules), ...rules };
      yield { op: 'putProgram', row: { ...program, rules: JSON.stringify(next), updated_at: programs.nowIso() } };
      return next;
    });
  }

  getProgram(tenant: string, id: string): Promise<ProgramRow | undefined> {
    return this.engine.transact(tenant, function* () {
      return (yield { op: 'program', id }) as ProgramRow | undefined;
    });
  }

  putReward(tenant: string, reward: RewardDocument, active = true): Promise<RewardRow> {
    return this.engine.transact(tenant, function* () {
      yield* programs.programRow(reward.programId);
      const row: RewardRow = { id: reward.id, program_id: reward.programId, cost: reward.cost, active, data: JSON.stringify(reward) };
      yield { op: 'putReward', row };
      return row;
    });
  }

  enrol(tenant: string, programId: string, customerId: string): Promise<AccountRow> {
    return this.engine.transact(tenant, () => programs.enrol(programId, customerId));
  }

  getAccount(tenant: string, id: string): Promise<AccountRow | undefined> {
    return this.engine.transact(tenant, function* () {
      return (yield { op: 'account', id, lock: false }) as AccountRow | undefined;
    });
  }

  setStatus(tenant: string, accountId: string, to: 'SUSPENDED' | 'ACTIVE'): Promise<AccountRow> {
    return this.engine.transact(tenant, () => programs.setStatus(accountId, to));
  }

  /** A credit or debit of one source, counted once (`earn`, `adjust`, `expire`). */
  post(tenant: string, accountId: string, movement: programs.Movement): Promise<{ entry: EntryRow; account: AccountRow; repeated: boolean }> {
    return this.engine.transact(tenant, function* () {
      const account = yield* programs.lockedAccount(accountId);
      return yield* programs.post(account, movement);
    });
  }

  /** `key`: the caller's idempotency key; without one every call is a new redemption. */
  redeem(tenant: string, request: Omit<programs.RedemptionRequest, 'key'> & { key?: string }, customerId?: string): Promise<programs.Redemption> {
    const key = request.key ?? timeOrderedId();
    return this.engine.transact(tenant, () => programs.redeem({ ...request, key }, customerId));
  }

  useCoupon(tenant: string, couponId: string, relatedOrderId: string | undefined): Promise<{ coupon: CouponRow; repeated: boolean }> {
    return this.engine.transact(tenant, () => programs.useCoupon(couponId, relatedOrderId));
  }

  cancelCoupon(tenant: string, couponId: string): Promise<CouponRow> {
    return this.engine.transact(tenant, () => programs.cancelCoupon(couponId));
  }

  /**
   * The order hook (docs/contract.md §15.7): after orders are stored, each one naming a
   * customer and an amount moves that customer's points in every program of the tenant. Each
   * step is idempotent, so a retried batch (after a failure here) settles the same.
   */
  async accrueOrders(tenant: string, orders: Record<string, unknown>[], customerIdOf: (ref: string) => Promise<string | undefined>): Promise<void> {
    const facts = orders.map(orderFacts).filter((f) => f !== undefined);
    if (facts.length === 0) return;
    const { rows } = await this.engine.list<ProgramRow>(tenant, { table: 'programs' }, { offset: 0, limit: 1000 });
    if (rows.length === 0) return;
    for (const order of facts) {
      const customerId = await customerIdOf(order.customerRef);
      if (customerId === undefined) continue;
      for (const program of rows) await this.engine.transact(tenant, () => accrueOrder(program.id, customerId, order));
    }
  }

  /**
   * The expiry run (docs/contract.md §15.9): as of `now`, every account of a program with
   * `pointsExpireAfterDays` loses what remains of its due credits (one transaction per
   * account), and coupons past `expires_at` become `expired`. Running it again, or on two
   * instances at once, expires nothing twice.
   */
  async runExpiry(tenant: string, now: Date = new Date()): Promise<ExpiryResult> {
    const asOf = stampToIso(now.getTime() * 1000);
    const result: ExpiryResult = { accounts: 0, expiredPoints: 0, expiredCoupons: 0 };
    const { rows } = await this.engine.list<ProgramRow>(tenant, { table: 'programs' }, { offset: 0, limit: 1000 });
    for (const program of rows) {
      const days = parseRules(program.rules).pointsExpireAfterDays;
      if (days === null) continue;
      const ids = await this.engine.transact(tenant, function* () {
        return (yield { op: 'accountsWithBalance', programId: program.id }) as string[];
      });
      for (const id of ids) {
        const points = await this.engine.transact(tenant, () => expireAccount(id, days, asOf));
        if (points > 0) {
          result.accounts += 1;
          result.expiredPoints += points;
        }
      }
    }
    for (;;) {
      const batch = await this.engine.transact(tenant, () => expireCoupons(asOf, COUPON_BATCH));
      result.expiredCoupons += batch.expired;
      if (batch.seen < COUPON_BATCH) break;
    }
    return result;
  }

  /** The tenants holding loyalty programs (the schedule runs expiry for each). */
  tenants(): Promise<string[]> {
    return this.engine.tenants();
  }

  list<Row>(tenant: string, query: LedgerList, page: LedgerPage = { offset: 0, limit: 500 }): Promise<{ rows: Row[]; total: number }> {
    return this.engine.list<Row>(tenant, query, page);
  }
}
