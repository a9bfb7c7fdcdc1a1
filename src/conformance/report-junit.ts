/**
 * JUnit XML (`--junit FILE`), the format CI systems display natively: one testsuite per area,
 * one testcase per check. JUnit has no levels, and only a failed MUST makes a target
 * non-conforming, so only MUST failures are <failure> elements; a failed SHOULD or MAY is a
 * passing testcase whose <system-out> says what was not met. Skips are <skipped>.
 */
import type { CheckResult } from './check.js';
import type { ConformanceReport } from './runner.js';

function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function detail(result: CheckResult): string {
  const lines = [result.message ?? '', `rule: ${result.rule}`];
  if (result.expected !== undefined) lines.push(`expected: ${result.expected}`, `got: ${result.got}`);
  if (result.exchange) lines.push(`${result.exchange.method} ${result.exchange.url} -> ${result.exchange.status}`, `body: ${result.exchange.body}`);
  return lines.join('\n');
}

function testcase(result: CheckResult): string {
  const open = `    <testcase classname="conformance.${xml(result.area)}" name="${xml(result.id)} [${result.level}]" time="${(result.durationMs / 1000).toFixed(3)}">`;
  let inner = '';
  if (result.outcome === 'skip') inner = `\n      <skipped message="${xml(result.message ?? '')}"/>`;
  else if (result.outcome === 'fail' && result.level === 'MUST')
    inner = `\n      <failure message="${xml(result.message ?? '')}" type="MUST">${xml(detail(result))}</failure>`;
  else if (result.outcome === 'fail') inner = `\n      <system-out>${xml(`${result.level} not met: ${detail(result)}`)}</system-out>`;
  return `${open}${inner}${inner ? '\n    ' : ''}</testcase>`;
}

export function formatJunitReport(report: ConformanceReport): string {
  const areas = [...new Set(report.results.map((r) => r.area))];
  const suites = areas.map((area) => {
    const results = report.results.filter((r) => r.area === area);
    const failures = results.filter((r) => r.outcome === 'fail' && r.level === 'MUST').length;
    const skipped = results.filter((r) => r.outcome === 'skip').length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
    return [
      `  <testsuite name="conformance.${xml(area)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}" timestamp="${report.startedAt.slice(0, 19)}">`,
      ...results.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  const failures = report.results.filter((r) => r.outcome === 'fail' && r.level === 'MUST').length;
  const skipped = report.counts.skip;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="odc conformance ${xml(report.target)} (run ${xml(report.runId)})" tests="${report.results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
