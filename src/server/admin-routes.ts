/**
 * The admin API: client management over HTTP, the same operations as `odc clients`.
 *
 * Guarded by the admin key (`Authorization: Bearer <admin key>` or `X-Admin-Key`), compared in
 * constant time. Served only when an admin key is configured. Secrets appear once, in the
 * answer that creates or rotates them.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientRegistry, NewClient } from '../auth/client-registry.js';
import { ContractError } from '../contract/errors.js';
import type { AuditDraft } from '../domain/audit-chain.js';

export interface AdminRoutesOptions {
  adminKey: string;
  clients: ClientRegistry;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function readNewClient(body: unknown): NewClient {
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.name !== 'string' || b.name === '') problems.push('/name: must be a non-empty string');
  if (b.model !== undefined && b.model !== 'application' && b.model !== 'merchant') problems.push('/model: must be application or merchant');
  if (!Array.isArray(b.merchants) || b.merchants.some((m) => typeof m !== 'string')) problems.push('/merchants: must be an array of merchant ids');
  if (b.scopes !== undefined && (!Array.isArray(b.scopes) || b.scopes.some((s) => typeof s !== 'string'))) problems.push('/scopes: must be an array of scopes');
  if (b.signingSecret !== undefined && b.signingSecret !== 'generate' && (typeof b.signingSecret !== 'string' || b.signingSecret.length < 16))
    problems.push('/signingSecret: must be "generate" or a secret of at least 16 characters');
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', 'invalid client', problems);
  return {
    name: b.name as string,
    model: (b.model as NewClient['model']) ?? 'application',
    merchants: b.merchants as string[],
    scopes: b.scopes as string[] | undefined,
    signingSecret: b.signingSecret as string | undefined,
  };
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { adminKey, clients }) => {
  const expected = digest(adminKey);
  app.addHook('onRequest', async (request) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const given = bearer ?? (typeof request.headers['x-admin-key'] === 'string' ? request.headers['x-admin-key'] : undefined);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new ContractError('UNAUTHORIZED', 'the admin API needs the admin key', [], { 'www-authenticate': 'Bearer realm="odc-admin"' });
    }
  });

  /**
   * A client change is recorded in the audit trail of every merchant the client acts for
   * (docs/contract.md §14.7): which client, what, when, under which request id. Never a secret.
   */
  const audit = async (request: FastifyRequest, action: AuditDraft['action'], client: { clientId: string; merchants: string[]; scopes?: string[] }) => {
    for (const merchant of client.merchants)
      await app.store.appendAudit(merchant, { actor: 'admin', requestId: request.id, action, details: { clientId: client.clientId, scopes: client.scopes } });
  };

  app.get('/admin/clients', async () => clients.list());
  app.post('/admin/clients', async (request, reply) => {
    const issued = await clients.add(readNewClient(request.body));
    await audit(request, 'admin.client.add', issued);
    return reply.code(201).header('cache-control', 'no-store').send(issued);
  });
  app.post('/admin/clients/:clientId/revoke', async (request) => {
    const revoked = await clients.revoke((request.params as { clientId: string }).clientId);
    await audit(request, 'admin.client.revoke', revoked);
    return revoked;
  });
  app.post('/admin/clients/:clientId/rotate-secret', async (request, reply) => {
    const rotated = await clients.rotateSecret((request.params as { clientId: string }).clientId);
    await audit(request, 'admin.client.rotate-secret', rotated);
    return reply.header('cache-control', 'no-store').send(rotated);
  });
};
