/**
 * Versioned migrations for the PostgreSQL store, run on start and by `odc migrate`.
 *
 * A session-level advisory lock makes instances that start together take turns: the first
 * applies what is pending, the others wait, then find nothing left to do. Each migration runs
 * in its own transaction and is recorded in `schema_migrations`.
 */
import type { Pool, PoolClient } from 'pg';
import { logMigrationNotes, type Migration, type MigrationResult } from '../migration.js';
import * as initial from './migrations/001-initial.js';
import * as credentials from './migrations/002-credentials.js';
import * as webhooks from './migrations/003-webhooks.js';
import * as stampCounts from './migrations/004-stamp-counts.js';
import * as documentText from './migrations/005-document-text.js';
import * as identityRenormalization from './migrations/006-identity-renormalization.js';
import * as privacy from './migrations/010-privacy.js';
import * as loyaltyLedger from './migrations/020-loyalty.js';
import * as webhookFormat from './migrations/030-webhook-format.js';

/** A migration may also migrate data in code, after its SQL and in the same transaction; it returns notes to report. */
export interface PostgresMigration extends Migration {
  migrateData?(db: PoolClient): Promise<string[]>;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  initial,
  credentials,
  webhooks,
  stampCounts,
  documentText,
  identityRenormalization,
  privacy,
  loyaltyLedger,
  webhookFormat,
];

/** An arbitrary constant naming odc's migration lock among the database's advisory locks. */
const MIGRATION_LOCK = 0x0dc_0001;

export async function migratePostgres(pool: Pool, migrations: readonly PostgresMigration[] = postgresMigrations): Promise<MigrationResult[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const results: MigrationResult[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) {
        results.push({ version: m.version, name: m.name, status: 'already-applied' });
        continue;
      }
      await client.query('BEGIN');
      let notes: string[] = [];
      try {
        await client.query(m.up);
        notes = (await m.migrateData?.(client)) ?? [];
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      logMigrationNotes(m, notes);
      results.push({ version: m.version, name: m.name, status: 'applied', ...(notes.length > 0 ? { notes } : {}) });
    }
    return results;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
