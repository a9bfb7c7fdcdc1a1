/**
 * A person's loyalty ledger under the privacy operations (docs/contract.md §14.2 to §14.4,
 * §15.11): the accounts held under its customer id with their entries and pending points, its
 * coupons, and the outbox rows of loyalty events naming it. The export shows them in their rc.2
 * shapes; the erasure deletes them all, since no total kept elsewhere depends on them.
 */
import type { DeliveryRow, LookupRequest, LookupResult, LoyaltyHoldings } from '../../store/engine.js';
import { LOYALTY_EVENT_TYPES } from './loyalty-events.js';
import { accountToRc2, couponToRc2, entryToRc2 } from './loyalty-wire.js';

type Program<T> = Generator<LookupRequest, T, LookupResult>;

export interface LoyaltySubject extends LoyaltyHoldings {
  /** Outbox rows of loyalty events whose envelope names the person (pending or not). */
  deliveries: DeliveryRow[];
}

/**
 * The look-up that finds a person's loyalty deliveries: outbox bodies holding the envelope's
 * `customerId` member as the server wrote it (compact JSON), each then read by `namesCustomer`.
 */
export const loyaltyDeliveryLookup = (customerId: string): string => `"customerId":${JSON.stringify(customerId)}`;

/** Whether an outbox body is a loyalty event envelope naming this customer (§15.11). */
export function namesCustomer(body: string, customerId: string): boolean {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof envelope !== 'object' || envelope === null) return false;
  const { eventType, customerId: named } = envelope as { eventType?: unknown; customerId?: unknown };
  return typeof eventType === 'string' && LOYALTY_EVENT_TYPES.has(eventType) && named === customerId;
}

/**
 * Reads the person's ledger rows (its accounts locked first when `lock`, so a ledger movement
 * under way finishes before the rest is read and a later one finds no account), then its
 * loyalty deliveries.
 */
export function* collectLoyalty(customerId: string, lock: boolean): Program<LoyaltySubject> {
  const holdings = (yield { loyaltyOf: { customerIds: [customerId], lock } }).loyalty;
  const candidates = (yield { deliveriesMentioning: loyaltyDeliveryLookup(customerId) }).deliveriesMentioning;
  return { ...holdings, deliveries: candidates.filter((d) => namesCustomer(d.body, customerId)) };
}

/** The export's `loyalty` section (§14.3): rc.2 shapes, entries in ledger order. */
export function loyaltySection(subject: LoyaltySubject, renderDelivery: (row: DeliveryRow) => unknown) {
  return {
    accounts: subject.accounts.map(accountToRc2),
    transactions: subject.entries.map(entryToRc2),
    pendingPoints: subject.pending.map((p) => ({ accountId: p.account_id, orderId: p.order_id, points: p.points })),
    coupons: subject.coupons.map(couponToRc2),
    webhookDeliveries: subject.deliveries.map(renderDelivery),
  };
}

/** What an erasure counts of the ledger, in its receipt and audit entry (§14.4). */
export function loyaltyCounts(subject: LoyaltySubject) {
  return {
    loyaltyAccounts: subject.accounts.length,
    loyaltyTransactions: subject.entries.length,
    loyaltyPendingOrders: subject.pending.length,
    loyaltyCoupons: subject.coupons.length,
    loyaltyWebhookDeliveries: subject.deliveries.length,
  };
}

/** The rows an erasure deletes from the ledger and the outbox. */
export const loyaltyErasure = (subject: LoyaltySubject) => ({
  accountIds: subject.accounts.map((a) => a.id),
  couponIds: subject.coupons.map((c) => c.id),
  deliveryIds: subject.deliveries.map((d) => Number(d.id)),
});
