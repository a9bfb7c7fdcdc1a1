/**
 * What `odc pull` shows while it works: on a terminal, one redrawn bar per resource with its
 * rate; otherwise (a pipe, a log file, a test) one plain line per committed page, so that
 * whoever reads the output knows exactly what is on disk.
 */
import type { PullSummary, ResourceSummary } from '../sync/pull.js';

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export const count = (n: number) => Math.round(n).toLocaleString('en-US');

export function ratePerSecond(records: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (records * 1000) / elapsedMs : 0;
}

export class PullProgressView {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly interactive = Boolean(stream.isTTY),
  ) {}

  /** The onProgress callback of pullOnce. */
  readonly update = (summary: ResourceSummary, phase: 'start' | 'page' | 'done'): void => {
    if (!this.interactive) {
      if (phase === 'page') this.stream.write(`${this.describe(summary)}\n`);
      if (phase === 'done')
        this.stream.write(
          `${summary.resource}: ${summary.complete ? 'done' : 'stopped'}, ${count(summary.received)} records in ${count(summary.pages)} pages\n`,
        );
      return;
    }
    const now = Date.now();
    if (phase === 'page' && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${this.bar(summary)}${phase === 'done' ? '\n' : ''}`);
    this.drawn = phase !== 'done';
  };

  /** A line of its own, without breaking a bar being drawn. */
  note(line: string): void {
    if (this.interactive && this.drawn) this.stream.write('\n');
    this.drawn = false;
    this.stream.write(`${line}\n`);
  }

  private describe(s: ResourceSummary): string {
    const of = s.expected !== undefined ? `/${count(s.expected)}` : '';
    return `${s.resource}: page ${count(s.pages)} committed, ${count(s.received)}${of} records, ${count(ratePerSecond(s.received, s.elapsedMs))} records/s`;
  }

  private bar(s: ResourceSummary): string {
    const name = s.resource.padEnd(9);
    const rate = `${count(ratePerSecond(s.received, s.elapsedMs))} rec/s`;
    if (!s.expected) return `${name} ${count(s.received)} records  ${rate}`;
    const done = Math.min(1, s.received / s.expected);
    const filled = Math.round(done * BAR_WIDTH);
    return `${name} ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${count(s.received)}/${count(s.expected)}  ${rate}`;
  }
}

/** The final report of a run: a total line with the rate, then one line per resource. */
export function formatSummary(summary: PullSummary, source: string): string {
  const rate = count(ratePerSecond(summary.received, summary.elapsedMs));
  const lines = [
    `${summary.aborted ? 'stopped after pulling' : 'pulled'} ${count(summary.received)} records from ${source} in ${(summary.elapsedMs / 1000).toFixed(1)} s (${rate} records/s)`,
  ];
  for (const r of summary.resources) {
    lines.push(
      `  ${r.resource.padEnd(9)} ${count(r.received).padStart(9)} received  ${count(r.created)} created  ${count(r.updated)} updated  ${count(r.unchanged)} unchanged  ${count(r.rejected)} rejected${r.complete ? '' : '  (stopped)'}`,
    );
    for (const reason of r.rejections) lines.push(`    rejected ${reason}`);
    if (r.stopped) lines.push(`    stopped: ${r.stopped}`);
  }
  return lines.join('\n');
}

/** One line per watch cycle: what changed locally. */
export function formatCycle(summary: PullSummary, cycle: number): string {
  const changed = summary.resources
    .filter((r) => r.created + r.updated + r.rejected > 0)
    .map((r) => `${r.resource} ${r.created} created ${r.updated} updated${r.rejected ? ` ${r.rejected} rejected` : ''}`);
  return `cycle ${cycle}: ${count(summary.received)} records read in ${(summary.elapsedMs / 1000).toFixed(1)} s; ${changed.length ? changed.join(', ') : 'no changes'}`;
}
