/**
 * Access tokens for the client: a fixed token, or OAuth client credentials fetched once and
 * reused until shortly before they expire (the spec: "MUST be cached and reused until
 * expires_in elapses. It MUST NOT be regenerated per request"). Concurrent callers share one
 * token request.
 *
 * The secret goes to one URL only: a redirect on the token request is refused, never followed
 * (a 307 would re-post the secret to wherever it points), and the answer is read within a
 * small cap and a timeout (outbound-request.ts).
 */
import { OdcError } from './client-errors.js';
import { outboundRequest, responseCaps } from './outbound-request.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Defaults to `<origin>/oauth/token` of the base URL. */
  tokenUrl?: string;
  scope?: string;
}

export interface TokenProvider {
  token(): Promise<string>;
  /** Forgets the cached token (after a 401), so the next call fetches a new one. */
  invalidate(): void;
}

/** Refresh this long before expiry, so a token never expires in flight. */
const REFRESH_MARGIN_MS = 60_000;

export function staticToken(token: string): TokenProvider {
  return { token: async () => token, invalidate: () => undefined };
}

export function clientCredentials(credentials: ClientCredentials, baseUrl: string, fetchImpl?: typeof fetch, timeoutMs = 30_000): TokenProvider {
  const tokenUrl = credentials.tokenUrl ?? new URL('/oauth/token', baseUrl).toString();
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret });
    if (credentials.scope) body.set('scope', credentials.scope);
    const response = await outboundRequest(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirects: 'none',
      maxBytes: responseCaps.token,
      timeoutMs,
      fetch: fetchImpl,
    });
    if (!response.ok) throw await OdcError.from(response);
    const answer = (await response.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (typeof answer?.access_token !== 'string' || answer.access_token === '')
      throw new Error(`the token endpoint ${tokenUrl} answered without an access_token`);
    // An absurd lifetime (negative, or years) is held to between 10 s and a day.
    const seconds = typeof answer.expires_in === 'number' && Number.isFinite(answer.expires_in) ? answer.expires_in : 3600;
    const lifetimeMs = Math.min(Math.max(seconds, 10), 86_400) * 1000;
    const token = answer.access_token;
    cached = { token, refreshAt: Date.now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return token;
  };

  return {
    async token() {
      if (cached && Date.now() < cached.refreshAt) return cached.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
