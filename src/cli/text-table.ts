/**
 * Plain-text tables for commands that print for people (`odc loyalty`): a header row and one
 * row per item, columns padded to their widest cell; `--json` gives the same data to machines.
 */

export interface Column<Row> {
  header: string;
  cell(row: Row): string | number | null | undefined;
  /** Numbers read best right-aligned. */
  right?: boolean;
}

/** The rows as an aligned table; "(none)" when there is nothing to show. */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((c) => String(c.cell(row) ?? '')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

/** One record as `field  value` lines (nested values as compact JSON). */
export function renderRecord(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .map(([key, value]) => `${key.padEnd(width)}  ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
    .join('\n');
}
