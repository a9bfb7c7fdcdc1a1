/**
 * Helpers for the black-box list suites (docs/contract.md §2): reading a list answer (the
 * RFC 8288 `Link` header as rel → target, `X-Total-Count`, a bare JSON array), following
 * `rel="next"` to the end as a syncing client would (optionally writing between pages),
 * asserting a 400 VALIDATION_ERROR that names a query parameter, and small seed builders.
 */
import assert from 'node:assert/strict';
import { parseLinkHeader } from '../../src/client/link-header.js';
import type { TestResponse, TestServer } from './test-server.js';

/** The `Link` header as rel → target (the first link of each relation), read by odc's one Link parser. */
export function linksOf(res: TestResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const link of parseLinkHeader(res.headers.get('link'))) for (const rel of link.rels) out[rel] ??= link.target;
  return out;
}

/** A link target (relative or absolute) as the path and query to request on the same server. */
export function pathOf(server: TestServer, target: string, from: string): string {
  const url = new URL(target, new URL(from, server.url));
  assert.equal(url.origin, new URL(server.url).origin, `link ${target} stays on the server`);
  return url.pathname + url.search;
}

export function paramsOf(server: TestServer, target: string): URLSearchParams {
  return new URL(target, server.url).searchParams;
}

export function totalOf(res: TestResponse): number {
  const header = res.headers.get('x-total-count');
  assert.ok(header !== null && /^\d+$/.test(header), `X-Total-Count is a count (got ${header})`);
  return Number(header);
}

export async function getList(server: TestServer, path: string): Promise<TestResponse> {
  const res = await server.request('GET', path);
  assert.equal(res.status, 200, `GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.ok(Array.isArray(res.json), `GET ${path} answers a bare JSON array`);
  return res;
}

export interface Walk {
  pages: any[][];
  items: any[];
  responses: TestResponse[];
}

/**
 * Follows `rel="next"` from `first` until there is none, calling `between` after each page
 * that has a next link (before that link is followed), as a client syncing while others
 * write would see it.
 */
export async function walk(server: TestServer, first: string, between?: (pageIndex: number) => Promise<void>): Promise<Walk> {
  const result: Walk = { pages: [], items: [], responses: [] };
  let path: string | undefined = first;
  while (path !== undefined) {
    assert.ok(result.pages.length < 1000, 'the walk ends');
    const res = await getList(server, path);
    result.pages.push(res.json);
    result.items.push(...res.json);
    result.responses.push(res);
    const next = linksOf(res).next;
    if (next !== undefined) {
      assert.ok(paramsOf(server, next).get('cursor'), `rel="next" carries a cursor: ${next}`);
      assert.ok(res.json.length > 0, 'a page with a next link is not empty');
    }
    if (next === undefined) break;
    // Writes happen only while the walk goes on: a record written after its last page
    // cannot be in it (the next sync, from the last updatedAt, picks it up).
    if (between) await between(result.pages.length - 1);
    path = pathOf(server, next, path);
  }
  return result;
}

/** An RFC 3339 instant in epoch milliseconds. */
export const ms = (iso: string) => Date.parse(iso);
/** A customer seed whose custom identifier is its id; `name` carries a version. */
export const customer = (id: string, name = 'v0') => ({ id, identifier: { type: 'custom', value: id }, name });
/** A zero-padded number, so that ids sort in numeric order. */
export const pad = (n: number, width = 3) => String(n).padStart(width, '0');

/** Asserts a 400 VALIDATION_ERROR whose message or details name `param`. */
export function assertQueryError(res: TestResponse, param: string, context: string): void {
  assert.equal(res.status, 400, `${context}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(res.json?.code, 'VALIDATION_ERROR', context);
  assert.equal(typeof res.json.message, 'string', context);
  assert.ok(Array.isArray(res.json.details), context);
  const text = [res.json.message, ...res.json.details].join('\n');
  assert.ok(text.includes(param), `${context}: the answer names ${param}: ${text}`);
}
