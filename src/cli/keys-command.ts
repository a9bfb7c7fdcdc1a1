/**
 * `odc keys rotate`: a new token-signing key, on a database file or on a running server
 * (`--server URL`, admin API). The previous key keeps verifying the tokens it signed until
 * they expire, so rotation never logs anyone out.
 */
import { Command } from 'commander';
import { adminCall, type ServerTarget, withServerOptions } from './admin-client.js';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('manage the keys that sign access tokens');
  withServerOptions(
    keys
      .command('rotate')
      .description('make a new signing key; tokens signed by the old one stay valid until they expire')
      .addOption(databaseOption())
      .addOption(secretKeyFileOption()),
  ).action(async (opts: ServerTarget & { database: string; secretKeyFile?: string }) => {
    if (opts.server) {
      process.stdout.write(`${JSON.stringify(await adminCall({ ...opts, server: opts.server }, 'POST', '/admin/keys/rotate', {}), null, 2)}\n`);
      return;
    }
    const { store, auth } = await openStoreWithAuth(opts);
    try {
      process.stdout.write(`${JSON.stringify({ activeKid: await auth.tokens.rotate(), keys: auth.tokens.jwks().keys.map((k) => k.kid) }, null, 2)}\n`);
    } finally {
      await store.close();
    }
  });
  return keys;
}
