/**
 * Group commit for the PostgreSQL engine: the writes of one tenant wait in one queue, and one
 * transaction at a time takes them all. The tenant's clock row serializes its writes anyway
 * (postgres-store.ts), so one transaction per write paid a lock, a round trip per statement
 * of BEGIN/clock/COMMIT and an fsync each; a group pays them once. Each write still answers
 * only after the COMMIT that stored it returned (a 2xx means committed, docs/contract.md §7.4).
 */
import type { PoolClient } from 'pg';
import type { LookupRequest, WritePlan, WriteProgram } from '../engine.js';
import { pgApply, pgLookup, type TransactionReads } from './postgres-tables.js';

/** One write waiting for (or running in) a group transaction. */
export interface GroupWrite {
  program: WriteProgram<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** What one write of a group came to, settled only once the group committed. */
export type Outcome = { ok: true; result: unknown; rows: number } | { ok: false; error: unknown };

/**
 * An error the program itself threw (a conflict, an erased subject): it is plain code that
 * wrote nothing, so the transaction is intact and only this write fails.
 */
export class ProgramError extends Error {
  constructor(readonly cause: unknown) {
    super('write program failed');
  }
}

/** Most writes one transaction takes: a bound on the wait of the first of them. */
export const MAX_GROUP = 128;

/**
 * Queues writes per tenant and runs `commit` for one tenant at a time. `commit` takes writes
 * from the queue it is handed once its transaction holds the clock lock, so writes arriving
 * while a transaction is in flight join the next one, and settles every write it took.
 */
export class GroupCommit {
  private readonly queues = new Map<string, GroupWrite[]>();

  constructor(private readonly commit: (tenant: string, queue: GroupWrite[]) => Promise<void>) {}

  add(tenant: string, program: WriteProgram<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const write = { program, resolve, reject };
      const queue = this.queues.get(tenant);
      if (queue) {
        queue.push(write);
        return;
      }
      const fresh = [write];
      this.queues.set(tenant, fresh);
      // Writes arriving in this turn of the event loop join the first transaction too.
      setImmediate(() => void this.drain(tenant, fresh));
    });
  }

  private async drain(tenant: string, queue: GroupWrite[]): Promise<void> {
    try {
      while (queue.length > 0) await this.commit(tenant, queue);
    } catch (error) {
      // `commit` settles what it took; should it ever throw, no write is left waiting.
      for (const write of queue.splice(0)) write.reject(error);
    } finally {
      this.queues.delete(tenant);
    }
  }
}

/** Where a program stopped: its steps and the request it yielded, not yet answered. */
export interface Resume {
  steps: ReturnType<WriteProgram<unknown>>;
  request: LookupRequest;
}

/**
 * Runs one write's program (one round trip per look-up round), or continues it from `resume`,
 * and applies its plan. Errors of the program are wrapped in ProgramError; any other error
 * came from the database.
 */
export async function runWriteProgram(
  db: PoolClient,
  tenant: string,
  program: WriteProgram<unknown>,
  stamp: () => number,
  reads: TransactionReads,
  resume?: Resume,
): Promise<{ result: unknown; plan: WritePlan }> {
  type Steps = ReturnType<WriteProgram<unknown>>;
  const advance = (steps: Steps, found?: Parameters<Steps['next']>[0]) => {
    try {
      return found === undefined ? steps.next() : steps.next(found);
    } catch (error) {
      throw new ProgramError(error);
    }
  };
  let steps: Steps;
  let step: ReturnType<Steps['next']>;
  if (resume) {
    steps = resume.steps;
    step = { done: false, value: resume.request };
  } else {
    try {
      steps = program(stamp);
    } catch (error) {
      throw new ProgramError(error);
    }
    step = advance(steps);
  }
  while (!step.done) step = advance(steps, await pgLookup(db, tenant, step.value, reads));
  await pgApply(db, tenant, step.value.plan);
  return { result: step.value.result, plan: step.value.plan };
}

/** Settles a write with what `fail` throws (an error translated for the route). */
export function settleWithError(write: GroupWrite, fail: () => never): void {
  try {
    fail();
  } catch (error) {
    write.reject(error);
  }
}
