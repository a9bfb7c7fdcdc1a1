/**
 * Combines several bench result files (`npm run bench -- --out runN.json`, run one after the
 * other) into one table: for each figure, the median over the runs of each run's median, with
 * the spread across runs, and the same for the ratio to the ceiling.
 *
 *   npx tsx bench/aggregate.ts run1.json run2.json run3.json [--markdown]
 */
import { readFileSync } from 'node:fs';
import { median, type Figure } from './table.js';

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const markdown = process.argv.includes('--markdown');
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { figures: Figure[] });
const format = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : String(Math.round(n * 100) / 100));
const spread = (values: number[]) => `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;

const keys = [...new Map(runs.flatMap((r) => r.figures.map((f) => [`${f.store}\u0000${f.figure}`, f] as const))).values()];
if (markdown) console.log(`| store | figure | median of ${runs.length} runs (min–max) | unit | ratio to ceiling | target |\n|---|---|---|---|---|---|`);
for (const figure of keys) {
  const same = runs.map((r) => r.figures.find((f) => f.store === figure.store && f.figure === figure.figure)).filter((f): f is Figure => f !== undefined);
  const values = spread(same.map((f) => f.median));
  const ratios = same.map((f) => f.ratio).filter((r): r is number => r !== undefined);
  const ratio = ratios.length > 0 ? `${spread(ratios)}${figure.ratioTo ? ` to ${figure.ratioTo}` : ''}` : '';
  if (markdown) console.log(`| ${figure.store} | ${figure.figure} | ${values} | ${figure.unit} | ${ratio} | ${figure.target ?? ''} |`);
  else console.log(`  ${figure.store.padEnd(9)} ${figure.figure.padEnd(60)} ${values.padEnd(30)} ${figure.unit.padEnd(12)} ${ratio ? `ratio ${ratio}` : ''}`);
}
