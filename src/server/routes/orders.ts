/**
 * Orders in customer context: listOrders, upsertOrders, getOrderById, also at the REST
 * binding's `/customers/orders`. The body shape is the canonical v1 Order, checked with the
 * configured profile (lenient by default).
 */
import type { FastifyPluginAsync } from 'fastify';
import { readBatch } from '../../contract/validation.js';
import type { OrderSnapshot } from '../../store/store.js';
import { customerRefsFor } from '../customer-refs.js';
import { parseListQuery } from '../list-query.js';
import { notFound, routeOperation, writeBatch } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const orderRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'listOrders', async (request, reply) => {
    const query = parseListQuery('listOrders', request.query as Record<string, unknown>);
    const v = query.values;
    const customerRefs = await customerRefsFor(app.store, request.tenant, v.customerId);
    const result = await app.store.listOrders(
      request.tenant,
      {
        customerRefs,
        created: { from: v.createdFrom as number | undefined, to: v.createdTo as number | undefined },
        updated: { from: v.updatedFrom as number | undefined, to: v.updatedTo as number | undefined },
      },
      query.request,
    );
    return sendPage(request, reply, query, result);
  });

  routeOperation(app, 'upsertOrders', async (request, reply) => {
    const { items, prefix } = readBatch(request.body, 'order', app.limits.maxBatchItems);
    const orders = app.contract.assertItems<OrderSnapshot>('order', items, prefix);
    const summary = await writeBatch(prefix, () => app.store.upsertOrders(request.tenant, orders));
    request.log.info({ summary }, 'orders upserted');
    return reply.send();
  });

  routeOperation(app, 'getOrderById', async (request, reply) => {
    const { id } = request.params as { id: string };
    const order = await app.store.getOrder(request.tenant, id);
    if (order === undefined) throw notFound('order', id);
    return reply.type('application/json; charset=utf-8').send(order);
  });
};
