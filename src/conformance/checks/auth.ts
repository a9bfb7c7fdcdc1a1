/**
 * Bearer enforcement on every operation ("All endpoints require bearerAuth", REST binding,
 * Authentication; "Enforce Bearer authentication on all operations", Conformance 2): each
 * operation is called with no token and with a forged one, and must answer 401.
 *
 * When the run has no credentials and the target's discovery does not declare
 * authentication as required (a development instance), these checks are skipped with that
 * reason; a target that declares authentication must enforce it, credentials or not.
 */
import { operations, type OperationId } from '../../contract/operations.js';
import type { Check } from '../check.js';
import { fail, skip } from '../check.js';
import type { RunContext } from '../context.js';
import { describeStatus } from '../expect.js';
import type { Exchange } from '../http-target.js';

const binding =
  '"All endpoints require bearerAuth (HTTP Bearer JWT)" (REST binding, Authentication); "Enforce Bearer authentication on all operations" (REST binding, Conformance 2)';

export function authenticationDeclared(ctx: RunContext): boolean {
  return ctx.authentication?.required === true || (Array.isArray(ctx.authentication?.supportedGrantTypes) && ctx.authentication.supportedGrantTypes.length > 0);
}

function requireAuthContext(ctx: RunContext): void {
  if (!ctx.target.hasCredentials && !authenticationDeclared(ctx)) {
    skip(
      'no credentials given and the target declares no authentication (authentication.required is not true): a development setup; a production endpoint MUST enforce Bearer',
    );
  }
}

/** A write that would be valid if it got through: a refusal must come from auth, not validation. */
function validBody(ctx: RunContext, operationId: OperationId): unknown {
  const p = ctx.payloads;
  switch (operationId) {
    case 'upsertCustomer':
      return [p.customer('auth-probe')];
    case 'upsertLead':
      return [p.lead('auth-probe')];
    case 'upsertOrders':
      return [p.order('auth-probe', p.key('customer'))];
    case 'createReview':
      return p.review('auth-probe', p.key('customer'));
    case 'publishCustomerEvent':
      return p.event('auth-probe', p.key('customer'));
    default:
      return undefined;
  }
}

const params = (ctx: RunContext) => ({ id: ctx.payloads.key('customer'), customerId: ctx.payloads.key('customer') });

const bearerChecks: Check[] = operations.map((op) => ({
  id: `auth.bearer.${op.operationId}`,
  level: 'MUST',
  operation: op.operationId,
  rule: binding,
  async run(ctx) {
    requireAuthContext(ctx);
    const body = validBody(ctx, op.operationId);
    for (const mode of ['none', 'garbage'] as const) {
      // Events are signed when the run can: a refusal must come from the missing token, not the signature.
      const exchange: Exchange = await ctx.call(op.operationId, { params: params(ctx), body, auth: mode, sign: true });
      if (exchange.status !== 401) {
        fail(
          `${op.method} ${op.path} ${mode === 'none' ? 'without a token' : 'with a forged token'} is not refused`,
          '401',
          describeStatus(exchange),
          exchange,
        );
      }
    }
  },
}));

export const authChecks: Check[] = [
  ...bearerChecks,
  {
    id: 'auth.www-authenticate',
    level: 'SHOULD',
    operation: 'listCustomers',
    rule: '"the resource server MUST include the HTTP WWW-Authenticate response header field" (RFC 6750 §3, the Bearer scheme the binding names)',
    async run(ctx) {
      requireAuthContext(ctx);
      const exchange = await ctx.call('listCustomers', { auth: 'none' });
      if (exchange.status !== 401) skip(`the target answered ${exchange.status} without a token (see auth.bearer.listCustomers)`);
      const challenge = exchange.headers.get('www-authenticate');
      if (!challenge || !/^Bearer\b/i.test(challenge))
        fail('a 401 without a Bearer challenge', 'WWW-Authenticate: Bearer ...', challenge ?? 'absent', exchange);
    },
  },
  {
    id: 'auth.token-endpoint.rejects-bad-secret',
    level: 'SHOULD',
    rule: '"invalid_client: Client authentication failed (e.g., unknown client ...)" (RFC 6749 §5.2, the token endpoint of authentication.openapi.yaml)',
    async run(ctx) {
      const tokenUrl = ctx.authentication?.tokenUrl;
      if (typeof tokenUrl !== 'string') skip('the target declares no tokenUrl');
      const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: `conformance-${ctx.runId}`, client_secret: 'not-the-secret' }).toString();
      const exchange = await ctx.target.request('POST', tokenUrl, {
        auth: 'none',
        rawBody: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (exchange.status !== 401 && exchange.status !== 400)
        fail('a token request with unknown credentials is not refused', '401 (or 400)', describeStatus(exchange), exchange);
      if (typeof (exchange.json as { access_token?: unknown } | undefined)?.access_token === 'string')
        fail('a token was issued for unknown credentials', 'no access_token', 'an access_token', exchange);
    },
  },
];
