/**
 * The privacy operations (docs/contract.md §14): a person's data exported as one document,
 * erased in one transaction, and the audit trail that records both.
 *
 * Tenant-scoped like every operation, but guarded apart: a token with `od.privacy` or
 * `od.all` (never `od.crm` alone), or the admin key, which acts for the merchant named in
 * `X-App-MerchantId`. Every export and erasure is recorded with the client and request id.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthService } from '../auth/auth-service.js';
import { privacyScopes, signatureHeaders } from '../contract/auth.js';
import { ContractError } from '../contract/errors.js';
import { instantMicros } from '../domain/consent.js';
import { renderAuditEntry } from '../domain/audit-chain.js';
import { stampToIso } from '../store/change-clock.js';
import { authenticateClient, selectMerchant } from './bearer-auth.js';

export interface PrivacyRoutesOptions {
  auth: AuthService;
}

export const ADMIN_ACTOR = 'admin';
const MAX_AUDIT_PAGE = 1000;
const digest = (value: string) => createHash('sha256').update(value).digest();

/** The admin key, when the request carries it (Bearer or X-Admin-Key), compared in constant time. */
function carriesAdminKey(request: FastifyRequest, adminKey: string | undefined): boolean {
  if (!adminKey) return false;
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const given = typeof request.headers['x-admin-key'] === 'string' ? request.headers['x-admin-key'] : bearer;
  return given !== undefined && timingSafeEqual(digest(given), digest(adminKey));
}

function adminMerchant(request: FastifyRequest): string {
  const merchant = request.headers[signatureHeaders.merchantId];
  if (typeof merchant !== 'string' || merchant === '')
    throw new ContractError('VALIDATION_ERROR', 'the admin key acts for any merchant: name it with X-App-MerchantId', ['X-App-MerchantId: is required']);
  return merchant;
}

/** An RFC 3339 query time as the audit trail stores times (UTC, microseconds), or a 400 naming it. */
function auditTime(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const micros = typeof value === 'string' ? instantMicros(value) : Number.NaN;
  if (!Number.isFinite(micros))
    throw new ContractError('VALIDATION_ERROR', `${name} must be an RFC 3339 date-time`, [`${name}: must be an RFC 3339 date-time`]);
  return stampToIso(micros);
}

export const privacyRoutes: FastifyPluginAsync<PrivacyRoutesOptions> = async (app, { auth }) => {
  app.addHook('onRequest', async (request) => {
    if (carriesAdminKey(request, auth.adminKey)) {
      request.tenant = adminMerchant(request);
      request.clientId = ADMIN_ACTOR;
      return;
    }
    const { client } = await authenticateClient(auth, request, privacyScopes);
    request.tenant = selectMerchant(request, client);
    request.clientId = client.clientId;
  });

  const requester = (request: FastifyRequest) => ({ actor: request.clientId ?? ADMIN_ACTOR, requestId: request.id });
  const notFound = (ref: string) => new ContractError('NOT_FOUND', `no customer matches ${JSON.stringify(ref.slice(0, 100))}`);

  app.get('/privacy/customers/:ref', async (request, reply) => {
    const { ref } = request.params as { ref: string };
    const document = await app.store.exportSubject(request.tenant, ref, requester(request));
    if (document === undefined) throw notFound(ref);
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(document);
  });

  app.delete('/privacy/customers/:ref', async (request, reply) => {
    const { ref } = request.params as { ref: string };
    const receipt = await app.store.eraseSubject(request.tenant, ref, requester(request));
    if (receipt === undefined) throw notFound(ref);
    return reply.send(receipt);
  });

  app.get('/privacy/audit', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE)
      throw new ContractError('VALIDATION_ERROR', `limit must be an integer from 1 to ${MAX_AUDIT_PAGE}`, ['limit: out of range']);
    const after = q.after === undefined ? 0 : Number(q.after);
    if (!Number.isInteger(after) || after < 0)
      throw new ContractError('VALIDATION_ERROR', 'after must be a sequence number', ['after: must be an integer >= 0']);
    let customerId: string | undefined;
    if (typeof q.customerId === 'string') {
      // A customer still held may be named by any ref; an erased one by its id only.
      const refs = await app.store.resolveCustomerRefs(request.tenant, q.customerId);
      customerId = refs?.[1] ?? q.customerId;
    }
    const rows = await app.store.readAudit(request.tenant, {
      customerId,
      from: auditTime('from', q.from),
      to: auditTime('to', q.to),
      afterSeq: after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    if (rows.length > limit) {
      const params = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (typeof v === 'string' && k !== 'after' ? [[k, v] as [string, string]] : [])));
      params.set('after', String(page[page.length - 1].seq));
      reply.header('link', `<${request.url.split('?')[0]}?${params.toString()}>; rel="next"`);
    }
    return reply.header('cache-control', 'no-store').send(page.map(renderAuditEntry));
  });
};
