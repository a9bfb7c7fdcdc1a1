/**
 * The OpenAPI document and the reference page: generated from the contract, valid OpenAPI
 * 3.1, listing all 14 operations (and the binding's aliases), the seed's named schemas and
 * every error code; `/docs` is served entirely from this server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { errorCodes } from '../src/contract/errors.js';
import { operations } from '../src/contract/operations.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const seedSchemas = [
  'Customer',
  'CustomerIdentifier',
  'CustomerDocument',
  'CustomerContacts',
  'CustomerPhone',
  'CustomerEmail',
  'CustomerDemographics',
  'CustomerAddress',
  'GeoCoordinates',
  'CustomerExternalId',
  'CustomerMetadata',
  'Lead',
  'Order',
  'Review',
  'CustomerEvent',
];

const seedOperations = [
  'listCustomers',
  'upsertCustomer',
  'getCustomerById',
  'listLeads',
  'upsertLead',
  'listOrders',
  'upsertOrders',
  'getOrderById',
  'createReview',
  'listReviews',
  'listCustomerReviews',
  'getReviewById',
  'publishCustomerEvent',
  'listCustomerEvents',
];

for (const kind of STORES) {
  describe(`openapi and docs (${kind.name})`, () => {
    const server = useServer(kind, { basePath: '/v2' });

    it('serves a valid OpenAPI 3.1 document with the 14 operations and the 15 seed schemas', async () => {
      const res = await server.request('GET', '/openapi.json');
      assert.equal(res.status, 200);
      const doc = res.json;
      assert.equal(doc.openapi, '3.1.0');
      const result = await new Validator().validate(doc);
      assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
      const ids = Object.values(doc.paths).flatMap((item: any) => Object.values(item).map((op: any) => op.operationId));
      for (const id of seedOperations) assert.ok(ids.includes(id), `${id} documented`);
      assert.equal(ids.length, seedOperations.length + operations.reduce((n, op) => n + op.aliases.length, 0));
      for (const name of seedSchemas) assert.ok(doc.components.schemas[name], `${name} in components`);
      assert.deepEqual(doc.components.schemas.ErrorResponse.properties.code.enum, Object.keys(errorCodes));
      assert.deepEqual(doc.servers, [{ url: '/v2' }]);
      assert.deepEqual(doc.components.schemas.Customer.required, ['identifier']);
    });

    it('documents the status of each operation as docs/contract.md §1 says', async () => {
      const doc = (await server.request('GET', '/openapi.json')).json;
      for (const op of operations) {
        const documented = doc.paths[op.path][op.method.toLowerCase()];
        assert.ok(documented.responses[String(op.status)], `${op.operationId} answers ${op.status}`);
      }
      assert.ok(doc.paths['/customers/leads'].post);
      assert.ok(doc.paths['/customers/orders/{id}'].get);
    });

    it('serves the operations under the base path, and the reference page with its script locally', async () => {
      assert.equal((await server.request('GET', '/v2/customers')).status, 200);
      assert.equal((await server.request('GET', '/customers')).status, 404);
      const page = await server.request('GET', '/docs');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.doesNotMatch(page.text, /https?:\/\//, 'no CDN or remote URL');
      const script = await server.request('GET', '/docs/scalar.js');
      assert.equal(script.status, 200);
      assert.ok(script.text.length > 100_000);
    });

    it('answers /healthz with the store backend', async () => {
      const res = await server.request('GET', '/healthz');
      assert.equal(res.status, 200);
      assert.equal(res.json.status, 'ok');
      assert.equal(res.json.store, kind.name);
    });
  });
}
