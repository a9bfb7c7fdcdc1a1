/**
 * Every request odc sends to another server goes through here (client, pull, push, token
 * requests, the conformance kit, webhook delivery, external JWKS): another server is untrusted,
 * and one answer of 2 GB, one that never ends or one that redirects elsewhere must not cost odc
 * its memory, its time or its credentials (docs/hostile-input.md, "Hostile peers").
 *
 *  - A timeout covers the whole exchange: connecting, the headers and the last byte of the body.
 *  - The body is read as a stream and cut at `maxBytes`, counting bytes after decompression
 *    (fetch decodes gzip/br/deflate as it streams), so a gzip bomb is cut like a plain 2 GB body.
 *  - Redirects are never followed by fetch itself (`redirect: 'manual'`): one is followed here
 *    only when `redirects` is 'same-origin' and it stays on the same scheme, host and port, so
 *    an Authorization header or a form with a secret never leaves the origin it was meant for.
 *  - `User-Agent: odc/<version>` on every request, so a peer's operators can tell who calls.
 */
import { version } from '../version.js';

export const USER_AGENT = `odc/${version}`;

/** Caps, in bytes, for the kinds of answers odc reads. */
export const responseCaps = {
  /** A list page: odc's own are at most 1 MiB (docs/contract.md §9); room for a less careful peer. */
  listPage: 16 * 1024 * 1024,
  /** A single record, a write's answer, an error body. */
  record: 4 * 1024 * 1024,
  /** A discovery document or a JWKS. */
  document: 1024 * 1024,
  /** A token response is a few hundred bytes. */
  token: 64 * 1024,
  /** A webhook subscriber's reply is not read, only drained a little. */
  webhookReply: 4 * 1024,
} as const;

export interface OutboundOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** Whole-exchange timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Largest body read, decompressed, in bytes (default responseCaps.record). */
  maxBytes?: number;
  /** What to do with an over-long body: fail (default), or keep the first `maxBytes` and flag it. */
  overflow?: 'fail' | 'truncate';
  /** 'same-origin' (default): follow up to 5 redirects that stay on the origin; 'none': a 3xx is refused. */
  redirects?: 'same-origin' | 'none';
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** An answer read whole (within its cap); shaped like the parts of `Response` odc uses. */
export interface OutboundResponse {
  /** The URL that answered (after same-origin redirects). */
  url: string;
  status: number;
  statusText: string;
  ok: boolean;
  headers: Headers;
  /** The body as read (decompressed); with overflow 'truncate', at most `maxBytes`. */
  bytes: Buffer;
  /** True when overflow 'truncate' cut the body. */
  truncated: boolean;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** A peer's answer odc refused to take: too large, too slow, or redirected away. */
export class OutboundError extends Error {
  constructor(
    readonly url: string,
    readonly reason: 'too-large' | 'timeout' | 'redirect' | 'cross-origin' | 'cycle' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }

  /** A timeout or a dropped connection may pass; a body too large or a redirect away will not. */
  get retryable(): boolean {
    return this.reason === 'timeout' || this.reason === 'network';
  }
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Sends one request and reads its answer within the caps; throws OutboundError when it cannot. */
export async function outboundRequest(input: string | URL, options: OutboundOptions = {}): Promise<OutboundResponse> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? responseCaps.record;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let url = new URL(input);
  let method = options.method ?? 'GET';
  let body = options.body;
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...options.headers };
  try {
    for (let hop = 0; ; hop += 1) {
      const response = await fetchImpl(url, { method, headers, body, signal, redirect: 'manual' });
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        if (!location) throw new OutboundError(url.href, 'redirect', `${url.href} answered ${response.status} without a Location`);
        const target = new URL(location, url);
        if ((options.redirects ?? 'same-origin') === 'none')
          throw new OutboundError(
            url.href,
            'redirect',
            `${url.href} answered a redirect (${response.status}) to ${target.href}; odc does not follow redirects here`,
          );
        if (target.origin !== url.origin)
          throw new OutboundError(
            url.href,
            'cross-origin',
            `${url.href} redirects (${response.status}) to another origin, ${target.origin}; odc follows same-origin redirects only`,
          );
        if (hop >= MAX_REDIRECTS) throw new OutboundError(url.href, 'redirect', `${url.href}: more than ${MAX_REDIRECTS} redirects`);
        // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
        }
        url = target;
        continue;
      }
      const { bytes, truncated } = await readCapped(response, url.href, maxBytes, options.overflow ?? 'fail');
      return {
        url: url.href,
        status: response.status,
        statusText: response.statusText,
        ok: response.ok,
        headers: response.headers,
        bytes,
        truncated,
        text: async () => bytes.toString('utf8'),
        json: async () => JSON.parse(bytes.toString('utf8')),
      };
    }
  } catch (error) {
    if (error instanceof OutboundError) throw error;
    if (timeout.aborted) throw new OutboundError(url.href, 'timeout', `${url.href} did not answer in full within ${timeoutMs} ms`);
    if (options.signal?.aborted) throw error;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new OutboundError(url.href, 'network', `${url.href}: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}`);
  }
}

/** Reads the body chunk by chunk and stops (cancelling the rest) once it passes `maxBytes`. */
async function readCapped(response: Response, url: string, maxBytes: number, overflow: 'fail' | 'truncate'): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (!response.body) return { bytes: Buffer.alloc(0), truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: Buffer.concat(chunks, size), truncated: false };
      if (size + value.byteLength > maxBytes) {
        if (overflow === 'fail')
          throw new OutboundError(url, 'too-large', `the answer of ${url} is larger than ${maxBytes} bytes (odc's cap for it); not read further`);
        chunks.push(value.subarray(0, maxBytes - size));
        return { bytes: Buffer.concat(chunks, maxBytes), truncated: true };
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/**
 * Refuses `link` (a `rel="next"` target, say) unless it is on the origin of `from`: following it
 * would send the request's credentials to a server nobody named.
 */
export function requireSameOrigin(link: string, from: string | URL, what: string): string {
  const target = new URL(link, from);
  const origin = new URL(from).origin;
  if (target.origin !== origin)
    throw new OutboundError(target.href, 'cross-origin', `${what} points to another origin (${target.origin}, not ${origin}); odc does not follow it`);
  return target.href;
}
