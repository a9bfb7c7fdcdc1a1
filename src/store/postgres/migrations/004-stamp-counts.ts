/**
 * Per-second, per-hour and per-day counts of change stamps for customers and leads, so a
 * list's X-Total-Count under `updatedFrom`/`updatedTo` costs the same at a million records as
 * at a thousand (src/store/stamp-counts.ts explains the counting).
 *
 * Statement-level triggers with transition tables: the stores write a batch in one
 * statement, so a batch costs one bucket upsert per touched bucket, not one per row. An
 * `INSERT ... ON CONFLICT DO UPDATE` fires the insert trigger with the inserted rows and the
 * update trigger with the updated ones; an unchanged stamp adds -1 and +1 to one bucket.
 */
import { COUNTED_TABLES, STAMP_LEVELS } from '../../stamp-counts.js';

export const version = 4;
export const name = 'stamp-counts';

const levels = `(VALUES ${STAMP_LEVELS.map(({ level, width }) => `(${level}, ${width}::bigint)`).join(', ')}) AS l(level, width)`;

/** Adds the signed deltas of `source` (tenant, stamp, d) to the buckets. */
const apply = (source: string) => `
  INSERT INTO stamp_counts (tenant, tbl, level, bucket, n)
  SELECT x.tenant, TG_TABLE_NAME, l.level, x.stamp / l.width, sum(x.d) FROM (${source}) AS x CROSS JOIN ${levels}
  GROUP BY 1, 2, 3, 4 HAVING sum(x.d) <> 0
  ON CONFLICT (tenant, tbl, level, bucket) DO UPDATE SET n = stamp_counts.n + excluded.n;
  RETURN NULL;`;

const triggers = (table: string) => `
CREATE TRIGGER ${table}_count_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stamp_counts_inserted();
CREATE TRIGGER ${table}_count_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stamp_counts_updated();
CREATE TRIGGER ${table}_count_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stamp_counts_deleted();
INSERT INTO stamp_counts (tenant, tbl, level, bucket, n)
SELECT tenant, '${table}', l.level, stamp / l.width, count(*) FROM ${table} CROSS JOIN ${levels} GROUP BY 1, 2, 3, 4;
`;

export const up = `
CREATE TABLE stamp_counts (
  tenant  text COLLATE "C" NOT NULL,
  tbl     text NOT NULL,
  level   integer NOT NULL,
  bucket  bigint NOT NULL,
  n       bigint NOT NULL,
  PRIMARY KEY (tenant, tbl, level, bucket)
);
CREATE FUNCTION stamp_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN${apply('SELECT tenant, stamp, 1 AS d FROM new_rows')}
END $$;
CREATE FUNCTION stamp_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN${apply('SELECT tenant, stamp, 1 AS d FROM new_rows UNION ALL SELECT tenant, stamp, -1 FROM old_rows')}
END $$;
CREATE FUNCTION stamp_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN${apply('SELECT tenant, stamp, -1 AS d FROM old_rows')}
END $$;
${COUNTED_TABLES.map(triggers).join('')}`;
