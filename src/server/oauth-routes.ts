/**
 * The OAuth 2.0 token endpoint (client credentials) and the JWKS of this instance.
 *
 * `POST /oauth/token` takes the form-encoded body of the Open Delivery v1 document and the
 * JSON body of the v2 draft, with the client's credentials in the body or in HTTP Basic
 * auth. Errors carry both the contract's `{code, message, details}` and RFC 6749's
 * `error`/`error_description`, so OAuth libraries and Open Delivery clients both read them.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { secretStampClaims } from '../auth/secret-rotation.js';
import { customerScopes } from '../contract/auth.js';
import { ContractError } from '../contract/errors.js';

export interface OAuthRoutesOptions {
  auth: AuthService;
}

type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

function oauthError(error: OAuthError, message: string): ContractError {
  const code = error === 'invalid_client' ? 'UNAUTHORIZED' : 'VALIDATION_ERROR';
  const headers: Record<string, string> = error === 'invalid_client' ? { 'www-authenticate': 'Basic realm="odc"' } : {};
  const failure = new ContractError(code, message, [`${error}: ${message}`], headers);
  (failure as ContractError & { oauth?: OAuthError }).oauth = error;
  return failure;
}

/**
 * The credentials of an HTTP Basic header (RFC 6749 §2.3.1: form-urlencoded id and secret).
 * A Basic header that does not decode is the client's mistake: 400, never a 500.
 */
function credentialsFromBasic(header: string | undefined): { id?: string; secret?: string } {
  if (!header || !/^Basic(\s|$)/i.test(header)) return {};
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  const malformed = () => oauthError('invalid_request', 'the Authorization header must be Basic base64(client_id:client_secret)');
  if (!match) throw malformed();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformed();
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    throw malformed();
  }
}

export const oauthRoutes: FastifyPluginAsync<OAuthRoutesOptions> = async (app, { auth }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // Answers OAuth failures with RFC 6749 fields beside the contract's error body.
  app.addHook('onSend', async (_request, reply, payload) => {
    const oauth = (reply as unknown as { oauthError?: OAuthError }).oauthError;
    if (!oauth || typeof payload !== 'string') return payload;
    const body = JSON.parse(payload) as { message: string };
    return JSON.stringify({ ...body, error: oauth, error_description: body.message });
  });
  app.setErrorHandler((error, _request, reply) => {
    const oauth = (error as { oauth?: OAuthError }).oauth;
    if (oauth) (reply as unknown as { oauthError?: OAuthError }).oauthError = oauth;
    throw error;
  });

  app.post('/oauth/token', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw oauthError('invalid_request', 'the body must be an object of token request fields');
    const grantType = body.grant_type;
    if (grantType !== 'client_credentials') {
      throw oauthError('unsupported_grant_type', `grant_type must be client_credentials (got ${JSON.stringify(grantType ?? null)})`);
    }
    const basic = credentialsFromBasic(request.headers.authorization);
    const clientId = typeof body.client_id === 'string' ? body.client_id : basic.id;
    const clientSecret = typeof body.client_secret === 'string' ? body.client_secret : basic.secret;
    if (!clientId || !clientSecret) throw oauthError('invalid_request', 'send client_id and client_secret');
    const checked = await auth.tokenThrottle.run(clientId, request.ip, () => auth.clients.authenticate(clientId, clientSecret));
    if ('throttled' in checked) {
      const { retryAfterSeconds, reason } = checked.throttled;
      throw new ContractError('RATE_LIMITED', `${reason}; retry after ${retryAfterSeconds} s`, [], { 'retry-after': String(retryAfterSeconds) });
    }
    const client = checked.result;
    if (!client) throw oauthError('invalid_client', 'unknown client, wrong secret, or revoked client');
    const requested = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [];
    const outside = requested.filter((s) => !client.scopes.includes(s));
    if (outside.length > 0) {
      const known = requested.filter((s) => (customerScopes as readonly string[]).includes(s));
      throw oauthError(
        'invalid_scope',
        `scope ${outside.join(' ')} is not granted to this client${known.length === 0 ? `; this server grants ${customerScopes.join(', ')}` : ''}`,
      );
    }
    const scopes = requested.length > 0 ? requested : client.scopes;
    const { token, expiresIn } = await auth.tokens.issue(client.clientId, scopes, secretStampClaims(client));
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({
        access_token: token,
        token_type: 'bearer',
        expires_in: expiresIn,
        expiresIn,
        scope: scopes.join(' '),
      });
  });

  app.get('/.well-known/jwks.json', async (_request, reply) => reply.header('cache-control', 'public, max-age=60').send(auth.tokens.jwks()));
};
