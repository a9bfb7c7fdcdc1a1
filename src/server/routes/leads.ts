/**
 * Leads: listLeads, upsertLead, also at the REST binding's `/customers/leads`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Lead } from '../../contract/lead.js';
import { parseListQuery, timeRange } from '../list-query.js';
import { batchWrite, routeOperation } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const leadRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'listLeads', async (request, reply) => {
    const query = parseListQuery('listLeads', request.query as Record<string, unknown>);
    const result = await app.store.listLeads(request.tenant, { updated: timeRange(query, 'updatedFrom', 'updatedTo') }, query.request);
    return sendPage(request, reply, query, result);
  });

  routeOperation(
    app,
    'upsertLead',
    batchWrite<Lead>(app, 'lead', (tenant, leads) => app.store.upsertLeads(tenant, leads)),
  );
};
