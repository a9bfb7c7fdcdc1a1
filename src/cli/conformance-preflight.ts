/**
 * Before `odc conformance` runs its checks it proves the credentials: a token is obtained
 * (client credentials at the token URL discovery declares, else `<origin>/oauth/token`) and
 * one authenticated read is made. A refused token stops the run with a message and exit code 2,
 * instead of a verdict of dozens of failures that only say "401".
 */
import { OdcError } from '../client/client-errors.js';
import { clientCredentials, staticToken, type TokenProvider } from '../client/token-provider.js';

export const CREDENTIALS_REFUSED_EXIT = 2;

export interface PreflightOptions {
  baseUrl: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  scope?: string;
  merchant?: string;
  discoveryUrl?: string;
}

async function declaredTokenUrl(o: PreflightOptions): Promise<string | undefined> {
  const base = o.baseUrl.replace(/\/+$/, '');
  const candidates = o.discoveryUrl ? [o.discoveryUrl] : [`${base}/.well-known/opendelivery`, new URL('/.well-known/opendelivery', base).toString()];
  for (const url of candidates) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) continue;
      const manifest = (await res.json()) as { authentication?: { tokenUrl?: unknown } };
      return typeof manifest.authentication?.tokenUrl === 'string' ? manifest.authentication.tokenUrl : undefined;
    } catch {}
  }
  return undefined;
}

/** Undefined when the credentials work (or cannot be judged); else why they do not. */
export async function refusedCredentials(o: PreflightOptions): Promise<string | undefined> {
  if (!o.token && !(o.clientId && o.clientSecret))
    return 'no credentials: give --client-id and --client-secret (or ODC_CLIENT_ID, ODC_CLIENT_SECRET), or --token';
  let tokens: TokenProvider;
  let token: string;
  if (o.clientId && o.clientSecret) {
    const tokenUrl = o.tokenUrl ?? (await declaredTokenUrl(o)) ?? new URL('/oauth/token', o.baseUrl).toString();
    tokens = clientCredentials({ clientId: o.clientId, clientSecret: o.clientSecret, tokenUrl, scope: o.scope }, o.baseUrl, fetch);
    try {
      token = await tokens.token();
    } catch (error) {
      const detail = error instanceof OdcError ? `${error.status} ${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      return `token refused by ${tokenUrl} (${detail}): check --client-id and --client-secret, and --token-url if the token endpoint is elsewhere`;
    }
  } else {
    tokens = staticToken(o.token!);
    token = await tokens.token();
  }
  const url = `${o.baseUrl.replace(/\/+$/, '')}/customers?pageSize=1`;
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (o.merchant) headers['x-app-merchantid'] = o.merchant;
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status === 401) return `token refused by the target (GET ${url} answered 401): the token is invalid, expired, or for another audience`;
    if (res.status === 403)
      return `the token is not allowed here (GET ${url} answered 403): check --merchant${o.merchant ? ` (${o.merchant})` : ''} and the client's scopes (--scope)`;
  } catch {
    // Unreachable targets are the checks' business: they report it per operation.
  }
  return undefined;
}
