/**
 * The retention schedule inside `odc serve` (docs/contract.md §14.8): every interval, apply
 * each merchant's limits. A run never overlaps the previous one; stop() waits for the run in
 * progress, so the store is not closed under it.
 */
import { runRetention } from '../domain/retention.js';
import type { Store } from '../store/store.js';

export interface RetentionLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function scheduleRetention(store: Store, intervalSeconds: number, log: RetentionLog): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = runRetention(store)
      .then((lost) => {
        const any = Object.values(lost).some((n) => n.events + n.orders > 0);
        if (any) log.info({ retention: lost }, 'retention: deleted expired events and orders');
      })
      .catch((error: unknown) => log.error({ err: error }, 'retention run failed; it runs again at the next interval'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
