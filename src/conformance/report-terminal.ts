/**
 * The report a person reads: results grouped by area, failures with the rule, expected vs
 * got and the exchange that showed it, then totals and what the run left behind. Colour
 * only when the output is a terminal (and NO_COLOR is unset).
 */
import type { CheckResult } from './check.js';
import type { ConformanceReport } from './runner.js';

export interface TerminalOptions {
  colour: boolean;
  /** Lists passing checks too, not only failures and skips. */
  verbose?: boolean;
}

const codes = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const;

function painter(colour: boolean) {
  return (style: keyof typeof codes, text: string) => (colour ? `\u001b[${codes[style]}m${text}\u001b[0m` : text);
}

const marks = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** One line per result, as printed live while the run goes on. */
export function formatResultLine(result: CheckResult, colour: boolean): string {
  const paint = painter(colour);
  const mark = result.outcome === 'pass' ? paint('green', marks.pass) : result.outcome === 'fail' ? paint('red', marks.fail) : paint('yellow', marks.skip);
  const reason = result.outcome === 'skip' ? paint('grey', `  (${result.message})`) : '';
  return `  ${mark} ${result.level.padEnd(6)} ${result.id}${reason}`;
}

function failureDetail(result: CheckResult, colour: boolean): string[] {
  const paint = painter(colour);
  const lines = [`       ${result.message ?? ''}`, paint('grey', `       rule: ${result.rule}`)];
  if (result.expected !== undefined) lines.push(`       expected: ${result.expected}`, `       got:      ${result.got}`);
  if (result.exchange) {
    lines.push(paint('grey', `       ${result.exchange.method} ${result.exchange.url} -> ${result.exchange.status}`));
    if (result.exchange.body) lines.push(paint('grey', `       body: ${result.exchange.body.replace(/\s+/g, ' ').slice(0, 200)}`));
  }
  return lines;
}

export function formatTerminalReport(report: ConformanceReport, options: TerminalOptions): string {
  const paint = painter(options.colour);
  const out: string[] = [paint('bold', `Conformance of ${report.target} (run ${report.runId})`), ''];
  const areas = [...new Set(report.results.map((r) => r.area))];
  for (const area of areas) {
    const results = report.results.filter((r) => r.area === area);
    const failed = results.filter((r) => r.outcome === 'fail').length;
    out.push(`${paint('bold', area)}  ${results.length - failed} of ${results.length} without failure`);
    for (const result of results) {
      if (result.outcome === 'pass' && !options.verbose) continue;
      out.push(formatResultLine(result, options.colour));
      if (result.outcome === 'fail') out.push(...failureDetail(result, options.colour));
    }
  }
  const { pass, fail, skip, failedByLevel } = report.counts;
  out.push('');
  out.push(
    `${paint('green', `${pass} passed`)}, ${fail > 0 ? paint('red', `${fail} failed`) : '0 failed'} (MUST ${failedByLevel.MUST}, SHOULD ${failedByLevel.SHOULD}, MAY ${failedByLevel.MAY}), ${paint('yellow', `${skip} skipped`)}; ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  out.push(`Declared operations: ${report.declaredOperations.length} of 14`);
  if (report.leftBehind.records > 0) {
    out.push(paint('grey', `Left behind: ${report.leftBehind.records} records tagged ${report.leftBehind.tag} (the contract has no DELETE for them)`));
  }
  out.push(report.ok ? paint('green', 'CONFORMS: no MUST failed') : paint('red', `DOES NOT CONFORM: ${failedByLevel.MUST} MUST check(s) failed`));
  return `${out.join('\n')}\n`;
}
