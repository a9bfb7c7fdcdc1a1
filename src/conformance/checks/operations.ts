/**
 * The 14 operations of the seed's traceability matrix: each answers on the seed's path with
 * the status of the matrix and the body type it names (docs/contract.md §1).
 */
import type { Check } from '../check.js';
import { fail } from '../check.js';
import { at, expectEqual, expectRecord, expectRecordArray, expectStatus } from '../expect.js';

const matrix = (row: string) => `"${row}" (seed, OpenAPI Traceability Matrix)`;

export const operationChecks: Check[] = [
  {
    id: 'operations.upsertCustomer',
    level: 'MUST',
    operation: 'upsertCustomer',
    rule: matrix('/customers | POST | array[Customer] | status-only (200)'),
    async run(ctx) {
      const body = [ctx.payloads.customer('op-upsert', { contacts: { emails: [{ email: 'maria.silva@example.com', isPrimary: true }] } })];
      expectStatus(await ctx.call('upsertCustomer', { body }), 200, 'POST /customers with one enriched customer');
    },
  },
  {
    id: 'operations.listCustomers',
    level: 'MUST',
    operation: 'listCustomers',
    rule: matrix('/customers | GET | none | array[Customer]'),
    async run(ctx) {
      await ctx.fixture('customer');
      expectRecordArray(ctx, await ctx.call('listCustomers'), 'customer', 'GET /customers');
    },
  },
  {
    id: 'operations.getCustomerById',
    level: 'MUST',
    operation: 'getCustomerById',
    requires: ['upsertCustomer'],
    rule: matrix('/customers/{id} | GET | none | Customer'),
    async run(ctx) {
      const customer = await ctx.fixture('customer');
      const exchange = await ctx.call('getCustomerById', { params: { id: String(customer.id) } });
      const got = expectRecord(ctx, exchange, 'customer', 'GET /customers/{id} of a customer just written');
      expectEqual(got.identifier, customer.identifier, 'the customer read back has the identifier written', exchange);
    },
  },
  {
    id: 'operations.upsertLead',
    level: 'MUST',
    operation: 'upsertLead',
    rule: matrix('/leads | POST | array[Lead] | status-only (200)'),
    async run(ctx) {
      expectStatus(await ctx.call('upsertLead', { body: [ctx.payloads.lead('op-upsert')] }), 200, 'POST /leads with one lead');
    },
  },
  {
    id: 'operations.listLeads',
    level: 'MUST',
    operation: 'listLeads',
    rule: matrix('/leads | GET | none | array[Lead]'),
    async run(ctx) {
      await ctx.fixture('lead');
      expectRecordArray(ctx, await ctx.call('listLeads'), 'lead', 'GET /leads');
    },
  },
  {
    id: 'operations.upsertOrders',
    level: 'MUST',
    operation: 'upsertOrders',
    rule: matrix('/orders | POST | array[Order] | status-only (201)'),
    async run(ctx) {
      const body = [ctx.payloads.order('op-upsert', ctx.payloads.key('customer'))];
      expectStatus(await ctx.call('upsertOrders', { body }), 201, 'POST /orders with one order');
    },
  },
  {
    id: 'operations.listOrders',
    level: 'MUST',
    operation: 'listOrders',
    rule: matrix('/orders | GET | none | array[Order]'),
    async run(ctx) {
      await ctx.fixture('order');
      expectRecordArray(ctx, await ctx.call('listOrders'), 'order', 'GET /orders');
    },
  },
  {
    id: 'operations.getOrderById',
    level: 'MUST',
    operation: 'getOrderById',
    requires: ['upsertOrders'],
    rule: matrix('/orders/{id} | GET | none | Order'),
    async run(ctx) {
      const order = await ctx.fixture('order');
      const exchange = await ctx.call('getOrderById', { params: { id: String(order.id) } });
      const got = expectRecord(ctx, exchange, 'order', 'GET /orders/{id} of an order just written');
      expectEqual(got.id, order.id, 'the order read back has the id written', exchange);
    },
  },
  {
    id: 'operations.createReview',
    level: 'MUST',
    operation: 'createReview',
    rule: matrix('/reviews | POST | Review | status-only (201)'),
    async run(ctx) {
      const body = ctx.payloads.review('op-create', ctx.payloads.key('customer'));
      expectStatus(await ctx.call('createReview', { body }), 201, 'POST /reviews with one review');
    },
  },
  {
    id: 'operations.listReviews',
    level: 'MUST',
    operation: 'listReviews',
    rule: matrix('/reviews | GET | none | array[Review]'),
    async run(ctx) {
      await ctx.fixture('review');
      expectRecordArray(ctx, await ctx.call('listReviews'), 'review', 'GET /reviews');
    },
  },
  {
    id: 'operations.listCustomerReviews',
    level: 'MUST',
    operation: 'listCustomerReviews',
    requires: ['upsertCustomer', 'createReview'],
    rule: matrix('/customers/{customerId}/reviews | GET | none | array[Review]'),
    async run(ctx) {
      const customer = await ctx.fixture('customer');
      const review = await ctx.fixture('review');
      const exchange = await ctx.call('listCustomerReviews', { params: { customerId: String(customer.id) } });
      const items = expectRecordArray(ctx, exchange, 'review', "GET /customers/{customerId}/reviews of the customer's review");
      if (!items.some((item) => at(item, 'reviewId') === review.reviewId)) {
        fail("the customer's review is not listed", `a review with reviewId ${String(review.reviewId)}`, `${items.length} reviews without it`, exchange);
      }
    },
  },
  {
    id: 'operations.getReviewById',
    level: 'MUST',
    operation: 'getReviewById',
    requires: ['createReview'],
    rule: matrix('/reviews/{id} | GET | none | Review'),
    async run(ctx) {
      const review = await ctx.fixture('review');
      const exchange = await ctx.call('getReviewById', { params: { id: String(review.reviewId) } });
      const got = expectRecord(ctx, exchange, 'review', 'GET /reviews/{id} of a review just written');
      expectEqual(got.reviewId, review.reviewId, 'the review read back has the reviewId written', exchange);
    },
  },
  {
    id: 'operations.publishCustomerEvent',
    level: 'MUST',
    operation: 'publishCustomerEvent',
    rule: matrix('/customer/events | POST | CustomerEvent | status-only (202)'),
    async run(ctx) {
      const body = ctx.payloads.event('op-publish', ctx.payloads.key('customer'));
      expectStatus(await ctx.call('publishCustomerEvent', { body, sign: true }), 202, 'POST /customer/events with one event');
    },
  },
  {
    id: 'operations.listCustomerEvents',
    level: 'MUST',
    operation: 'listCustomerEvents',
    rule: matrix('/customer/events | GET | none | array[CustomerEvent]'),
    async run(ctx) {
      await ctx.fixture('event');
      expectRecordArray(ctx, await ctx.call('listCustomerEvents'), 'event', 'GET /customer/events');
    },
  },
];
