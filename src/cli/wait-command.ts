/**
 * `odc wait URL`: blocks until a server at URL is ready (`GET /readyz` answers 200: the store
 * answers and its migrations are applied; with `--dev` the token file is written before the
 * server listens), so scripts start the next step on a condition instead of a `sleep`.
 * Exit 0 when ready, 1 when `--timeout` runs out first.
 */
import { Command, Option } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 100;

/** Resolves with the last failure seen when the deadline passes, or undefined once ready. */
export async function waitUntilReady(url: string, timeoutMs: number): Promise<string | undefined> {
  const target = new URL('/readyz', url);
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(target, { signal: AbortSignal.timeout(Math.max(1, Math.min(2000, deadline - Date.now()))) });
      await res.arrayBuffer();
      if (res.status === 200) return undefined;
      last = `${target} answered ${res.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      last = `${target}: ${cause ?? (error instanceof Error ? error.message : String(error))}`;
    }
    await sleep(POLL_MS);
  }
  return last;
}

export function waitCommand(): Command {
  return new Command('wait')
    .description('wait until the server at URL is ready (GET /readyz answers 200), for scripts')
    .argument('<url>', 'the server, e.g. http://127.0.0.1:8080')
    .addOption(
      new Option('--timeout <seconds>', 'give up after this long (exit 1)').default(30).argParser((raw) => {
        const n = Number(raw);
        if (!Number.isFinite(n) || n <= 0) throw new Error(`--timeout must be a positive number of seconds (got ${raw})`);
        return n;
      }),
    )
    .action(async (url: string, opts: { timeout: number }) => {
      const failure = await waitUntilReady(url, opts.timeout * 1000);
      if (failure === undefined) return;
      process.stderr.write(`odc wait: ${url} not ready within ${opts.timeout} s (last: ${failure})\n`);
      process.exitCode = 1;
    });
}
