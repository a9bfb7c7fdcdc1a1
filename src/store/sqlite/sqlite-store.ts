/**
 * The embedded store: one SQLite file, for one merchant on a laptop with zero set-up.
 *
 * better-sqlite3 is synchronous, so every write runs start to commit without yielding to the
 * event loop: one transaction per batch, never interleaved, and the promise resolves only
 * after COMMIT returned. WAL lets readers go on while a batch commits. `synchronous = FULL`
 * (the default here) makes every commit reach the disk before the 2xx is sent
 * (docs/contract.md §7); `normal` trades the last commits on power loss for speed, and
 * still survives a killed process.
 */
import Database from 'better-sqlite3';
import { DomainStore } from '../../domain/domain-store.js';
import { ChangeClock } from '../change-clock.js';
import type { CustomerRow, ListRows, ListSpec, ReadProgram, RecordRow, StoreEngine, WriteProgram } from '../engine.js';
import type { MigrationResult } from '../migration.js';
import type { PoolUse, StoreStatus } from '../store.js';
import { SqliteAuthStore } from './sqlite-auth.js';
import { runListSpec, StatementCache } from './sqlite-list.js';
import { migrateSqlite, sqliteMigrations } from './sqlite-migrations.js';
import { SqliteStampCounts } from './sqlite-stamp-counts.js';
import { SqliteTables } from './sqlite-tables.js';
import { SqliteTransfer } from './sqlite-transfer.js';
import { SqliteLedger } from './sqlite-ledger.js';
import { SqliteWebhookStore } from './sqlite-webhooks.js';
import { preparePrivateDatabaseFile } from '../private-files.js';

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. Parent folders are created. */
  filename: string;
  /** `full` (default): fsync on every commit. `normal`: survives a crash, not a power cut. */
  synchronous?: 'full' | 'normal';
  /** Called with the SQL of every statement run (parameters expanded), for tracing and tests. */
  trace?: (sql: string) => void;
  /** How long one group commit keeps taking jobs, in milliseconds (default 10; see `transaction`). */
  groupSliceMs?: number;
}

/** The SQLite engine (src/store/engine.ts): transactions, stamps, look-ups, plans, list specs. */
export class SqliteEngine implements StoreEngine {
  readonly backend = 'sqlite';
  readonly auth: SqliteAuthStore;
  readonly webhooks: SqliteWebhookStore;
  readonly transfer: SqliteTransfer;
  readonly ledger: SqliteLedger;
  /** What opening the database applied (migrations run on open). */
  readonly migrations: MigrationResult[];
  private readonly db: Database.Database;
  private readonly tables: SqliteTables;
  private readonly statements: StatementCache;
  /** Writes waiting for the next group commit. */
  private readonly pending: { fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  private readonly clock: ChangeClock;
  private readonly readClock: Database.Statement;
  private readonly saveClock: Database.Statement;
  private readonly stampCounts: SqliteStampCounts;
  private readonly groupSliceMs: number;

  constructor(options: SqliteStoreOptions) {
    if (options.filename !== ':memory:') preparePrivateDatabaseFile(options.filename);
    this.db = new Database(options.filename, options.trace ? { verbose: (sql) => options.trace?.(String(sql)) } : {});
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.groupSliceMs = options.groupSliceMs ?? 10;
    this.migrations = migrateSqlite(this.db);
    const clock = new ChangeClock(0);
    this.clock = clock;
    this.readClock = this.db.prepare('SELECT stamp FROM change_clock WHERE id = 1').pluck();
    this.saveClock = this.db.prepare('UPDATE change_clock SET stamp = ? WHERE id = 1 AND stamp < ?');
    this.statements = new StatementCache(this.db);
    this.stampCounts = new SqliteStampCounts(this.db);
    this.tables = new SqliteTables(this.db, this.stampCounts);
    this.auth = new SqliteAuthStore(this.db);
    this.webhooks = new SqliteWebhookStore(this.db);
    this.transfer = new SqliteTransfer(this.db);
    this.ledger = new SqliteLedger(this.db);
  }

  /**
   * Runs `fn` in a transaction and resolves once it has committed: all of `fn` commits, or
   * none of it.
   *
   * Writes that arrive in the same turn of the event loop share one IMMEDIATE transaction
   * (group commit): each runs in its own savepoint, so one that throws is rolled back alone and
   * rejected alone, and the others commit together with a single fsync. Nothing resolves before
   * the COMMIT, so a 2xx still means on disk. The write lock is held from the start, so reading
   * the stored clock here and saving it at the end keeps stamps increasing across every process
   * that writes the file.
   *
   * A group takes jobs only while it has run for less than `groupSliceMs`: the rest wait for the
   * next turn, so four batches of customers at the caps arriving together do not hold the event
   * loop for all four (issue 13 §1). The first job always runs, so every group moves on.
   */
  private transaction<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    const waiting = this.pending.splice(0);
    if (waiting.length === 0) return;
    const started = performance.now();
    let taken = 0;
    let outcomes: { ok: boolean; value?: unknown; error?: unknown }[];
    try {
      outcomes = this.db
        .transaction(() => {
          this.clock.observe(this.readClock.get() as number);
          const results: { ok: boolean; value?: unknown; error?: unknown }[] = [];
          for (const job of waiting) {
            if (taken > 0 && performance.now() - started >= this.groupSliceMs) break;
            taken += 1;
            results.push(this.runJob(job));
          }
          this.saveClock.run(this.clock.current, this.clock.current);
          return results;
        })
        .immediate();
    } catch (error) {
      for (const job of waiting) job.reject(error);
      return;
    }
    const later = waiting.slice(taken);
    if (later.length > 0) {
      this.pending.unshift(...later);
      setImmediate(() => this.commitPending());
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) waiting[i].resolve(outcome.value);
      else waiting[i].reject(outcome.error);
    });
  }

  /** One job of a group in its own savepoint; its stamp-bucket deltas are applied inside it, with its rows. */
  private runJob(job: { fn: () => unknown }): { ok: boolean; value?: unknown; error?: unknown } {
    try {
      const value = this.db.transaction(() => {
        const result = job.fn();
        this.stampCounts.flush();
        return result;
      })();
      return { ok: true, value };
    } catch (error) {
      this.stampCounts.discard();
      return { ok: false, error };
    }
  }

  private run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Drives the program synchronously inside one job of the group commit: look-ups, plan, apply. */
  write<T>(tenant: string, program: WriteProgram<T>): Promise<T> {
    return this.transaction(() => {
      const steps = program(() => this.clock.next());
      let step = steps.next();
      while (!step.done) step = steps.next(this.tables.lookup(tenant, step.value));
      this.tables.apply(tenant, step.value.plan);
      return step.value.result;
    });
  }

  read<T>(tenant: string, program: ReadProgram<T>): Promise<T> {
    return this.run(() => {
      const steps = program();
      let step = steps.next();
      while (!step.done) step = steps.next(this.tables.lookup(tenant, step.value));
      return step.value;
    });
  }

  list<Row extends CustomerRow | RecordRow>(tenant: string, spec: ListSpec): Promise<ListRows<Row>> {
    return this.run(() => runListSpec<Row>(this.statements, tenant, spec));
  }

  ping(): Promise<void> {
    return this.run(() => {
      this.db.prepare('SELECT 1').get();
    });
  }

  status(): Promise<StoreStatus> {
    return this.run(() => {
      const done = new Set(this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
      const outboxDepth = this.db.prepare("SELECT count(*) FROM webhook_outbox WHERE status = 'pending'").pluck().get() as number;
      return { pendingMigrations: sqliteMigrations.map((m) => m.version).filter((v) => !done.has(v)), outboxDepth };
    });
  }

  poolUse(): PoolUse | undefined {
    return undefined;
  }

  close(): Promise<void> {
    if (this.db.open) {
      while (this.pending.length > 0) this.commitPending();
      this.db.close();
    }
    return Promise.resolve();
  }
}

/** The embedded store routes receive: the domain's rules over the SQLite engine. */
export class SqliteStore extends DomainStore {
  /** What opening the database applied (migrations run on open). */
  readonly migrations: MigrationResult[];

  constructor(options: SqliteStoreOptions) {
    const engine = new SqliteEngine(options);
    super(engine);
    this.migrations = engine.migrations;
  }
}
