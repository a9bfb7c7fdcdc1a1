/**
 * Files that hold customer data or credentials are private to the account running odc
 * (issue 13 §8): directories 0700, files 0600, like the instance key file. The database and
 * its `-wal`/`-shm` companions were created world-readable under a usual umask of 022.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) readable by the owner only; an existing one is left as is. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Prepares a SQLite database path: its directory private, the main file created 0600 before
 * SQLite opens it (SQLite gives `-wal`, `-shm` and journals the main file's mode), and files
 * left by an older version tightened to 0600.
 */
export function preparePrivateDatabaseFile(filename: string): void {
  ensurePrivateDir(dirname(filename));
  closeSync(openSync(filename, 'a', PRIVATE_FILE_MODE));
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`, `${filename}-journal`]) if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
}
