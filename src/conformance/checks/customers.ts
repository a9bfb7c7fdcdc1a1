/**
 * Customer rules of the seed: `identifier` (with `type` and `value`) is "the only required
 * field"; everything else stays optional; `metadata` is open; a re-send of the same
 * identifier updates the customer instead of duplicating it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Check } from '../check.js';
import { fail } from '../check.js';
import type { RunContext } from '../context.js';
import { expectEqual, expectRecord, expectRefused, expectStatus } from '../expect.js';
import { without, withValue, type Json } from '../payloads.js';

const normative = (row: string) => `"${row}" (seed, Customer Normative Rules)`;

/** A refused customer must also leave nothing behind: read it back by its key. */
async function refusedAndAbsent(ctx: RunContext, body: Json, what: string): Promise<void> {
  const exchange = await ctx.call('upsertCustomer', { body: [body] });
  expectRefused(exchange, what);
  const readBack = await ctx.call('getCustomerById', { params: { id: String(body.id) } });
  if (readBack.status === 200) fail(`${what} was refused but stored`, '404 on read-back', '200', readBack);
}

function requiredField(path: string, row: string, name: string): Check {
  return {
    id: `customers.upsert.requires-${name}`,
    level: 'MUST',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: normative(row),
    run: (ctx) => refusedAndAbsent(ctx, without(ctx.payloads.customer(`no-${name}`), path), `a customer without ${path}`),
  };
}

export const customerChecks: Check[] = [
  {
    id: 'customers.upsert.minimal-accepted',
    level: 'MUST',
    operation: 'upsertCustomer',
    rule: '"Customer | object | YES | Core customer entity; only identifier is required" (seed, Schema Baseline)',
    async run(ctx) {
      // The seed's minimal example has a phone; an external_id keeps what is left behind tagged with the run.
      const body = [{ identifier: { type: 'external_id', value: ctx.payloads.key('minimal') } }];
      expectStatus(await ctx.call('upsertCustomer', { body }), 200, 'POST /customers with a minimal customer (identifier only)');
    },
  },
  requiredField('identifier', 'identifier | object | YES | The only required field in Customer', 'identifier'),
  requiredField(
    'identifier.type',
    'identifier.type | string | YES | Canonical identifier type (document, phone, email, external_id, custom)',
    'identifier-type',
  ),
  requiredField('identifier.value', 'identifier.value | string | YES | Canonical identifier value', 'identifier-value'),
  {
    id: 'customers.upsert.rejects-unknown-identifier-type',
    level: 'MUST',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: normative('identifier.type | string | YES | Canonical identifier type (document, phone, email, external_id, custom)'),
    run: (ctx) =>
      refusedAndAbsent(ctx, withValue(ctx.payloads.customer('bad-type'), 'identifier.type', 'shoe_size'), 'a customer whose identifier.type is "shoe_size"'),
  },
  {
    id: 'customers.upsert.rejects-non-string-identifier-value',
    level: 'MUST',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: normative('identifier.value | string | YES | Canonical identifier value'),
    run: (ctx) =>
      refusedAndAbsent(
        ctx,
        withValue(ctx.payloads.customer('numeric-value'), 'identifier.value', 5511999999999),
        'a customer whose identifier.value is a number',
      ),
  },
  {
    id: 'customers.metadata.free-form',
    level: 'MUST',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: '"CustomerMetadata | object | NO | Optional extensible metadata (additionalProperties: true)" (seed, Schema Baseline)',
    async run(ctx) {
      const metadata = {
        restrictions: ['requiresManualReview'],
        customRules: { requiresManualReview: true },
        [`conformance_${ctx.runId}`]: { nested: [1, 'two', { three: null }] },
      };
      const body = ctx.payloads.customer('metadata', { metadata });
      expectStatus(await ctx.call('upsertCustomer', { body: [body] }), 200, 'POST /customers with free-form metadata');
      const exchange = await ctx.call('getCustomerById', { params: { id: String(body.id) } });
      const got = expectRecord(ctx, exchange, 'customer', 'GET /customers/{id}');
      expectEqual(got.metadata, metadata, 'metadata is returned as sent', exchange);
    },
  },
  {
    id: 'customers.unknown-fields.tolerated',
    level: 'SHOULD',
    operation: 'upsertCustomer',
    requires: ['getCustomerById'],
    rule: '"A field the contract does not name is accepted, stored and returned unchanged" (docs/contract.md §3.7; committee OpenAPI: additionalProperties: true)',
    async run(ctx) {
      const extension = { tier: 'gold', since: 2019, flags: { a: true } };
      const body = ctx.payloads.customer('unknown-fields', { conformanceExtension: extension });
      expectStatus(await ctx.call('upsertCustomer', { body: [body] }), 200, 'POST /customers with a field the contract does not name');
      const exchange = await ctx.call('getCustomerById', { params: { id: String(body.id) } });
      const got = expectRecord(ctx, exchange, 'customer', 'GET /customers/{id}');
      expectEqual(got.conformanceExtension, extension, 'the unknown field is returned unchanged', exchange);
    },
  },
  {
    id: 'customers.upsert.same-identifier-updates',
    level: 'MUST',
    operation: 'upsertCustomer',
    requires: ['listCustomers', 'getCustomerById'],
    rule: '"upsertCustomer | ... | Ingest/create/update customers (batch-capable)"; "identifier | ... | Canonical identifier" (seed, Operations; Customer Normative Rules)',
    async run(ctx) {
      const first = ctx.payloads.customer('resend', { name: 'First Name' });
      expectStatus(await ctx.call('upsertCustomer', { body: [first] }), 200, 'first POST /customers');
      const second = { identifier: first.identifier, name: 'Second Name' };
      expectStatus(await ctx.call('upsertCustomer', { body: [second] }), 200, 'second POST /customers with the same identifier');
      const exchange = await ctx.call('getCustomerById', { params: { id: String(first.id) } });
      const got = expectRecord(ctx, exchange, 'customer', 'GET /customers/{id} after the re-send');
      expectEqual(got.name, 'Second Name', 'the re-send updated the customer', exchange);
      const walk = await ctx.walk('listCustomers', {
        query: { customerIdentifierType: 'external_id', customerIdentifierValue: String((first.identifier as Json).value) },
      });
      const copies = walk.items.filter((c) => isDeepStrictEqual((c as Json).identifier, first.identifier));
      if (copies.length !== 1)
        fail('the same identifier is stored more than once', '1 customer', `${copies.length} customers`, walk.exchanges[walk.exchanges.length - 1]);
    },
  },
];
