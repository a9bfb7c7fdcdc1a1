/**
 * Bearer authentication for the Customer operations (customer-rest-binding: "All endpoints
 * require bearerAuth").
 *
 * 401 with `WWW-Authenticate` for a missing, malformed, expired, wrongly signed or unsigned
 * token, or a revoked client; 403 for a valid token without `od.crm`/`od.all` or for a
 * merchant the client is not authorized for. The merchant comes from `X-App-MerchantId` or a
 * `merchantId` query parameter (application model), or is the client's own (merchant model).
 */
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { predatesSecretRotation } from '../auth/secret-rotation.js';
import { TokenError } from '../auth/token-service.js';
import { customerScopes, signatureHeaders } from '../contract/auth.js';
import { ContractError } from '../contract/errors.js';
import type { ClientRecord } from '../store/auth-store.js';
import type { Authenticator } from './auth.js';

const REALM = 'odc';

function unauthorized(message: string, error?: 'invalid_request' | 'invalid_token'): ContractError {
  const challenge = error ? `Bearer realm="${REALM}", error="${error}", error_description="${message.replace(/"/g, "'")}"` : `Bearer realm="${REALM}"`;
  return new ContractError('UNAUTHORIZED', message, [], { 'www-authenticate': challenge });
}

/** The client behind a request's Bearer token, with the scopes the token grants. */
export async function authenticateClient(
  auth: AuthService,
  request: FastifyRequest,
  accepted: readonly string[] = customerScopes,
): Promise<{ client: ClientRecord; scopes: string[] }> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') throw unauthorized('send an access token: Authorization: Bearer <token> (get one at POST /oauth/token)');
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!match) throw unauthorized('the Authorization header must be "Bearer <token>"', 'invalid_request');
  let verified: Awaited<ReturnType<typeof auth.tokens.verify>>;
  try {
    verified = await auth.tokens.verify(match[1]);
  } catch (error) {
    if (error instanceof TokenError) throw unauthorized(error.message, 'invalid_token');
    throw error;
  }
  const client = await auth.clients.lookup(verified.clientId);
  if (!client) {
    if (verified.external) throw new ContractError('FORBIDDEN', `client ${verified.clientId} of the external issuer is not registered here`);
    throw unauthorized('the token names an unknown client', 'invalid_token');
  }
  if (client.revokedAt) throw unauthorized('the client of this token is revoked', 'invalid_token');
  if (!verified.external && predatesSecretRotation(verified.payload, client))
    throw unauthorized("the token was issued before the client's secret was rotated; get a new one", 'invalid_token');
  const granted = verified.scopes.filter((s) => accepted.includes(s));
  if (granted.length === 0) {
    throw new ContractError('FORBIDDEN', `the token lacks a scope of this operation (${accepted.join(' or ')})`, [], {
      'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${accepted.join(' ')}"`,
    });
  }
  return { client, scopes: granted };
}

/** The merchant (tenant) a request acts for, checked against the client's authorizations. */
export function selectMerchant(request: FastifyRequest, client: ClientRecord): string {
  const fromHeader = request.headers[signatureHeaders.merchantId];
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.merchantId;
  if (Array.isArray(fromHeader) || Array.isArray(fromQuery))
    throw new ContractError('VALIDATION_ERROR', 'name the merchant once', ['merchantId: given more than once']);
  if (typeof fromHeader === 'string' && typeof fromQuery === 'string' && fromHeader !== fromQuery) {
    throw new ContractError('VALIDATION_ERROR', 'X-App-MerchantId and merchantId name different merchants', [
      `X-App-MerchantId: ${fromHeader}`,
      `merchantId: ${String(fromQuery)}`,
    ]);
  }
  const asked = typeof fromHeader === 'string' ? fromHeader : typeof fromQuery === 'string' ? fromQuery : undefined;
  if (asked === undefined) {
    if (client.merchants.length === 1) return client.merchants[0];
    throw new ContractError(
      'VALIDATION_ERROR',
      'this client acts for several merchants: name one with the X-App-MerchantId header or a merchantId query parameter',
      ['X-App-MerchantId: is required'],
    );
  }
  if (!client.merchants.includes(asked))
    throw new ContractError('FORBIDDEN', `this client is not authorized for merchant ${JSON.stringify(asked.slice(0, 100))}`);
  return asked;
}

export function bearerAuthenticator(auth: AuthService): Authenticator {
  return async (request) => {
    const { client } = await authenticateClient(auth, request);
    return { tenant: selectMerchant(request, client), clientId: client.clientId };
  };
}
