/**
 * List specs (src/store/engine.ts) as SQLite queries.
 *
 * Each condition of a spec becomes SQL with its parameters, written so that one of the
 * table's tenant-first indexes serves it. The page is read in (stamp, id) order, either after
 * a keyset position (cursor) or at an offset (page number), and the total is counted with the
 * same conditions.
 */
import type Database from 'better-sqlite3';
import { planStampRange, type AtLeastPlan, type CountedTable } from '../stamp-counts.js';
import { takeWithinBudget, type DataTable, type ListCondition, type ListRows, type ListSpec } from '../engine.js';
import type { TimeRange } from '../store.js';

interface Condition {
  sql: string;
  params: unknown[];
}

// Without statistics the planner prefers the (tenant, customer_id) index, which covers the
// same columns in a WITHOUT ROWID table but cannot seek by value; name the right one.
const BY_IDENTITY_VALUE = 'INDEXED BY customer_identities_by_value';
const BY_EXTERNAL_VALUE = 'INDEXED BY customer_external_ids_by_value';

/** Conditions on an integer column for an inclusive range (already in the column's unit). */
function rangeConditions(column: string, range: TimeRange | undefined): Condition[] {
  const out: Condition[] = [];
  if (range?.from !== undefined) out.push({ sql: `${column} >= ?`, params: [range.from] });
  if (range?.to !== undefined) out.push({ sql: `${column} <= ?`, params: [range.to] });
  return out;
}

const placeholders = (values: readonly unknown[]): string => values.map(() => '?').join(',');

/** One condition of a list spec as SQL (column names come from the domain's specs, never from a request). */
function toSql(tenant: string, c: ListCondition): Condition[] {
  switch (c.kind) {
    case 'equals':
      return [{ sql: `${c.column} = ?`, params: [c.value] }];
    case 'in':
      return [{ sql: `${c.column} IN (${placeholders(c.values)})`, params: [...c.values] }];
    case 'range':
      return rangeConditions(c.column, c.range);
    case 'identity': {
      if (c.values === undefined)
        return [{ sql: 'id IN (SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = ?)', params: [tenant, c.type] }];
      if (c.values.length === 0) return [{ sql: '0', params: [] }];
      return c.type === undefined
        ? [
            {
              sql: `id IN (SELECT customer_id FROM customer_identities ${BY_IDENTITY_VALUE} WHERE tenant = ? AND value IN (${placeholders(c.values)}))`,
              params: [tenant, ...c.values],
            },
          ]
        : [
            {
              sql: `id IN (SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = ? AND value IN (${placeholders(c.values)}))`,
              params: [tenant, c.type, ...c.values],
            },
          ];
    }
    case 'externalId': {
      const external =
        c.source === undefined
          ? { sql: `SELECT customer_id FROM customer_external_ids ${BY_EXTERNAL_VALUE} WHERE tenant = ? AND value = ?`, params: [tenant, c.value] }
          : {
              sql: `SELECT customer_id FROM customer_external_ids ${BY_EXTERNAL_VALUE} WHERE tenant = ? AND value = ? AND source = ?`,
              params: [tenant, c.value, c.source],
            };
      if (!c.orIdentifier) return [{ sql: `id IN (${external.sql})`, params: external.params }];
      return [
        {
          sql: `id IN (${external.sql} UNION SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = 'external_id' AND value = ?)`,
          params: [...external.params, tenant, c.value],
        },
      ];
    }
  }
}

/** The columns each table's rows are read with; every list includes `stamp` and `id`. */
const LIST_COLUMNS: Record<DataTable, string> = {
  customers: 'id, data, created_at, stamp, consent',
  leads: 'id, data, created_at, stamp',
  orders: 'id, data, stamp',
  reviews: 'id, data, stamp',
  events: 'id, data, stamp',
};

/** Prepared statements by SQL text: list shapes repeat, and preparing costs more than running. */
export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, statement);
    }
    return statement;
  }
}

/** A stamp range's count from the buckets (stamp-counts.ts). */
function countStampRange(statements: StatementCache, table: CountedTable, tenant: string, range: TimeRange | undefined): number {
  const plans = planStampRange(range);
  if (!plans) return 0;
  return countAtLeast(statements, table, tenant, plans.add) - (plans.subtract ? countAtLeast(statements, table, tenant, plans.subtract) : 0);
}

/** `count(stamp >= plan.rowsFrom)` for a tenant's table, from 10 ms of rows and the buckets. */
function countAtLeast(statements: StatementCache, table: CountedTable, tenant: string, plan: AtLeastPlan): number {
  const parts = [`SELECT count(*) FROM ${table} WHERE tenant = ? AND stamp >= ? AND stamp < ?`];
  const params: unknown[] = [tenant, plan.rowsFrom, plan.rowsBefore];
  for (const b of plan.buckets) {
    parts.push(
      `SELECT coalesce(sum(n), 0) FROM stamp_counts WHERE tenant = ? AND tbl = ? AND level = ${b.level} AND bucket > ?${b.before === undefined ? '' : ' AND bucket < ?'}`,
    );
    params.push(tenant, table, b.after, ...(b.before === undefined ? [] : [b.before]));
  }
  return statements
    .get(`SELECT ${parts.map((p) => `(${p})`).join(' + ')}`)
    .pluck()
    .get(...params) as number;
}

export function runListSpec<Row extends { stamp: number; id: string; data: string }>(
  statements: StatementCache,
  tenant: string,
  spec: ListSpec,
): ListRows<Row> {
  const conditions = spec.conditions.flatMap((c) => toSql(tenant, c));
  const where = ['tenant = ?', ...conditions.map((c) => c.sql)];
  const params = [tenant, ...conditions.flatMap((c) => c.params)];
  const buckets = spec.countFromBuckets;
  const total = buckets
    ? countStampRange(statements, buckets.table, tenant, buckets.range)
    : (statements.get(`SELECT count(*) AS n FROM ${spec.table} WHERE ${where.join(' AND ')}`).get(...params) as { n: number }).n;

  const pageWhere = [...where];
  const pageParams = [...params];
  const order = spec.selective ? '+stamp, +id' : 'stamp, id';
  let offset = spec.page.offset;
  let after = spec.page.after;
  if (!after && offset > 0) {
    // OFFSET would step through every skipped row's record, overflow pages of large documents
    // included (a page at offset 500 of customers at the caps read 32 MB to skip them): find
    // the last skipped position from the index alone, then read the page after it.
    const skipped = statements
      .get(`SELECT stamp, id FROM ${spec.table} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT 1 OFFSET ?`)
      .get(...params, offset - 1) as { stamp: number; id: string } | undefined;
    if (!skipped) return { rows: [], total, hasMore: false };
    after = skipped;
  }
  if (after) {
    // Written so the (tenant, stamp, id) index seeks to the position: a bare OR of the two
    // cases makes SQLite scan the tenant from its first row on every page.
    pageWhere.push('stamp >= ? AND (stamp > ? OR id > ?)');
    pageParams.push(after.stamp, after.stamp, after.id);
    offset = 0;
  }
  const statement = statements
    // Unary + keeps SQLite from choosing the stamp index just to avoid sorting a few rows.
    .get(`SELECT ${LIST_COLUMNS[spec.table]} FROM ${spec.table} WHERE ${pageWhere.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`);
  // One row more than asked tells whether a next page exists without a second query. Rows are
  // stepped one by one, so a page of large documents stops at the data budget instead of
  // reading (and holding the event loop for) every row of `limit`.
  const read = takeWithinBudget(
    statement.iterate(...pageParams, spec.page.limit + 1, offset) as Iterable<Row>,
    spec.page.limit,
    spec.dataBudget ?? Number.POSITIVE_INFINITY,
    (row) => row.data.length,
  );
  return { rows: read.rows, total, hasMore: read.hasMore };
}
