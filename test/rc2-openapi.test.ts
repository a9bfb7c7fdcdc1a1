/**
 * The rc.2 binding's own OpenAPI document: valid OpenAPI 3.1, served at /od/v2/openapi.json
 * (or the configured path), with the committee's operation ids and schema names, and listed
 * beside the seed's document on /docs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const committee = parse(readFileSync(join(import.meta.dirname, 'fixtures/committee-customer-rc2.openapi.yaml'), 'utf8'));

const customerModule = [
  'listCustomers',
  'upsertCustomers',
  'listLeads',
  'upsertLeads',
  'listOrders',
  'upsertOrders',
  'getOrderById',
  'listReviews',
  'createReviews',
  'getReviewById',
];

/** The loyalty module (docs/contract.md §15), declared under `customer` too. */
const loyaltyModule = [
  'listLoyaltyPrograms',
  'upsertLoyaltyPrograms',
  'getLoyaltyProgramById',
  'listCustomerLoyaltyAccounts',
  'getLoyaltyAccountById',
  'listLoyaltyTransactions',
  'listLoyaltyRewards',
  'listLoyaltyCoupons',
  'useLoyaltyCoupon',
  'createLoyaltyRedemption',
];
const served = [...customerModule, ...loyaltyModule];

function operationsOf(doc: { paths: Record<string, Record<string, { operationId?: string }>> }): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) if (op.operationId) ids.set(op.operationId, `${method.toUpperCase()} ${path}`);
  return ids;
}

for (const kind of STORES.slice(0, 1)) {
  describe(`rc.2 OpenAPI document (${kind.name})`, () => {
    const server = useServer(kind, { basePath: '/v2' });

    it('serves a valid OpenAPI 3.1 document at /od/v2/openapi.json', async () => {
      const res = await server.request('GET', '/od/v2/openapi.json');
      assert.equal(res.status, 200);
      const result = await new Validator().validate(res.json);
      assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
      assert.deepEqual(res.json.servers, [{ url: '/od/v2' }]);
    });

    it("has the committee's ten customer-module and ten loyalty operations, at its paths and methods, and its schema names", async () => {
      const doc = (await server.request('GET', '/od/v2/openapi.json')).json;
      const ours = operationsOf(doc);
      const theirs = operationsOf(committee);
      assert.deepEqual([...ours.keys()].sort(), [...served].sort());
      for (const id of served) assert.equal(ours.get(id), theirs.get(id), id);
      const names = [
        'ErrorResponse',
        'AsyncAcceptedResponse',
        'Identifier',
        'ExternalIdentifier',
        'ContactPoint',
        'Consent',
        'Address',
        'Customer',
        'CustomerUpsertRequest',
        'CustomerListResponse',
        'Lead',
        'LeadUpsertRequest',
        'LeadListResponse',
        'OriginChannel',
        'OrderCustomerRef',
        'Order',
        'OrderUpsertRequest',
        'OrderListResponse',
        'RatingMethod',
        'ReviewRating',
        'Review',
        'ReviewUpsertRequest',
        'ReviewListResponse',
      ];
      for (const name of names) {
        assert.ok(doc.components.schemas[name], `${name} in components`);
        assert.ok(committee.components.schemas[name], `${name} is a committee name`);
      }
      // The committee's query filters, each operation's, are all declared.
      for (const id of served) {
        const [method, path] = (ours.get(id) ?? '').split(' ');
        // Parameters of the path item (useLoyaltyCoupon's couponId) and of the operation; $ref or inline.
        const declared = [...(committee.paths[path].parameters ?? []), ...(committee.paths[path][method.toLowerCase()].parameters ?? [])].map(
          (p: { $ref?: string; name?: string }) => p.name ?? committee.components.parameters[(p.$ref as string).split('/').pop() as string].name,
        );
        const params = doc.paths[path][method.toLowerCase()].parameters.map((p: { name: string }) => p.name);
        assert.deepEqual([...params].sort(), [...declared].sort(), id);
      }
      // Writes answer 202 with AsyncAcceptedResponse, and the rating value has no overlapping branches.
      assert.deepEqual(doc.paths['/customers'].post.responses['202'].content['application/json'].schema, {
        $ref: '#/components/schemas/AsyncAcceptedResponse',
      });
      assert.deepEqual(doc.components.schemas.ReviewRating.properties.value.type, ['number', 'boolean', 'string']);
    });

    it('lists both documents on /docs, and the rc.2 base path is configurable', async () => {
      const page = await server.request('GET', '/docs');
      assert.match(page.text, /"url":"openapi.json"/);
      assert.match(page.text, /"url":"od\/v2\/openapi.json"/);
      assert.equal((await server.request('GET', '/od/v2/leads')).status, 200);
    });
  });
}

describe('discovery declares both bindings', () => {
  const server = useServer(STORES[0], { publicUrl: 'https://crm.example.com' });

  it('lists the seed and the rc.2 binding with their endpoints, documents and operations', async () => {
    const manifest = (await server.request('GET', '/.well-known/opendelivery')).json;
    const bindings = manifest.capabilities.customer.bindings;
    assert.deepEqual(
      bindings.map((b: { contract: string; endpoint: string; openApiUrl: string }) => [b.contract, b.endpoint, b.openApiUrl]),
      [
        ['seed', 'https://crm.example.com', 'https://crm.example.com/openapi.json'],
        ['rc2', 'https://crm.example.com/od/v2', 'https://crm.example.com/od/v2/openapi.json'],
      ],
    );
    const rc2 = bindings[1];
    assert.equal(rc2.version, committee.info.version);
    assert.deepEqual([...rc2.supportedOperations].sort(), [...served].sort());
    // Every committee operation is declared as served or not.
    const all = [...operationsOf(committee).keys()];
    assert.deepEqual([...rc2.supportedOperations, ...rc2.unsupportedOperations].sort(), all.sort());
    // The guide's two delivery channels (docs/contract.md §15.11).
    assert.deepEqual(rc2.supportsWebhook, { customerEvent: true, loyaltyEvent: true });
  });
});

describe('rc.2 binding at a configured base path, or off', () => {
  const kind = STORES[0];
  const moved = useServer(kind, { rc2BasePath: '/committee/rc2' });
  const off = useServer(kind, { rc2BasePath: false });

  it('serves the binding and its document where configured', async () => {
    assert.equal((await moved.request('GET', '/committee/rc2/leads')).status, 200);
    assert.equal((await moved.request('GET', '/od/v2/leads')).status, 404);
    assert.deepEqual((await moved.request('GET', '/committee/rc2/openapi.json')).json.servers, [{ url: '/committee/rc2' }]);
  });

  it('serves the seed binding only when turned off', async () => {
    assert.equal((await off.request('GET', '/od/v2/leads')).status, 404);
    assert.equal((await off.request('GET', '/od/v2/openapi.json')).status, 404);
    assert.doesNotMatch((await off.request('GET', '/docs')).text, /od\/v2/);
    assert.equal((await off.request('GET', '/.well-known/opendelivery')).json.capabilities.customer.bindings, undefined);
  });
});

describe('rc.2 writes are logged under their correlationId', () => {
  const lines: Record<string, unknown>[] = [];
  const stream = {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  const server = useServer(STORES[0], { logger: { level: 'info', stream } });

  it('logs "batch committed" with the correlationId the 202 answer carries', async () => {
    const res = await server.request('POST', '/od/v2/leads', { items: [{ id: 'logged-lead' }] }, { 'x-request-id': 'corr-42' });
    assert.equal(res.status, 202);
    assert.deepEqual(res.json, { status: 'ACCEPTED', correlationId: 'corr-42' });
    const committed = lines.find((l) => l.msg === 'batch committed' && l.correlationId === 'corr-42');
    assert.ok(committed, JSON.stringify(lines.slice(-5)));
    assert.equal(committed.reqId, 'corr-42');
    assert.equal(committed.binding, 'rc2');
    assert.equal(committed.items, 1);
  });
});
