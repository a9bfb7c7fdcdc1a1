/**
 * `--server URL`: the management commands (clients, webhooks, keys) act on a running server
 * through its admin API instead of opening a database file, so they change what that server
 * serves, whatever its store. The admin key comes from `--admin-key-file`, `ODC_ADMIN_KEY` or
 * `--admin-key` (the command line shows it to `ps`).
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';

export interface ServerTarget {
  server?: string;
  adminKey?: string;
  adminKeyFile?: string;
}

/** Adds `--server`, `--admin-key` and `--admin-key-file` to a command. */
export function withServerOptions(command: Command): Command {
  return command
    .addOption(new Option('--server <url>', 'act on this running server through its admin API instead of a database').env('ODC_SERVER'))
    .addOption(new Option('--admin-key <key>', "the server's admin key (with --server)").env('ODC_ADMIN_KEY'))
    .addOption(new Option('--admin-key-file <path>', 'read the admin key from this file').env('ODC_ADMIN_KEY_FILE'));
}

function adminKeyOf(target: ServerTarget): string {
  const key = target.adminKeyFile ? readFileSync(target.adminKeyFile, 'utf8').trim() : target.adminKey;
  if (!key) throw new Error('--server needs the admin key: --admin-key-file, ODC_ADMIN_KEY or --admin-key');
  return key;
}

/** One admin API call; the server's error body becomes the error message. */
export async function adminCall(target: ServerTarget & { server: string }, method: string, path: string, body?: unknown): Promise<unknown> {
  const key = adminKeyOf(target);
  process.stderr.write(`odc: server ${target.server}\n`);
  const url = new URL(path, target.server.endsWith('/') ? target.server : `${target.server}/`);
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      const error = JSON.parse(text) as { code?: string; message?: string; details?: string[] };
      detail = `${error.code}: ${error.message}${error.details?.length ? ` (${error.details.join('; ')})` : ''}`;
    } catch {}
    const hint =
      res.status === 401
        ? ": the admin key is not that server's"
        : res.status === 404 && !/\/admin\/.+\//.test(path)
          ? ': is the admin API on (odc serve --admin-key)?'
          : '';
    throw new Error(`${method} ${url} answered ${res.status} ${detail}${hint}`);
  }
  return text === '' ? undefined : JSON.parse(text);
}
