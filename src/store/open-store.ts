/**
 * Chooses a store from a database location. Today: a SQLite file path (the default, under
 * ./data/). A `postgres://` URL is recognised and refused with a clear message until the
 * PostgreSQL store lands, rather than being mistaken for a file name.
 */
import { join } from 'node:path';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export const DEFAULT_DATABASE = join('data', 'odc.db');

export interface OpenStoreOptions {
  database?: string;
  synchronous?: 'full' | 'normal';
}

export function openStore(options: OpenStoreOptions = {}): Store {
  const database = options.database ?? DEFAULT_DATABASE;
  if (/^postgres(ql)?:\/\//i.test(database)) {
    throw new Error('PostgreSQL is not available in this version of odc; use a SQLite file path');
  }
  return new SqliteStore({ filename: database.replace(/^sqlite:(\/\/)?/i, ''), synchronous: options.synchronous });
}
