/**
 * The options every command that opens the database shares, and the code that opens the
 * store and the credentials behind them.
 */
import { Option } from 'commander';
import { createAuthService, defaultKeyFile, type AuthOptions, type AuthService } from '../auth/auth-service.js';
import { DEFAULT_DATABASE, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export function databaseOption(): Option {
  return new Option('-d, --database <path|url>', 'SQLite database file, or a postgres:// URL').env('DATABASE_URL').default(DEFAULT_DATABASE);
}

export function secretKeyFileOption(): Option {
  return new Option('--secret-key-file <path>', 'instance key for secrets at rest (default: secret.key beside the database; ODC_SECRET_KEY overrides)').env(
    'ODC_SECRET_KEY_FILE',
  );
}

export interface OpenedStore {
  store: Store;
  auth: AuthService;
}

export async function openStoreWithAuth(
  opts: { database: string; secretKeyFile?: string; synchronous?: 'full' | 'normal'; poolSize?: number; statementTimeout?: number },
  auth: Partial<AuthOptions> = {},
): Promise<OpenedStore> {
  const store = await openStore({ database: opts.database, synchronous: opts.synchronous, poolSize: opts.poolSize, statementTimeoutMs: opts.statementTimeout });
  try {
    return { store, auth: await createAuthService(store, { keyFile: opts.secretKeyFile ?? defaultKeyFile(opts.database), ...auth }) };
  } catch (error) {
    await store.close();
    throw error;
  }
}
