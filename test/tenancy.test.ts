/**
 * Tenancy from day one (docs/contract.md §6): every record belongs to the tenant the
 * authentication hook names, identity is unique per tenant, and no list, filter, count or
 * lookup crosses tenants. The hook here reads a test header; the OAuth work replaces it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError } from '../src/contract/errors.js';
import { operations, pathsOf } from '../src/contract/operations.js';
import type { Authenticator } from '../src/server/auth.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const byHeader: Authenticator = (request) => ({ tenant: String(request.headers['x-test-tenant'] ?? 'default') });

for (const kind of STORES) {
  describe(`tenancy (${kind.name})`, () => {
    const server = useServer(kind, { authenticate: byHeader });
    const as = (tenant: string) => ({
      get: (path: string) => server.request('GET', path, undefined, { 'x-test-tenant': tenant }),
      post: (path: string, body: unknown) => server.request('POST', path, body, { 'x-test-tenant': tenant }),
    });
    const a = as('merchant-a');
    const b = as('merchant-b');

    it('keeps the same identifier in two tenants as two customers, merged independently', async () => {
      await a.post('/customers', [{ id: 'shared-id', identifier: { type: 'email', value: 'same@example.com' }, name: 'A' }]);
      await b.post('/customers', [{ id: 'shared-id', identifier: { type: 'email', value: 'same@example.com' }, name: 'B' }]);
      await b.post('/customers', [{ identifier: { type: 'email', value: 'same@example.com' }, demographics: { gender: 'F' } }]);
      const ca = (await a.get('/customers/shared-id')).json;
      const cb = (await b.get('/customers/shared-id')).json;
      assert.equal(ca.name, 'A');
      assert.equal(ca.demographics, undefined);
      assert.equal(cb.name, 'B');
      assert.equal(cb.demographics.gender, 'F');
    });

    it("never shows one tenant's records, counts or lookups to another", async () => {
      await a.post('/customers', [
        { id: 'only-a', identifier: { type: 'external_id', value: 'ext-only-a' }, externalIds: [{ source: 'S', key: 'k', value: 'xa' }] },
      ]);
      await a.post('/leads', [{ id: 'lead-a' }]);
      await a.post('/orders', [{ id: 'order-a', customer: { id: 'only-a' } }]);
      await a.post('/reviews', {
        reviewId: 'review-a',
        reviewType: 'ORDER',
        overallRating: { ratingStyle: 'STAR', value: 1 },
        reviewDate: '2026-06-01T00:00:00Z',
        customer: { customerId: 'only-a' },
      });
      await a.post('/customer/events', { eventType: 'customer.opted_out', occurredAt: '2026-06-01T00:00:00Z', customerId: 'only-a' });

      for (const path of [
        '/customers/only-a',
        '/customers/ext-only-a',
        '/customers/external_id:ext-only-a',
        '/orders/order-a',
        '/customers/orders/order-a',
        '/reviews/review-a',
        '/customers/only-a/reviews',
      ]) {
        assert.equal((await b.get(path)).status, 404, path);
        assert.equal((await a.get(path)).status, 200, path);
      }
      for (const path of [
        '/customers?externalId=xa',
        '/leads',
        '/orders?customerId=only-a',
        '/reviews?customerId=only-a',
        '/customer/events?customerId=only-a',
      ]) {
        const res = await b.get(path);
        assert.deepEqual(res.json, [], path);
        assert.equal(res.headers.get('x-total-count'), '0', path);
      }
      const countA = Number((await a.get('/customers')).headers.get('x-total-count'));
      const countB = Number((await b.get('/customers')).headers.get('x-total-count'));
      assert.equal(countA, 2);
      assert.equal(countB, 1);
    });

    it('keeps consent events inside their tenant', async () => {
      await b.post('/customers', [{ id: 'only-a', identifier: { type: 'external_id', value: 'ext-only-a' } }]);
      assert.equal((await b.get('/customers/only-a')).json.consent, undefined, "tenant A's opt-out did not reach B");
      assert.equal((await a.get('/customers/only-a')).json.consent.status, 'opted_out');
    });

    it('keeps event idempotency keys per tenant', async () => {
      const event = { id: 'evt-same', eventType: 'x', occurredAt: '2026-06-01T00:00:00Z' };
      await a.post('/customer/events', event);
      await b.post('/customer/events', event);
      assert.equal((await a.get('/customer/events?eventType=x')).json.length, 1);
      assert.equal((await b.get('/customer/events?eventType=x')).json.length, 1);
    });
  });

  describe(`authentication hook (${kind.name})`, () => {
    const refusing: Authenticator = (request) => {
      const tenant = request.headers['x-test-tenant'];
      if (typeof tenant !== 'string' || tenant === '') throw new ContractError('UNAUTHORIZED', 'credentials required');
      return { tenant };
    };
    const server = useServer(kind, { authenticate: refusing });

    it('stands in front of every operation and alias, and nothing else', async () => {
      for (const op of operations) {
        for (const path of pathsOf(op)) {
          const concrete = path.replace(/\{\w+\}/g, 'x');
          const res = await server.request(op.method, concrete, op.method === 'POST' ? [] : undefined);
          assert.equal(res.status, 401, `${op.method} ${concrete}`);
          assert.equal(res.json.code, 'UNAUTHORIZED');
        }
      }
      for (const path of ['/healthz', '/openapi.json', '/docs']) assert.equal((await server.request('GET', path)).status, 200, path);
    });
  });
}
