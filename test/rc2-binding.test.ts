/**
 * The rc.2 binding as a vendor would meet it (issue 14): a client generated from the
 * committee's 2.0.0-rc.2 document (openapi-typescript + openapi-fetch) calls the ten
 * customer-module operations through Prism, which proxies to odc's /od/v2 and validates every
 * request and response against the committee's document. Records cross between the bindings
 * both ways with their mapped fields intact. Both stores.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import createClient, { type Client } from 'openapi-fetch';
import { addClient, tokenFor } from './support/credentials.js';
import type { paths } from './support/committee-rc2.js';
import { startPrismProxy, type PrismProxy } from './support/prism-proxy.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const COMMITTEE_DOCUMENT = join(import.meta.dirname, 'fixtures/committee-customer-rc2.openapi.yaml');

/**
 * Response violations the committee's document causes by itself (docs/bindings.md, "Defects
 * of the committee document"): `ReviewRating.value` is a oneOf of integer and number (among
 * others), so every whole-number rating matches two branches.
 */
const EXPECTED_VIOLATIONS = [/^body\.(items\.\d+\.)?ratings\.\d+\.value$/];

for (const kind of STORES) {
  describe(`rc.2 binding through the committee's document (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    let prism: PrismProxy;
    let client: Client<paths>;
    let token: string;
    const seed = (method: string, path: string, body?: unknown) => server.request(method, path, body, { authorization: `Bearer ${token}` });

    before(async () => {
      const creds = await addClient(server, { merchants: ['m1'], model: 'merchant' });
      token = await tokenFor(server, creds);
      prism = await startPrismProxy(COMMITTEE_DOCUMENT, `${server.url}/od/v2`);
      client = createClient<paths>({ baseUrl: prism.url, headers: { authorization: `Bearer ${token}` } });
    });
    after(async () => {
      await prism?.stop();
    });

    it('upsertCustomers answers 202 ACCEPTED with the request id as correlationId, after the write', async () => {
      const { data, response } = await client.POST('/customers', {
        headers: { 'x-request-id': 'rc2-upsert-1' },
        body: {
          items: [
            {
              id: 'c-maria',
              merchantId: 'm1',
              identifier: { type: 'email', value: 'Maria@Example.com' },
              externalIds: [{ source: 'pdv', value: 'PDV-1' }],
              name: 'Maria',
              contacts: [
                { type: 'phone', value: '+5511999999999' },
                { type: 'email', value: 'maria@example.com' },
                { type: 'other', value: '@maria' },
              ],
              birthDate: '1990-05-01',
              addresses: [{ type: 'home', city: 'São Paulo', country: 'BR' }],
              metadata: { tags: ['vip'] },
              consents: [{ purpose: 'marketing', channel: 'email', status: 'opt_in', source: 'app', grantedAt: '2026-08-01T10:00:00Z' }],
              createdAt: '2026-08-01T09:00:00Z',
            },
          ],
        },
      });
      assert.equal(response.status, 202);
      assert.deepEqual(data, { status: 'ACCEPTED', correlationId: 'rc2-upsert-1' });
      assert.equal(response.headers.get('x-request-id'), 'rc2-upsert-1');
      // Committed before the answer: the seed binding reads it at once, in its own shape.
      const stored = (await seed('GET', '/customers/c-maria')).json;
      assert.deepEqual(stored.demographics, { birthDate: '1990-05-01' });
      assert.deepEqual(stored.contacts, { phones: [{ number: '+5511999999999' }], emails: [{ email: 'maria@example.com' }], others: [{ value: '@maria' }] });
      assert.equal(stored.merchantId, 'm1');
      assert.deepEqual(stored.consents, [{ purpose: 'marketing', channel: 'email', status: 'opt_in', source: 'app', grantedAt: '2026-08-01T10:00:00Z' }]);
      assert.deepEqual(stored.externalIds, [{ source: 'pdv', value: 'PDV-1' }]);
    });

    it('listCustomers filters by identifier and externalId, and answers {items, page, pageSize, total}', async () => {
      const { data, response } = await client.GET('/customers', {
        params: { query: { customerIdentifierType: 'email', customerIdentifierValue: 'MARIA@example.com' } },
      });
      assert.equal(response.status, 200);
      assert.equal(data?.total, 1);
      assert.equal(data?.page, 1);
      assert.equal(data?.pageSize, 50);
      const maria = data?.items?.[0];
      assert.equal(maria?.id, 'c-maria');
      assert.equal(maria?.birthDate, '1990-05-01');
      assert.deepEqual(maria?.contacts, [
        { type: 'phone', value: '+5511999999999' },
        { type: 'email', value: 'maria@example.com' },
        { type: 'other', value: '@maria' },
      ]);
      assert.equal(maria?.consents?.[0]?.status, 'opt_in');
      const byExternal = await client.GET('/customers', { params: { query: { externalId: 'PDV-1' } } });
      assert.deepEqual(
        byExternal.data?.items?.map((c) => c.id),
        ['c-maria'],
      );
      const none = await client.GET('/customers', { params: { query: { externalId: 'nobody' } } });
      assert.deepEqual(none.data, { items: [], page: 1, pageSize: 50, total: 0 });
    });

    it('shows a customer written through the seed binding with its mapped fields, and keeps seed-only fields on an rc.2 re-send', async () => {
      const written = await seed('POST', '/customers', [
        {
          id: 'c-joao',
          identifier: { type: 'document', value: '123.456.789-09' },
          name: 'João',
          document: { type: 'CPF', value: '12345678909' },
          demographics: { birthDate: '1985-01-02', gender: 'M' },
          contacts: { phones: [{ number: '+5521988887777', type: 'mobile', isPrimary: true }], emails: [{ email: 'joao@example.com' }] },
          externalIds: [{ source: 'crm', sourceName: 'CRM Core', key: 'code', value: 'J-1' }],
        },
      ]);
      assert.equal(written.status, 200);
      const before = (await seed('GET', '/customers/c-joao')).json;
      const { data } = await client.GET('/customers', { params: { query: { customerIdentifierType: 'document', customerIdentifierValue: '12345678909' } } });
      const joao = data?.items?.[0] as Record<string, unknown>;
      assert.equal(joao.birthDate, '1985-01-02');
      assert.deepEqual(joao.demographics, { gender: 'M' });
      assert.deepEqual(joao.contacts, [
        { type: 'phone', value: '+5521988887777', label: 'mobile', isPrimary: true },
        { type: 'email', value: 'joao@example.com' },
      ]);
      assert.deepEqual(joao.document, { type: 'CPF', value: '12345678909' });
      // A vendor sends back what it read: nothing the seed binding holds is lost or changed.
      const { id: _id, updatedAt: _u, ...resend } = joao;
      const res = await client.POST('/customers', { body: { items: [resend as never] } });
      assert.equal(res.response.status, 202);
      const afterResend = (await seed('GET', '/customers/c-joao')).json;
      const { updatedAt: _a, ...beforeRest } = before;
      const { updatedAt: _b, ...afterRest } = afterResend;
      assert.deepEqual(afterRest, beforeRest);
    });

    it('upsertCustomers refuses an invalid item with 400 ErrorResponse naming the rc.2 pointer, writing nothing', async () => {
      const { error, response } = await client.POST('/customers', {
        body: { items: [{ identifier: { type: 'email', value: 'ok@example.com' } }, { name: 'no identifier' } as never] },
      });
      assert.equal(response.status, 400);
      assert.equal(error?.code, 'VALIDATION_ERROR');
      assert.ok(error?.details?.includes('/items/1/identifier: is required'), JSON.stringify(error));
      const { data } = await client.GET('/customers', { params: { query: { customerIdentifierType: 'email', customerIdentifierValue: 'ok@example.com' } } });
      assert.equal(data?.total, 0);
    });

    it('upsertCustomers answers 409 when an id already belongs to another customer', async () => {
      // maria@example.com is c-maria's identifier; c-joao is another customer's id.
      const { error, response } = await client.POST('/customers', {
        body: { items: [{ id: 'c-joao', identifier: { type: 'email', value: 'maria@example.com' } }] },
      });
      assert.equal(response.status, 409);
      assert.equal(error?.code, 'CONFLICT');
      assert.ok(
        error?.details?.some((d) => d.startsWith('/items/0/id')),
        JSON.stringify(error),
      );
    });

    it('answers 401 ErrorResponse without a token', async () => {
      const anonymous = createClient<paths>({ baseUrl: prism.url });
      const { error, response } = await anonymous.GET('/leads');
      assert.equal(response.status, 401);
      assert.equal(error?.code, 'UNAUTHORIZED');
    });

    it('upsertLeads and listLeads, and a seed lead whose contact is a string shows as a ContactPoint', async () => {
      const res = await client.POST('/leads', {
        body: { items: [{ id: 'lead-1', name: 'Ana', contact: { type: 'email', value: 'ana@example.com' }, source: 'cart_abandoned', metadata: { cart: 3 } }] },
      });
      assert.equal(res.response.status, 202);
      assert.equal((await seed('POST', '/leads', [{ id: 'lead-2', contact: '+55 11 98888-7777' }])).status, 200);
      const { data } = await client.GET('/leads', { params: { query: { pageSize: 1 } } });
      assert.equal(data?.total, 2);
      assert.equal(data?.items?.length, 1);
      const page2 = await client.GET('/leads', { params: { query: { pageSize: 1, page: 2 } } });
      const all = [...(data?.items ?? []), ...(page2.data?.items ?? [])];
      const byId = Object.fromEntries(all.map((l) => [l.id, l]));
      assert.deepEqual(byId['lead-1']?.contact, { type: 'email', value: 'ana@example.com' });
      assert.equal(byId['lead-1']?.source, 'cart_abandoned');
      assert.deepEqual(byId['lead-2']?.contact, { type: 'phone', value: '+55 11 98888-7777' });
    });

    it('upsertOrders stores the canonical snapshot; getOrderById and listOrders give the rc.2 Order back', async () => {
      const res = await client.POST('/orders', {
        body: {
          items: [
            {
              id: 'o-1',
              storeId: 'store-1',
              originChannel: 'own_app',
              customer: { identifier: { type: 'email', value: 'maria@example.com' } },
              totalAmount: 5490,
              items: [{ sku: 'PZ-1', name: 'Pizza', quantity: 1, unitPrice: 5490 }],
              metadata: { table: 4 },
              createdAt: '2026-08-02T20:00:00Z',
            },
            { id: 'o-2', storeId: 'store-2', originChannel: 'marketplace', totalAmount: 1000, createdAt: '2026-08-03T20:00:00Z' },
          ],
        },
      });
      assert.equal(res.response.status, 202);
      const canonical = (await seed('GET', '/orders/o-1')).json;
      assert.deepEqual(canonical.merchant, { id: 'store-1' });
      assert.equal(canonical.salesChannel, 'own_app');
      assert.deepEqual(canonical.total, { orderAmount: { value: 54.9 } });
      assert.deepEqual(canonical.items, [{ externalCode: 'PZ-1', name: 'Pizza', quantity: 1, unitPrice: { value: 54.9 } }]);
      assert.equal(canonical.customer.id, 'c-maria', 'the reference resolves to the customer, so the seed filter finds it');
      assert.equal((await seed('GET', '/orders?customerId=c-maria')).json.length, 1);

      const one = await client.GET('/orders/{orderId}', { params: { path: { orderId: 'o-1' } } });
      assert.equal(one.response.status, 200);
      const { updatedAt, ...order } = one.data ?? {};
      assert.ok(updatedAt);
      assert.deepEqual(order, {
        id: 'o-1',
        storeId: 'store-1',
        originChannel: 'own_app',
        customer: { identifier: { type: 'email', value: 'maria@example.com' } },
        totalAmount: 5490,
        items: [{ sku: 'PZ-1', name: 'Pizza', quantity: 1, unitPrice: 5490 }],
        metadata: { table: 4 },
        createdAt: '2026-08-02T20:00:00Z',
      });
      const byCustomer = await client.GET('/orders', { params: { query: { customerIdentifierType: 'email', customerIdentifierValue: 'maria@example.com' } } });
      assert.deepEqual(
        byCustomer.data?.items?.map((o) => o.id),
        ['o-1'],
      );
      const byStore = await client.GET('/orders', { params: { query: { storeId: 'store-2' } } });
      assert.deepEqual(
        byStore.data?.items?.map((o) => o.id),
        ['o-2'],
      );
      assert.equal(byStore.data?.total, 1);
      const byChannel = await client.GET('/orders', { params: { query: { originChannel: 'own_app', createdFrom: '2026-08-01T00:00:00Z' } } });
      assert.deepEqual(
        byChannel.data?.items?.map((o) => o.id),
        ['o-1'],
      );
      const missing = await client.GET('/orders/{orderId}', { params: { path: { orderId: 'nope' } } });
      assert.equal(missing.response.status, 404);
      assert.equal(missing.error?.code, 'NOT_FOUND');
    });

    it('shows a canonical order written through the seed binding as an rc.2 Order', async () => {
      const written = await seed('POST', '/orders', [
        {
          id: 'o-seed',
          merchant: { id: 'store-9', name: 'Loja Centro' },
          total: { itemsPrice: { value: 10, currency: 'BRL' }, orderAmount: { value: 10.5, currency: 'BRL' } },
          items: [{ id: 'i1', name: 'Soda', quantity: 2, unitPrice: { value: 5, currency: 'BRL' }, externalCode: 'SODA' }],
          customer: { id: 'c-maria', name: 'Maria' },
        },
      ]);
      assert.equal(written.status, 201);
      const { data } = await client.GET('/orders/{orderId}', { params: { path: { orderId: 'o-seed' } } });
      const order = data as Record<string, unknown>;
      assert.equal(order.storeId, 'store-9');
      assert.deepEqual(order.merchant, { name: 'Loja Centro' });
      assert.equal(order.totalAmount, 1050);
      assert.equal(order.currency, 'BRL');
      assert.deepEqual(order.total, { itemsPrice: { value: 10, currency: 'BRL' } });
      assert.deepEqual(order.items, [{ id: 'i1', name: 'Soda', quantity: 2, unitPrice: 500, sku: 'SODA' }]);
      assert.deepEqual(order.customer, { id: 'c-maria', name: 'Maria' });
    });

    it('createReviews, getReviewById and listReviews: ratings[] kept exactly, stored as overallRating and questions', async () => {
      const review = {
        id: 'rv-1',
        merchantId: 'm1',
        customerIdentifier: { type: 'email', value: 'maria@example.com' },
        orderId: 'o-1',
        source: 'app',
        ratings: [
          { method: 'nps' as const, value: 9, scaleMin: 0, scaleMax: 10, isOverall: false, question: 'Would you recommend us?' },
          { method: 'stars' as const, value: 4.5, scaleMin: 1, scaleMax: 5, isOverall: true, category: 'food_quality' },
          { method: 'binary' as const, value: true, isOverall: false, category: 'delivery', comment: 'on time' },
          { method: 'score' as const, value: 'B+', isOverall: false },
        ],
        comment: 'Good',
        createdAt: '2026-08-02T21:00:00Z',
      };
      const res = await client.POST('/reviews', { body: { items: [review] } });
      assert.equal(res.response.status, 202);
      const stored = (await seed('GET', '/reviews/rv-1')).json;
      assert.equal(stored.reviewType, 'ORDER');
      assert.equal(stored.reviewDate, '2026-08-02T21:00:00Z');
      assert.deepEqual(stored.subject, { orderId: 'o-1', merchantId: 'm1' });
      assert.equal(stored.customer.customerId, 'c-maria');
      assert.equal(stored.overallRating.ratingStyle, 'STAR');
      assert.equal(stored.overallRating.value, 4.5);
      assert.deepEqual(
        stored.questions.map((q: { ratingStyle: string; value: number }) => [q.ratingStyle, q.value]),
        [
          ['NPS', 9],
          ['THUMBS_UP_DOWN', 1],
          ['OTHER', undefined],
        ],
      );
      const one = await client.GET('/reviews/{reviewId}', { params: { path: { reviewId: 'rv-1' } } });
      assert.deepEqual(one.data, review);
      const list = await client.GET('/reviews', {
        params: { query: { orderId: 'o-1', customerIdentifierType: 'email', customerIdentifierValue: 'maria@example.com' } },
      });
      assert.deepEqual(list.data?.items, [review]);
      assert.equal((await client.GET('/reviews', { params: { query: { orderId: 'o-2' } } })).data?.total, 0);
      const missing = await client.GET('/reviews/{reviewId}', { params: { path: { reviewId: 'nope' } } });
      assert.equal(missing.response.status, 404);
    });

    it('shows a seed review as rc.2 ratings, and refuses an rc.2 review without ratings', async () => {
      const written = await seed('POST', '/reviews', {
        reviewId: 'rv-seed',
        reviewType: 'MERCHANT_EXPERIENCE',
        overallRating: { ratingStyle: 'STAR', value: 5, comment: 'great' },
        questions: [{ questionId: 'q1', question: 'Speed?', ratingStyle: 'THUMBS_UP_DOWN', value: 1 }],
        subject: { merchantId: 'm1' },
        reviewDate: '2026-08-04T10:00:00Z',
        source: { system: 'CRM', channel: 'DELIVERY_APP' },
      });
      assert.equal(written.status, 201);
      const { data } = await client.GET('/reviews/{reviewId}', { params: { path: { reviewId: 'rv-seed' } } });
      assert.deepEqual(data, {
        id: 'rv-seed',
        ratings: [
          { method: 'stars', value: 5, isOverall: true, comment: 'great' },
          { method: 'binary', value: 1, question: 'Speed?', questionId: 'q1' },
        ],
        merchantId: 'm1',
        createdAt: '2026-08-04T10:00:00Z',
        source: 'CRM',
        sourceDetails: { channel: 'DELIVERY_APP' },
      });
      const bad = await client.POST('/reviews', { body: { items: [{ id: 'rv-empty', ratings: [] }] } });
      assert.equal(bad.response.status, 400);
      assert.ok(bad.error?.details?.some((d) => d.startsWith('/items/0/ratings')));
    });

    it('answers 400 for a bad query parameter', async () => {
      const { error, response } = await client.GET('/orders', { params: { query: { originChannel: 'telepathy' as never } } });
      assert.equal(response.status, 400);
      assert.ok(error?.details?.[0]?.startsWith('originChannel:'));
    });

    it('Prism logged no response violation beyond those the listed defects of the committee document cause', async () => {
      const violations = (await prism.violations()).filter((v) => v.side === 'response');
      const unexpected = violations.filter((v) => !EXPECTED_VIOLATIONS.some((pattern) => pattern.test(v.path)));
      assert.deepEqual(unexpected, []);
      // The listed defect is real: the whole-number ratings above (9, 4.5 is not) trip it.
      assert.ok(violations.some((v) => /ratings\.\d+\.value$/.test(v.path)));
    });
  });
}
