/**
 * rc.2 reviews: listReviews, createReviews, getReviewById, stored as the seed's Review
 * (docs/bindings.md, "Review"). A review sent without `id` is keyed by its rc.2 content and
 * one sent without `createdAt` keeps the reviewDate it was first stored with, so a retried
 * batch neither duplicates nor moves it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { contentKey } from '../../contract/identity.js';
import type { JsonObject } from '../../contract/rc2/mapping/json-object.js';
import { reviewFromSeed, reviewToSeed } from '../../contract/rc2/mapping/review-mapping.js';
import { rc2Operation } from '../../contract/rc2/operations.js';
import type { Review } from '../../contract/review.js';
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
  sendRc2Page,
  serverTimestamp,
} from './rc2-route.js';

export const rc2ReviewRoutes: FastifyPluginAsync<Rc2PluginOptions> = async (app, { validator }) => {
  rc2Route(app, 'listReviews', async (request, reply) => {
    const query = parseRc2Query(rc2Operation('listReviews'), request.query as Record<string, unknown>);
    const customerRefs = await refsForIdentifier(app.store, request.tenant, query);
    const { items, total } = await readPage(
      (page) =>
        app.store.listReviews(
          request.tenant,
          { customerRefs, orderId: query.values.orderId as string | undefined, created: rc2Range(query, 'createdFrom', 'createdTo') },
          page,
        ),
      query,
    );
    return sendRc2Page(reply, query, items, total, reviewFromSeed);
  });

  rc2Route(app, 'createReviews', async (request, reply) => {
    const items = validator.readItems('review', request.body, app.limits.maxBatchItems);
    const refOf = customerRefResolver(app.store, request.tenant);
    const now = serverTimestamp();
    const mapped = await Promise.all(
      items.map(async (review, index) => {
        const keyed = review.id === undefined ? { id: contentKey('rev', review), ...review } : review;
        let receivedAt = now;
        if (keyed.createdAt === undefined) {
          const stored = await app.store.getReview(request.tenant, keyed.id as string);
          const first = stored === undefined ? undefined : (JSON.parse(stored) as { reviewDate?: unknown }).reviewDate;
          if (typeof first === 'string') receivedAt = first;
        }
        return reviewToSeed(keyed, { customerRef: await refOf(review.customerIdentifier), receivedAt, pointer: `/items/${index}` });
      }),
    );
    const reviews = app.contract.assertItems<Review>('review', mapped, '/items');
    return acceptBatch(
      request,
      reply,
      'review',
      reviews.length,
      () => app.store.upsertReviews(request.tenant, reviews),
      (p) => p.replace(/\/reviewId$/, '/id'),
    );
  });

  rc2Route(app, 'getReviewById', async (request, reply) => {
    const { reviewId } = request.params as { reviewId: string };
    const review = await app.store.getReview(request.tenant, reviewId);
    if (review === undefined) throw rc2NotFound('review', reviewId);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(reviewFromSeed(JSON.parse(review) as JsonObject)));
  });
};
