/**
 * Orders in customer context: listOrders, upsertOrders, getOrderById, also at the REST
 * binding's `/customers/orders`. The body shape is the canonical v1 Order, checked with the
 * configured profile (lenient by default).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { OrderSnapshot } from '../../store/store.js';
import { parseListQuery, timeRange } from '../list-query.js';
import { batchWrite, notFound, routeOperation } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const orderRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'listOrders', async (request, reply) => {
    const query = parseListQuery('listOrders', request.query as Record<string, unknown>);
    const v = query.values;
    const customerRefs = v.customerId === undefined ? undefined : await app.store.customerFilterRefs(request.tenant, String(v.customerId));
    const result = await app.store.listOrders(
      request.tenant,
      {
        customerRefs,
        created: timeRange(query, 'createdFrom', 'createdTo'),
        updated: timeRange(query, 'updatedFrom', 'updatedTo'),
      },
      query.request,
    );
    return sendPage(request, reply, query, result);
  });

  routeOperation(
    app,
    'upsertOrders',
    batchWrite<OrderSnapshot>(app, 'order', (tenant, orders) => app.store.upsertOrders(tenant, orders)),
  );

  routeOperation(app, 'getOrderById', async (request, reply) => {
    const { id } = request.params as { id: string };
    const order = await app.store.getOrder(request.tenant, id);
    if (order === undefined) throw notFound('order', id);
    return reply.type('application/json; charset=utf-8').send(order);
  });
};
