/**
 * The options every command that opens the database shares, and the code that opens the
 * store and the credentials behind them. Every command says on stderr which database it
 * opened, so `odc clients add` never writes silently to a database no server reads.
 */
import type { Option } from 'commander';
import { createAuthService, defaultKeyFile, type AuthOptions, type AuthService } from '../auth/auth-service.js';
import { isPostgresUrl, openStore } from '../store/open-store.js';
import type { PostgresLogger } from '../store/postgres/postgres-store.js';
import type { Store } from '../store/store.js';
import { commanderOption } from './serve-config.js';
import { describeDatabase, explainKeyError, explainStoreError } from './startup-errors.js';

export function databaseOption(): Option {
  return commanderOption('database');
}

export function secretKeyFileOption(): Option {
  return commanderOption('secretKeyFile');
}

export interface OpenedStore {
  store: Store;
  auth: AuthService;
}

/** Opens the store, naming it on stderr, and explains a failure in terms of the fix. */
export async function openNamedStore(opts: {
  database: string;
  synchronous?: 'full' | 'normal';
  poolSize?: number;
  statementTimeout?: number;
  /** Receives errors of idle PostgreSQL connections (the server passes its logger). */
  logger?: PostgresLogger;
}): Promise<Store> {
  process.stderr.write(`odc: database ${describeDatabase(opts.database)}\n`);
  try {
    return await openStore({
      database: opts.database,
      synchronous: opts.synchronous,
      poolSize: opts.poolSize,
      statementTimeoutMs: opts.statementTimeout,
      logger: opts.logger,
    });
  } catch (error) {
    throw explainStoreError(error, opts.database);
  }
}

/**
 * On PostgreSQL every instance, started from any directory, must share one instance key: a key
 * file made beside the working directory would differ per machine and lock the others out of
 * the secrets. So there the key must be given (ODC_SECRET_KEY or --secret-key-file).
 */
function keyFileFor(opts: { database: string; secretKeyFile?: string }): string {
  if (opts.secretKeyFile) return opts.secretKeyFile;
  if (isPostgresUrl(opts.database) && !process.env.ODC_SECRET_KEY)
    throw new Error(
      'on PostgreSQL the instance key must be given, the same for every instance: set ODC_SECRET_KEY (32 random bytes, base64: openssl rand -base64 32) or --secret-key-file',
    );
  return defaultKeyFile(opts.database);
}

export async function openStoreWithAuth(
  opts: { database: string; secretKeyFile?: string; synchronous?: 'full' | 'normal'; poolSize?: number; statementTimeout?: number; logger?: PostgresLogger },
  auth: Partial<AuthOptions> = {},
): Promise<OpenedStore> {
  const keyFile = keyFileFor(opts);
  const store = await openNamedStore(opts);
  try {
    return { store, auth: await createAuthService(store, { keyFile, ...auth }) };
  } catch (error) {
    await store.close();
    throw explainKeyError(error, opts.database, process.env.ODC_SECRET_KEY ? 'ODC_SECRET_KEY' : keyFile);
  }
}
