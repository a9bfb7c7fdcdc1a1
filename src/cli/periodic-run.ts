/**
 * A background job of `odc serve` run every interval (retention, loyalty expiry): a run never
 * overlaps the previous one, a failed run is logged and tried again at the next interval, and
 * stop() waits for the run in progress, so the store is not closed under it.
 */

export interface ScheduleLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface Schedule {
  stop(): Promise<void>;
}

/** Runs `run` now and then every `intervalSeconds`; `what` names it in the failure log line. */
export function runPeriodically(intervalSeconds: number, what: string, log: ScheduleLog, run: () => Promise<void>): Schedule {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = run()
      .catch((error: unknown) => log.error({ err: error }, `${what} run failed; it runs again at the next interval`))
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
