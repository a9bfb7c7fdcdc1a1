/**
 * Versioned migrations for the SQLite store, applied on open.
 *
 * Pending migrations run in one IMMEDIATE transaction, which takes SQLite's write lock
 * first: a second process opening the same file waits (busy_timeout) and then finds them
 * done. Each migration is a module with `version`, `name` and `up` SQL, so the build ships
 * them with the code.
 */
import type Database from 'better-sqlite3';
import { logMigrationNotes, type Migration, type MigrationResult } from '../migration.js';
import * as initial from './migrations/001-initial.js';
import * as credentials from './migrations/002-credentials.js';
import * as webhooks from './migrations/003-webhooks.js';
import * as changeClock from './migrations/004-change-clock.js';
import * as stampCounts from './migrations/005-stamp-counts.js';
import * as microsecondCreatedAt from './migrations/006-microsecond-created-at.js';
import * as identityRenormalization from './migrations/007-identity-renormalization.js';
import * as privacy from './migrations/010-privacy.js';
import * as loyaltyLedger from './migrations/020-loyalty.js';
import * as webhookFormat from './migrations/030-webhook-format.js';

/** A migration may also migrate data in code, after its SQL and in the same transaction. */
export interface SqliteMigration extends Migration {
  migrateData?(db: Database.Database): string[];
}

export const sqliteMigrations: readonly SqliteMigration[] = [
  initial,
  credentials,
  webhooks,
  changeClock,
  stampCounts,
  microsecondCreatedAt,
  identityRenormalization,
  privacy,
  loyaltyLedger,
  webhookFormat,
];

export function migrateSqlite(db: Database.Database, migrations: readonly SqliteMigration[] = sqliteMigrations): MigrationResult[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const run = db.transaction(() => {
    const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    return migrations.map((m): MigrationResult => {
      if (done.has(m.version)) return { version: m.version, name: m.name, status: 'already-applied' };
      db.exec(m.up);
      const notes = m.migrateData?.(db) ?? [];
      logMigrationNotes(m, notes);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      return { version: m.version, name: m.name, status: 'applied', ...(notes.length > 0 ? { notes } : {}) };
    });
  });
  return run.immediate();
}
