/**
 * Leads, orders and reviews over HTTP, at the seed's paths and the REST binding's aliases:
 * keyed upserts that never duplicate, success statuses of docs/contract.md §1, and filters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { startTestServer, useServer } from './support/test-server.js';

const review = (over: Record<string, unknown> = {}) => ({
  reviewType: 'ORDER',
  overallRating: { ratingStyle: 'STAR', value: 4 },
  reviewDate: '2026-06-01T12:00:00Z',
  ...over,
});

for (const kind of STORES) {
  describe(`leads (${kind.name})`, () => {
    const server = useServer(kind);

    it('upserts at /leads and /customers/leads with 200, keyed by id, never duplicating', async () => {
      assert.equal((await server.request('POST', '/leads', [{ id: 'L1', name: 'Ana', contact: 'ana@example.com' }])).status, 200);
      assert.equal(
        (await server.request('POST', '/customers/leads', [{ id: 'L1', name: 'Ana S.', contact: { type: 'email', value: 'ana@example.com' } }])).status,
        200,
      );
      const list = await server.request('GET', '/leads');
      assert.equal(list.status, 200);
      assert.equal(list.json.length, 1);
      assert.equal(list.json[0].name, 'Ana S.');
      assert.deepEqual(list.json[0].contact, { type: 'email', value: 'ana@example.com' });
      assert.deepEqual((await server.request('GET', '/customers/leads')).json, list.json);
    });

    it('assigns a content-derived id to a lead without one, so a retried batch does not duplicate', async () => {
      const batch = [{ name: 'No Id', contact: '+5511900000000' }];
      await server.request('POST', '/leads', batch);
      await server.request('POST', '/leads', batch);
      const list = (await server.request('GET', '/leads')).json.filter((l: any) => l.name === 'No Id');
      assert.equal(list.length, 1);
      assert.equal(typeof list[0].id, 'string');
    });

    it('filters by updatedFrom and keeps updatedAt on a no-op re-send', async () => {
      await server.request('POST', '/leads', [{ id: 'L-upd', name: 'x' }]);
      const before = (await server.request('GET', '/leads')).json.find((l: any) => l.id === 'L-upd');
      await server.request('POST', '/leads', [{ id: 'L-upd', name: 'x' }]);
      const after = (await server.request('GET', '/leads')).json.find((l: any) => l.id === 'L-upd');
      assert.equal(after.updatedAt, before.updatedAt);
      const later = new Date(Date.parse(before.updatedAt) + 1).toISOString();
      const none = await server.request('GET', `/leads?updatedFrom=${later}`);
      assert.equal(none.json.filter((l: any) => l.id === 'L-upd').length, 0);
    });
  });

  describe(`orders (${kind.name})`, () => {
    const server = useServer(kind);

    it('upserts at /orders and /customers/orders with 201, reads by id at both paths', async () => {
      const order = { id: 'ord-001', status: 'CONFIRMED', customer: { id: 'cust-001' } };
      assert.equal((await server.request('POST', '/orders', [order])).status, 201);
      assert.equal((await server.request('POST', '/customers/orders', [{ ...order, status: 'DELIVERED' }])).status, 201);
      const one = await server.request('GET', '/orders/ord-001');
      assert.equal(one.status, 200);
      assert.equal(one.json.status, 'DELIVERED');
      assert.deepEqual(one.json.customer, { id: 'cust-001' });
      const alias = await server.request('GET', '/customers/orders/ord-001');
      assert.deepEqual(alias.json, one.json);
      const list = await server.request('GET', '/customers/orders');
      assert.equal(list.json.length, 1);
    });

    it('requires a string id (lenient profile) and checks the type of canonical fields present', async () => {
      const noId = await server.request('POST', '/orders', [{ status: 'X' }]);
      assert.equal(noId.status, 400);
      assert.ok(noId.json.details.some((d: string) => d.startsWith('/0/id: is required')));
      const badTotal = await server.request('POST', '/orders', [{ id: 'o-bad', total: 'abc' }]);
      assert.equal(badTotal.status, 400);
      assert.ok(badTotal.json.details.some((d: string) => d.startsWith('/0/total: must be object')));
    });

    it('filters by customerId (resolving the customer) and createdFrom/createdTo on the order createdAt', async () => {
      await server.request('POST', '/customers', [{ id: 'cust-o', identifier: { type: 'external_id', value: 'ext-o' } }]);
      await server.request('POST', '/orders', [
        { id: 'o1', createdAt: '2026-01-10T10:00:00Z', customer: { id: 'cust-o' } },
        { id: 'o2', createdAt: '2026-02-10T10:00:00Z', customer: { id: 'ext-o' } },
        { id: 'o3', createdAt: '2026-03-10T10:00:00Z', customer: { id: 'someone-else' } },
      ]);
      const mine = await server.request('GET', '/orders?customerId=cust-o');
      assert.deepEqual(mine.json.map((o: any) => o.id).sort(), ['o1', 'o2']);
      const feb = await server.request('GET', '/orders?createdFrom=2026-02-01T00:00:00Z&createdTo=2026-02-28T23:59:59Z');
      assert.deepEqual(
        feb.json.map((o: any) => o.id),
        ['o2'],
      );
      const unknown = await server.request('GET', '/orders?customerId=nobody');
      assert.deepEqual(unknown.json, []);
    });

    it('enforces the canonical required set under the strict profile', async () => {
      const strict = await startTestServer(kind, { orderProfile: 'strict' });
      try {
        const res = await strict.request('POST', '/orders', [{ id: 'ord-001', status: 'CONFIRMED' }]);
        assert.equal(res.status, 400);
        for (const field of ['type', 'displayId', 'createdAt', 'merchant', 'items', 'total', 'payments']) {
          assert.ok(
            res.json.details.some((d: string) => d.startsWith(`/0/${field}: is required`)),
            `${field} is required in strict`,
          );
        }
      } finally {
        await strict.stop();
      }
    });
  });

  describe(`reviews (${kind.name})`, () => {
    const server = useServer(kind);

    it('creates at /reviews and /customers/reviews with 201 and reads by reviewId', async () => {
      assert.equal((await server.request('POST', '/reviews', review({ reviewId: 'rev-1', customer: { customerId: 'c-1' } }))).status, 201);
      assert.equal((await server.request('POST', '/customers/reviews', review({ reviewId: 'rev-2', reviewType: 'MERCHANT_EXPERIENCE' }))).status, 201);
      const one = await server.request('GET', '/reviews/rev-1');
      assert.equal(one.status, 200);
      assert.equal(one.json.overallRating.value, 4);
      const all = await server.request('GET', '/customers/reviews');
      assert.equal(all.json.length, 2);
    });

    it('re-sending the same reviewId updates it with 201 again; one without reviewId is idempotent', async () => {
      assert.equal((await server.request('POST', '/reviews', review({ reviewId: 'rev-1', overallRating: { ratingStyle: 'STAR', value: 5 } }))).status, 201);
      assert.equal((await server.request('GET', '/reviews/rev-1')).json.overallRating.value, 5);
      const anonymous = review({ overallRating: { ratingStyle: 'NPS', value: 9 }, subject: { orderId: 'ord-anon' } });
      assert.equal((await server.request('POST', '/reviews', anonymous)).status, 201);
      assert.equal((await server.request('POST', '/reviews', anonymous)).status, 201);
      const list = await server.request('GET', '/reviews?orderId=ord-anon');
      assert.equal(list.json.length, 1);
      assert.equal(typeof list.json[0].reviewId, 'string');
    });

    it("lists a customer's reviews by any id the customer resolves to, and 404s only when nothing matches", async () => {
      await server.request('POST', '/customers', [{ id: 'cust-r', identifier: { type: 'external_id', value: 'crm:r' } }]);
      await server.request('POST', '/reviews', review({ reviewId: 'rev-r1', customer: { customerId: 'cust-r' } }));
      await server.request('POST', '/reviews', review({ reviewId: 'rev-r2', customer: { customerId: 'crm:r' } }));
      const byId = await server.request('GET', '/customers/cust-r/reviews');
      assert.deepEqual(byId.json.map((r: any) => r.reviewId).sort(), ['rev-r1', 'rev-r2']);
      const byExternal = await server.request('GET', '/customers/crm%3Ar/reviews');
      assert.equal(byExternal.json.length, 2);
      await server.request('POST', '/reviews', review({ reviewId: 'rev-orphan', customer: { customerId: 'c-unknown' } }));
      const orphan = await server.request('GET', '/customers/c-unknown/reviews');
      assert.equal(orphan.status, 200, 'reviews exist for an unknown customer id');
      assert.equal(orphan.json.length, 1);
      const none = await server.request('GET', '/customers/nobody/reviews');
      assert.equal(none.status, 404);
      assert.equal(none.json.code, 'NOT_FOUND');
      const known = await server.request('POST', '/customers', [{ id: 'cust-quiet', identifier: { type: 'custom', value: 'quiet' } }]);
      assert.equal(known.status, 200);
      const empty = await server.request('GET', '/customers/cust-quiet/reviews');
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.json, []);
    });

    it('filters by reviewType and by reviewDate range, and refuses a bad reviewType', async () => {
      await server.request('POST', '/reviews', review({ reviewId: 'rev-old', reviewDate: '2025-01-01T00:00:00-03:00', reviewType: 'EVENT' }));
      const events = await server.request('GET', '/reviews?reviewType=EVENT');
      assert.deepEqual(
        events.json.map((r: any) => r.reviewId),
        ['rev-old'],
      );
      const old = await server.request('GET', '/reviews?createdTo=2025-12-31T23:59:59Z');
      assert.deepEqual(
        old.json.map((r: any) => r.reviewId),
        ['rev-old'],
      );
      const bad = await server.request('GET', '/reviews?reviewType=SOMETHING');
      assert.equal(bad.status, 400);
    });

    it('refuses a review without reviewDate, naming the field', async () => {
      const { reviewDate: _omit, ...noDate } = review();
      const res = await server.request('POST', '/reviews', noDate);
      assert.equal(res.status, 400);
      assert.deepEqual(res.json.details, ['/reviewDate: is required']);
    });
  });
}
