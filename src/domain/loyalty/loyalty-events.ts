/**
 * loyaltyEvent webhooks (docs/contract.md §15.11, §13.6): every ledger movement and every coupon
 * that expires or is cancelled becomes an rc.2 `LoyaltyEventEnvelope`, queued for the tenant's
 * subscriptions in the transaction that makes the movement, so a committed movement never lacks
 * its deliveries and a refused one has none. Only `rc2` subscriptions receive them (the seed has
 * no loyalty events): those listing no types, or naming the loyalty type.
 */
import { timeOrderedId } from '../time-ordered-id.js';
import { normalizeEventType } from '../../contract/identity.js';
import type { DeliveryPut } from '../../store/engine.js';
import type { AccountRow, CouponRow, EntryRow, EntryType, LedgerAnswer, LedgerStep, LedgerSubscription } from '../../store/ledger-engine.js';

/** The committee's `LoyaltyEventType`; odc has no cashback, so `loyalty.cashback.earned` never occurs. */
export type LoyaltyEventType =
  | 'loyalty.points.earned'
  | 'loyalty.redemption.created'
  | 'loyalty.coupon.used'
  | 'loyalty.tier.changed'
  | 'loyalty.points.adjusted'
  | 'loyalty.points.expired'
  | 'loyalty.coupon.expired'
  | 'loyalty.coupon.cancelled';

/** The event each ledger entry type raises. */
export const ENTRY_EVENT: Readonly<Record<EntryType, LoyaltyEventType>> = {
  earn: 'loyalty.points.earned',
  redeem: 'loyalty.redemption.created',
  coupon_use: 'loyalty.coupon.used',
  tier_change: 'loyalty.tier.changed',
  adjust: 'loyalty.points.adjusted',
  expire: 'loyalty.points.expired',
};

/** Every loyalty event type odc raises: the entries' and the coupons' terminal states. */
export const LOYALTY_EVENT_TYPES: ReadonlySet<string> = new Set<LoyaltyEventType>([
  ...Object.values(ENTRY_EVENT),
  'loyalty.coupon.expired',
  'loyalty.coupon.cancelled',
]);

/** rc.2 `LoyaltyEventEnvelope`. */
export interface LoyaltyEnvelope {
  /** UUIDv7, unique per event; also the delivery's `X-Odc-Event-Id`. */
  id: string;
  eventType: LoyaltyEventType;
  occurredAt: string;
  accountId: string;
  customerId: string;
  programId: string;
  payload: Record<string, unknown>;
}

/** The envelope of a committed entry; `account` is the account after it, `extra` joins the payload. */
export function entryEnvelope(entry: EntryRow, account: AccountRow, extra: Record<string, unknown> = {}): LoyaltyEnvelope {
  return {
    id: timeOrderedId(),
    eventType: ENTRY_EVENT[entry.type],
    occurredAt: entry.occurred_at,
    accountId: account.id,
    customerId: account.customer_id,
    programId: account.program_id,
    payload: {
      transactionId: entry.id,
      transactionType: entry.type,
      points: entry.amount,
      balance: account.balance,
      ...(entry.related_order_id === null ? {} : { relatedOrderId: entry.related_order_id }),
      ...(account.tier === null ? {} : { tier: account.tier }),
      ...extra,
      ...(entry.metadata === null ? {} : { metadata: JSON.parse(entry.metadata) as unknown }),
    },
  };
}

/** The envelope of a coupon reaching a terminal state other than use (expired, cancelled). */
export function couponEnvelope(coupon: CouponRow, eventType: 'loyalty.coupon.expired' | 'loyalty.coupon.cancelled'): LoyaltyEnvelope {
  const metadata = JSON.parse(coupon.metadata) as Record<string, unknown>;
  return {
    id: timeOrderedId(),
    eventType,
    occurredAt: coupon.updated_at,
    accountId: coupon.account_id,
    customerId: coupon.customer_id,
    programId: coupon.program_id,
    payload: {
      couponId: coupon.id,
      code: coupon.code,
      status: coupon.status,
      ...(coupon.expires_at === null ? {} : { expiresAt: coupon.expires_at }),
      ...(metadata.rewardId === undefined ? {} : { rewardId: metadata.rewardId }),
    },
  };
}

/** Whether a subscription receives a loyalty event: `rc2` ones listing no types or naming it. */
export function wantsLoyaltyEvent(subscription: LedgerSubscription, eventType: LoyaltyEventType): boolean {
  return subscription.format === 'rc2' && (subscription.eventTypes.length === 0 || subscription.eventTypes.includes(normalizeEventType(eventType)));
}

export function planLoyaltyDeliveries(events: LoyaltyEnvelope[], subscriptions: LedgerSubscription[], now: Date = new Date()): DeliveryPut[] {
  const createdAt = now.toISOString();
  return events.flatMap((event) =>
    subscriptions
      .filter((s) => wantsLoyaltyEvent(s, event.eventType))
      .map((s) => ({ subscriptionId: s.id, eventId: event.id, body: JSON.stringify(event), dueAt: now.getTime(), createdAt })),
  );
}

/** Queues the events' deliveries inside the running ledger program's transaction. */
export function* emitLoyaltyEvents(events: LoyaltyEnvelope[]): Generator<LedgerStep, void, LedgerAnswer> {
  if (events.length === 0) return;
  const subscriptions = (yield { op: 'subscriptions' }) as LedgerSubscription[];
  const deliveries = planLoyaltyDeliveries(events, subscriptions);
  if (deliveries.length > 0) yield { op: 'enqueueDeliveries', deliveries };
}
