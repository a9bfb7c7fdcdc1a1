/**
 * The bench's one table: each figure is measured in several rounds (odc and the ceiling
 * alternately within a round), printed as the median with the spread (min–max), and written
 * with every sample to a JSON file. The ratio to the ceiling is the median of the per-round
 * ratios, so drift on a shared machine hits both sides of each ratio alike.
 */
import { writeFileSync } from 'node:fs';

export interface Figure {
  store: string;
  figure: string;
  unit: string;
  target?: string;
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** The ceiling's samples of the same figure, taken in the same rounds. */
  ceiling?: number[];
  /** Median of the per-round ratios odc / ceiling. */
  ratio?: number;
  /** What `ceiling` is when it is not the ceiling (e.g. `defaults`: the same figure with default flags). */
  ratioTo?: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const format = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : String(round2(n)));

export class ResultTable {
  readonly figures: Figure[] = [];

  header(title: string): void {
    console.log(title);
    console.log(
      `  ${'store'.padEnd(9)} ${'figure'.padEnd(56)} ${'median'.padStart(9)} ${'(min–max)'.padEnd(21)} ${'unit'.padEnd(12)} ${'target'.padEnd(28)} ratio to ceiling`,
    );
  }

  record(store: string, figure: string, samples: number[], unit: string, extra: { target?: string; ceiling?: number[]; ratioTo?: string } = {}): Figure {
    const ratios = extra.ceiling ? samples.map((s, i) => s / (extra.ceiling as number[])[i]) : undefined;
    const entry: Figure = {
      store,
      figure,
      unit,
      target: extra.target,
      samples: samples.map(round2),
      median: round2(median(samples)),
      min: round2(Math.min(...samples)),
      max: round2(Math.max(...samples)),
      ceiling: extra.ceiling?.map(round2),
      ratio: ratios && round2(median(ratios)),
      ratioTo: extra.ratioTo,
    };
    this.figures.push(entry);
    const spread = samples.length > 1 ? `(${format(entry.min)}–${format(entry.max)})` : '';
    console.log(
      `  ${store.padEnd(9)} ${figure.padEnd(56)} ${format(entry.median).padStart(9)} ${spread.padEnd(21)} ${unit.padEnd(12)} ${(extra.target ?? '').padEnd(28)} ${entry.ratio !== undefined ? `ratio ${entry.ratio}${entry.ratioTo ? ` to ${entry.ratioTo}` : ''}` : ''}`,
    );
    return entry;
  }

  find(store: string, prefix: string): Figure | undefined {
    return this.figures.find((f) => f.store === store && f.figure.startsWith(prefix));
  }

  write(file: string, meta: Record<string, unknown>): void {
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...meta, figures: this.figures }, null, 2)}\n`);
  }
}
