/**
 * Credentials for tests of an authenticated server (`useServer(kind, { withAuth: {...} })`):
 * create clients through the registry, get tokens through the real token endpoint, and send
 * requests with them.
 */
import type { IssuedCredentials, NewClient } from '../../src/auth/client-registry.js';
import type { TestResponse, TestServer } from './test-server.js';

export async function addClient(server: TestServer, client: Partial<NewClient> & { merchants: string[] }): Promise<IssuedCredentials> {
  if (!server.auth) throw new Error('the server runs without auth');
  return server.auth.clients.add({ name: 'test client', model: 'application', scopes: ['od.crm'], ...client });
}

/** A token from POST /oauth/token (form-encoded, as the Open Delivery v1 document shows). */
export async function tokenFor(server: TestServer, creds: { clientId: string; clientSecret: string }, scope?: string): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: creds.clientId,
    client_secret: creds.clientSecret,
    ...(scope ? { scope } : {}),
  });
  const res = await server.request('POST', '/oauth/token', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return res.json.access_token as string;
}

export interface Caller {
  get(path: string, headers?: Record<string, string>): Promise<TestResponse>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
}

/** Sends requests with a Bearer token and, when given, an X-App-MerchantId. */
export function caller(server: TestServer, token: string, merchant?: string): Caller {
  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    ...(merchant ? { 'x-app-merchantid': merchant } : {}),
    ...extra,
  });
  return {
    get: (path, extra) => server.request('GET', path, undefined, headers(extra)),
    post: (path, body, extra) => server.request('POST', path, body, headers(extra)),
  };
}
