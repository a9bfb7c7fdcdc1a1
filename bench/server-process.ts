/**
 * Runs the built odc server as a child process, as an operator would, so that the load
 * generator (this process) and the server do not share an event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface RunningOdc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Peak resident memory of the process so far, in bytes (Linux /proc). */
  rss(): number;
}

const root = join(import.meta.dirname, '..');

/** Starts the ceiling handler (bench/ceiling.ts) as its own process. */
export async function startCeilingProcess(filename: string): Promise<RunningOdc> {
  return startChild(['--import', 'tsx', join(root, 'bench/ceiling.ts'), filename], {}, /^ceiling listening on (\S+)/);
}

/**
 * Node flags for the odc process: `npm run bench -- --profile DIR` sets
 * `--cpu-prof --cpu-prof-dir DIR`, so a profile of exactly the measured work is written on exit.
 */
export const odcNodeFlags: string[] = [];

export async function startOdc(database: string, env: Record<string, string>, extraArgs: string[] = []): Promise<RunningOdc> {
  return startChild(
    [
      ...odcNodeFlags,
      join(root, 'dist/src/cli/index.js'),
      'serve',
      '--port',
      '0',
      '--database',
      database,
      '--rate-limit',
      '0',
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    env,
    /^odc listening on (\S+)/,
  );
}

async function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<RunningOdc> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
  return {
    url,
    child,
    rss: () => peakRss(child.pid),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Peak resident set size of a process so far (VmHWM), in bytes; 0 when unreadable. */
export function peakRss(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
