/**
 * Writes a list answer: a bare JSON array (seed), with `X-Total-Count` and an RFC 8288 `Link`
 * header (docs/contract.md §2). `rel="next"` carries a keyset cursor; `rel="prev"` and
 * `rel="first"` are page numbers. Links are relative references to the request's own path,
 * so they hold behind any proxy or base path without trusting the Host header.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageResult } from '../store/store.js';
import { encodeCursor, type ParsedListQuery } from './list-query.js';

function linkTo(path: string, query: Record<string, unknown>, overrides: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...overrides })) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

export function sendPage(request: FastifyRequest, reply: FastifyReply, parsed: ParsedListQuery, result: PageResult): FastifyReply {
  const path = request.url.split('?')[0];
  const query = request.query as Record<string, unknown>;
  const links: string[] = [];
  if (result.hasMore && result.last) {
    const next = linkTo(path, query, {
      cursor: encodeCursor(result.last, parsed.pageNumber + 1),
      page: String(parsed.pageNumber + 1),
      pageSize: String(parsed.pageSize),
    });
    links.push(`<${next}>; rel="next"`);
  }
  if (parsed.pageNumber > 1) {
    links.push(`<${linkTo(path, query, { cursor: undefined, page: String(parsed.pageNumber - 1), pageSize: String(parsed.pageSize) })}>; rel="prev"`);
    links.push(`<${linkTo(path, query, { cursor: undefined, page: '1', pageSize: String(parsed.pageSize) })}>; rel="first"`);
  }
  reply.header('x-total-count', String(result.total));
  if (links.length > 0) reply.header('link', links.join(', '));
  return reply.type('application/json; charset=utf-8').send(`[${result.items.join(',')}]`);
}
