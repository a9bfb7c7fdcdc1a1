/**
 * Filtered, keyset-ordered list queries for the PostgreSQL store: the same shapes as the
 * SQLite store's (sqlite-list.ts), with numbered parameters and array binds.
 */
import type { Pool } from 'pg';
import { planStampRange, type AtLeastPlan, type CountedTable } from '../stamp-counts.js';
import type { PageRequest, PageResult, TimeRange } from '../store.js';

/** Collects parameters and hands out their `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function rangeConditions(params: Params, column: string, range: TimeRange | undefined): string[] {
  const out: string[] = [];
  if (range?.from !== undefined) out.push(`${column} >= ${params.add(range.from)}`);
  if (range?.to !== undefined) out.push(`${column} <= ${params.add(range.to)}`);
  return out;
}

export interface PgListQuery<Row> {
  table: string;
  /** Columns to select; must include `stamp` and `id`. */
  columns: string;
  params: Params;
  /** Conditions after the tenant's, written against `params` (the tenant is `$1`). */
  conditions: string[];
  page: PageRequest;
  render: (row: Row) => string;
  /**
   * The conditions are exactly this stamp range on a counted table: the total comes from
   * the stamp buckets (stamp-counts.ts) instead of counting every match.
   */
  stampCount?: { table: CountedTable; range: TimeRange | undefined };
}

/** A stamp range's count from the buckets (stamp-counts.ts). */
async function countStampRange(pool: Pool, table: CountedTable, tenant: string, range: TimeRange | undefined): Promise<number> {
  const plans = planStampRange(range);
  if (!plans) return 0;
  const [add, subtract] = await Promise.all([
    countAtLeast(pool, table, tenant, plans.add),
    plans.subtract ? countAtLeast(pool, table, tenant, plans.subtract) : 0,
  ]);
  return add - subtract;
}

/** `count(stamp >= plan.rowsFrom)` for a tenant's table, from 10 ms of rows and the buckets, in one query. */
async function countAtLeast(pool: Pool, table: CountedTable, tenant: string, plan: AtLeastPlan): Promise<number> {
  const params = new Params();
  const t = params.add(tenant);
  const name = params.add(table);
  const parts = [`SELECT count(*) FROM ${table} WHERE tenant = ${t} AND stamp >= ${params.add(plan.rowsFrom)} AND stamp < ${params.add(plan.rowsBefore)}`];
  for (const b of plan.buckets) {
    const upper = b.before === undefined ? '' : ` AND bucket < ${params.add(b.before)}`;
    parts.push(
      `SELECT coalesce(sum(n), 0) FROM stamp_counts WHERE tenant = ${t} AND tbl = ${name} AND level = ${b.level} AND bucket > ${params.add(b.after)}${upper}`,
    );
  }
  const { rows } = await pool.query<{ n: string }>(`SELECT ${parts.map((p) => `(${p})`).join(' + ')} AS n`, params.values);
  return Number(rows[0].n);
}

export async function runPgListQuery<Row extends { stamp: number; id: string }>(pool: Pool, q: PgListQuery<Row>): Promise<PageResult> {
  const where = ['tenant = $1', ...q.conditions].join(' AND ');
  const countParams = [...q.params.values];
  const page = new Params();
  page.values.push(...q.params.values);
  let pageWhere = where;
  let offset = q.page.offset;
  if (q.page.after) {
    const stamp = page.add(q.page.after.stamp);
    pageWhere += ` AND (stamp, id) > (${stamp}, ${page.add(q.page.after.id)})`;
    offset = 0;
  }
  const limit = page.add(q.page.limit + 1);
  const skip = page.add(offset);
  const stampCount = q.stampCount;
  const [total, rows] = await Promise.all([
    stampCount
      ? countStampRange(pool, stampCount.table, countParams[0] as string, stampCount.range)
      : pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q.table} WHERE ${where}`, countParams).then((r) => r.rows[0].n),
    pool.query<Row>(`SELECT ${q.columns} FROM ${q.table} WHERE ${pageWhere} ORDER BY stamp, id LIMIT ${limit} OFFSET ${skip}`, page.values),
  ]);
  const list = rows.rows;
  // One row more than asked tells whether a next page exists without a second query.
  const hasMore = list.length > q.page.limit;
  if (hasMore) list.pop();
  const last = list[list.length - 1];
  return { items: list.map(q.render), total, last: last ? { stamp: last.stamp, id: last.id } : undefined, hasMore };
}
