/**
 * Idempotency: events are facts ("Process idempotently", customer-guide; "Deduplicate by
 * event id / business key"), and re-sending a review, lead or order with the same key
 * updates it instead of adding a copy (the upsert operations of the seed).
 */
import type { OperationId } from '../../contract/operations.js';
import type { Check } from '../check.js';
import { fail } from '../check.js';
import type { RunContext } from '../context.js';
import { at, expectStatus } from '../expect.js';
import type { Json } from '../payloads.js';

/** How many records of a list match `key === value`, walking with the given filter. */
async function countIn(ctx: RunContext, op: OperationId, key: string, value: unknown, query: Record<string, string>) {
  const walk = await ctx.walk(op, { query });
  return { count: walk.items.filter((i) => at(i, key) === value).length, exchange: walk.exchanges[walk.exchanges.length - 1] };
}

async function sendTwice(ctx: RunContext, op: OperationId, first: unknown, second: unknown, status: number, what: string): Promise<void> {
  expectStatus(await ctx.call(op, { body: first, sign: true }), status, `first ${what}`);
  expectStatus(await ctx.call(op, { body: second, sign: true }), status, `repeated ${what} (same key, same success status)`);
}

export const idempotencyChecks: Check[] = [
  {
    id: 'idempotency.events.same-id-stored-once',
    level: 'MUST',
    operation: 'publishCustomerEvent',
    requires: ['listCustomerEvents'],
    rule: '"Idempotent events. Deduplicate by event id / business key." (customer-guide, Implementing Software CRM); "Events are facts, processed idempotently" (reviews-guide)',
    async run(ctx) {
      const customerId = ctx.payloads.key('idem-events');
      const event = ctx.payloads.event('idem-event', customerId);
      await sendTwice(ctx, 'publishCustomerEvent', event, event, 202, 'POST /customer/events');
      const { count, exchange } = await countIn(ctx, 'listCustomerEvents', 'eventId', event.eventId, { customerId });
      if (count !== 1) fail('a repeated event is not stored once', '1 event with this eventId', `${count}`, exchange);
    },
  },
  {
    id: 'idempotency.events.same-content-stored-once',
    level: 'SHOULD',
    operation: 'publishCustomerEvent',
    requires: ['listCustomerEvents'],
    rule: '"Deduplicate by event id / business key" (customer-guide); "An event\'s key is made from (eventType, occurredAt, customerId, data) only" (docs/contract.md §10.2)',
    async run(ctx) {
      const customerId = ctx.payloads.key('idem-content');
      const event: Json = { eventType: 'customer.updated', occurredAt: '2026-06-02T08:00:00Z', customerId, data: { field: 'name' } };
      await sendTwice(
        ctx,
        'publishCustomerEvent',
        event,
        { data: { field: 'name' }, customerId, occurredAt: event.occurredAt, eventType: event.eventType },
        202,
        'POST /customer/events without an id',
      );
      const { count, exchange } = await countIn(ctx, 'listCustomerEvents', 'customerId', customerId, { customerId });
      if (count !== 1) fail('the same fact sent twice is not stored once', '1 event', `${count}`, exchange);
    },
  },
  {
    id: 'idempotency.reviews.same-reviewId-one-record',
    level: 'MUST',
    operation: 'createReview',
    requires: ['listCustomerReviews'],
    rule: '"createReview | ... | Send a review payload to CRM" (seed, Operations); "Leads are keyed by id, reviews by reviewId ... Re-sending a key updates the record ...; it never creates a second one" (docs/contract.md §5.10); "A write answers with the status of its operation whether it created, changed or left unchanged what it names" (docs/contract.md §1.4)',
    async run(ctx) {
      const customerId = ctx.payloads.key('idem-review-customer');
      const review = ctx.payloads.review('idem-review', customerId);
      const changed = { ...review, overallRating: { ratingStyle: 'STAR', value: 2 } };
      await sendTwice(ctx, 'createReview', review, changed, 201, 'POST /reviews');
      const walk = await ctx.walk('listCustomerReviews', { params: { customerId } });
      const copies = walk.items.filter((i) => at(i, 'reviewId') === review.reviewId);
      if (copies.length !== 1) fail('a re-sent reviewId is not one review', '1 review', `${copies.length}`, walk.exchanges[walk.exchanges.length - 1]);
      if (at(copies[0], 'overallRating.value') !== 2)
        fail('the re-send did not update the review', 'overallRating.value 2', JSON.stringify(at(copies[0], 'overallRating.value')), walk.exchanges[0]);
    },
  },
  {
    id: 'idempotency.orders.same-id-one-record',
    level: 'MUST',
    operation: 'upsertOrders',
    requires: ['listOrders'],
    rule: '"upsertOrders | ... | Push orders to CRM (batch-capable)" (seed, Operations); "orders by id ... Re-sending a key updates the record ...; it never creates a second one" (docs/contract.md §5.10)',
    async run(ctx) {
      const customerId = ctx.payloads.key('idem-order-customer');
      const order = ctx.payloads.order('idem-order', customerId);
      await sendTwice(ctx, 'upsertOrders', [order], [{ ...order, status: 'CONCLUDED' }], 201, 'POST /orders');
      const { count, exchange } = await countIn(ctx, 'listOrders', 'id', order.id, { customerId });
      if (count !== 1) fail('a re-sent order id is not one order', '1 order', `${count}`, exchange);
    },
  },
  {
    id: 'idempotency.leads.same-id-one-record',
    level: 'MUST',
    operation: 'upsertLead',
    requires: ['listLeads'],
    rule: '"upsertLead | ... | Ingest/create/update leads (batch-capable)" (seed, Operations); "Leads are keyed by id ... it never creates a second one" (docs/contract.md §5.10)',
    async run(ctx) {
      const lead = ctx.payloads.lead('idem-lead');
      await sendTwice(ctx, 'upsertLead', [lead], [{ ...lead, name: 'Renamed Lead' }], 200, 'POST /leads');
      const { count, exchange } = await countIn(ctx, 'listLeads', 'id', lead.id, { updatedFrom: new Date(Date.now() - 3_600_000).toISOString() });
      if (count !== 1) fail('a re-sent lead id is not one lead', '1 lead', `${count}`, exchange);
    },
  },
];
