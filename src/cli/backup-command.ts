/**
 * `odc backup FILE`: an online, consistent copy of the SQLite store while the server keeps
 * serving, with SQLite's backup API (better-sqlite3 `db.backup()`): pages are copied from a
 * connection of its own, and the copy is one committed state of the database, whatever
 * was being written meanwhile. The copy is checked (`PRAGMA integrity_check`) before the
 * command reports success. Restoring is stopping the server and putting the file in place of
 * the database (docs/deployment.md). PostgreSQL is backed up with pg_dump instead.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { isPostgresUrl } from '../store/open-store.js';
import { describeDatabase, explainStoreError } from './startup-errors.js';
import { databaseOption } from './store-options.js';

const COPY_ALL_PAGES = 2 ** 30;

export interface BackupResult {
  database: string;
  file: string;
  pages: number;
  bytes: number;
  seconds: number;
}

/** Copies the SQLite database at `database` to `file` (which must not exist) and checks the copy. */
export async function backupSqlite(database: string, file: string): Promise<BackupResult> {
  if (existsSync(file)) throw new Error(`${file} exists: choose a new file, a backup never overwrites one`);
  const started = Date.now();
  mkdirSync(dirname(file), { recursive: true });
  let source: Database.Database;
  try {
    source = new Database(database, { fileMustExist: true });
  } catch (error) {
    throw explainStoreError(error, database);
  }
  let pages = 0;
  try {
    // One step: a write by another connection between steps restarts the copy, so under a
    // steady load small steps might never finish; in WAL mode one long read blocks no writer.
    await source.backup(file, {
      progress: ({ totalPages }) => {
        pages = totalPages;
        return COPY_ALL_PAGES;
      },
    });
  } finally {
    source.close();
  }
  const copy = new Database(file, { readonly: true });
  try {
    const verdict = copy.pragma('integrity_check', { simple: true });
    if (verdict !== 'ok') throw new Error(`the backup ${file} failed its integrity check: ${String(verdict)}`);
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    const pageCount = copy.pragma('page_count', { simple: true }) as number;
    return { database, file, pages: pageCount || pages, bytes: pageSize * pageCount, seconds: (Date.now() - started) / 1000 };
  } finally {
    copy.close();
  }
}

export function backupCommand(): Command {
  return new Command('backup')
    .description('copy the SQLite database to FILE while the server keeps serving (online, consistent)')
    .argument('<file>', 'the backup file to create (must not exist)')
    .addOption(databaseOption())
    .action(async (file: string, opts: { database: string }) => {
      if (isPostgresUrl(opts.database))
        throw new Error(`${describeDatabase(opts.database)}: back up PostgreSQL with pg_dump (docs/deployment.md, "Backups"); odc backup copies SQLite files`);
      process.stderr.write(`odc: database ${describeDatabase(opts.database)}\n`);
      const result = await backupSqlite(opts.database, file);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}
