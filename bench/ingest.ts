/**
 * The main ingest figure: the store grown from empty to `stored` customers with batches as a
 * POS sends them (new customers, no `id`, data.ts `posBatchBody`), timed per segment of a
 * tenth of `stored`, so the table shows whether the rate holds as the store grows. Each target
 * (odc, then the ceiling) takes a segment on the same bodies before the next segment begins,
 * so every segment's ratio to the ceiling is measured side by side.
 */
import { posBatchBody } from './data.js';
import { postBatches } from './measure.js';

export interface Target {
  url: string;
  auth: string;
  /** The server process's CPU seconds so far (server-process.ts `cpu`), when it is ours to read. */
  cpu?: () => number;
}

export interface Growth {
  /** customers/s of each segment, per target, in the order given. */
  rates: number[][];
  /** customers per CPU-second of the server process, same layout (0 without `cpu`). */
  cpuRates: number[][];
  segment: number;
}

/**
 * Grows every target to `stored` in `segments` timed segments of `batch`-item batches,
 * `inFlight` at a time. `pause` runs once on the first target when it holds `pause.at`
 * customers (the filters measured on a small store); its time is not counted.
 */
export async function growStore(
  targets: Target[],
  options: {
    stored: number;
    segments: number;
    batch: number;
    inFlight: number;
    pause?: { at: number; run(): Promise<void> };
    /** Called after each segment with the count reached and each target's rate over it. */
    progress?(count: number, rates: number[]): void;
  },
): Promise<Growth> {
  const { stored, segments, batch, inFlight, pause } = options;
  const segment = Math.ceil(stored / segments);
  const rates: number[][] = targets.map(() => []);
  const cpuRates: number[][] = targets.map(() => []);
  const post = (target: Target, from: number, to: number) =>
    postBatches(
      target.url,
      target.auth,
      Array.from({ length: Math.ceil((to - from) / batch) }, (_, i) => () => posBatchBody(from + i * batch, Math.min(batch, to - from - i * batch))),
      inFlight,
    );
  for (let s = 0; s < segments; s += 1) {
    const from = s * segment;
    const to = Math.min(stored, from + segment);
    for (const [t, target] of targets.entries()) {
      let seconds: number;
      const cpuOf = () => target.cpu?.() ?? 0;
      let cpu = -cpuOf();
      if (t === 0 && pause && pause.at > from && pause.at <= to) {
        seconds = await post(target, from, pause.at);
        cpu += cpuOf();
        await pause.run();
        cpu -= cpuOf();
        seconds += await post(target, pause.at, to);
      } else seconds = await post(target, from, to);
      rates[t].push((to - from) / seconds);
      cpu += cpuOf();
      cpuRates[t].push(cpu > 0 ? (to - from) / cpu : 0);
    }
    options.progress?.(
      to,
      rates.map((r) => r[s]),
    );
  }
  return { rates, cpuRates, segment };
}
