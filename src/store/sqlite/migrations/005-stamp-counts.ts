/**
 * Per-10 ms, second, hour and day counts of change stamps for customers and leads, so a
 * list's X-Total-Count under `updatedFrom`/`updatedTo` costs the same at a million records as
 * at a thousand (src/store/stamp-counts.ts explains the counting). The store's write paths
 * keep them (sqlite-stamp-counts.ts); existing rows are counted once here.
 */
import { COUNTED_TABLES, STAMP_LEVELS } from '../../stamp-counts.js';

export const version = 5;
export const name = 'stamp-counts';

const backfill = (table: string) => `
INSERT INTO stamp_counts (tenant, tbl, level, bucket, n)
${STAMP_LEVELS.map(({ level, width }) => `SELECT tenant, '${table}', ${level}, stamp / ${width}, count(*) FROM ${table} GROUP BY tenant, stamp / ${width}`).join('\nUNION ALL\n')};
`;

export const up = `
CREATE TABLE stamp_counts (
  tenant  TEXT    NOT NULL,
  tbl     TEXT    NOT NULL,
  level   INTEGER NOT NULL,
  bucket  INTEGER NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (tenant, tbl, level, bucket)
) WITHOUT ROWID;
${COUNTED_TABLES.map(backfill).join('')}`;
