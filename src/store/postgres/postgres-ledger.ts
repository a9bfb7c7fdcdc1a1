/**
 * The loyalty ledger on PostgreSQL (see ledger-engine.ts). A program runs step by step inside
 * one READ COMMITTED transaction; a step that asks for a lock reads with `FOR UPDATE`, so two
 * redemptions racing for the same account, from one instance or two, take turns on the
 * account row and the second sees the first's debit. A program that loses a race to create
 * the same row (a unique violation) or a deadlock is run again from the start.
 */
import type { Pool, PoolClient } from 'pg';
import {
  type LedgerAnswer,
  type LedgerEngine,
  type LedgerList,
  type LedgerPage,
  type LedgerProgram,
  type LedgerStep,
  LEDGER_COLUMNS as COLUMNS,
  type LedgerTable,
  ledgerListConditions,
} from '../ledger-engine.js';
import { isUnavailable, translatePgError } from './postgres-errors.js';
import { enqueuePgDeliveries } from './postgres-webhooks.js';

/** Numeric columns read as float8 so they come back as numbers. */
const NUMERIC = new Set(['balance', 'pending', 'amount', 'cost', 'points']);
const selectList = (table: LedgerTable): string => COLUMNS[table].map((c) => (NUMERIC.has(c) ? `${c}::float8 AS ${c}` : c)).join(', ');

const LIST_TABLES = {
  programs: 'loyalty_programs',
  accounts: 'loyalty_accounts',
  entries: 'loyalty_entries',
  rewards: 'loyalty_rewards',
  coupons: 'loyalty_coupons',
} as const satisfies Record<LedgerList['table'], LedgerTable>;

/** Unique violation, serialization failure, deadlock: the program runs again. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);

async function put(db: PoolClient, tenant: string, table: LedgerTable, row: object, upsert: boolean): Promise<void> {
  const columns = COLUMNS[table];
  const values = columns.map((c) => (row as Record<string, unknown>)[c]);
  const update = upsert ? ` ON CONFLICT (tenant, id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}` : '';
  await db.query(`INSERT INTO ${table} (tenant, ${columns.join(', ')}) VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})${update}`, [
    tenant,
    ...values,
  ]);
}

async function get(db: PoolClient, tenant: string, table: LedgerTable, where: string, params: unknown[], lock = false): Promise<LedgerAnswer> {
  const { rows } = await db.query(`SELECT ${selectList(table)} FROM ${table} WHERE tenant = $1 AND ${where}${lock ? ' FOR UPDATE' : ''}`, [tenant, ...params]);
  return rows[0] as LedgerAnswer;
}

async function all(db: PoolClient, tenant: string, table: LedgerTable, where: string, params: unknown[], tail: string): Promise<LedgerAnswer> {
  const { rows } = await db.query(`SELECT ${selectList(table)} FROM ${table} WHERE tenant = $1 AND ${where} ${tail}`, [tenant, ...params]);
  return rows as LedgerAnswer;
}

async function runStep(db: PoolClient, tenant: string, step: LedgerStep): Promise<LedgerAnswer> {
  switch (step.op) {
    case 'program':
      return get(db, tenant, 'loyalty_programs', 'id = $2', [step.id]);
    case 'account':
      return get(db, tenant, 'loyalty_accounts', 'id = $2', [step.id], step.lock);
    case 'accountOf':
      return get(db, tenant, 'loyalty_accounts', 'program_id = $2 AND customer_id = $3', [step.programId, step.customerId], step.lock);
    case 'entry':
      return get(db, tenant, 'loyalty_entries', 'account_id = $2 AND source_key = $3', [step.accountId, step.sourceKey]);
    case 'entries':
      return all(db, tenant, 'loyalty_entries', 'account_id = $2', [step.accountId], 'ORDER BY occurred_at, id');
    case 'entrySum': {
      const { rows } = await db.query<{ n: number }>(
        'SELECT coalesce(sum(amount), 0)::float8 AS n FROM loyalty_entries WHERE tenant = $1 AND account_id = $2 AND type = ANY($3::text[])',
        [tenant, step.accountId, step.types],
      );
      return rows[0].n;
    }
    case 'accountsWithBalance': {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM loyalty_accounts WHERE tenant = $1 AND program_id = $2 AND balance > 0 ORDER BY id', [
        tenant,
        step.programId,
      ]);
      return rows.map((r) => r.id);
    }
    case 'couponsExpiring':
      return all(
        db,
        tenant,
        'loyalty_coupons',
        'status = ANY($2::text[]) AND expires_at IS NOT NULL AND expires_at COLLATE "C" <= $3',
        [step.statuses, step.at],
        `ORDER BY id LIMIT ${Math.trunc(step.limit)}`,
      );
    case 'subscriptions': {
      const { rows } = await db.query<{ id: string; event_types: string[]; format: 'seed' | 'rc2' }>(
        'SELECT id, event_types, format FROM webhook_subscriptions WHERE tenant = $1 ORDER BY created_at, id',
        [tenant],
      );
      return rows.map((r) => ({ id: r.id, eventTypes: r.event_types, format: r.format }));
    }
    case 'enqueueDeliveries':
      await enqueuePgDeliveries(db, tenant, step.deliveries);
      return undefined;
    case 'reward':
      return get(db, tenant, 'loyalty_rewards', 'id = $2', [step.id]);
    case 'pending':
      return get(db, tenant, 'loyalty_pending', 'account_id = $2 AND order_id = $3', [step.accountId, step.orderId]);
    case 'putPending':
      await db.query(
        'INSERT INTO loyalty_pending (tenant, account_id, order_id, points) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, account_id, order_id) DO UPDATE SET points = excluded.points',
        [tenant, step.row.account_id, step.row.order_id, step.row.points],
      );
      return undefined;
    case 'dropPending':
      await db.query('DELETE FROM loyalty_pending WHERE tenant = $1 AND account_id = $2 AND order_id = $3', [tenant, step.accountId, step.orderId]);
      return undefined;
    case 'coupon':
      return get(db, tenant, 'loyalty_coupons', 'id = $2', [step.id], step.lock);
    case 'putProgram':
      return put(db, tenant, 'loyalty_programs', step.row, true).then(() => undefined);
    case 'putAccount':
      return put(db, tenant, 'loyalty_accounts', step.row, true).then(() => undefined);
    case 'appendEntry':
      return put(db, tenant, 'loyalty_entries', step.row, false).then(() => undefined);
    case 'putReward':
      return put(db, tenant, 'loyalty_rewards', step.row, true).then(() => undefined);
    case 'putCoupon':
      return put(db, tenant, 'loyalty_coupons', step.row, true).then(() => undefined);
  }
}

export class PostgresLedger implements LedgerEngine {
  constructor(private readonly pool: Pool) {}

  async transact<T>(tenant: string, program: LedgerProgram<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      let db: PoolClient | undefined;
      let broken: Error | undefined;
      const ignore = () => undefined;
      try {
        db = await this.pool.connect();
        db.on('error', ignore);
        await db.query('BEGIN');
        const steps = program();
        let next = steps.next(undefined);
        while (!next.done) next = steps.next(await runStep(db, tenant, next.value));
        await db.query('COMMIT');
        return next.value;
      } catch (error) {
        if (isUnavailable(error)) broken = error as Error;
        else await db?.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < 5) continue;
        return translatePgError(error);
      } finally {
        db?.off('error', ignore);
        db?.release(broken);
      }
    }
  }

  async list<Row>(tenant: string, query: LedgerList, page: LedgerPage): Promise<{ rows: Row[]; total: number }> {
    const table = LIST_TABLES[query.table];
    const { where, params } = ledgerListConditions(query, 'active');
    const clause = ['tenant = $1', ...where.map((w, i) => w.replace('?', `$${i + 2}`))].join(' AND ');
    try {
      const count = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${clause}`, [tenant, ...params]);
      const n = params.length + 2;
      const { rows } = await this.pool.query(`SELECT ${selectList(table)} FROM ${table} WHERE ${clause} ORDER BY id LIMIT $${n} OFFSET $${n + 1}`, [
        tenant,
        ...params,
        page.limit,
        page.offset,
      ]);
      return { rows: rows as Row[], total: count.rows[0].n };
    } catch (error) {
      return translatePgError(error);
    }
  }

  async tenants(): Promise<string[]> {
    try {
      const { rows } = await this.pool.query<{ tenant: string }>('SELECT DISTINCT tenant FROM loyalty_programs ORDER BY tenant');
      return rows.map((r) => r.tenant);
    } catch (error) {
      return translatePgError(error);
    }
  }
}
