/**
 * Runs the built odc server as a child process, as an operator would, so that the load
 * generator (this process) and the server do not share an event loop. The child's stdout (its
 * log, JSON lines at the default level) goes to a file, as under a service manager, not
 * through a pipe this process would have to read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningOdc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Peak resident memory of the process so far, in bytes (Linux /proc). */
  rss(): number;
  /** CPU time the process has used so far (user + system), in seconds (Linux /proc). */
  cpu(): number;
  /** Bytes the process has written to its log (stdout) since the last `truncateLog`. */
  logBytes(): number;
  truncateLog(): void;
  /** The last `lines` lines of the log, to say why a request failed. */
  logTail(lines: number): string;
}

const root = join(import.meta.dirname, '..');

/** Starts a ceiling (bench/ceiling.ts with a SQLite file, bench/pg-ceiling.ts with a URL) as its own process. */
export async function startCeilingProcess(kind: 'sqlite' | 'postgres', location: string): Promise<RunningOdc> {
  const script = kind === 'sqlite' ? 'bench/ceiling.ts' : 'bench/pg-ceiling.ts';
  return startChild(['--import', 'tsx', join(root, script), location], {}, /^ceiling listening on (\S+)/m);
}

/**
 * Node flags for the odc process: `npm run bench -- --profile DIR` sets
 * `--cpu-prof --cpu-prof-dir DIR`, so a profile of exactly the measured work is written on exit.
 */
export const odcNodeFlags: string[] = [];

/**
 * `odc serve` with its defaults, except `--rate-limit 0`: the default limit (100 requests/s per
 * client) would cap a one-client bench; `extraArgs` come after and win (a later flag replaces
 * an earlier one), so `--rate-limit N` there turns it back on.
 */
export async function startOdc(database: string, env: Record<string, string>, extraArgs: string[] = []): Promise<RunningOdc> {
  return startChild(
    [...odcNodeFlags, join(root, 'dist/src/cli/index.js'), 'serve', '--port', '0', '--database', database, '--rate-limit', '0', ...extraArgs],
    env,
    /^odc listening on (\S+)/m,
  );
}

async function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<RunningOdc> {
  const dir = mkdtempSync(join(tmpdir(), 'odc-bench-log-'));
  const log = join(dir, 'stdout.log');
  // O_APPEND: the file can be truncated under the child and its next line goes to the new end.
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  let url: string | undefined;
  for (let waited = 0; url === undefined; waited += 20) {
    const match = ready.exec(readFileSync(log, 'utf8'));
    if (match) url = match[1];
    else if (exitCode !== undefined || waited > 120_000) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${args.join(' ')} ${exitCode !== undefined ? `exited with ${exitCode}` : 'did not listen in 120 s'} before listening`);
    } else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url,
    child,
    rss: () => peakRss(child.pid),
    cpu: () => cpuSeconds(child.pid),
    logBytes: () => statSync(log).size,
    truncateLog: () => truncateSync(log, 0),
    logTail: (lines) => {
      try {
        return readFileSync(log, 'utf8')
          .split('\n')
          .slice(-lines - 1)
          .join('\n');
      } catch {
        return '';
      }
    },
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
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

/**
 * CPU time of a process so far (utime + stime of /proc/PID/stat), in seconds; 0 when
 * unreadable. Work per CPU-second holds on a machine whose other tenants take the cores, where
 * a rate per wall-clock second mostly measures how much of a core the process got.
 */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ, the unit of /proc/PID/stat times (100 on every common kernel). */
const CLOCK_TICKS = 100;
