/**
 * Chooses a store from a database location: a `postgres://` URL opens the PostgreSQL store
 * (migrations run on open), anything else is a SQLite file path (the default, under ./data/).
 */
import { join } from 'node:path';
import { PostgresStore, type PostgresLogger } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export const DEFAULT_DATABASE = join('data', 'odc.db');

export interface OpenStoreOptions {
  database?: string;
  /** SQLite only: `full` fsyncs every commit. */
  synchronous?: 'full' | 'normal';
  /** PostgreSQL only: connections per instance. */
  poolSize?: number;
  /** PostgreSQL only: statement timeout in ms. */
  statementTimeoutMs?: number;
  /** PostgreSQL only: receives errors of idle pool connections (e.g. the server's pino logger). */
  logger?: PostgresLogger;
}

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const database = options.database ?? DEFAULT_DATABASE;
  if (isPostgresUrl(database)) {
    return PostgresStore.open({
      connectionString: database,
      poolSize: options.poolSize,
      statementTimeoutMs: options.statementTimeoutMs,
      logger: options.logger,
    });
  }
  return new SqliteStore({ filename: database.replace(/^sqlite:(\/\/)?/i, ''), synchronous: options.synchronous });
}
