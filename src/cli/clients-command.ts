/**
 * `odc clients add|list|revoke|rotate-secret`: API client management, on a database file
 * (`--database`) or on a running server through its admin API (`--server URL`), the same
 * operations either way. Secrets are printed once, on creation and rotation.
 */
import { Command, Option } from 'commander';
import { adminCall, type ServerTarget, withServerOptions } from './admin-client.js';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

type Registry = Awaited<ReturnType<typeof openStoreWithAuth>>['auth']['clients'];
type Target = ServerTarget & { database: string; secretKeyFile?: string };

/** Runs `local` on the database, or `remote` against `--server`. */
async function onTarget<T>(opts: Target, local: (registry: Registry) => Promise<T>, remote: (server: ServerTarget & { server: string }) => Promise<unknown>) {
  if (opts.server) return remote({ ...opts, server: opts.server });
  const { store, auth } = await openStoreWithAuth(opts);
  try {
    return await local(auth.clients);
  } finally {
    await store.close();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const common = (c: Command) => withServerOptions(c.addOption(databaseOption()).addOption(secretKeyFileOption()));

export function clientsCommand(): Command {
  const clients = new Command('clients').description('manage API clients (OAuth client credentials), on a database or a running server (--server)');

  common(
    clients
      .command('add')
      .description('create a client and print its secret (shown once)')
      .requiredOption('--name <name>', 'a label for people')
      .requiredOption('-m, --merchant <id>', 'a merchant the client may act for (repeat for several)', collect)
      .addOption(
        new Option('--model <model>', 'application: one client, many merchants; merchant: one client per merchant')
          .choices(['application', 'merchant'])
          .default('application'),
      )
      .option('--scope <scope>', 'od.crm, od.all or od.privacy (repeat for several; default od.crm)', collect)
      .option('--client-id <id>', 'use this id instead of a generated UUID')
      .option('--signing-secret <secret>', 'register a message-signing secret, or "generate" one'),
  ).action(async (opts) => {
    const client = {
      name: opts.name as string,
      model: opts.model as 'application' | 'merchant',
      merchants: opts.merchant as string[],
      scopes: opts.scope as string[] | undefined,
      clientId: opts.clientId as string | undefined,
      signingSecret: opts.signingSecret as string | undefined,
    };
    print(
      await onTarget(
        opts,
        (r) => r.add(client),
        (s) => adminCall(s, 'POST', '/admin/clients', client),
      ),
    );
  });

  common(clients.command('list').description('list clients (never their secrets)')).action(async (opts) =>
    print(
      await onTarget(
        opts,
        (r) => r.list(),
        (s) => adminCall(s, 'GET', '/admin/clients'),
      ),
    ),
  );

  common(clients.command('revoke <clientId>').description('revoke a client: no new tokens at once, issued tokens refused within 5 s')).action(
    async (clientId: string, opts) =>
      print(
        await onTarget(
          opts,
          (r) => r.revoke(clientId),
          (s) => adminCall(s, 'POST', `/admin/clients/${encodeURIComponent(clientId)}/revoke`, {}),
        ),
      ),
  );

  common(clients.command('rotate-secret <clientId>').description('issue a new client secret (shown once); the old one stops working')).action(
    async (clientId: string, opts) =>
      print(
        await onTarget(
          opts,
          (r) => r.rotateSecret(clientId),
          (s) => adminCall(s, 'POST', `/admin/clients/${encodeURIComponent(clientId)}/rotate-secret`, {}),
        ),
      ),
  );

  return clients;
}
