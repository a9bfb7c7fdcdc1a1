/**
 * The PostgreSQL store: many merchants, several stateless odc instances, one database.
 *
 * Every write is one transaction that first locks its tenant's row in `tenant_clocks` and
 * reads the database clock. That lock serializes the writes of one tenant across instances
 * (writes of different tenants run in parallel), which gives three guarantees at once:
 * concurrent upserts of the same customer merge one after the other (no lost field, no
 * duplicate); change stamps commit in stamp order, so a cursor walk never passes a stamp that
 * commits later; and stamps come from one clock whatever the instances' clocks say.
 * Failures to reach the database become StoreUnavailableError (503), and the pool reconnects
 * by itself when the database is back.
 */
import pg, { type Pool, type PoolClient } from 'pg';
import { DomainStore } from '../../domain/domain-store.js';
import type { CustomerRow, ListRows, ListSpec, ReadProgram, RecordRow, StoreEngine, WriteProgram } from '../engine.js';
import type { MigrationResult } from '../migration.js';
import type { PoolUse, StoreStatus } from '../store.js';
import { PostgresAuthStore } from './postgres-auth.js';
import { isUnavailable, translatePgError } from './postgres-errors.js';
import { runPgListSpec } from './postgres-list.js';
import { migratePostgres, postgresMigrations } from './postgres-migrations.js';
import { GroupCommit, type GroupWrite, MAX_GROUP, type Outcome, settleWithError } from './postgres-group-commit.js';
import { LockstepFailure, runGroup, WriteFailure } from './postgres-lockstep.js';
import { pgLookup, type TransactionReads } from './postgres-tables.js';
import { PostgresTransfer } from './postgres-transfer.js';
import { PostgresLedger } from './postgres-ledger.js';
import { PostgresWebhookStore } from './postgres-webhooks.js';

/** Where the engine reports what it cannot hand to a request (a pino logger fits). */
export interface PostgresLogger {
  error(details: { err: unknown }, message: string): void;
}

export interface PostgresStoreOptions {
  connectionString: string;
  /** Connections per instance (default 10). */
  poolSize?: number;
  /** Longest a statement may run, in ms (default 15 s). */
  statementTimeoutMs?: number;
  /** Longest to wait for a connection, in ms (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * Receives errors of idle pool connections (a database restart, a dropped link), with
   * stack and cause. Default: one JSON line on stderr in pino's shape.
   */
  logger?: PostgresLogger;
}

/** An error as pino's standard serializer writes it: type, message, stack, code, and its cause. */
function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 4) return error === undefined ? undefined : String(error);
  const e = error as Error & { code?: string };
  return { type: e.name, message: e.message, stack: e.stack, code: e.code, cause: e.cause === undefined ? undefined : serializeError(e.cause, depth + 1) };
}

/** A pino-shaped line on stderr, for when no logger is given: the error is never discarded. */
const stderrLogger: PostgresLogger = {
  error(details, message) {
    process.stderr.write(`${JSON.stringify({ level: 50, time: Date.now(), msg: message, err: serializeError(details.err) })}\n`);
  },
};

/** bigint (stamps, milliseconds) as JS numbers: all of odc's fit in 2^53. */
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')),
};

/**
 * When this instance runs ANALYZE: after its first 1,000 written rows, then each time its
 * written rows double, and at least every 50,000. Autovacuum normally keeps planner
 * statistics fresh; where it is off (as on some managed or test servers) a table that grew
 * from empty keeps its empty-table statistics: a list's `ORDER BY stamp, id LIMIT n` then
 * reads every match into a sort instead of walking the index (measured: 5,000 matching
 * rows sorted for a page of 100), and lookups turn into scans.
 */
const FIRST_ANALYZE_ROWS = 1_000;
const ANALYZE_AT_LEAST_EVERY_ROWS = 50_000;

/** Failures worth running the whole transaction again for. */
const RETRYABLE = new Set(['40001', '40P01']);

/** The PostgreSQL engine (src/store/engine.ts): transactions, stamps, look-ups, plans, list specs. */
export class PostgresEngine implements StoreEngine {
  readonly backend = 'postgres';
  readonly auth: PostgresAuthStore;
  readonly webhooks: PostgresWebhookStore;
  readonly transfer: PostgresTransfer;
  readonly ledger: PostgresLedger;
  /** What opening the database applied. */
  migrations: MigrationResult[] = [];
  private written = 0;
  private analyzeAt = FIRST_ANALYZE_ROWS;
  private analyzing: Promise<unknown> | undefined;
  /** Writes waiting for their tenant's next transaction (group commit). */
  private readonly groups = new GroupCommit((tenant, queue) => this.commitGroup(tenant, queue));

  private constructor(readonly pool: Pool) {
    this.auth = new PostgresAuthStore(pool);
    this.webhooks = new PostgresWebhookStore(pool);
    this.transfer = new PostgresTransfer(pool);
    this.ledger = new PostgresLedger(pool);
  }

  /** Connects and applies pending migrations (under an advisory lock). */
  static async open(options: PostgresStoreOptions): Promise<PostgresEngine> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      // The server-side timeout cannot fire when the query never reaches the server (a
      // partition): the client gives up a second later, and keep-alive notices dead peers.
      query_timeout: (options.statementTimeoutMs ?? 15_000) + 1_000,
      keepAlive: true,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'odc',
      types,
    });
    // An idle connection that dies (database restart) must not take the process down; the
    // pool replaces it, and the operator still learns why.
    const logger = options.logger ?? stderrLogger;
    pool.on('error', (error) => logger.error({ err: error }, 'an idle PostgreSQL connection failed; the pool replaces it'));
    const store = new PostgresEngine(pool);
    try {
      store.migrations = await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  migrate(): Promise<MigrationResult[]> {
    return migratePostgres(this.pool).catch(translatePgError);
  }

  /**
   * Begins a write transaction for a tenant: locks its clock row and returns the first stamp
   * above both its last stamp and the database clock.
   */
  private async begin(db: PoolClient, tenant: string): Promise<number> {
    await db.query('BEGIN');
    const { rows } = await db.query<{ next: number }>(
      `INSERT INTO tenant_clocks (tenant, stamp) VALUES ($1, 0)
       ON CONFLICT (tenant) DO UPDATE SET stamp = tenant_clocks.stamp
       RETURNING greatest(stamp + 1, (extract(epoch from clock_timestamp()) * 1000000)::bigint) AS next`,
      [tenant],
    );
    return rows[0].next;
  }

  /**
   * One group transaction (postgres-group-commit.ts): take the writes waiting in `queue`, lock
   * the tenant's clock row, take those that arrived meanwhile, run the programs side by side
   * (postgres-lockstep.ts) and those set aside in turn, record the last stamp, commit, settle.
   * A write whose program throws wrote nothing and fails alone. One whose statement fails
   * aborts the transaction: it fails alone and the others run again in a new transaction.
   * A deadlock or serialization failure runs the whole group again. Nothing is settled
   * before COMMIT returned, and nothing is answered as stored when COMMIT did not return.
   */
  private async commitGroup(tenant: string, queue: GroupWrite[]): Promise<void> {
    // The writes waiting now are this group's whatever happens.
    let jobs = queue.splice(0, MAX_GROUP);
    // Side by side first (postgres-lockstep.ts); one after the other once a merged statement failed.
    let sideBySide = true;
    for (let attempt = 1; ; ) {
      let db: PoolClient | undefined;
      let broken: Error | undefined;
      // A connection that fails between two statements emits 'error'; the statement fails too.
      const ignore = () => undefined;
      let outcomes: Outcome[] = [];
      let poisoned: number | undefined;
      try {
        db = await this.pool.connect();
        db.on('error', ignore);
        let next = await this.begin(db, tenant);
        const reads: TransactionReads = {};
        let last = next - 1;
        const stamp = () => {
          last = next;
          next += 1;
          return last;
        };
        // Writes that arrived while the lock was awaited join now, before anything is read,
        // so every read of the group (the subscriptions read once) happens after each of its
        // writes arrived; later ones wait for the next transaction.
        jobs.push(...queue.splice(0, MAX_GROUP - jobs.length));
        outcomes = await runGroup(
          db,
          tenant,
          jobs.map((job) => job.program),
          stamp,
          reads,
          sideBySide,
        );
        await db.query('UPDATE tenant_clocks SET stamp = greatest(stamp, $2) WHERE tenant = $1', [tenant, last]);
        await db.query('COMMIT');
      } catch (thrown) {
        const merged = thrown instanceof LockstepFailure;
        if (thrown instanceof WriteFailure) poisoned = thrown.index;
        const error = merged || thrown instanceof WriteFailure ? thrown.cause : thrown;
        if (isUnavailable(error)) broken = error as Error;
        else await db?.query('ROLLBACK').catch(() => undefined);
        if (merged && !broken) {
          // No one write is to blame: run them again, one after the other.
          sideBySide = false;
          continue;
        }
        const code = (error as { code?: string }).code;
        if (!broken && code && RETRYABLE.has(code) && attempt < 5) {
          attempt += 1;
          continue;
        }
        if (broken || poisoned === undefined) {
          // Unavailable, or COMMIT itself failed: none of the group is known to be stored.
          for (const job of jobs) settleWithError(job, () => translatePgError(error));
          return;
        }
        // One write's statement failed: it alone fails; the others run again without it.
        settleWithError(jobs[poisoned], () => translatePgError(error));
        jobs = jobs.filter((_, i) => i !== poisoned);
        if (jobs.length === 0) return;
        continue;
      } finally {
        db?.off('error', ignore);
        // A broken connection is discarded, not returned to the pool.
        db?.release(broken);
      }
      let rows = 0;
      jobs.forEach((job, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) {
          rows += outcome.rows;
          job.resolve(outcome.result);
        } else job.reject(outcome.error);
      });
      this.wrote(rows);
      return;
    }
  }

  /** Counts written rows and refreshes statistics in the background now and then. */
  private wrote(rows: number): void {
    this.written += rows;
    if (this.written < this.analyzeAt || this.analyzing) return;
    this.analyzeAt = Math.min(this.written * 2, this.written + ANALYZE_AT_LEAST_EVERY_ROWS);
    this.analyzing = this.pool
      .query('ANALYZE customers, customer_identities, customer_external_ids, leads, orders, reviews, events')
      .catch(() => undefined)
      .finally(() => {
        this.analyzing = undefined;
      });
  }

  private query<T>(fn: () => Promise<T>): Promise<T> {
    return fn().catch(translatePgError);
  }

  /**
   * Runs the program with one round trip per look-up round, then applies its plan, and
   * resolves after COMMIT. Writes of one tenant that arrive while its transaction is in
   * flight wait and share the next one (group commit): one clock lock and one COMMIT for all.
   */
  write<T>(tenant: string, program: WriteProgram<T>): Promise<T> {
    return this.groups.add(tenant, program as WriteProgram<unknown>) as Promise<T>;
  }

  read<T>(tenant: string, program: ReadProgram<T>): Promise<T> {
    return this.query(async () => {
      const steps = program();
      let step = steps.next();
      while (!step.done) step = steps.next(await pgLookup(this.pool, tenant, step.value));
      return step.value;
    });
  }

  list<Row extends CustomerRow | RecordRow>(tenant: string, spec: ListSpec): Promise<ListRows<Row>> {
    return this.query(() => runPgListSpec<Row>(this.pool, tenant, spec));
  }

  async ping(): Promise<void> {
    await this.query(() => this.pool.query('SELECT 1'));
  }

  async status(): Promise<StoreStatus> {
    const { rows } = await this.query(() =>
      this.pool.query<{ versions: number[]; depth: number }>(
        "SELECT (SELECT coalesce(array_agg(version), '{}') FROM schema_migrations) AS versions, (SELECT count(*)::int FROM webhook_outbox WHERE status = 'pending') AS depth",
      ),
    );
    const done = new Set(rows[0].versions);
    return { pendingMigrations: postgresMigrations.map((m) => m.version).filter((v) => !done.has(v)), outboxDepth: rows[0].depth };
  }

  poolUse(): PoolUse {
    return { max: this.pool.options.max, total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.analyzing;
    await this.pool.end().catch(() => undefined);
  }
}

/** The PostgreSQL store routes receive: the domain's rules over the PostgreSQL engine. */
export class PostgresStore extends DomainStore {
  private constructor(private readonly postgres: PostgresEngine) {
    super(postgres);
  }

  /** Connects and applies pending migrations (under an advisory lock). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    return new PostgresStore(await PostgresEngine.open(options));
  }

  get pool(): Pool {
    return this.postgres.pool;
  }

  /** What opening the database applied. */
  get migrations(): MigrationResult[] {
    return this.postgres.migrations;
  }

  migrate(): Promise<MigrationResult[]> {
    return this.postgres.migrate();
  }
}
