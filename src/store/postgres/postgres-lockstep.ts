/**
 * How a group transaction runs its programs (postgres-group-commit.ts). Small writes run side
 * by side (src/store/write-batching.ts): each look-up round of all of them is one query per
 * kind, and the plans of those that read nothing another wrote are applied as one statement
 * per table, so thirty single-event writes cost two round trips instead of sixty. A program
 * is set aside, and run after the others on its own, when its first request is large (its own
 * statements already carry many rows), when it asks a look-up no key describes, when it plans
 * an erasure or audit entries, or when it read a key an earlier program of the group wrote.
 * A set-aside program continues where it stopped if nothing written since changed what it
 * read, and starts again otherwise. The outcome is that of running the accepted programs in
 * order, then the set-aside ones in order (docs/contract.md §7.4: each write applies whole).
 */
import type { PoolClient } from 'pg';
import type { LookupRequest, LookupResult, WritePlan, WriteProgram } from '../engine.js';
import { isKeyedRequest, mergeBucket, mergePlans, mergeRequests, planRows, readKeys, requestSize, splitResult, writeKeys } from '../write-batching.js';
import { type Outcome, ProgramError, type Resume, runWriteProgram } from './postgres-group-commit.js';
import { pgApply, pgLookup, type TransactionReads } from './postgres-tables.js';

/** Keys a first request may ask for its program to run side by side with others. */
export const SIDE_BY_SIDE_MAX_KEYS = 100;

/**
 * A database error in a merged statement: it cannot be laid at one program's door, so the
 * caller rolls back and runs the group one program after the other.
 */
export class LockstepFailure extends Error {
  constructor(readonly cause: unknown) {
    super('a merged statement of a group failed');
  }
}

/** A database error in the statements of one program, which alone fails. */
export class WriteFailure extends Error {
  constructor(
    readonly index: number,
    readonly cause: unknown,
  ) {
    super('a statement of one write failed');
  }
}

type Steps = ReturnType<WriteProgram<unknown>>;

/** A program set aside, with where it stopped when it may continue from there. */
interface SetAside {
  index: number;
  resume?: Resume & { reads: string[] };
}

interface Finished {
  index: number;
  reads: string[];
  done: { ok: true; plan: WritePlan; result: unknown } | { ok: false; error: unknown };
}

/**
 * Runs a group's programs in the caller's transaction and returns each one's outcome, by
 * index. `sideBySide` false runs them one after the other. Throws LockstepFailure or
 * WriteFailure on a database error; a program's own error is its outcome.
 */
export async function runGroup(
  db: PoolClient,
  tenant: string,
  programs: readonly WriteProgram<unknown>[],
  stamp: () => number,
  reads: TransactionReads,
  sideBySide: boolean,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let aside: SetAside[] = programs.map((_, index) => ({ index }));
  const changed = new Set<string>();
  if (sideBySide && programs.length > 1) {
    try {
      aside = await runSideBySide(db, tenant, programs, stamp, reads, outcomes, changed);
    } catch (error) {
      // Whatever failed while merged (a statement, or this module itself) is no one write's:
      // the caller runs the group again one write at a time.
      throw error instanceof LockstepFailure ? error : new LockstepFailure(error);
    }
  }
  // Once a program wrote what no key describes, every later one starts again.
  let unknown = false;
  // What a program writes matters only to set-aside programs after it that may continue.
  const lastResumable = aside.findLastIndex((a) => a.resume !== undefined);
  for (const [n, a] of aside.entries()) {
    const resume = a.resume && !unknown && !a.resume.reads.some((k) => changed.has(k)) ? a.resume : undefined;
    let done: Awaited<ReturnType<typeof runWriteProgram>>;
    try {
      done = await runWriteProgram(db, tenant, programs[a.index], stamp, reads, resume);
    } catch (error) {
      if (!(error instanceof ProgramError)) throw new WriteFailure(a.index, error);
      outcomes[a.index] = { ok: false, error: error.cause };
      continue;
    }
    outcomes[a.index] = { ok: true, result: done.result, rows: planRows(done.plan) };
    if (unknown || n >= lastResumable) continue;
    const keys = writeKeys(done.plan);
    if (keys === undefined) unknown = true;
    else for (const k of [...keys.rows, ...keys.found]) changed.add(k);
  }
  return outcomes;
}

/** The side-by-side part of runGroup: settles what it can, returns what it set aside. */
async function runSideBySide(
  db: PoolClient,
  tenant: string,
  programs: readonly WriteProgram<unknown>[],
  stamp: () => number,
  reads: TransactionReads,
  outcomes: Outcome[],
  changed: Set<string>,
): Promise<SetAside[]> {
  const finished: Finished[] = [];
  const aside: SetAside[] = [];
  let running: { index: number; steps: Steps; request: LookupRequest; reads: string[] }[] = [];
  const advance = (index: number, steps: Steps, keys: string[], found?: LookupResult) => {
    let step: ReturnType<Steps['next']>;
    try {
      step = found === undefined ? steps.next() : steps.next(found);
    } catch (error) {
      // The program refused (a conflict, an erased subject) from what it read: that stands
      // only if no earlier write of the group changed what it read, checked below.
      finished.push({ index, reads: keys, done: { ok: false, error } });
      return;
    }
    if (step.done) finished.push({ index, reads: keys, done: { ok: true, ...step.value } });
    else if (isKeyedRequest(step.value) && (found !== undefined || requestSize(step.value) <= SIDE_BY_SIDE_MAX_KEYS))
      running.push({ index, steps, request: step.value, reads: keys });
    else aside.push({ index, resume: { steps, request: step.value, reads: keys } });
  };
  programs.forEach((program, index) => {
    let steps: Steps;
    try {
      steps = program(stamp);
    } catch (error) {
      finished.push({ index, reads: [], done: { ok: false, error } });
      return;
    }
    advance(index, steps, []);
  });
  while (running.length > 0) {
    const buckets = new Map<string, typeof running>();
    for (const r of running) {
      const key = mergeBucket(r.request);
      const members = buckets.get(key);
      if (members) members.push(r);
      else buckets.set(key, [r]);
    }
    running = [];
    for (const members of buckets.values()) {
      let found: LookupResult;
      try {
        found = await pgLookup(db, tenant, mergeRequests(members.map((m) => m.request)), reads);
      } catch (error) {
        throw new LockstepFailure(error);
      }
      for (const m of members) advance(m.index, m.steps, [...m.reads, ...readKeys(m.request)], splitResult(found, m.request));
    }
  }

  // Accept in program order: a program stands if nothing an accepted earlier one wrote is
  // among what it read, and it writes no row one of them wrote.
  finished.sort((a, b) => a.index - b.index);
  const rowsWritten = new Set<string>();
  const accepted: { index: number; plan: WritePlan; result: unknown }[] = [];
  for (const f of finished) {
    const writes = f.done.ok ? writeKeys(f.done.plan) : { rows: [], found: [] };
    if (writes === undefined || f.reads.some((k) => changed.has(k)) || writes.rows.some((k) => rowsWritten.has(k))) {
      aside.push({ index: f.index });
      continue;
    }
    for (const k of writes.rows) {
      changed.add(k);
      rowsWritten.add(k);
    }
    for (const k of writes.found) changed.add(k);
    if (f.done.ok) accepted.push({ index: f.index, plan: f.done.plan, result: f.done.result });
    else outcomes[f.index] = { ok: false, error: f.done.error };
  }
  try {
    for (const plan of mergePlans(accepted.map((a) => a.plan))) await pgApply(db, tenant, plan);
  } catch (error) {
    throw new LockstepFailure(error);
  }
  for (const a of accepted) outcomes[a.index] = { ok: true, result: a.result, rows: planRows(a.plan) };
  return aside.sort((a, b) => a.index - b.index);
}
