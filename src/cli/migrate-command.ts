/**
 * `odc migrate`: applies pending migrations and reports each one, without starting a server.
 * `odc serve` migrates on start as well; this is for deploy pipelines that migrate first.
 */
import { Command } from 'commander';
import { isPostgresUrl } from '../store/open-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { databaseOption } from './store-options.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations and print what was done')
    .addOption(databaseOption())
    .action(async (opts: { database: string }) => {
      if (isPostgresUrl(opts.database)) {
        const store = await PostgresStore.open({ connectionString: opts.database });
        try {
          process.stdout.write(`${JSON.stringify(store.migrations, null, 2)}\n`);
        } finally {
          await store.close();
        }
        return;
      }
      const store = new SqliteStore({ filename: opts.database });
      try {
        process.stdout.write(`${JSON.stringify(store.migrations, null, 2)}\n`);
      } finally {
        await store.close();
      }
    });
}
