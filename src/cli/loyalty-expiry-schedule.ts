/**
 * The loyalty expiry schedule inside `odc serve` (docs/contract.md §15.9): every interval, run
 * the expiry for every tenant holding a loyalty program. As with the retention schedule, a run
 * never overlaps the previous one and stop() waits for the run in progress. Several instances
 * on one PostgreSQL database may run it at once: each account is expired under its row lock and
 * each expiry's source is unique, so nothing expires twice.
 */
import type { ExpiryResult } from '../domain/loyalty/loyalty-ledger.js';
import type { Store } from '../store/store.js';
import { runPeriodically, type Schedule, type ScheduleLog } from './periodic-run.js';

/** One run over every tenant; a tenant that fails does not stop the others. */
export async function runLoyaltyExpiry(store: Store, now = new Date(), log?: ScheduleLog): Promise<Record<string, ExpiryResult>> {
  const out: Record<string, ExpiryResult> = {};
  for (const tenant of await store.loyalty.tenants()) {
    try {
      out[tenant] = await store.loyalty.runExpiry(tenant, now);
    } catch (error) {
      log?.error({ err: error, tenant }, 'loyalty expiry failed for a tenant; it runs again at the next interval');
    }
  }
  return out;
}

/** `clock`: the time each run expires as of (tests move it forward). */
export function scheduleLoyaltyExpiry(store: Store, intervalSeconds: number, log: ScheduleLog, clock: () => Date = () => new Date()): Schedule {
  return runPeriodically(intervalSeconds, 'loyalty expiry', log, async () => {
    const results = await runLoyaltyExpiry(store, clock(), log);
    const any = Object.values(results).some((r) => r.expiredPoints + r.expiredCoupons > 0);
    if (any) log.info({ loyaltyExpiry: results }, 'loyalty expiry: expired points and coupons');
  });
}
