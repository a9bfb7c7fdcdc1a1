/**
 * Versioned migrations for the SQLite store, applied on open.
 *
 * Pending migrations run in one IMMEDIATE transaction, which takes SQLite's write lock
 * first: a second process opening the same file waits (busy_timeout) and then finds them
 * done. Each migration is a module with `version`, `name` and `up` SQL, so the build ships
 * them with the code.
 */
import type Database from 'better-sqlite3';
import type { Migration, MigrationResult } from '../migration.js';
import * as initial from './migrations/001-initial.js';
import * as credentials from './migrations/002-credentials.js';
import * as webhooks from './migrations/003-webhooks.js';
import * as changeClock from './migrations/004-change-clock.js';
import * as stampCounts from './migrations/005-stamp-counts.js';
import * as microsecondCreatedAt from './migrations/006-microsecond-created-at.js';
import * as privacy from './migrations/010-privacy.js';

export const sqliteMigrations: readonly Migration[] = [initial, credentials, webhooks, changeClock, stampCounts, microsecondCreatedAt, privacy];

export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = sqliteMigrations): MigrationResult[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const run = db.transaction(() => {
    const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    return migrations.map((m): MigrationResult => {
      if (done.has(m.version)) return { version: m.version, name: m.name, status: 'already-applied' };
      db.exec(m.up);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      return { version: m.version, name: m.name, status: 'applied' };
    });
  });
  return run.immediate();
}
