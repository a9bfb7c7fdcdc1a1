/**
 * The target under test, reached over HTTP only: a base URL, credentials, and the courtesy
 * the discovery document asks of a counterpart ("requestsPerSecond ... The counterpart MUST
 * throttle accordingly", discovery.openapi.yaml). A 429 is waited out (Retry-After) rather
 * than reported, since rate limiting is the target's right, not a conformance failure.
 *
 * The target is untrusted too: every answer is read within a cap and a timeout, redirects are
 * followed only on the target's origin (outbound-request.ts), and its declared rate is held to
 * sane bounds (peer-limits.ts).
 */
import { outboundRequest, responseCaps } from '../client/outbound-request.js';
import { clampPeerLimit } from '../client/peer-limits.js';
import { signBody, signatureHeaders } from '../contract/auth.js';

export interface Exchange {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when empty or not JSON. */
  json: unknown;
}

/** Where a token comes from: fixed (`--token`) or OAuth client credentials. */
export interface TokenSource {
  token(): Promise<string>;
  invalidate(): void;
}

/** How a request authenticates: the run's credentials, none at all, or a forged token. */
export type AuthMode = 'default' | 'none' | 'garbage';

export interface RequestOptions {
  query?: Record<string, string>;
  /** A JSON value to send, serialized here. */
  body?: unknown;
  /** Bytes to send as they are (malformed or signed bodies). */
  rawBody?: string;
  auth?: AuthMode;
  headers?: Record<string, string>;
  /** Adds X-App-Id, X-App-MerchantId and X-App-Signature when a signing secret is known. */
  sign?: boolean;
}

export interface SigningIdentity {
  appId: string;
  merchantId: string;
  secret: string;
}

export interface HttpTargetOptions {
  /** Base URL of the Customer operations, e.g. https://crm.example.com/v2. */
  baseUrl: string;
  tokens?: TokenSource;
  /** Sent as X-App-MerchantId on every operation (application-model clients). */
  merchantId?: string;
  signing?: SigningIdentity;
  fetch?: typeof fetch;
  /** Per-request timeout, connection to last byte (default 15 s). */
  timeoutMs?: number;
  /** Largest answer read, in bytes after decompression (default 16 MiB). */
  maxResponseBytes?: number;
}

/** A well-formed JWT that no issuer signed: what an attacker or a stale config sends. */
export const FORGED_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjb25mb3JtYW5jZSIsInNjb3BlIjoib2QuY3JtIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLW9mLW5vYm9keQ';

const MAX_RATE_LIMIT_RETRIES = 4;

export class HttpTarget {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private minIntervalMs = 0;
  private nextSlot = 0;
  /** Every request sent, for the report's figures. */
  requests = 0;

  constructor(private readonly options: HttpTargetOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  get hasCredentials(): boolean {
    return this.options.tokens !== undefined;
  }

  get signing(): SigningIdentity | undefined {
    return this.options.signing;
  }

  /** Throttles to the declared rate (with a margin), never above it; the rate is clamped to 0.1..10,000/s. */
  throttle(requestsPerSecond: unknown): void {
    const rate = clampPeerLimit('requestsPerSecond', requestsPerSecond);
    if (rate !== undefined) this.minIntervalMs = Math.ceil(1000 / (rate * 0.8));
  }

  /** A URL under the base URL: `/customers` → `<base>/customers`. Absolute URLs pass through. */
  url(path: string, query?: Record<string, string>): string {
    const url = new URL(/^https?:\/\//i.test(path) ? path : `${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    return url.toString();
  }

  async request(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<Exchange> {
    const url = this.url(path, options.query);
    let attempt = 0;
    let retriedAuth = false;
    for (;;) {
      const exchange = await this.send(method, url, options);
      if (exchange.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        attempt += 1;
        const seconds = Number(exchange.headers.get('retry-after'));
        await sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : 1000 * attempt);
        continue;
      }
      // An expired cached token (RFC 6750 invalid_token) is not the target's fault: fetch a new one once.
      if (
        exchange.status === 401 &&
        (options.auth ?? 'default') === 'default' &&
        this.options.tokens &&
        !retriedAuth &&
        /invalid_token/i.test(exchange.headers.get('www-authenticate') ?? '')
      ) {
        retriedAuth = true;
        this.options.tokens.invalidate();
        const again = await this.send(method, url, options);
        if (again.status !== 429) return again;
        continue;
      }
      return exchange;
    }
  }

  private async send(method: string, url: string, options: RequestOptions): Promise<Exchange> {
    await this.wait();
    const headers: Record<string, string> = { accept: 'application/json' };
    const mode = options.auth ?? 'default';
    if (mode === 'default' && this.options.tokens) headers.authorization = `Bearer ${await this.options.tokens.token()}`;
    if (mode === 'garbage') headers.authorization = `Bearer ${FORGED_TOKEN}`;
    if (this.options.merchantId) headers[signatureHeaders.merchantId] = this.options.merchantId;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.sign && this.options.signing && body !== undefined) {
      headers[signatureHeaders.appId] = this.options.signing.appId;
      headers[signatureHeaders.merchantId] = this.options.signing.merchantId;
      headers[signatureHeaders.signature] = signBody(body, this.options.signing.secret);
    }
    Object.assign(headers, options.headers ?? {});
    this.requests += 1;
    const response = await outboundRequest(url, {
      method,
      headers,
      body,
      fetch: this.fetchImpl,
      timeoutMs: this.options.timeoutMs ?? 15_000,
      maxBytes: this.options.maxResponseBytes ?? responseCaps.listPage,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { method, url, status: response.status, headers: response.headers, text, json };
  }

  private async wait(): Promise<void> {
    if (this.minIntervalMs === 0) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.minIntervalMs;
    if (slot > now) await sleep(slot - now);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
