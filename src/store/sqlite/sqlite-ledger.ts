/**
 * The loyalty ledger on SQLite (see ledger-engine.ts). A program runs synchronously inside one
 * IMMEDIATE transaction, which holds SQLite's write lock from its first step: two redemptions
 * racing for the same points take turns, the second sees the first's debit.
 */
import type Database from 'better-sqlite3';
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
  type RewardRow,
} from '../ledger-engine.js';
import { StatementCache } from './sqlite-list.js';
import { prepareDeliveryEnqueue, prepareSubscriptionLookup } from './sqlite-webhooks.js';

const LIST_TABLES = {
  programs: 'loyalty_programs',
  accounts: 'loyalty_accounts',
  entries: 'loyalty_entries',
  rewards: 'loyalty_rewards',
  coupons: 'loyalty_coupons',
} as const satisfies Record<LedgerList['table'], LedgerTable>;

/** SQLite has no boolean: rewards keep `active` as 0/1. */
const fromSqlite = (table: LedgerTable, row: Record<string, unknown> | undefined): LedgerAnswer => {
  if (!row) return undefined;
  if (table === 'loyalty_rewards') return { ...(row as unknown as RewardRow), active: row.active === 1 };
  return row as unknown as LedgerAnswer;
};

export class SqliteLedger implements LedgerEngine {
  private readonly subscriptions: ReturnType<typeof prepareSubscriptionLookup>;
  private readonly enqueue: ReturnType<typeof prepareDeliveryEnqueue>;

  /** Statements prepared on first use: a movement runs several, and preparing costs more than running them. */
  private readonly statements: StatementCache;

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
    this.subscriptions = prepareSubscriptionLookup(db);
    this.enqueue = prepareDeliveryEnqueue(db);
  }

  private all(tenant: string, table: LedgerTable, where: string, params: unknown[], tail: string): LedgerAnswer {
    return this.statements
      .get(`SELECT ${COLUMNS[table].join(', ')} FROM ${table} WHERE tenant = ? AND ${where} ${tail}`)
      .all(tenant, ...params)
      .map((r) => fromSqlite(table, r as Record<string, unknown>)) as LedgerAnswer;
  }

  private put(tenant: string, table: LedgerTable, row: object, upsert: boolean): void {
    const columns = COLUMNS[table];
    const values = columns.map((c) => {
      const v = (row as Record<string, unknown>)[c];
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    });
    const update = upsert ? ` ON CONFLICT (tenant, id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}` : '';
    this.statements
      .get(`INSERT INTO ${table} (tenant, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})${update}`)
      .run(tenant, ...values);
  }

  private get(tenant: string, table: LedgerTable, where: string, params: unknown[]): LedgerAnswer {
    const row = this.statements.get(`SELECT ${COLUMNS[table].join(', ')} FROM ${table} WHERE tenant = ? AND ${where}`).get(tenant, ...params);
    return fromSqlite(table, row as Record<string, unknown> | undefined);
  }

  private step(tenant: string, step: LedgerStep): LedgerAnswer {
    switch (step.op) {
      case 'program':
        return this.get(tenant, 'loyalty_programs', 'id = ?', [step.id]);
      case 'account':
        return this.get(tenant, 'loyalty_accounts', 'id = ?', [step.id]);
      case 'accountOf':
        return this.get(tenant, 'loyalty_accounts', 'program_id = ? AND customer_id = ?', [step.programId, step.customerId]);
      case 'entry':
        return this.get(tenant, 'loyalty_entries', 'account_id = ? AND source_key = ?', [step.accountId, step.sourceKey]);
      case 'customerHeld':
        return this.statements.get('SELECT 1 FROM customers WHERE tenant = ? AND id = ?').get(tenant, step.customerId) !== undefined;
      case 'entries':
        return this.all(tenant, 'loyalty_entries', 'account_id = ?', [step.accountId], 'ORDER BY occurred_at, id');
      case 'entrySum':
        return this.statements
          .get('SELECT coalesce(sum(amount), 0) FROM loyalty_entries WHERE tenant = ? AND account_id = ? AND type IN (SELECT value FROM json_each(?))')
          .pluck()
          .get(tenant, step.accountId, JSON.stringify(step.types)) as number;
      case 'accountsWithBalance':
        return this.statements
          .get('SELECT id FROM loyalty_accounts WHERE tenant = ? AND program_id = ? AND balance > 0 ORDER BY id')
          .pluck()
          .all(tenant, step.programId) as string[];
      case 'couponsExpiring':
        return this.all(
          tenant,
          'loyalty_coupons',
          'status IN (SELECT value FROM json_each(?)) AND expires_at IS NOT NULL AND expires_at <= ?',
          [JSON.stringify(step.statuses), step.at],
          `ORDER BY id LIMIT ${Math.trunc(step.limit)}`,
        );
      case 'subscriptions':
        return this.subscriptions(tenant);
      case 'enqueueDeliveries':
        for (const delivery of step.deliveries) this.enqueue(tenant, delivery);
        return undefined;
      case 'reward':
        return this.get(tenant, 'loyalty_rewards', 'id = ?', [step.id]);
      case 'pending':
        return this.get(tenant, 'loyalty_pending', 'account_id = ? AND order_id = ?', [step.accountId, step.orderId]);
      case 'putPending':
        this.statements
          .get('INSERT INTO loyalty_pending (tenant, account_id, order_id, points) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET points = excluded.points')
          .run(tenant, step.row.account_id, step.row.order_id, step.row.points);
        return undefined;
      case 'dropPending':
        this.statements.get('DELETE FROM loyalty_pending WHERE tenant = ? AND account_id = ? AND order_id = ?').run(tenant, step.accountId, step.orderId);
        return undefined;
      case 'coupon':
        return this.get(tenant, 'loyalty_coupons', 'id = ?', [step.id]);
      case 'putProgram':
        this.put(tenant, 'loyalty_programs', step.row, true);
        return undefined;
      case 'putAccount':
        this.put(tenant, 'loyalty_accounts', step.row, true);
        return undefined;
      case 'appendEntry':
        this.put(tenant, 'loyalty_entries', step.row, false);
        return undefined;
      case 'putReward':
        this.put(tenant, 'loyalty_rewards', step.row, true);
        return undefined;
      case 'putCoupon':
        this.put(tenant, 'loyalty_coupons', step.row, true);
        return undefined;
    }
  }

  transact<T>(tenant: string, program: LedgerProgram<T>): Promise<T> {
    try {
      const run = this.db.transaction(() => {
        const steps = program();
        let next = steps.next(undefined);
        while (!next.done) next = steps.next(this.step(tenant, next.value));
        return next.value;
      });
      return Promise.resolve(run.immediate());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  list<Row>(tenant: string, query: LedgerList, page: LedgerPage): Promise<{ rows: Row[]; total: number }> {
    const table = LIST_TABLES[query.table];
    const { where, params } = ledgerListConditions(query, 'active = 1');
    const clause = ['tenant = ?', ...where].join(' AND ');
    const total = this.statements
      .get(`SELECT count(*) FROM ${table} WHERE ${clause}`)
      .pluck()
      .get(tenant, ...params) as number;
    const rows = this.statements
      .get(`SELECT ${COLUMNS[table].join(', ')} FROM ${table} WHERE ${clause} ORDER BY id LIMIT ? OFFSET ?`)
      .all(tenant, ...params, page.limit, page.offset)
      .map((r) => fromSqlite(table, r as Record<string, unknown>) as Row);
    return Promise.resolve({ rows, total });
  }

  tenants(): Promise<string[]> {
    return Promise.resolve(this.statements.get('SELECT DISTINCT tenant FROM loyalty_programs ORDER BY tenant').pluck().all() as string[]);
  }
}
