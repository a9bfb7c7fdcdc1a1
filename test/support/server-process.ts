/**
 * A real `odc serve` child process (`node dist/src/cli/index.js serve ...`, test/support/built-cli.ts) on a given
 * database, for the tests that kill, stop and restart the server: crash safety, shutdown,
 * rolling restarts. The first start takes a free port; later starts reuse it, so clients keep
 * one base URL across restarts. Each test stops its processes in `after`/`finally`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { IssuedCredentials } from '../../src/auth/client-registry.js';
import { openStoreWithAuth } from '../../src/cli/store-options.js';
import { BUILT_CLI } from './built-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerProcessOptions {
  /** SQLite file or postgres:// URL. */
  database: string;
  /** Instance key file (created on first use); keep it outside the repository. */
  secretKeyFile: string;
  /** More `odc serve` flags. */
  args?: string[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** http://127.0.0.1:port, stable across restarts once started. */
  readonly url: string;
  readonly pid: number | undefined;
  /** True while the process runs. */
  readonly running: boolean;
  /** The last lines the process printed (stdout and stderr), for failure messages. */
  readonly output: string[];
  /** Starts the process and resolves once it listens. */
  start(): Promise<void>;
  /** Sends `signal` and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<Exit>;
  /** Resolves with the exit of the current process (already exited: at once). */
  exited(): Promise<Exit>;
  /** Resolves with the first line of output that matches. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
}

/** Adds an API client with `od.crm` for `merchant` to the database, before any server runs. */
export async function addApiClient(database: string, secretKeyFile: string, merchant: string): Promise<IssuedCredentials> {
  const { store, auth } = await openStoreWithAuth({ database, secretKeyFile });
  try {
    return await auth.clients.add({ name: 'reliability tests', model: 'application', merchants: [merchant], scopes: ['od.crm'] });
  } finally {
    await store.close();
  }
}

/** A token from the server's own token endpoint. */
export async function fetchToken(url: string, credentials: { clientId: string; clientSecret: string }): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret });
  const res = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function serverProcess(options: ServerProcessOptions): ServerProcess {
  let child: ChildProcess | undefined;
  let exit: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  let port = 0;
  const output: string[] = [];
  const listeners = new Set<(line: string) => void>();

  const onLine = (line: string) => {
    output.push(line);
    if (output.length > 50) output.shift();
    for (const listener of listeners) listener(line);
  };

  const waitForLine = (match: (line: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const current = child;
      const listener = (line: string) => {
        if (!match(line)) return;
        listeners.delete(listener);
        resolve(line);
      };
      listeners.add(listener);
      void exit.then(() => {
        if (!listeners.delete(listener)) return;
        reject(new Error(`the server (pid ${current?.pid}) exited before printing the expected line; last output:\n${output.slice(-10).join('\n')}`));
      });
    });

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    output,
    async start() {
      if (this.running) throw new Error('already running');
      const args = [
        BUILT_CLI,
        'serve',
        '--port',
        String(port),
        '--database',
        options.database,
        '--secret-key-file',
        options.secretKeyFile,
        '--log-level',
        'warn',
        ...(options.args ?? []),
      ];
      const started = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      exit = new Promise((resolve) => started.once('exit', (code, signal) => resolve({ code, signal })));
      createInterface({ input: started.stdout! }).on('line', onLine);
      createInterface({ input: started.stderr! }).on('line', onLine);
      const line = await waitForLine((l) => l.startsWith('odc listening on '));
      port = Number(new URL(/listening on (\S+)/.exec(line)![1]).port);
    },
    async kill(signal) {
      if (child && this.running) child.kill(signal);
      return exit;
    },
    exited: () => exit,
    waitForLine,
  };
}
