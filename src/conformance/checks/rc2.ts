/**
 * The rc.2 profile: checks of the customer module of the committee's Customer 2.0.0-rc.2
 * document (docs/bindings.md), run against an rc.2 endpoint (`--profile rc2`, the target URL
 * being the binding's base, e.g. https://crm.example.com/od/v2). Checks as data, as the seed's;
 * every write carries the run's tag in its ids.
 */
import { isDeepStrictEqual } from 'node:util';
import { Rc2Validator, type Rc2Resource } from '../../contract/rc2/validation.js';
import { type Check, fail, skip } from '../check.js';
import type { RunContext } from '../context.js';
import { expectJsonType, expectStatus } from '../expect.js';
import type { Exchange, RequestOptions } from '../http-target.js';

const rc2 = (text: string) => `"${text}" (committee Customer 2.0.0-rc.2)`;
const validator = new Rc2Validator();

type Json = Record<string, any>;

function id(ctx: RunContext, what: string): string {
  return `conformance-${ctx.runId}-rc2-${what}`;
}

async function call(ctx: RunContext, method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<Exchange> {
  const exchange = await ctx.target.request(method, path, options);
  const items = (options.body as { items?: unknown[] } | undefined)?.items;
  if (method === 'POST' && exchange.status === 202 && Array.isArray(items)) ctx.written += items.length;
  return exchange;
}

/** A 202 AsyncAcceptedResponse: status ACCEPTED and a correlationId. */
export function expectAccepted(exchange: Exchange, what: string): void {
  expectStatus(exchange, 202, what);
  expectJsonType(exchange, what);
  const body = exchange.json as Json | undefined;
  if (body?.status !== 'ACCEPTED' || typeof body.correlationId !== 'string' || body.correlationId === '')
    fail(`${what}: not an AsyncAcceptedResponse`, '{"status": "ACCEPTED", "correlationId": "..."}', exchange.text.slice(0, 120), exchange);
}

/** A 200 `{items, page, pageSize, total}` whose items are valid rc.2 records of `kind`. */
export function expectPage(exchange: Exchange, kind: Rc2Resource, what: string): Json[] {
  expectStatus(exchange, 200, what);
  expectJsonType(exchange, what);
  const body = exchange.json as Json | undefined;
  if (!Array.isArray(body?.items) || !Number.isInteger(body.page) || !Number.isInteger(body.pageSize) || !Number.isInteger(body.total))
    fail(`${what}: not a paginated list`, '{items: [...], page, pageSize, total}', exchange.text.slice(0, 120), exchange);
  const problems = (body.items as unknown[]).slice(0, 25).flatMap((item, i) => validator.problems(kind, item, `/items/${i}`));
  if (problems.length > 0) fail(`${what}: items are not valid rc.2 ${kind} records`, `${kind}[]`, problems.slice(0, 3).join('; '), exchange);
  return body.items as Json[];
}

/** An ErrorResponse with the given status: `code` and `message` strings. */
export function expectError(exchange: Exchange, status: number, what: string): void {
  expectStatus(exchange, status, what);
  const body = exchange.json as Json | undefined;
  if (typeof body?.code !== 'string' || typeof body.message !== 'string')
    fail(`${what}: not an ErrorResponse`, '{code, message, details?}', exchange.text.slice(0, 120), exchange);
}

function customer(ctx: RunContext): Json {
  return {
    id: id(ctx, 'customer'),
    identifier: { type: 'email', value: `${id(ctx, 'customer')}@example.com` },
    name: 'Maria Silva',
    contacts: [{ type: 'phone', value: '+5511999999999' }],
    birthDate: '1990-05-01',
    consents: [{ purpose: 'marketing', channel: 'email', status: 'opt_in', grantedAt: '2026-08-01T10:00:00Z' }],
  };
}

async function writeFixture(ctx: RunContext, path: string, item: Json, what: string): Promise<Json> {
  const exchange = await call(ctx, 'POST', path, { body: { items: [item] } });
  if (exchange.status !== 202) skip(`prerequisite failed: writing ${what} answered ${exchange.status}`);
  return item;
}

export const rc2Checks: Check[] = [
  {
    id: 'rc2.upsertCustomers.accepted',
    level: 'MUST',
    rule: rc2('POST /customers | CustomerUpsertRequest | 202 AsyncAcceptedResponse'),
    async run(ctx) {
      expectAccepted(await call(ctx, 'POST', '/customers', { body: { items: [customer(ctx)] } }), 'POST /customers {items: [customer]}');
    },
  },
  {
    id: 'rc2.listCustomers.by-identifier',
    level: 'MUST',
    rule: rc2('GET /customers | customerIdentifierType, customerIdentifierValue | 200 CustomerListResponse'),
    async run(ctx) {
      const written = await writeFixture(ctx, '/customers', customer(ctx), 'a customer');
      const exchange = await call(ctx, 'GET', '/customers', { query: { customerIdentifierType: 'email', customerIdentifierValue: written.identifier.value } });
      const items = expectPage(exchange, 'customer', 'GET /customers by identifier');
      if (items.length !== 1 || items[0].id !== written.id)
        fail('the customer just written is not listed by its identifier', `one customer ${written.id}`, `${items.length} items`, exchange);
      if (items[0].birthDate !== written.birthDate) fail('birthDate read back differs', written.birthDate, String(items[0].birthDate), exchange);
    },
  },
  {
    id: 'rc2.upsertCustomers.requires-identifier',
    level: 'MUST',
    rule: rc2('Customer: required [identifier]'),
    async run(ctx) {
      expectError(await call(ctx, 'POST', '/customers', { body: { items: [{ name: 'no identifier' }] } }), 400, 'POST /customers without identifier');
    },
  },
  {
    id: 'rc2.leads.write-and-list',
    level: 'MUST',
    rule: rc2('POST /leads 202; GET /leads 200 LeadListResponse'),
    async run(ctx) {
      const lead = { id: id(ctx, 'lead'), name: 'Lead', contact: { type: 'email', value: 'lead@example.com' }, source: 'form' };
      expectAccepted(await call(ctx, 'POST', '/leads', { body: { items: [lead] } }), 'POST /leads');
      expectPage(await call(ctx, 'GET', '/leads', { query: { pageSize: '5' } }), 'lead', 'GET /leads');
    },
  },
  {
    id: 'rc2.orders.write-and-get',
    level: 'MUST',
    rule: rc2('POST /orders 202; GET /orders/{orderId} 200 Order'),
    async run(ctx) {
      const order = {
        id: id(ctx, 'order'),
        storeId: id(ctx, 'store'),
        originChannel: 'own_app',
        totalAmount: 5490,
        items: [{ sku: 'PZ', name: 'Pizza', quantity: 1, unitPrice: 5490 }],
      };
      expectAccepted(await call(ctx, 'POST', '/orders', { body: { items: [order] } }), 'POST /orders');
      const exchange = await call(ctx, 'GET', `/orders/${encodeURIComponent(order.id)}`);
      expectStatus(exchange, 200, 'GET /orders/{orderId}');
      const problems = validator.problems('order', exchange.json);
      if (problems.length > 0) fail('GET /orders/{orderId}: not a valid rc.2 Order', 'Order', problems.slice(0, 3).join('; '), exchange);
      const got = exchange.json as Json;
      if (got.totalAmount !== order.totalAmount || got.storeId !== order.storeId)
        fail('the order read back differs', JSON.stringify(order).slice(0, 120), exchange.text.slice(0, 120), exchange);
    },
  },
  {
    id: 'rc2.listOrders.by-store',
    level: 'SHOULD',
    rule: rc2('GET /orders | storeId: Store/unit identifier to filter orders by origin'),
    async run(ctx) {
      const order = await writeFixture(ctx, '/orders', { id: id(ctx, 'order-store'), storeId: id(ctx, 'store-only') }, 'an order');
      const exchange = await call(ctx, 'GET', '/orders', { query: { storeId: order.storeId } });
      const items = expectPage(exchange, 'order', 'GET /orders?storeId=');
      if (items.length !== 1 || items[0].id !== order.id) fail('storeId does not select the order', `one order ${order.id}`, `${items.length} items`, exchange);
    },
  },
  {
    id: 'rc2.getOrderById.not-found',
    level: 'MUST',
    rule: rc2('GET /orders/{orderId} | 404 NotFound ErrorResponse'),
    async run(ctx) {
      expectError(await call(ctx, 'GET', `/orders/${encodeURIComponent(id(ctx, 'no-such-order'))}`), 404, 'GET /orders/{unknown}');
    },
  },
  {
    id: 'rc2.reviews.ratings-kept',
    level: 'MUST',
    rule: rc2('ReviewRating: supports multiple methodologies per record'),
    async run(ctx) {
      const review = {
        id: id(ctx, 'review'),
        orderId: id(ctx, 'order'),
        ratings: [
          { method: 'stars', value: 4.5, scaleMin: 1, scaleMax: 5, isOverall: true },
          { method: 'binary', value: true, category: 'delivery' },
        ],
        createdAt: '2026-08-04T12:00:00Z',
      };
      expectAccepted(await call(ctx, 'POST', '/reviews', { body: { items: [review] } }), 'POST /reviews');
      const exchange = await call(ctx, 'GET', `/reviews/${encodeURIComponent(review.id)}`);
      expectStatus(exchange, 200, 'GET /reviews/{reviewId}');
      const got = exchange.json as Json;
      if (!isDeepStrictEqual(got.ratings, review.ratings))
        fail('ratings read back differ', JSON.stringify(review.ratings), JSON.stringify(got.ratings), exchange);
      const listed = expectPage(await call(ctx, 'GET', '/reviews', { query: { orderId: review.orderId } }), 'review', 'GET /reviews?orderId=');
      if (!listed.some((r) => r.id === review.id)) fail('orderId does not select the review', review.id, `${listed.length} items`, exchange);
    },
  },
  {
    id: 'rc2.getReviewById.not-found',
    level: 'MUST',
    rule: rc2('GET /reviews/{reviewId} | 404 NotFound ErrorResponse'),
    async run(ctx) {
      expectError(await call(ctx, 'GET', `/reviews/${encodeURIComponent(id(ctx, 'no-such-review'))}`), 404, 'GET /reviews/{unknown}');
    },
  },
  {
    id: 'rc2.auth.bearer-required',
    level: 'MUST',
    rule: rc2('All endpoints require Authorization: Bearer {token} unless marked otherwise'),
    async run(ctx) {
      if (ctx.authentication?.required !== true) skip('the target declares no required authentication');
      expectError(await call(ctx, 'GET', '/customers', { auth: 'none' }), 401, 'GET /customers without a token');
    },
  },
];
