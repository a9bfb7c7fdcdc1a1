/**
 * Access tokens for the client: a fixed token, or OAuth client credentials fetched once and
 * reused until shortly before they expire (the spec: "MUST be cached and reused until
 * expires_in elapses. It MUST NOT be regenerated per request"). Concurrent callers share one
 * token request.
 */
import { OdcError } from './client-errors.js';

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

export function clientCredentials(credentials: ClientCredentials, baseUrl: string, fetchImpl: typeof fetch): TokenProvider {
  const tokenUrl = credentials.tokenUrl ?? new URL('/oauth/token', baseUrl).toString();
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret });
    if (credentials.scope) body.set('scope', credentials.scope);
    const response = await fetchImpl(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
    if (!response.ok) throw await OdcError.from(response);
    const answer = (await response.json()) as { access_token: string; expires_in?: number };
    const lifetimeMs = (answer.expires_in ?? 3600) * 1000;
    cached = { token: answer.access_token, refreshAt: Date.now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return answer.access_token;
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
