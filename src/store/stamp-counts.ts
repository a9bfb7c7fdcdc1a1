/**
 * Counting a tenant's records changed in a time range without reading them all.
 *
 * Lists answer with `X-Total-Count` (docs/contract.md §2). An incremental sync asks for
 * `updatedFrom=...`, and counting its matches row by row costs time proportional to the
 * matches: about a second at a million customers. So both stores keep, per tenant and table,
 * how many records carry a change stamp in each 10 ms, second, hour and day (the
 * `stamp_counts` table, maintained by triggers, so no write path can forget it). A count of
 * `stamp >= F` is then the rows of F's own 10 ms counted exactly, plus the 10 ms slots after
 * it in its second, the seconds after it in its hour, the hours after it in its day and the
 * days after it: at most 99 + 59 + 59 + 23 + days bucket rows and 10 ms of records (a few
 * hundred at full ingest speed), whatever the number of matches.
 *
 * The count stays exact: buckets are exact counts, updated in the writing transaction.
 */

/**
 * Bucket levels: `level` is the width in milliseconds (the stored key), `width` in
 * microseconds (stamps are µs, change-clock.ts). Each level's buckets nest in the next's.
 */
export const STAMP_LEVELS = [
  { level: 10, width: 10_000 },
  { level: 1_000, width: 1_000_000 },
  { level: 3_600_000, width: 3_600_000_000 },
  { level: 86_400_000, width: 86_400_000_000 },
] as const;

/** Tables whose stamp-range lists are counted from buckets. */
export const COUNTED_TABLES = ['customers', 'leads'] as const;
export type CountedTable = (typeof COUNTED_TABLES)[number];

/** What to add up for `stamp >= from`: an exact row count over [rowsFrom, rowsBefore) and bucket ranges. */
export interface AtLeastPlan {
  rowsFrom: number;
  rowsBefore: number;
  /** Buckets of `level` strictly between `after` and `before` (before undefined: no upper end). */
  buckets: Array<{ level: number; after: number; before: number | undefined }>;
}

export function planAtLeast(from: number): AtLeastPlan {
  const index = STAMP_LEVELS.map((l) => Math.floor(from / l.width));
  return {
    rowsFrom: from,
    rowsBefore: (index[0] + 1) * STAMP_LEVELS[0].width,
    // Level k: the buckets after F's own, up to the end of F's bucket of level k + 1.
    buckets: STAMP_LEVELS.map(({ level, width }, k) => {
      const parent = STAMP_LEVELS[k + 1];
      return { level, after: index[k], before: parent ? (index[k + 1] + 1) * (parent.width / width) : undefined };
    }),
  };
}

/**
 * The count of `from <= stamp <= to` is "at least from" minus "at least to + 1": the plans to
 * add and to subtract, or undefined for an empty range (count 0). Each store evaluates them,
 * SQLite synchronously, PostgreSQL with a query each.
 */
export function planStampRange(range: { from?: number; to?: number } | undefined): { add: AtLeastPlan; subtract?: AtLeastPlan } | undefined {
  const from = range?.from ?? 0;
  if (range?.to !== undefined && range.to < from) return undefined;
  return { add: planAtLeast(from), subtract: range?.to === undefined ? undefined : planAtLeast(range.to + 1) };
}
