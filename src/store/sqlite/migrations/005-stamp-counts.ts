/**
 * Per-second, per-hour and per-day counts of change stamps for customers and leads, so a
 * list's X-Total-Count under `updatedFrom`/`updatedTo` costs the same at a million records as
 * at a thousand (src/store/stamp-counts.ts explains the counting). Triggers keep them exact
 * in the writing transaction; existing rows are counted once here.
 */
import { COUNTED_TABLES, STAMP_LEVELS } from '../../stamp-counts.js';

export const version = 5;
export const name = 'stamp-counts';

const bump = (table: string, row: 'NEW' | 'OLD', delta: '+ 1' | '- 1') =>
  STAMP_LEVELS.map(
    ({ level, width }) =>
      `INSERT INTO stamp_counts (tenant, tbl, level, bucket, n) VALUES (${row}.tenant, '${table}', ${level}, ${row}.stamp / ${width}, 0 ${delta})
    ON CONFLICT (tenant, tbl, level, bucket) DO UPDATE SET n = n ${delta};`,
  ).join('\n  ');

const triggers = (table: string) => `
CREATE TRIGGER ${table}_count_insert AFTER INSERT ON ${table} BEGIN
  ${bump(table, 'NEW', '+ 1')}
END;
CREATE TRIGGER ${table}_count_update AFTER UPDATE OF stamp ON ${table} WHEN OLD.stamp <> NEW.stamp BEGIN
  ${bump(table, 'OLD', '- 1')}
  ${bump(table, 'NEW', '+ 1')}
END;
CREATE TRIGGER ${table}_count_delete AFTER DELETE ON ${table} BEGIN
  ${bump(table, 'OLD', '- 1')}
END;
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
${COUNTED_TABLES.map(triggers).join('')}`;
