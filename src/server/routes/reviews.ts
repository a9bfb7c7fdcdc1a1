/**
 * Reviews: createReview, listReviews, listCustomerReviews, getReviewById, also at the REST
 * binding's `/customers/reviews`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Review } from '../../contract/review.js';
import { parseListQuery, timeRange } from '../list-query.js';
import { notFound, routeOperation } from '../operation-route.js';
import { sendPage } from '../pagination.js';

export const reviewRoutes: FastifyPluginAsync = async (app) => {
  routeOperation(app, 'createReview', async (request, reply) => {
    const review = app.contract.assertOne<Review>('review', request.body);
    await app.store.upsertReviews(request.tenant, [review]);
    return reply.send();
  });

  routeOperation(app, 'listReviews', async (request, reply) => {
    const query = parseListQuery('listReviews', request.query as Record<string, unknown>);
    const v = query.values;
    const customerRefs = v.customerId === undefined ? undefined : await app.store.customerFilterRefs(request.tenant, String(v.customerId));
    const result = await app.store.listReviews(
      request.tenant,
      {
        customerRefs,
        orderId: v.orderId as string | undefined,
        reviewType: v.reviewType as string | undefined,
        created: timeRange(query, 'createdFrom', 'createdTo'),
      },
      query.request,
    );
    return sendPage(request, reply, query, result);
  });

  // docs/contract.md §5: reviews whose customer.customerId is the value or any id the
  // customer resolves to; a 404 only when neither a customer nor a review matches.
  routeOperation(app, 'listCustomerReviews', async (request, reply) => {
    const { customerId } = request.params as { customerId: string };
    const query = parseListQuery('listCustomerReviews', request.query as Record<string, unknown>);
    const refs = await app.store.resolveCustomerRefs(request.tenant, customerId);
    const result = await app.store.listReviews(request.tenant, { customerRefs: refs ?? [customerId] }, query.request);
    if (refs === undefined && result.total === 0) throw notFound('customer or review customer.customerId', customerId);
    return sendPage(request, reply, query, result);
  });

  routeOperation(app, 'getReviewById', async (request, reply) => {
    const { id } = request.params as { id: string };
    const review = await app.store.getReview(request.tenant, id);
    if (review === undefined) throw notFound('review', id);
    return reply.type('application/json; charset=utf-8').send(review);
  });
};
