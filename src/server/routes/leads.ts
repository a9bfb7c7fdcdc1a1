/**
 * Leads: listLeads, upsertLead, also at the REST binding's `/customers/leads`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Lead } from '../../contract/lead.js';
import { readBatch } from '../../contract/validation.js';
import { parseListQuery } from '../list-query.js';
import { routeOperation, writeBatch } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const leadRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'listLeads', async (request, reply) => {
    const query = parseListQuery('listLeads', request.query as Record<string, unknown>);
    const v = query.values;
    const result = await app.store.listLeads(request.tenant, { updated: { from: v.updatedFrom as number | undefined, to: v.updatedTo as number | undefined } }, query.request);
    return sendPage(request, reply, query, result);
  });

  routeOperation(app, 'upsertLead', async (request, reply) => {
    const { items, prefix } = readBatch(request.body, 'lead', app.limits.maxBatchItems);
    const leads = app.contract.assertItems<Lead>('lead', items, prefix);
    const summary = await writeBatch(prefix, () => app.store.upsertLeads(request.tenant, leads));
    request.log.info({ summary }, 'leads upserted');
    return reply.send();
  });
};
