/**
 * The machine-readable report (`--json FILE`): the runner's report as it is, with a format
 * version so that CI scripts can rely on its shape.
 */
import type { ConformanceReport } from './runner.js';

export const JSON_REPORT_FORMAT = 'odc-conformance/1';

export function formatJsonReport(report: ConformanceReport): string {
  return `${JSON.stringify({ format: JSON_REPORT_FORMAT, ...report }, null, 2)}\n`;
}
