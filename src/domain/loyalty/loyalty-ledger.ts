/**
 * The loyalty ledger as routes, the CLI and the order hook use it (docs/contract.md §15): each
 * method runs one program of ledger-programs.ts in one transaction of the engine.
 */
import { v7 } from 'uuid';
import type { AccountRow, CouponRow, EntryRow, LedgerEngine, LedgerList, LedgerPage, ProgramRow, RewardRow } from '../../store/ledger-engine.js';
import * as programs from './ledger-programs.js';
import { accrueOrder, orderFacts } from './order-accrual.js';
import { parseRules, type ProgramRules } from './program-rules.js';

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
    const key = request.key ?? v7();
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

  list<Row>(tenant: string, query: LedgerList, page: LedgerPage = { offset: 0, limit: 500 }): Promise<{ rows: Row[]; total: number }> {
    return this.engine.list<Row>(tenant, query, page);
  }
}
