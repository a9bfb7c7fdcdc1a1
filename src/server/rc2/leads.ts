/** rc.2 leads: listLeads and upsertLeads (docs/bindings.md, "Lead"). */
import type { FastifyPluginAsync } from 'fastify';
import type { Lead } from '../../contract/lead.js';
import { leadFromSeed, leadToSeed } from '../../contract/rc2/mapping/lead-mapping.js';
import { rc2Operation } from '../../contract/rc2/operations.js';
import type { Rc2PluginOptions } from './rc2-binding.js';
import { acceptBatch, parseRc2Query, rc2Range, rc2Route, readPage, sendRc2Page } from './rc2-route.js';

export const rc2LeadRoutes: FastifyPluginAsync<Rc2PluginOptions> = async (app, { validator }) => {
  rc2Route(app, 'listLeads', async (request, reply) => {
    const query = parseRc2Query(rc2Operation('listLeads'), request.query as Record<string, unknown>);
    const { items, total } = await readPage(
      (page) => app.store.listLeads(request.tenant, { updated: rc2Range(query, 'updatedFrom', 'updatedTo') }, page),
      query,
    );
    return sendRc2Page(reply, query, items, total, leadFromSeed);
  });

  rc2Route(app, 'upsertLeads', async (request, reply) => {
    const items = validator.readItems('lead', request.body, app.limits.maxBatchItems);
    const leads = app.contract.assertItems<Lead>('lead', items.map(leadToSeed), '/items');
    return acceptBatch(request, reply, 'lead', leads.length, () => app.store.upsertLeads(request.tenant, leads));
  });
};
