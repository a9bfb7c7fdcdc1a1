/**
 * rc.2 orders: listOrders, upsertOrders, getOrderById. Stored as the canonical Order
 * snapshot the seed's routes serve (docs/bindings.md, "Order"); `storeId` and
 * `originChannel` are filtered here, over the store's own filters.
 */
import type { FastifyPluginAsync } from 'fastify';
import { isPlainObject, type JsonObject } from '../../contract/rc2/mapping/json-object.js';
import { orderFromCanonical, orderToCanonical } from '../../contract/rc2/mapping/order-mapping.js';
import { rc2Operation } from '../../contract/rc2/operations.js';
import type { OrderFilter, OrderSnapshot } from '../../store/store.js';
import type { Rc2PluginOptions } from './rc2-binding.js';
import {
  acceptBatch,
  customerRefResolver,
  parseRc2Query,
  rc2NotFound,
  rc2Range,
  rc2Route,
  readPage,
  refsForIdentifier,
  scanPage,
  sendRc2Page,
} from './rc2-route.js';

export const rc2OrderRoutes: FastifyPluginAsync<Rc2PluginOptions> = async (app, { validator }) => {
  rc2Route(app, 'listOrders', async (request, reply) => {
    const query = parseRc2Query(rc2Operation('listOrders'), request.query as Record<string, unknown>);
    const v = query.values;
    const customerRefs = await refsForIdentifier(app.store, request.tenant, query);
    const filter: OrderFilter = { customerRefs, created: rc2Range(query, 'createdFrom', 'createdTo'), updated: rc2Range(query, 'updatedFrom', 'updatedTo') };
    if (v.storeId === undefined && v.originChannel === undefined) {
      const { items, total } = await readPage((page) => app.store.listOrders(request.tenant, filter, page), query);
      return sendRc2Page(reply, query, items, total, orderFromCanonical);
    }
    const keep = (order: JsonObject) =>
      (v.storeId === undefined || (isPlainObject(order.merchant) && order.merchant.id === v.storeId)) &&
      (v.originChannel === undefined || order.salesChannel === v.originChannel);
    const { items, total } = await scanPage((page) => app.store.listOrders(request.tenant, filter, page), keep, query);
    return sendRc2Page(reply, query, items, total, orderFromCanonical);
  });

  rc2Route(app, 'upsertOrders', async (request, reply) => {
    const items = validator.readItems('order', request.body, app.limits.maxBatchItems);
    const refOf = customerRefResolver(app.store, request.tenant);
    const mapped = await Promise.all(items.map(async (order) => orderToCanonical(order, await refOf((order.customer as JsonObject | undefined)?.identifier))));
    const orders = app.contract.assertItems<OrderSnapshot>('order', mapped, '/items');
    return acceptBatch(request, reply, 'order', orders.length, () => app.store.upsertOrders(request.tenant, orders));
  });

  rc2Route(app, 'getOrderById', async (request, reply) => {
    const { orderId } = request.params as { orderId: string };
    const order = await app.store.getOrder(request.tenant, orderId);
    if (order === undefined) throw rc2NotFound('order', orderId);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(orderFromCanonical(JSON.parse(order) as JsonObject)));
  });
};
