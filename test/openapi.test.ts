/**
 * The OpenAPI document and the reference page: generated from the contract, valid OpenAPI
 * 3.1, listing all 14 operations (and the binding's aliases), the seed's named schemas and
 * every error code; `/docs` is served entirely from this server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { errorCodes } from '../src/contract/errors.js';
import { identifierTypes } from '../src/contract/customer.js';
import { operations } from '../src/contract/operations.js';
import { reviewTypes } from '../src/contract/review.js';
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

/**
 * Values to try on every query parameter: good and bad integers, dates, enum members and
 * near misses. (A cursor is opaque and left out: only the server can tell a good one.)
 */
const candidateValues = [
  '',
  'x',
  '0',
  '1',
  '2',
  '-1',
  '1.5',
  '500',
  '501',
  '1000000000',
  '1000000001',
  '2026-06-01T12:00:00Z',
  '2026-06-01T12:00:00.123456+03:00',
  '2026-06-01',
  '2026-02-30T00:00:00Z',
  '2026-06-01T25:00:00Z',
  '2026-06-01T12:00:00',
  ...identifierTypes,
  'passport',
  'EMAIL',
  ...reviewTypes,
  'order',
  'customer.opted_out',
  // Just within and just over the length of an id or key (docs/contract.md §9.1).
  'k'.repeat(256),
  'k'.repeat(257),
];

/** Ajv reading query strings the way OpenAPI deserializes them: integers from their text. */
function queryValidator(): Ajv {
  const ajv = new Ajv({ coerceTypes: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

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

    it("declares every query parameter exactly as strict as the server's 400s", async () => {
      const doc = (await server.request('GET', '/openapi.json')).json;
      const ajv = queryValidator();
      let compared = 0;
      for (const op of operations.filter((o) => o.response === 'list')) {
        const parameters = doc.paths[op.path].get.parameters as { name: string; in: string; schema: object }[];
        for (const param of parameters.filter((p) => p.in === 'query' && p.name !== 'cursor')) {
          const validate = ajv.compile(param.schema);
          for (const value of candidateValues) {
            const declared = validate(value);
            const path = `/v2${op.path.replace('{customerId}', 'someone')}?${param.name}=${encodeURIComponent(value)}`;
            const res = await server.request('GET', path);
            assert.ok(res.status === 200 || res.status === 400 || res.status === 404, `${path}: ${res.status}`);
            const accepted = res.status !== 400;
            assert.equal(accepted, declared, `${path}: the server ${accepted ? 'accepts' : 'refuses'} what /openapi.json ${declared ? 'allows' : 'refuses'}`);
            compared += 1;
          }
        }
      }
      assert.ok(compared > 500, `compared ${compared} values`);
    });

    it('takes the enums of its query parameters from the contract', async () => {
      const doc = (await server.request('GET', '/openapi.json')).json;
      const param = (path: string, name: string) => doc.paths[path].get.parameters.find((p: { name: string }) => p.name === name).schema;
      assert.deepEqual(param('/customers', 'customerIdentifierType').enum, [...identifierTypes]);
      assert.deepEqual(param('/reviews', 'reviewType').enum, [...reviewTypes]);
      assert.deepEqual(param('/customers/reviews', 'reviewType').enum, [...reviewTypes]);
      assert.equal(param('/orders', 'pageSize').maximum, 500);
      assert.equal(param('/customer/events', 'occurredFrom').format, 'date-time');
    });

    it('declares Retry-After on every 503', async () => {
      const doc = (await server.request('GET', '/openapi.json')).json;
      for (const item of Object.values(doc.paths) as Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>[]) {
        for (const op of Object.values(item)) assert.ok(op.responses['503']?.headers?.['Retry-After']);
      }
    });

    it('answers /healthz with the store backend', async () => {
      const res = await server.request('GET', '/healthz');
      assert.equal(res.status, 200);
      assert.equal(res.json.status, 'ok');
      assert.equal(res.json.store, kind.name);
    });
  });
}

describe('openapi with authentication (unit)', () => {
  it('declares WWW-Authenticate on every 401 and Retry-After on every 429', async () => {
    const { buildOpenApiDocument } = await import('../src/contract/openapi.js');
    const doc = buildOpenApiDocument({ version: '0', basePath: '/', orderProfile: 'lenient', maxBatchItems: 10, bodyLimit: 1024, authenticated: true }) as {
      paths: Record<string, Record<string, { tags: string[]; responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    let operationsSeen = 0;
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        // The privacy operations (docs/contract.md §14) are outside the per-client rate limit.
        if (op.tags.includes('Privacy')) continue;
        operationsSeen += 1;
        assert.ok(op.responses['401']?.headers?.['WWW-Authenticate']);
        assert.ok(op.responses['429']?.headers?.['Retry-After']);
        assert.ok(op.responses['503']?.headers?.['Retry-After']);
      }
    }
    assert.equal(operationsSeen, seedOperations.length + operations.reduce((n, op) => n + op.aliases.length, 0));
    const result = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
    assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
  });
});
