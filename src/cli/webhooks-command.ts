/**
 * `odc webhooks`: subscriptions (add, subscriptions, remove) and the outbox (deliveries, retry),
 * on a database file or on a running server through its admin API (`--server URL`).
 * `deliveries` was called `list`, which read as "list subscriptions" right after `add` and
 * printed `[]`; `list` stays as its alias. `deliveries --status dead` is the dead-letter list;
 * `retry` puts deliveries back in the queue, and the running server delivers them.
 */
import { Command, Option } from 'commander';
import { addSubscription, listSubscriptions } from '../sync/webhook-subscriptions.js';
import { adminCall, type ServerTarget, withServerOptions } from './admin-client.js';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

type Opened = Awaited<ReturnType<typeof openStoreWithAuth>>;
type Target = ServerTarget & { database: string; secretKeyFile?: string };

/** Runs `local` on the database, or `remote` against `--server`. */
async function onTarget(opts: Target, local: (opened: Opened) => Promise<unknown>, remote: (server: ServerTarget & { server: string }) => Promise<unknown>) {
  if (opts.server) return remote({ ...opts, server: opts.server });
  const opened = await openStoreWithAuth(opts);
  try {
    return await local(opened);
  } finally {
    await opened.store.close();
  }
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks').description(
    'outbound webhooks: subscriptions (who is told) and deliveries (what was sent), on a database or a running server (--server)',
  );
  const common = (c: Command) => withServerOptions(c.addOption(databaseOption()).addOption(secretKeyFileOption()));

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
      await onTarget(
        opts,
        ({ store, auth }) =>
          addSubscription(
            store.webhooks,
            auth.secrets,
            { tenant: opts.merchant, url: opts.url, secret: opts.secret, eventTypes: opts.eventType, format: opts.format },
            { allowPrivateTargets: Boolean(opts.allowPrivateTarget) },
          ),
        (s) =>
          adminCall(s, 'POST', '/admin/webhooks/subscriptions', {
            merchant: opts.merchant,
            url: opts.url,
            secret: opts.secret,
            eventTypes: opts.eventType,
            format: opts.format,
            allowPrivateTarget: Boolean(opts.allowPrivateTarget),
          }),
      ),
    ),
  );

  common(webhooks.command('subscriptions').description('list subscriptions (never their secrets)').option('-m, --merchant <id>', 'only this merchant')).action(
    async (opts) =>
      print(
        await onTarget(
          opts,
          ({ store }) => listSubscriptions(store.webhooks, opts.merchant),
          (s) => adminCall(s, 'GET', `/admin/webhooks/subscriptions${query({ merchant: opts.merchant })}`),
        ),
      ),
  );

  common(webhooks.command('remove <subscriptionId>').description('remove a subscription; its pending deliveries die')).action(async (id: string, opts) =>
    print(
      await onTarget(
        opts,
        async ({ store }) => ({ removed: await store.webhooks.removeSubscription(id) }),
        (s) => adminCall(s, 'DELETE', `/admin/webhooks/subscriptions/${encodeURIComponent(id)}`),
      ),
    ),
  );

  common(
    webhooks
      .command('deliveries')
      .alias('list')
      .description('list deliveries (one per event and subscription), newest first; subscriptions: `odc webhooks subscriptions`')
      .addOption(new Option('--status <status>', 'pending, delivered or dead (the dead-letter list)').choices(['pending', 'delivered', 'dead']))
      .option('-m, --merchant <id>', 'only this merchant')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(async (opts) =>
    print(
      await onTarget(
        opts,
        async ({ store }) =>
          (await store.webhooks.listDeliveries({ status: opts.status, tenant: opts.merchant, limit: Number(opts.limit) })).map(({ body: _body, ...rest }) => ({
            ...rest,
            nextAttemptAt: new Date(rest.nextAttemptAt).toISOString(),
          })),
        (s) => adminCall(s, 'GET', `/admin/webhooks/deliveries${query({ status: opts.status, merchant: opts.merchant, limit: opts.limit })}`),
      ),
    ),
  );

  common(webhooks.command('retry [deliveryIds...]').description('re-drive dead deliveries (all, or the given ids)')).action(async (ids: string[], opts) =>
    print(
      await onTarget(
        opts,
        async ({ store }) => ({ requeued: await store.webhooks.redrive(ids.length > 0 ? ids.map(Number) : 'dead', Date.now()) }),
        (s) => adminCall(s, 'POST', '/admin/webhooks/deliveries/retry', { ids: ids.map(Number) }),
      ),
    ),
  );

  return webhooks;
}
