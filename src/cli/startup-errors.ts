/**
 * Start-up failures explained in terms of the fix: which flag or variable to change, which
 * path or database is at fault and why. The raw errors (EADDRINUSE, SQLITE_CANTOPEN, an
 * AES-GCM authentication failure, PostgreSQL's 3D000) say what broke, not what to do.
 */
import { isPostgresUrl } from '../store/open-store.js';

const codeOf = (error: unknown): string | undefined => (error as { code?: unknown } | null)?.code as string | undefined;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A database location safe to print: a PostgreSQL URL without its password. */
export function describeDatabase(database: string): string {
  if (!isPostgresUrl(database)) return `SQLite ${database}`;
  try {
    const url = new URL(database);
    if (url.password) url.password = '***';
    return `PostgreSQL ${url.toString()}`;
  } catch {
    return 'PostgreSQL (unparseable URL)';
  }
}

export function explainListenError(error: unknown, at: { host: string; port: number }): Error {
  const where = `${at.host}:${at.port}`;
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return new Error(`port ${at.port} is already in use on ${at.host} (another odc?): choose another with --port or PORT, or stop the process holding it`);
    case 'EACCES':
      return new Error(`not allowed to listen on ${where}: ports below 1024 need privileges; use --port / PORT above 1024 behind a reverse proxy`);
    case 'EADDRNOTAVAIL':
      return new Error(`${at.host} is not an address of this machine: fix --host / HOST (127.0.0.1, or 0.0.0.0 for all)`);
    default:
      return error instanceof Error ? error : new Error(messageOf(error));
  }
}

/** Why a database could not be opened, with the location and the way out. */
export function explainStoreError(error: unknown, database: string): Error {
  const code = codeOf(error);
  const reason = messageOf(error);
  if (isPostgresUrl(database)) {
    let name = '';
    let host = '';
    try {
      const url = new URL(database);
      name = decodeURIComponent(url.pathname.slice(1));
      host = url.host;
    } catch {}
    if (code === '3D000')
      return new Error(
        `PostgreSQL database "${name}" does not exist on ${host}: create it first (createdb -h ${host.split(':')[0]} ${name}), then start again`,
      );
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT')
      return new Error(`cannot reach PostgreSQL at ${host} (${code}): is it running, and is --database / DATABASE_URL right?`);
    if (code === '28P01' || code === '28000')
      return new Error(`PostgreSQL refused the login to ${host}: ${reason} (check the user and password in --database / DATABASE_URL)`);
    return new Error(`cannot open ${describeDatabase(database)}: ${reason}`);
  }
  const hints: Record<string, string> = {
    SQLITE_CANTOPEN: 'the file cannot be created or opened there (a directory? a missing or unwritable parent?)',
    SQLITE_NOTADB: 'the file exists but is not a SQLite database',
    SQLITE_READONLY: 'the file or its directory is read-only for this user',
    SQLITE_PERM: 'permission denied',
    EACCES: 'permission denied: the directory is not writable for this user',
    EISDIR: 'the path is a directory, not a file',
    ENOTDIR: 'a parent of the path is a file, not a directory',
    EEXIST: 'a parent of the path is a file, not a directory',
    EROFS: 'the file system is read-only',
  };
  const hint = (code && hints[code]) ?? reason;
  return new Error(`cannot open the SQLite database ${database}: ${hint} (${code ?? reason}); fix the path with --database / DATABASE_URL`);
}

/** The instance key cannot decrypt what the database holds: it was sealed under another key. */
export function explainKeyError(error: unknown, database: string, keySource: string): Error {
  if (/unable to authenticate data|bad decrypt/i.test(messageOf(error)))
    return new Error(
      `the instance key (${keySource}) does not match the database ${describeDatabase(database)}: its secrets were sealed with another key. ` +
        'Start with the key this database was created with (ODC_SECRET_KEY, or --secret-key-file / ODC_SECRET_KEY_FILE)',
    );
  return error instanceof Error ? error : new Error(messageOf(error));
}
