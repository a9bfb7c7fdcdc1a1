/**
 * `odc clients add|list|revoke|rotate-secret`: API client management on the database, the
 * same operations as the admin API. Secrets are printed once, on creation and rotation.
 */
import { Command, Option } from 'commander';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function withRegistry<T>(
  opts: { database: string; secretKeyFile?: string },
  run: (registry: Awaited<ReturnType<typeof openStoreWithAuth>>['auth']['clients']) => Promise<T>,
): Promise<T> {
  const { store, auth } = await openStoreWithAuth(opts);
  try {
    return await run(auth.clients);
  } finally {
    await store.close();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function clientsCommand(): Command {
  const clients = new Command('clients').description('manage API clients (OAuth client credentials)');

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
    .option('--signing-secret <secret>', 'register a message-signing secret, or "generate" one')
    .addOption(databaseOption())
    .addOption(secretKeyFileOption())
    .action(async (opts) => {
      print(
        await withRegistry(opts, (r) =>
          r.add({
            name: opts.name,
            model: opts.model,
            merchants: opts.merchant,
            scopes: opts.scope,
            clientId: opts.clientId,
            signingSecret: opts.signingSecret,
          }),
        ),
      );
    });

  clients
    .command('list')
    .description('list clients (never their secrets)')
    .addOption(databaseOption())
    .addOption(secretKeyFileOption())
    .action(async (opts) => print(await withRegistry(opts, (r) => r.list())));

  clients
    .command('revoke <clientId>')
    .description('revoke a client: no new tokens at once, issued tokens refused within 5 s')
    .addOption(databaseOption())
    .addOption(secretKeyFileOption())
    .action(async (clientId: string, opts) => print(await withRegistry(opts, (r) => r.revoke(clientId))));

  clients
    .command('rotate-secret <clientId>')
    .description('issue a new client secret (shown once); the old one stops working')
    .addOption(databaseOption())
    .addOption(secretKeyFileOption())
    .action(async (clientId: string, opts) => print(await withRegistry(opts, (r) => r.rotateSecret(clientId))));

  return clients;
}
