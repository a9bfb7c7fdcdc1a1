/**
 * rc.2 customers: listCustomers and upsertCustomers at the rc.2 base path, over the same
 * store as the seed's routes (docs/bindings.md, "Customer").
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Customer } from '../../contract/customer.js';
import { customerFromSeed, customerToSeed } from '../../contract/rc2/mapping/customer-mapping.js';
import { rc2Operation } from '../../contract/rc2/operations.js';
import type { Rc2PluginOptions } from './rc2-binding.js';
import { acceptBatch, parseRc2Query, rc2Range, rc2Route, readPage, sendRc2Page } from './rc2-route.js';

export const rc2CustomerRoutes: FastifyPluginAsync<Rc2PluginOptions> = async (app, { validator }) => {
  rc2Route(app, 'listCustomers', async (request, reply) => {
    const query = parseRc2Query(rc2Operation('listCustomers'), request.query as Record<string, unknown>);
    const v = query.values;
    const { items, total } = await readPage(
      (page) =>
        app.store.listCustomers(
          request.tenant,
          {
            identifierType: v.customerIdentifierType as string | undefined,
            identifierValue: v.customerIdentifierValue as string | undefined,
            externalId: v.externalId as string | undefined,
            updated: rc2Range(query, 'updatedFrom', 'updatedTo'),
          },
          page,
        ),
      query,
    );
    return sendRc2Page(reply, query, items, total, customerFromSeed);
  });

  rc2Route(app, 'upsertCustomers', async (request, reply) => {
    const items = validator.readItems('customer', request.body, app.limits.maxBatchItems);
    const customers = app.contract.assertItems<Customer>('customer', items.map(customerToSeed), '/items');
    return acceptBatch(request, reply, 'customer', customers.length, () => app.store.upsertCustomers(request.tenant, customers));
  });
};
