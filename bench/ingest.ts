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
}

export interface Growth {
  /** customers/s of each segment, per target, in the order given. */
  rates: number[][];
  segment: number;
}

/**
 * Grows every target to `stored` in `segments` timed segments of `batch`-item batches,
 * `inFlight` at a time. `pause` runs once on the first target when it holds `pause.at`
 * customers (the filters measured on a small store); its time is not counted.
 */
export async function growStore(
  targets: Target[],
  options: { stored: number; segments: number; batch: number; inFlight: number; pause?: { at: number; run(): Promise<void> } },
): Promise<Growth> {
  const { stored, segments, batch, inFlight, pause } = options;
  const segment = Math.ceil(stored / segments);
  const rates: number[][] = targets.map(() => []);
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
      if (t === 0 && pause && pause.at > from && pause.at <= to) {
        seconds = await post(target, from, pause.at);
        await pause.run();
        seconds += await post(target, pause.at, to);
      } else seconds = await post(target, from, to);
      rates[t].push((to - from) / seconds);
    }
  }
  return { rates, segment };
}
