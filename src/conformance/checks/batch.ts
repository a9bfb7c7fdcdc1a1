/**
 * Batch semantics: the batch operations take several items at once (REST binding,
 * Conformance 4), in the bare-array form of the seed and the committee's `{"items": [...]}`,
 * all or nothing, within the size the target declares.
 */
import type { Check } from '../check.js';
import { fail, skip } from '../check.js';
import type { RunContext } from '../context.js';
import { at, describeStatus, expectRefused, expectStatus } from '../expect.js';
import { without } from '../payloads.js';

const binding4 = '"Support batch payloads where defined (POST /customers, POST /leads, POST /orders)" (REST binding, Conformance 4)';

async function customerExists(ctx: RunContext, id: string): Promise<boolean> {
  const exchange = await ctx.call('getCustomerById', { params: { id } });
  if (exchange.status !== 200 && exchange.status !== 404) fail('reading a customer back failed', '200 or 404', describeStatus(exchange), exchange);
  return exchange.status === 200;
}

export const batchChecks: Check[] = [
  {
    id: 'batch.customers.several-items',
    level: 'MUST',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: binding4,
    async run(ctx) {
      const body = [1, 2, 3].map((n) => ctx.payloads.customer(`batch-${n}`));
      expectStatus(await ctx.call('upsertCustomer', { body }), 200, 'POST /customers with 3 customers');
      for (const item of body)
        if (!(await customerExists(ctx, String(item.id)))) fail('an item of the batch was not stored', `customer ${String(item.id)}`, '404', undefined);
    },
  },
  {
    id: 'batch.leads.several-items',
    level: 'MUST',
    operation: 'upsertLead',
    requires: ['listLeads'],
    rule: binding4,
    async run(ctx) {
      const body = [1, 2, 3].map((n) => ctx.payloads.lead(`batch-${n}`));
      expectStatus(await ctx.call('upsertLead', { body }), 200, 'POST /leads with 3 leads');
      const ids = new Set(body.map((l) => l.id));
      const walk = await ctx.walk('listLeads', {
        query: { updatedFrom: new Date(Date.now() - 3_600_000).toISOString() },
        until: (items) => items.filter((i) => ids.has(at(i, 'id'))).length === 3,
      });
      const found = walk.items.filter((i) => ids.has(at(i, 'id'))).length;
      if (found !== 3) fail('not every item of the batch was stored', '3 leads listed', `${found}`, walk.exchanges[walk.exchanges.length - 1]);
    },
  },
  {
    id: 'batch.orders.several-items',
    level: 'MUST',
    operation: 'upsertOrders',
    requires: ['getOrderById'],
    rule: binding4,
    async run(ctx) {
      const body = [1, 2, 3].map((n) => ctx.payloads.order(`batch-${n}`, ctx.payloads.key('customer')));
      expectStatus(await ctx.call('upsertOrders', { body }), 201, 'POST /orders with 3 orders');
      for (const item of body) {
        const exchange = await ctx.call('getOrderById', { params: { id: String(item.id) } });
        expectStatus(exchange, 200, `GET /orders/${String(item.id)} after the batch`);
      }
    },
  },
  {
    id: 'batch.customers.all-or-nothing',
    level: 'SHOULD',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: '"Batches are all or nothing ... if one is invalid, nothing is written and the 400 lists the problems of every bad item" (docs/contract.md §3.8)',
    async run(ctx) {
      const good = ctx.payloads.customer('atomic-good');
      const bad = without(ctx.payloads.customer('atomic-bad'), 'identifier');
      const exchange = await ctx.call('upsertCustomer', { body: [good, bad] });
      expectRefused(exchange, 'a batch whose second customer has no identifier');
      if (await customerExists(ctx, String(good.id)))
        fail('the valid item of a refused batch was stored', 'nothing written', `customer ${String(good.id)} stored`, exchange);
    },
  },
  {
    id: 'batch.errors.name-each-item',
    level: 'SHOULD',
    operation: 'upsertCustomer',
    rule: '"the 400 lists the problems of every bad item" (docs/contract.md §3.8); "A problem of a body is "<JSON pointer>: <reason>" ... /3/identifier/type"; "details is an array of strings" (docs/contract.md §4.1, §4.2; committee ErrorResponse)',
    async run(ctx) {
      const body = [
        ctx.payloads.customer('pointer-ok'),
        without(ctx.payloads.customer('pointer-1'), 'identifier.type'),
        without(ctx.payloads.customer('pointer-2'), 'identifier'),
      ];
      const exchange = await ctx.call('upsertCustomer', { body });
      expectRefused(exchange, 'a batch with two bad customers');
      const details = at(exchange.json, 'details');
      const text = Array.isArray(details) ? details.map(String).join('\n') : '';
      if (!/\/1\/identifier/.test(text) || !/\/2\/identifier/.test(text))
        fail(
          'the error does not name each bad item',
          'details naming /1/identifier/type and /2/identifier',
          text === '' ? 'no details' : text.slice(0, 200),
          exchange,
        );
    },
  },
  {
    id: 'batch.wrapped-items-form',
    level: 'SHOULD',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: '"A batch body is a bare array or {"items": [...]}" (docs/contract.md §3.8; committee OpenAPI)',
    async run(ctx) {
      const item = ctx.payloads.customer('wrapped');
      expectStatus(await ctx.call('upsertCustomer', { body: { items: [item] } }), 200, 'POST /customers with {"items": [...]}');
      if (!(await customerExists(ctx, String(item.id)))) fail('the wrapped item was not stored', `customer ${String(item.id)}`, '404');
    },
  },
  {
    id: 'batch.max-size-enforced',
    level: 'SHOULD',
    operation: 'upsertLead',
    rule: '"maxBatchSize: Maximum number of customer records accepted in a single batch POST request" (discovery.openapi.yaml, CustomerCapability)',
    async run(ctx) {
      const max = Number(ctx.manifest?.capabilities?.customer?.maxBatchSize);
      if (!Number.isInteger(max) || max < 1) skip('the target declares no maxBatchSize');
      if (max > 5000) skip(`the declared maxBatchSize (${max}) is too large to probe`);
      // Items without an id: a target that wrongly accepts them assigns keys, nothing collides.
      const body = Array.from({ length: max + 1 }, () => ({ name: `conformance ${ctx.runId}` }));
      const exchange = await ctx.call('upsertLead', { body });
      if (exchange.status !== 413 && exchange.status !== 400)
        fail(`a batch of maxBatchSize + 1 (${max + 1}) leads was not refused`, '413 (or 400)', describeStatus(exchange), exchange);
    },
  },
];
