/**
 * What `odc serve`'s flags change, measured: the server restarted on the same database with
 * one flag changed at a time, then events (one per request, 32 connections) and reads by id
 * (16 connections). The configurations run in a rotated order each round, and each figure's
 * ratio is to the defaults of the same round, so the drift of a shared machine cancels out.
 */
import { measureEvents, measureReads, pick } from './measure.js';
import type { RunningOdc } from './server-process.js';

export interface FlagSetting {
  label: string;
  args: string[];
}

export interface FlagFigures {
  events: number[];
  reads: number[];
  /** Events and reads per CPU-second of the server: what a flag costs, apart from how much of a core the server got. */
  eventsPerCpu: number[];
  readsPerCpu: number[];
  /** Log bytes the server wrote per request, per round. */
  logBytesPerRequest: number[];
}

/**
 * Measures each setting `rounds` times; `restart` stops the running server and starts one with
 * the given arguments (the caller keeps the last one running). Returns the figures by label.
 */
export async function measureFlags(
  settings: FlagSetting[],
  options: {
    rounds: number;
    seconds: number;
    ids: readonly string[];
    authFor(url: string): Promise<string>;
    restart(args: string[]): Promise<RunningOdc>;
  },
): Promise<Map<string, FlagFigures>> {
  const figures = new Map(settings.map((s) => [s.label, { events: [], reads: [], eventsPerCpu: [], readsPerCpu: [], logBytesPerRequest: [] } as FlagFigures]));
  for (let r = 0; r < options.rounds; r += 1) {
    for (let i = 0; i < settings.length; i += 1) {
      const setting = settings[(i + r) % settings.length];
      const server = await options.restart(setting.args);
      const auth = await options.authFor(server.url);
      server.truncateLog();
      const cpu0 = server.cpu();
      const events = await measureEvents(server.url, auth, options.seconds, options.ids);
      const cpu1 = server.cpu();
      const reads = await measureReads(server.url, auth, () => pick(options.ids), options.seconds);
      const cpu2 = server.cpu();
      if (events.non2xx > 0 || reads.non2xx > 0) throw new Error(`${setting.label}: ${events.non2xx + reads.non2xx} non-2xx answers`);
      const figure = figures.get(setting.label)!;
      figure.events.push(events.requests.average);
      figure.reads.push(reads.requests.average);
      figure.eventsPerCpu.push(events.requests.total / Math.max(0.01, cpu1 - cpu0));
      figure.readsPerCpu.push(reads.requests.total / Math.max(0.01, cpu2 - cpu1));
      figure.logBytesPerRequest.push(server.logBytes() / Math.max(1, events.requests.total + reads.requests.total));
    }
  }
  return figures;
}
