/**
 * List filters of the committee OpenAPI as docs/contract.md §2 names them. The binding
 * calls them "Optional implementation-specific filters", so each is a SHOULD: a filter that
 * is ignored returns records that do not match, which is what these checks look for.
 */
import { isDeepStrictEqual } from 'node:util';
import type { OperationId } from '../../contract/operations.js';
import type { Check } from '../check.js';
import { fail } from '../check.js';
import type { RunContext } from '../context.js';
import { at, expectRefused, expectStatus } from '../expect.js';
import type { Json } from '../payloads.js';

const rule = (names: string) => `${names}: "All optional, combined with AND" (docs/contract.md §2.7; committee OpenAPI parameters)`;

/** Two reviews and two events of run-scoped customers A and B, written once. */
function filterData(ctx: RunContext): Promise<{ a: string; b: string }> {
  return ctx.memo('filter-data', async () => {
    const a = ctx.payloads.key('filter-a');
    const b = ctx.payloads.key('filter-b');
    await ctx.mustWrite('createReview', ctx.payloads.review('filter-review-a', a, { reviewType: 'ORDER' }), 'a review of customer A');
    await ctx.mustWrite('createReview', ctx.payloads.review('filter-review-b', b, { reviewType: 'EVENT' }), 'a review of customer B');
    await ctx.mustWrite(
      'publishCustomerEvent',
      ctx.payloads.event('filter-event-a', a, { eventType: 'customer.updated', occurredAt: '2026-03-01T10:00:00Z' }),
      'an event of customer A',
    );
    await ctx.mustWrite(
      'publishCustomerEvent',
      ctx.payloads.event('filter-event-b', a, { eventType: 'lead.created', occurredAt: '2026-04-01T10:00:00Z' }),
      'a second event of customer A',
    );
    await ctx.mustWrite('upsertOrders', [ctx.payloads.order('filter-order-a', a), ctx.payloads.order('filter-order-b', b)], 'orders of customers A and B');
    return { a, b };
  });
}

interface FilterCase {
  id: string;
  operation: OperationId;
  writes: OperationId[];
  names: string;
  query(data: { a: string; b: string }): Record<string, string>;
  /** Every returned item must satisfy this. */
  matches(item: unknown, data: { a: string; b: string }): boolean;
  /** At least this many of the run's records must come back. */
  expectAtLeast: number;
  ours(item: unknown, ctx: RunContext): boolean;
}

const runScoped = (path: string) => (item: unknown, ctx: RunContext) => String(at(item, path)).startsWith(ctx.payloads.key(''));

const cases: FilterCase[] = [
  {
    id: 'filters.orders.customerId',
    operation: 'listOrders',
    writes: ['upsertOrders', 'createReview', 'publishCustomerEvent'],
    names: 'orders customerId',
    query: ({ a }) => ({ customerId: a }),
    matches: (item, { a }) => at(item, 'customer.id') === a,
    expectAtLeast: 1,
    ours: runScoped('id'),
  },
  {
    id: 'filters.reviews.customerId',
    operation: 'listReviews',
    writes: ['upsertOrders', 'createReview', 'publishCustomerEvent'],
    names: 'reviews customerId',
    query: ({ a }) => ({ customerId: a }),
    matches: (item, { a }) => at(item, 'customer.customerId') === a,
    expectAtLeast: 1,
    ours: runScoped('reviewId'),
  },
  {
    id: 'filters.reviews.reviewType',
    operation: 'listReviews',
    writes: ['upsertOrders', 'createReview', 'publishCustomerEvent'],
    names: 'reviews ... reviewType',
    query: () => ({ reviewType: 'EVENT' }),
    matches: (item) => at(item, 'reviewType') === 'EVENT',
    expectAtLeast: 1,
    ours: runScoped('reviewId'),
  },
  {
    id: 'filters.events.customerId',
    operation: 'listCustomerEvents',
    writes: ['upsertOrders', 'createReview', 'publishCustomerEvent'],
    names: 'events customerId',
    query: ({ a }) => ({ customerId: a }),
    matches: (item, { a }) => at(item, 'customerId') === a,
    expectAtLeast: 2,
    ours: runScoped('customerId'),
  },
  {
    id: 'filters.events.eventType',
    operation: 'listCustomerEvents',
    writes: ['upsertOrders', 'createReview', 'publishCustomerEvent'],
    names: 'events customerId, eventType',
    query: ({ a }) => ({ customerId: a, eventType: 'lead.created' }),
    matches: (item) => String(at(item, 'eventType')).toLowerCase().replace(/_/g, '.') === 'lead.created',
    expectAtLeast: 1,
    ours: runScoped('customerId'),
  },
  {
    id: 'filters.events.occurred-range',
    operation: 'listCustomerEvents',
    writes: ['upsertOrders', 'createReview', 'publishCustomerEvent'],
    names: 'events customerId, ..., occurredFrom, occurredTo',
    query: ({ a }) => ({ customerId: a, occurredFrom: '2026-03-15T00:00:00Z', occurredTo: '2026-04-15T00:00:00Z' }),
    matches: (item) => {
      const t = Date.parse(String(at(item, 'occurredAt')));
      return t >= Date.parse('2026-03-15T00:00:00Z') && t <= Date.parse('2026-04-15T00:00:00Z');
    },
    expectAtLeast: 1,
    ours: runScoped('customerId'),
  },
];

const caseChecks: Check[] = cases.map((c) => ({
  id: c.id,
  level: 'SHOULD',
  operation: c.operation,
  requires: c.writes,
  rule: rule(c.names),
  async run(ctx) {
    const data = await filterData(ctx);
    const walk = await ctx.walk(c.operation, { query: c.query(data), maxPages: 5 });
    const last = walk.exchanges[walk.exchanges.length - 1];
    expectStatus(last, 200, `${c.operation} with ${new URLSearchParams(c.query(data)).toString()}`);
    const wrong = walk.items.filter((item) => !c.matches(item, data));
    if (wrong.length > 0)
      fail(
        'the filter returns records that do not match it',
        'only matching records',
        `${wrong.length} of ${walk.items.length} do not match, e.g. ${JSON.stringify(wrong[0]).slice(0, 120)}`,
        walk.exchanges[0],
      );
    const ours = walk.items.filter((item) => c.ours(item, ctx)).length;
    if (ours < c.expectAtLeast) fail('the filter misses matching records', `at least ${c.expectAtLeast} of this run's records`, `${ours}`, walk.exchanges[0]);
  },
}));

export const filterChecks: Check[] = [
  ...caseChecks,
  {
    id: 'filters.customers.identifier',
    level: 'SHOULD',
    operation: 'listCustomers',
    requires: ['upsertCustomer'],
    rule: rule('customers customerIdentifierType, customerIdentifierValue'),
    async run(ctx) {
      const customer = await ctx.fixture('customer');
      const identifier = customer.identifier as Json;
      const exchange = await ctx.call('listCustomers', {
        query: { customerIdentifierType: String(identifier.type), customerIdentifierValue: String(identifier.value) },
      });
      expectStatus(exchange, 200, 'GET /customers filtered by identifier');
      const items = Array.isArray(exchange.json) ? exchange.json : [];
      if (items.length !== 1 || !isDeepStrictEqual(at(items[0], 'identifier'), identifier)) {
        fail('the identifier filter does not return exactly the customer', '1 customer with that identifier', `${items.length} customers`, exchange);
      }
    },
  },
  {
    id: 'filters.customers.externalId',
    level: 'SHOULD',
    operation: 'listCustomers',
    requires: ['upsertCustomer'],
    rule: rule('customers ... externalId (matches any externalIds[].value ...)'),
    async run(ctx) {
      await ctx.fixture('customer');
      const runTag = ctx.payloads.key('run');
      const walk = await ctx.walk('listCustomers', { query: { externalId: runTag }, maxPages: 5 });
      const wrong = walk.items.filter((c) => !JSON.stringify(at(c, 'externalIds') ?? []).includes(runTag) && at(c, 'identifier.value') !== runTag);
      if (wrong.length > 0 || walk.items.length === 0)
        fail(
          'the externalId filter does not return exactly matching customers',
          "only this run's customers, at least one",
          `${walk.items.length} customers, ${wrong.length} not matching`,
          walk.exchanges[0],
        );
    },
  },
  {
    id: 'filters.updated-from-future-empty',
    level: 'SHOULD',
    operation: 'listCustomers',
    rule: rule('customers ... updatedFrom, updatedTo'),
    async run(ctx) {
      const exchange = await ctx.call('listCustomers', { query: { updatedFrom: '2999-01-01T00:00:00Z' } });
      expectStatus(exchange, 200, 'GET /customers?updatedFrom=2999-01-01T00:00:00Z');
      if (!Array.isArray(exchange.json) || exchange.json.length !== 0)
        fail(
          'updatedFrom in the far future returns records',
          'an empty array',
          Array.isArray(exchange.json) ? `${exchange.json.length} items` : 'not an array',
          exchange,
        );
    },
  },
  {
    id: 'filters.bad-date-time-refused',
    level: 'SHOULD',
    operation: 'listCustomers',
    rule: '"a bad value, an empty value or a known parameter given twice is a 400 VALIDATION_ERROR" (docs/contract.md §2.6)',
    async run(ctx) {
      expectRefused(await ctx.call('listCustomers', { query: { updatedFrom: 'yesterday' } }), 'GET /customers?updatedFrom=yesterday');
    },
  },
];
