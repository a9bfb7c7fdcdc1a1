/**
 * Filtered, keyset-ordered list queries for the SQLite store.
 *
 * A filter is a list of SQL conditions with their parameters, each written so that one of the
 * table's tenant-first indexes serves it. The page is read in (stamp, id) order, either after
 * a keyset position (cursor) or at an offset (page number), and the total is counted with the
 * same conditions.
 */
import type Database from 'better-sqlite3';
import { planStampRange, type AtLeastPlan, type CountedTable } from '../stamp-counts.js';
import type { PageRequest, PageResult, TimeRange } from '../store.js';

export interface Condition {
  sql: string;
  params: unknown[];
}

/** Conditions on an integer column for an inclusive range (already in the column's unit). */
export function rangeConditions(column: string, range: TimeRange | undefined): Condition[] {
  const out: Condition[] = [];
  if (range?.from !== undefined) out.push({ sql: `${column} >= ?`, params: [range.from] });
  if (range?.to !== undefined) out.push({ sql: `${column} <= ?`, params: [range.to] });
  return out;
}

export function inCondition(column: string, values: readonly string[]): Condition {
  return { sql: `${column} IN (${values.map(() => '?').join(',')})`, params: [...values] };
}

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

export interface ListQuery<Row> {
  table: string;
  /** Columns to select; must include `stamp` and `id`. */
  columns: string;
  tenant: string;
  conditions: Condition[];
  page: PageRequest;
  render: (row: Row) => string;
  /**
   * The conditions select few rows by id (an identity or external-id filter): read them by
   * primary key and sort, instead of walking the tenant in stamp order to find them.
   */
  selective?: boolean;
  /**
   * The conditions are exactly this stamp range on a counted table: the total comes from
   * the stamp buckets (stamp-counts.ts) instead of counting every match.
   */
  stampCount?: { table: CountedTable; range: TimeRange | undefined };
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

export function runListQuery<Row extends { stamp: number; id: string }>(statements: StatementCache, q: ListQuery<Row>): PageResult {
  const where = ['tenant = ?', ...q.conditions.map((c) => c.sql)];
  const params = [q.tenant, ...q.conditions.flatMap((c) => c.params)];
  const stampCount = q.stampCount;
  const total = stampCount
    ? countStampRange(statements, stampCount.table, q.tenant, stampCount.range)
    : (statements.get(`SELECT count(*) AS n FROM ${q.table} WHERE ${where.join(' AND ')}`).get(...params) as { n: number }).n;

  const pageWhere = [...where];
  const pageParams = [...params];
  let offset = q.page.offset;
  if (q.page.after) {
    // Written so the (tenant, stamp, id) index seeks to the position: a bare OR of the two
    // cases makes SQLite scan the tenant from its first row on every page.
    pageWhere.push('stamp >= ? AND (stamp > ? OR id > ?)');
    pageParams.push(q.page.after.stamp, q.page.after.stamp, q.page.after.id);
    offset = 0;
  }
  const rows = statements
    // Unary + keeps SQLite from choosing the stamp index just to avoid sorting a few rows.
    .get(`SELECT ${q.columns} FROM ${q.table} WHERE ${pageWhere.join(' AND ')} ORDER BY ${q.selective ? '+stamp, +id' : 'stamp, id'} LIMIT ? OFFSET ?`)
    .all(...pageParams, q.page.limit + 1, offset) as Row[];
  // One row more than asked tells whether a next page exists without a second query.
  const hasMore = rows.length > q.page.limit;
  if (hasMore) rows.pop();
  const lastRow = rows[rows.length - 1];
  return {
    items: rows.map(q.render),
    total,
    last: lastRow ? { stamp: lastRow.stamp, id: lastRow.id } : undefined,
    hasMore,
  };
}
