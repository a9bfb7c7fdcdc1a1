/**
 * Customers: listCustomers, upsertCustomer, getCustomerById (seed, "Operations").
 */
import type { FastifyPluginAsync } from 'fastify';
import { identifierTypes, type Customer } from '../../contract/customer.js';
import { readBatch } from '../../contract/validation.js';
import { parseListQuery } from '../list-query.js';
import { notFound, routeOperation, writeBatch } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const customerRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'listCustomers', async (request, reply) => {
    const query = parseListQuery('listCustomers', request.query as Record<string, unknown>, { customerIdentifierType: identifierTypes });
    const v = query.values;
    const result = await app.store.listCustomers(
      request.tenant,
      {
        identifierType: v.customerIdentifierType as string | undefined,
        identifierValue: v.customerIdentifierValue as string | undefined,
        externalId: v.externalId as string | undefined,
        externalIdSource: v.externalIdSource as string | undefined,
        updated: { from: v.updatedFrom as number | undefined, to: v.updatedTo as number | undefined },
      },
      query.request,
    );
    return sendPage(request, reply, query, result);
  });

  routeOperation(app, 'upsertCustomer', async (request, reply) => {
    const { items, prefix } = readBatch(request.body, 'customer', app.limits.maxBatchItems);
    const customers = app.contract.assertItems<Customer>('customer', items, prefix);
    const summary = await writeBatch(prefix, () => app.store.upsertCustomers(request.tenant, customers));
    request.log.info({ summary }, 'customers upserted');
    return reply.send();
  });

  routeOperation(app, 'getCustomerById', async (request, reply) => {
    const { id } = request.params as { id: string };
    const customer = await app.store.getCustomer(request.tenant, id);
    if (customer === undefined) throw notFound('customer', id);
    return reply.type('application/json; charset=utf-8').send(customer);
  });
};
