/**
 * Retention (docs/contract.md §14.8): per merchant, events older than N days (by their
 * `occurredAt`) and orders older than N days (by their `createdAt` of §10) are deleted, with
 * the webhook deliveries of those events, in bounded batches; each batch that deletes
 * something is recorded in the audit trail.
 */
import type { AuthStore } from '../store/auth-store.js';
import { stampToIso } from '../store/change-clock.js';
import { emptyPlan, type LookupRequest, type LookupResult, type RecordRow, type WritePlan } from '../store/engine.js';
import type { Store } from '../store/store.js';
import { chainEntry } from './audit-chain.js';

type Program<T> = Generator<LookupRequest, T, LookupResult>;

/** A merchant's limits, in whole days; an absent limit keeps records for ever. */
export interface RetentionLimits {
  eventsDays?: number;
  ordersDays?: number;
}

export interface RetentionBatch {
  events: number;
  orders: number;
  /** Whether a limit may have more expired rows than this batch took. */
  more: boolean;
}

const DAY_MS = 86_400_000;

export function* retentionProgram(
  limits: RetentionLimits,
  nowMs: number,
  batch: number,
  stamp: () => number,
): Program<{ plan: WritePlan; result: RetentionBatch }> {
  const expired = (days: number | undefined): number | undefined => (days === undefined ? undefined : nowMs - days * DAY_MS);
  const eventsBefore = expired(limits.eventsDays);
  const ordersBefore = expired(limits.ordersDays);
  const events: RecordRow[] =
    eventsBefore === undefined ? [] : (yield { expired: { table: 'events', column: 'occurred_ms', beforeMs: eventsBefore, limit: batch } }).expired;
  const orders: RecordRow[] =
    ordersBefore === undefined ? [] : (yield { expired: { table: 'orders', column: 'created_ms', beforeMs: ordersBefore, limit: batch } }).expired;
  const result = { events: events.length, orders: orders.length, more: events.length === batch || orders.length === batch };
  if (events.length + orders.length === 0) return { plan: emptyPlan(), result };
  const at = stampToIso(stamp());
  const tail = (yield { auditTail: true }).auditTail;
  const entry = chainEntry(tail, { actor: 'retention', action: 'retention.run', details: { events: events.length, orders: orders.length, limits } }, at);
  const rows = (list: RecordRow[]) => list.map((r) => ({ id: r.id, stamp: r.stamp }));
  const plan: WritePlan = {
    ...emptyPlan(),
    erase: {
      customers: [],
      records: [
        { table: 'events', rows: rows(events) },
        { table: 'orders', rows: rows(orders) },
      ],
      deliveriesOfEvents: events.map((e) => e.id),
      markers: [],
      erasedAt: at,
    },
    audit: [entry],
  };
  return { plan, result };
}

/** Where the merchants' limits are kept: one setting, a JSON object by merchant id. */
export const RETENTION_SETTING = 'retention';

export async function retentionSettings(auth: Pick<AuthStore, 'getSetting'>): Promise<Record<string, RetentionLimits>> {
  const text = await auth.getSetting(RETENTION_SETTING);
  return text ? (JSON.parse(text) as Record<string, RetentionLimits>) : {};
}

/** Sets (or, with no limit, removes) a merchant's limits. */
export async function setRetention(
  auth: Pick<AuthStore, 'getSetting' | 'setSetting'>,
  merchant: string,
  limits: RetentionLimits,
): Promise<Record<string, RetentionLimits>> {
  for (const days of [limits.eventsDays, limits.ordersDays])
    if (days !== undefined && (!Number.isSafeInteger(days) || days < 1)) throw new Error('a retention limit is a whole number of days, at least 1');
  const all = await retentionSettings(auth);
  if (limits.eventsDays === undefined && limits.ordersDays === undefined) delete all[merchant];
  else all[merchant] = limits;
  await auth.setSetting(RETENTION_SETTING, JSON.stringify(all));
  return all;
}

/** Applies every merchant's limits (or one merchant's), batch after batch; returns what each lost. */
export async function runRetention(store: Store, nowMs = Date.now(), merchant?: string): Promise<Record<string, { events: number; orders: number }>> {
  const all = await retentionSettings(store.auth);
  const out: Record<string, { events: number; orders: number }> = {};
  for (const [tenant, limits] of Object.entries(all)) {
    if (merchant !== undefined && tenant !== merchant) continue;
    out[tenant] = await store.applyRetention(tenant, limits, nowMs);
  }
  return out;
}
