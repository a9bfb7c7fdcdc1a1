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
import type { Customer } from '../../contract/customer.js';
import type { CustomerEvent } from '../../contract/event.js';
import type { Lead } from '../../contract/lead.js';
import type { Review } from '../../contract/review.js';
import { ChangeClock } from '../change-clock.js';
import type {
  CustomerFilter,
  EventFilter,
  LeadFilter,
  OrderFilter,
  OrderSnapshot,
  PageRequest,
  PageResult,
  ReviewFilter,
  Store,
  WriteSummary,
} from '../store.js';
import type { PoolUse, StoreStatus } from '../store.js';
import { SqliteAuthStore } from './sqlite-auth.js';
import { SqliteWebhookStore } from './sqlite-webhooks.js';
import { SqliteCustomers } from './sqlite-customers.js';
import { StatementCache } from './sqlite-list.js';
import type { MigrationResult } from '../migration.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { SqliteStampCounts } from './sqlite-stamp-counts.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { SqliteRecords } from './sqlite-records.js';
import { preparePrivateDatabaseFile } from '../private-files.js';

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. Parent folders are created. */
  filename: string;
  /** `full` (default): fsync on every commit. `normal`: survives a crash, not a power cut. */
  synchronous?: 'full' | 'normal';
  /** Called with the SQL of every statement run (parameters expanded), for tracing and tests. */
  trace?: (sql: string) => void;
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  readonly auth: SqliteAuthStore;
  readonly webhooks: SqliteWebhookStore;
  /** What opening the database applied (migrations run on open). */
  readonly migrations: MigrationResult[];
  private readonly db: Database.Database;
  private readonly customers: SqliteCustomers;
  /** Writes waiting for the next group commit. */
  private readonly pending: { fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  private readonly clock: ChangeClock;
  private readonly readClock: Database.Statement;
  private readonly saveClock: Database.Statement;
  private readonly records: SqliteRecords;
  private readonly stampCounts: SqliteStampCounts;

  constructor(options: SqliteStoreOptions) {
    if (options.filename !== ':memory:') preparePrivateDatabaseFile(options.filename);
    this.db = new Database(options.filename, options.trace ? { verbose: (sql) => options.trace?.(String(sql)) } : {});
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.migrations = migrateSqlite(this.db);
    const clock = new ChangeClock(0);
    this.clock = clock;
    this.readClock = this.db.prepare('SELECT stamp FROM change_clock WHERE id = 1').pluck();
    this.saveClock = this.db.prepare('UPDATE change_clock SET stamp = ? WHERE id = 1 AND stamp < ?');
    const statements = new StatementCache(this.db);
    this.stampCounts = new SqliteStampCounts(this.db);
    this.customers = new SqliteCustomers(this.db, statements, clock, this.stampCounts);
    this.records = new SqliteRecords(this.db, statements, clock, this.customers, this.stampCounts);
    this.auth = new SqliteAuthStore(this.db);
    this.webhooks = new SqliteWebhookStore(this.db);
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
   */
  private write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    const jobs = this.pending.splice(0);
    if (jobs.length === 0) return;
    let outcomes: { ok: boolean; value?: unknown; error?: unknown }[];
    try {
      outcomes = this.db
        .transaction(() => {
          this.clock.observe(this.readClock.get() as number);
          const results = jobs.map((job) => {
            try {
              // The job's stamp-bucket deltas are applied inside its savepoint, with its rows.
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
          });
          this.saveClock.run(this.clock.current, this.clock.current);
          return results;
        })
        .immediate();
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) jobs[i].resolve(outcome.value);
      else jobs[i].reject(outcome.error);
    });
  }

  private read<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  upsertCustomers(tenant: string, customers: Customer[]): Promise<WriteSummary> {
    return this.write(() => this.customers.upsert(tenant, customers));
  }

  getCustomer(tenant: string, ref: string): Promise<string | undefined> {
    return this.read(() => this.customers.get(tenant, ref));
  }

  resolveCustomerRefs(tenant: string, ref: string): Promise<string[] | undefined> {
    return this.read(() => this.customers.refs(tenant, ref));
  }

  listCustomers(tenant: string, filter: CustomerFilter, page: PageRequest): Promise<PageResult> {
    return this.read(() => this.customers.list(tenant, filter, page));
  }

  upsertLeads(tenant: string, leads: Lead[]): Promise<WriteSummary> {
    return this.write(() => this.records.upsertLeads(tenant, leads));
  }

  listLeads(tenant: string, filter: LeadFilter, page: PageRequest): Promise<PageResult> {
    return this.read(() => this.records.listLeads(tenant, filter, page));
  }

  upsertOrders(tenant: string, orders: OrderSnapshot[]): Promise<WriteSummary> {
    return this.write(() => this.records.upsertOrders(tenant, orders));
  }

  getOrder(tenant: string, id: string): Promise<string | undefined> {
    return this.read(() => this.records.getOrder(tenant, id));
  }

  listOrders(tenant: string, filter: OrderFilter, page: PageRequest): Promise<PageResult> {
    return this.read(() => this.records.listOrders(tenant, filter, page));
  }

  upsertReviews(tenant: string, reviews: Review[]): Promise<WriteSummary> {
    return this.write(() => this.records.upsertReviews(tenant, reviews));
  }

  getReview(tenant: string, id: string): Promise<string | undefined> {
    return this.read(() => this.records.getReview(tenant, id));
  }

  listReviews(tenant: string, filter: ReviewFilter, page: PageRequest): Promise<PageResult> {
    return this.read(() => this.records.listReviews(tenant, filter, page));
  }

  publishEvents(tenant: string, events: CustomerEvent[]): Promise<WriteSummary> {
    return this.write(() => this.records.publishEvents(tenant, events));
  }

  listEvents(tenant: string, filter: EventFilter, page: PageRequest): Promise<PageResult> {
    return this.read(() => this.records.listEvents(tenant, filter, page));
  }

  ping(): Promise<void> {
    return this.read(() => {
      this.db.prepare('SELECT 1').get();
    });
  }

  status(): Promise<StoreStatus> {
    return this.read(() => {
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
      this.commitPending();
      this.db.close();
    }
    return Promise.resolve();
  }
}
