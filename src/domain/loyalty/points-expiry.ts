/**
 * Points expiry (docs/contract.md §15.9). Replaying an account's entries in ledger order tells
 * what remains of each credit: every credit (an entry with a positive amount: `earn`, a positive
 * `adjust`) starts whole; every debit (`redeem`, a negative `adjust`) consumes the oldest
 * credits that still hold points first (FIFO); an `expire` entry consumes exactly the credits
 * its metadata lists. The remains always sum to the balance. A credit is due when its credit
 * time plus the program's `pointsExpireAfterDays` is at or before the run's `asOf`; a run
 * expires what remains of every due credit as one `expire` entry per account, whose source
 * (`expire:<id of the newest credit it expires>`) no later run can produce again, and which the
 * account lock makes two racing runs (one instance or two) compute one after the other.
 */
import type { CouponRow, CouponStatus, EntryRow } from '../../store/ledger-engine.js';
import { couponEnvelope, emitLoyaltyEvents } from './loyalty-events.js';
import { lockedAccount, nowIso, post, type Steps } from './ledger-programs.js';

const DAY_MS = 86_400_000;

/** What remains of one credit. */
export interface CreditLeft {
  id: string;
  creditedAt: string;
  points: number;
}

/** An `expire` entry's metadata: the credits it expired and how many points of each. */
export interface ExpiryMetadata {
  asOf: string;
  credits: { id: string; points: number }[];
}

/** The remains of the account's credits (those above zero, oldest first), replaying `entries` in ledger order. */
export function creditsLeft(entries: readonly EntryRow[]): CreditLeft[] {
  const credits: CreditLeft[] = [];
  const byId = new Map<string, CreditLeft>();
  for (const entry of entries) {
    if (entry.type === 'expire') {
      const { credits: listed = [] } = JSON.parse(entry.metadata ?? '{}') as Partial<ExpiryMetadata>;
      for (const item of listed) {
        const credit = byId.get(item.id);
        if (credit) credit.points -= item.points;
      }
    } else if (entry.amount > 0) {
      const credit = { id: entry.id, creditedAt: entry.occurred_at, points: entry.amount };
      credits.push(credit);
      byId.set(credit.id, credit);
    } else if (entry.amount < 0) {
      let owed = -entry.amount;
      for (const credit of credits) {
        if (owed === 0) break;
        const taken = Math.min(credit.points, owed);
        credit.points -= taken;
        owed -= taken;
      }
    }
  }
  return credits.filter((c) => c.points > 0);
}

/** The remains due to expire as of `asOfMs`, capped at `balance` (a balance never goes negative). */
export function dueCredits(left: readonly CreditLeft[], days: number, asOfMs: number, balance: number): { id: string; points: number }[] {
  const due: { id: string; points: number }[] = [];
  let room = balance;
  for (const credit of left) {
    if (Date.parse(credit.creditedAt) + days * DAY_MS > asOfMs || room === 0) continue;
    const points = Math.min(credit.points, room);
    room -= points;
    due.push({ id: credit.id, points });
  }
  return due;
}

/** Expires one account's due points as of `asOf` (UTC, microseconds); answers the points expired. */
export function* expireAccount(accountId: string, days: number, asOf: string): Steps<number> {
  const account = yield* lockedAccount(accountId);
  const entries = (yield { op: 'entries', accountId }) as EntryRow[];
  const due = dueCredits(creditsLeft(entries), days, Date.parse(asOf), account.balance);
  if (due.length === 0) return 0;
  const points = due.reduce((sum, c) => sum + c.points, 0);
  const metadata: ExpiryMetadata = { asOf, credits: due };
  const posted = yield* post(account, { type: 'expire', amount: -points, sourceKey: `expire:${due[due.length - 1].id}`, metadata: { ...metadata } });
  return posted.repeated ? 0 : points;
}

/** Coupon states that end as `expired` once past `expires_at`. */
const EXPIRABLE: CouponStatus[] = ['available', 'applied'];

/** Marks up to `limit` coupons past their `expires_at` as `expired`; answers how many. */
export function* expireCoupons(at: string, limit: number): Steps<{ expired: number; seen: number }> {
  const due = (yield { op: 'couponsExpiring', statuses: EXPIRABLE, at, limit }) as CouponRow[];
  const expired: CouponRow[] = [];
  for (const seen of due) {
    // Locked and read again: a use or a cancellation may have committed since the list.
    const coupon = (yield { op: 'coupon', id: seen.id, lock: true }) as CouponRow | undefined;
    if (!coupon || !EXPIRABLE.includes(coupon.status) || coupon.expires_at === null || coupon.expires_at > at) continue;
    const next: CouponRow = { ...coupon, status: 'expired', updated_at: nowIso() };
    yield { op: 'putCoupon', row: next };
    expired.push(next);
  }
  yield* emitLoyaltyEvents(expired.map((c) => couponEnvelope(c, 'loyalty.coupon.expired')));
  return { expired: expired.length, seen: due.length };
}
