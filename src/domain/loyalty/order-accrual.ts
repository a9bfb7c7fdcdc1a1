/**
 * Points from orders (docs/contract.md §15.7), whichever binding the order came through: both
 * store the seed's order, so its `lastEvent` and `total.orderAmount.value` decide. While the
 * order is open its points are pending (kept apart from the balance); on completion
 * (`CONCLUDED`) they are earned once (source `order:<id>`); on cancellation the pending points
 * go and earned points are reversed by an `adjust` entry, as far as the balance allows.
 */
import type { AccountRow, EntryRow, PendingRow } from '../../store/ledger-engine.js';
import { lockedAccount, nowIso, post, programRow, type Steps, enrol } from './ledger-programs.js';
import { parseRules, type ProgramRules } from './program-rules.js';

export type OrderPhase = 'open' | 'completed' | 'cancelled';

export interface OrderFacts {
  id: string;
  /** The customer reference the order names (`customer.id`). */
  customerRef: string;
  phase: OrderPhase;
  /** `total.orderAmount.value`, in currency units. */
  value: number;
}

/** What the ledger needs of a seed order, or undefined when it names no customer or amount. */
export function orderFacts(order: Record<string, unknown>): OrderFacts | undefined {
  const customer = order.customer as { id?: unknown } | undefined;
  const total = order.total as { orderAmount?: { value?: unknown } } | undefined;
  const value = total?.orderAmount?.value;
  if (typeof customer?.id !== 'string' || typeof value !== 'number' || !(value >= 0)) return undefined;
  const phase: OrderPhase = order.lastEvent === 'CONCLUDED' ? 'completed' : order.lastEvent === 'CANCELLED' ? 'cancelled' : 'open';
  return { id: String(order.id), customerRef: customer.id, phase, value };
}

export const pointsFor = (value: number, rules: ProgramRules): number => Math.floor(value * rules.pointsPerCurrencyUnit);

/** Applies one order's current phase to the customer's account in one program; idempotent. */
export function* accrueOrder(programId: string, customerId: string, order: OrderFacts): Steps<void> {
  const rules = parseRules((yield* programRow(programId)).rules);
  let found = (yield { op: 'accountOf', programId, customerId, lock: false }) as AccountRow | undefined;
  if (!found) {
    if (order.phase !== 'completed' || rules.enrolment !== 'automatic') return;
    // Erased since the order was stored: nothing to open an account for (§14.4).
    if (!((yield { op: 'customerHeld', customerId }) as boolean)) return;
    found = yield* enrol(programId, customerId);
  }
  const locked = yield* lockedAccount(found.id);
  const pending = (yield { op: 'pending', accountId: locked.id, orderId: order.id }) as PendingRow | undefined;
  const earned = (yield { op: 'entry', accountId: locked.id, sourceKey: `order:${order.id}` }) as EntryRow | undefined;
  const points = pointsFor(order.value, rules);
  // The account without this order's pending points; they are re-added only while it is open.
  const account: AccountRow = { ...locked, pending: locked.pending - (pending?.points ?? 0), updated_at: nowIso() };
  const keepPending = order.phase === 'open' && earned === undefined && locked.status !== 'SUSPENDED' && points > 0;
  if (keepPending) {
    yield { op: 'putPending', row: { account_id: locked.id, order_id: order.id, points } };
    account.pending += points;
  } else if (pending) {
    yield { op: 'dropPending', accountId: locked.id, orderId: order.id };
  }
  if (order.phase === 'completed' && earned === undefined && locked.status !== 'SUSPENDED' && points > 0) {
    yield* post(account, { type: 'earn', amount: points, sourceKey: `order:${order.id}`, relatedOrderId: order.id });
    return;
  }
  if (order.phase === 'cancelled' && earned !== undefined) {
    const reverse = Math.min(earned.amount, account.balance);
    const metadata = { reason: 'order_cancelled', reversedEntryId: earned.id, shortfall: earned.amount - reverse };
    const result = yield* post(account, { type: 'adjust', amount: -reverse, sourceKey: `order:${order.id}:cancelled`, relatedOrderId: order.id, metadata });
    if (!result.repeated) return;
  }
  if (account.pending !== locked.pending) yield { op: 'putAccount', row: account };
}
