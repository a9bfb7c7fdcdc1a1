/**
 * The retention schedule inside `odc serve` (docs/contract.md §14.8): every interval, apply
 * each merchant's limits (periodic-run.ts: never overlapping, stop() waits for the run).
 */
import { runRetention } from '../domain/retention.js';
import type { Store } from '../store/store.js';
import { runPeriodically, type Schedule, type ScheduleLog } from './periodic-run.js';

export function scheduleRetention(store: Store, intervalSeconds: number, log: ScheduleLog): Schedule {
  return runPeriodically(intervalSeconds, 'retention', log, async () => {
    const lost = await runRetention(store);
    const any = Object.values(lost).some((n) => n.events + n.orders > 0);
    if (any) log.info({ retention: lost }, 'retention: deleted expired events and orders');
  });
}
