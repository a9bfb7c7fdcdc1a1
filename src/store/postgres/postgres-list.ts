/**
 * List specs (src/store/engine.ts) as PostgreSQL queries: the same shapes as the SQLite
 * engine's (each condition served by a tenant-first index), with numbered parameters and
 * array binds.
 */
import type { Pool } from 'pg';
import { takeWithinBudget, type DataTable, type ListCondition, type ListRows, type ListSpec } from '../engine.js';
import { planStampRange, type AtLeastPlan, type CountedTable } from '../stamp-counts.js';
import type { TimeRange } from '../store.js';

/** Collects parameters and hands out their `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function rangeConditions(params: Params, column: string, range: TimeRange | undefined): string[] {
  const out: string[] = [];
  if (range?.from !== undefined) out.push(`${column} >= ${params.add(range.from)}`);
  if (range?.to !== undefined) out.push(`${column} <= ${params.add(range.to)}`);
  return out;
}

/** One condition of a list spec as SQL (column names come from the domain's specs, never from a request). */
function toSql(params: Params, c: ListCondition): string[] {
  switch (c.kind) {
    case 'equals':
      return [`${c.column} = ${params.add(c.value)}`];
    case 'in':
      return [`${c.column} = ANY(${params.add(c.values)}::text[])`];
    case 'range':
      return rangeConditions(params, c.column, c.range);
    case 'identity': {
      const parts = ['tenant = $1'];
      if (c.type !== undefined) parts.push(`type = ${params.add(c.type)}`);
      if (c.values !== undefined) parts.push(`value = ANY(${params.add(c.values)}::text[])`);
      return [`id IN (SELECT customer_id FROM customer_identities WHERE ${parts.join(' AND ')})`];
    }
    case 'externalId': {
      const value = params.add(c.value);
      const source = c.source === undefined ? '' : ` AND source = ${params.add(c.source)}`;
      const viaIdentifier = c.orIdentifier
        ? ` UNION SELECT customer_id FROM customer_identities WHERE tenant = $1 AND type = 'external_id' AND value = ${value}`
        : '';
      return [`id IN (SELECT customer_id FROM customer_external_ids WHERE tenant = $1 AND value = ${value}${source}${viaIdentifier})`];
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

export async function runPgListSpec<Row extends { stamp: number; id: string; data: string }>(
  pool: Pool,
  tenant: string,
  spec: ListSpec,
): Promise<ListRows<Row>> {
  const params = new Params();
  params.add(tenant);
  const conditions = spec.conditions.flatMap((c) => toSql(params, c));
  const where = ['tenant = $1', ...conditions].join(' AND ');
  const countParams = [...params.values];
  const page = new Params();
  page.values.push(...params.values);
  let pageWhere = where;
  let offset = spec.page.offset;
  if (spec.page.after) {
    const stamp = page.add(spec.page.after.stamp);
    pageWhere += ` AND (stamp, id) > (${stamp}, ${page.add(spec.page.after.id)})`;
    offset = 0;
  }
  const limit = page.add(spec.page.limit + 1);
  const skip = page.add(offset);
  const pageSql = `SELECT ${LIST_COLUMNS[spec.table]} FROM ${spec.table} WHERE ${pageWhere} ORDER BY stamp, id LIMIT ${limit} OFFSET ${skip}`;
  const budget = spec.dataBudget;
  const buckets = spec.countFromBuckets;
  const [total, rows] = await Promise.all([
    buckets
      ? countStampRange(pool, buckets.table, tenant, buckets.range)
      : pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${spec.table} WHERE ${where}`, countParams).then((r) => r.rows[0].n),
    pool.query<Row & { data_bytes: number }>(budget === undefined ? pageSql : withinBudget(LIST_COLUMNS[spec.table], pageSql, page.add(budget)), page.values),
  ]);
  // One row more than asked tells whether a next page exists without a second query.
  const read = takeWithinBudget(rows.rows, spec.page.limit, budget ?? Number.POSITIVE_INFINITY, (row) => row.data_bytes);
  for (const row of read.rows) delete (row as Partial<typeof row>).data_bytes;
  return { rows: read.rows, total, hasMore: read.hasMore };
}

/**
 * Only the rows of a page that takeWithinBudget can keep or look at: those whose preceding
 * rows but one stay within the budget (the one after the row that passes it tells whether
 * more follow). Sizes are `octet_length`, read from the TOAST header without decompressing,
 * so documents that would be cut are never sent to (nor parsed by) the server.
 */
function withinBudget(columns: string, pageSql: string, budget: string): string {
  return `SELECT ${columns}, data_bytes FROM (SELECT page.*, octet_length(data) AS data_bytes, coalesce(sum(octet_length(data)) OVER (ORDER BY stamp, id ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING), 0) AS before_previous FROM (${pageSql}) AS page) AS sized WHERE before_previous <= ${budget} ORDER BY stamp, id`;
}
