/**
 * Customers: listCustomers, upsertCustomer, getCustomerById (seed, "Operations").
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Customer } from '../../contract/customer.js';
import { parseListQuery, timeRange } from '../list-query.js';
import { batchWrite, notFound, routeOperation } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const customerRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'listCustomers', async (request, reply) => {
    const query = parseListQuery('listCustomers', request.query as Record<string, unknown>);
    const v = query.values;
    const result = await app.store.listCustomers(
      request.tenant,
      {
        identifierType: v.customerIdentifierType as string | undefined,
        identifierValue: v.customerIdentifierValue as string | undefined,
        externalId: v.externalId as string | undefined,
        externalIdSource: v.externalIdSource as string | undefined,
        updated: timeRange(query, 'updatedFrom', 'updatedTo'),
      },
      query.request,
    );
    return sendPage(request, reply, query, result);
  });

  routeOperation(
    app,
    'upsertCustomer',
    batchWrite<Customer>(app, 'customer', (tenant, customers) => app.store.upsertCustomers(tenant, customers)),
  );

  routeOperation(app, 'getCustomerById', async (request, reply) => {
    const { id } = request.params as { id: string };
    const customer = await app.store.getCustomer(request.tenant, id);
    if (customer === undefined) throw notFound('customer', id);
    return reply.type('application/json; charset=utf-8').send(customer);
  });
};
