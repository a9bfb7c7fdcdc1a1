/**
 * What a conformance check is: data (an id, the rule it checks quoted from the seed, the REST
 * binding or the documents they defer to, a level) plus a `run` that speaks HTTP only.
 *
 * A check passes when `run` returns, fails when it throws a `CheckFailure` (expected vs got,
 * with the exchange that showed it), and is skipped when it throws `CheckSkip` (an operation
 * the target does not declare, a prerequisite that failed, an option not given).
 */
import type { OperationId } from '../contract/operations.js';
import type { RunContext } from './context.js';
import type { Exchange } from './http-target.js';

/** RFC 2119 levels: only a failed MUST makes the run fail. */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

export interface Check {
  /** Stable, dotted: `<area>.<subject>.<property>`, e.g. `customers.upsert.requires-identifier`. */
  readonly id: string;
  readonly level: Level;
  /** The rule, quoted, with where it comes from: `"..." (seed, Customer Normative Rules)`. */
  readonly rule: string;
  /** The operation under test: skipped when the target's discovery does not declare it. */
  readonly operation?: OperationId;
  /** Other operations the check needs (to read back what it wrote); skipped when undeclared. */
  readonly requires?: readonly OperationId[];
  run(ctx: RunContext): Promise<void>;
}

/** The evidence of a failure: one HTTP exchange, shortened for a report. */
export interface ExchangeSummary {
  method: string;
  url: string;
  status: number;
  /** The first 300 characters of the response body. */
  body: string;
}

export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly expected: string,
    readonly got: string,
    readonly exchange?: ExchangeSummary,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

export class CheckSkip extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CheckSkip';
  }
}

export type Outcome = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  /** The first segment of the id: customers, auth, discovery... */
  area: string;
  level: Level;
  rule: string;
  operation?: string;
  outcome: Outcome;
  durationMs: number;
  /** Why it failed or was skipped. */
  message?: string;
  expected?: string;
  got?: string;
  exchange?: ExchangeSummary;
}

export function summarize(exchange: Exchange): ExchangeSummary {
  const body = exchange.text.length > 300 ? `${exchange.text.slice(0, 297)}...` : exchange.text;
  return { method: exchange.method, url: exchange.url, status: exchange.status, body };
}

/** Fails the check with expected/got and, when given, the exchange that showed it. */
export function fail(message: string, expected: string, got: string, exchange?: Exchange): never {
  throw new CheckFailure(message, expected, got, exchange ? summarize(exchange) : undefined);
}

export function skip(reason: string): never {
  throw new CheckSkip(reason);
}
