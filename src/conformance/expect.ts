/**
 * Assertions for checks: each names what the contract expects and what the target did, and
 * keeps the exchange as evidence.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ResourceKind } from '../contract/validation.js';
import { fail } from './check.js';
import type { RunContext } from './context.js';
import type { Exchange } from './http-target.js';

export function describeStatus(exchange: Exchange): string {
  const code = (exchange.json as { code?: unknown } | undefined)?.code;
  return `${exchange.status}${typeof code === 'string' ? ` ${code}` : ''}`;
}

export function expectStatus(exchange: Exchange, expected: number | readonly number[], what: string): void {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  if (!allowed.includes(exchange.status)) fail(`${what}: unexpected status`, allowed.join(' or '), describeStatus(exchange), exchange);
}

/** A refusal: 400 (some targets answer 422 for a well-formed but invalid body). */
export function expectRefused(exchange: Exchange, what: string): void {
  if (exchange.status !== 400 && exchange.status !== 422) fail(`${what} was not refused`, '400 (or 422)', describeStatus(exchange), exchange);
}

export function expectJsonType(exchange: Exchange, what: string): void {
  const type = exchange.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type))
    fail(`${what}: response is not JSON`, 'Content-Type: application/json', type === '' ? 'no Content-Type' : type, exchange);
}

/** A 200 JSON array whose items (the first 25) are valid records of `kind`. */
export function expectRecordArray(ctx: RunContext, exchange: Exchange, kind: ResourceKind, what: string): unknown[] {
  expectStatus(exchange, 200, what);
  expectJsonType(exchange, what);
  if (!Array.isArray(exchange.json)) fail(`${what}: body is not a JSON array`, `array[${kind}]`, typeName(exchange.json), exchange);
  const problems = exchange.json.slice(0, 25).flatMap((item, i) => ctx.problemsOf(kind, item, `/${i}`));
  if (problems.length > 0) fail(`${what}: items are not valid ${kind} records`, `array[${kind}]`, problems.slice(0, 3).join('; '), exchange);
  return exchange.json;
}

/** A 200 JSON object that is a valid record of `kind`. */
export function expectRecord(ctx: RunContext, exchange: Exchange, kind: ResourceKind, what: string): Record<string, unknown> {
  expectStatus(exchange, 200, what);
  expectJsonType(exchange, what);
  const body = exchange.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(`${what}: body is not a JSON object`, kind, typeName(body), exchange);
  const problems = ctx.problemsOf(kind, body);
  if (problems.length > 0) fail(`${what}: body is not a valid ${kind}`, kind, problems.slice(0, 3).join('; '), exchange);
  return body as Record<string, unknown>;
}

/** Deep equality of JSON values; key order does not matter (JSON objects are unordered). */
export function expectEqual(actual: unknown, expected: unknown, what: string, exchange?: Exchange): void {
  if (!isDeepStrictEqual(actual, expected)) fail(what, JSON.stringify(expected), JSON.stringify(actual) ?? 'undefined', exchange);
}

export function typeName(value: unknown): string {
  if (value === undefined) return 'no body';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Reads a dotted path of a JSON value. */
export function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}
