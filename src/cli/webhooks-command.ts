/**
 * `odc webhooks`: subscriptions (add, subscriptions, remove) and the outbox (list, retry).
 * `list --status dead` is the dead-letter list; `retry` puts deliveries back in the queue, and
 * the running server delivers them.
 */
import { Command, Option } from 'commander';
import { addSubscription, listSubscriptions } from '../sync/webhook-subscriptions.js';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

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

export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks').description('outbound webhooks: subscriptions and deliveries');
  const common = (c: Command) => c.addOption(databaseOption()).addOption(secretKeyFileOption());

  common(
    webhooks
      .command('add')
      .description("subscribe a URL to a merchant's customer events (the secret is shown once)")
      .requiredOption('-m, --merchant <id>', 'the merchant (tenant) whose events are sent')
      .requiredOption('--url <url>', 'where to POST each event')
      .option('--secret <secret>', 'HMAC secret shared with the receiver (default: generated)')
      .option('--event-type <type>', 'only this event type (repeat; default: every event)', collect)
      .addOption(
        new Option('--format <format>', 'the body sent: the event as stored (seed) or the rc.2 envelope (rc2)').choices(['seed', 'rc2']).default('seed'),
      )
      .option('--allow-private-target', 'accept a loopback, private or link-local URL (refused by default)'),
  ).action(async (opts) =>
    print(
      await withStore(opts, ({ store, auth }) =>
        addSubscription(
          store.webhooks,
          auth.secrets,
          { tenant: opts.merchant, url: opts.url, secret: opts.secret, eventTypes: opts.eventType, format: opts.format },
          { allowPrivateTargets: Boolean(opts.allowPrivateTarget) },
        ),
      ),
    ),
  );

  common(webhooks.command('subscriptions').description('list subscriptions (never their secrets)').option('-m, --merchant <id>', 'only this merchant')).action(
    async (opts) => print(await withStore(opts, ({ store }) => listSubscriptions(store.webhooks, opts.merchant))),
  );

  common(webhooks.command('remove <subscriptionId>').description('remove a subscription; its pending deliveries die')).action(async (id: string, opts) =>
    print({ removed: await withStore(opts, ({ store }) => store.webhooks.removeSubscription(id)) }),
  );

  common(
    webhooks
      .command('list')
      .description('list deliveries, newest first')
      .addOption(new Option('--status <status>', 'pending, delivered or dead (the dead-letter list)').choices(['pending', 'delivered', 'dead']))
      .option('-m, --merchant <id>', 'only this merchant')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(async (opts) =>
    print(
      (await withStore(opts, ({ store }) => store.webhooks.listDeliveries({ status: opts.status, tenant: opts.merchant, limit: Number(opts.limit) }))).map(
        ({ body: _body, ...rest }) => ({
          ...rest,
          nextAttemptAt: new Date(rest.nextAttemptAt).toISOString(),
        }),
      ),
    ),
  );

  common(webhooks.command('retry [deliveryIds...]').description('re-drive dead deliveries (all, or the given ids)')).action(async (ids: string[], opts) =>
    print({ requeued: await withStore(opts, ({ store }) => store.webhooks.redrive(ids.length > 0 ? ids.map(Number) : 'dead', Date.now())) }),
  );

  return webhooks;
}
