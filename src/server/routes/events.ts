/**
 * Customer events: publishCustomerEvent (202, idempotent) and listCustomerEvents.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CustomerEvent } from '../../contract/event.js';
import { normalizeEventType } from '../../contract/identity.js';
import { parseListQuery, timeRange } from '../list-query.js';
import { verifyEventSignature } from '../event-signature.js';
import { routeOperation } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const eventRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'publishCustomerEvent', async (request, reply) => {
    await verifyEventSignature(app.auth, request);
    const event = app.contract.assertOne<CustomerEvent>('event', request.body);
    await app.store.publishEvents(request.tenant, [event]);
    return reply.send();
  });

  routeOperation(app, 'listCustomerEvents', async (request, reply) => {
    const query = parseListQuery('listCustomerEvents', request.query as Record<string, unknown>);
    const v = query.values;
    const customerRefs = v.customerId === undefined ? undefined : await app.store.customerFilterRefs(request.tenant, String(v.customerId));
    const result = await app.store.listEvents(
      request.tenant,
      {
        customerRefs,
        eventType: v.eventType === undefined ? undefined : normalizeEventType(v.eventType as string),
        occurred: timeRange(query, 'occurredFrom', 'occurredTo'),
      },
      query.request,
    );
    return sendPage(request, reply, query, result);
  });
};
