/**
 * `odc retention`: per-merchant limits for events and orders (docs/contract.md §14.8), and a
 * run that applies them now (`odc serve` also applies them on a schedule).
 */
import { Command } from 'commander';
import { retentionSettings, runRetention, setRetention } from '../domain/retention.js';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

const days = (name: string) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of days, at least 1 (got ${raw})`);
  return n;
};

async function withStore<T>(
  opts: { database: string; secretKeyFile?: string },
  run: (opened: Awaited<ReturnType<typeof openStoreWithAuth>>) => Promise<T>,
): Promise<T> {
  const opened = await openStoreWithAuth(opts);
  try {
    return await run(opened);
  } finally {
    await opened.store.close();
  }
}

export function retentionCommand(): Command {
  const retention = new Command('retention').description('keep events and orders only so many days, per merchant');
  const common = (c: Command) => c.addOption(databaseOption()).addOption(secretKeyFileOption());

  common(
    retention
      .command('set')
      .description("set a merchant's limits (none given: keep everything)")
      .requiredOption('-m, --merchant <id>', 'the merchant')
      .option('--events-days <n>', 'delete events whose occurredAt is older than this', days('--events-days'))
      .option('--orders-days <n>', 'delete orders whose createdAt is older than this', days('--orders-days')),
  ).action(async (opts) =>
    print(await withStore(opts, ({ store }) => setRetention(store.auth, opts.merchant, { eventsDays: opts.eventsDays, ordersDays: opts.ordersDays }))),
  );

  common(retention.command('show').description("every merchant's limits")).action(async (opts) =>
    print(await withStore(opts, ({ store }) => retentionSettings(store.auth))),
  );

  common(
    retention.command('run').description('apply the limits now and print what each merchant lost').option('-m, --merchant <id>', 'only this merchant'),
  ).action(async (opts) => print(await withStore(opts, ({ store }) => runRetention(store, Date.now(), opts.merchant))));

  return retention;
}
