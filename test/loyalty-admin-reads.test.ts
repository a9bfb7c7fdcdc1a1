/**
 * The admin API's loyalty reads and program upsert (docs/contract.md §15.8), both stores, over
 * HTTP: what `odc loyalty --server` shows, and each error path (400, 401, 404).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const M = 'm1';
const ADMIN_KEY = 'loyalty-admin-reads-key-0123456789';
const BASE = `/admin/merchants/${M}/loyalty`;

for (const kind of STORES) {
  describe(`admin loyalty reads (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { adminKey: ADMIN_KEY, rateLimitPerSecond: 0 } });
    const admin = (method: string, path: string, body?: unknown) => server.request(method, `${BASE}${path}`, body, { 'x-admin-key': ADMIN_KEY });
    let accountId: string;

    before(async () => {
      await server.store.upsertCustomers(M, [{ id: 'c-1', identifier: { type: 'email', value: 'ana@example.com' } }]);
    });

    it('PUT programs/{id} registers a program and GET programs lists it with its rules', async () => {
      const put = await admin('PUT', '/programs/clube', { id: 'clube', name: 'Clube', merchantId: M });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.json, {
        program: { id: 'clube', name: 'Clube', merchantId: M },
        rules: { enrolment: 'explicit', pointsPerCurrencyUnit: 1, couponValidityDays: null, pointsExpireAfterDays: null, tiers: null },
      });
      await admin('PUT', '/programs/clube/rules', { pointsPerCurrencyUnit: 3 });
      const again = await admin('PUT', '/programs/clube', { id: 'clube', name: 'Clube Pizza', merchantId: M });
      assert.equal(again.json.rules.pointsPerCurrencyUnit, 3, 'a re-sent program keeps its rules');
      const list = await admin('GET', '/programs');
      assert.equal(list.status, 200);
      assert.deepEqual(list.json, { items: [again.json], total: 1 });
    });

    it('PUT programs/{id} refuses another id and an invalid program', async () => {
      const other = await admin('PUT', '/programs/clube', { id: 'other', name: 'X' });
      assert.equal(other.status, 400);
      assert.deepEqual(other.json.details, ['/id: must equal the path id']);
      const invalid = await admin('PUT', '/programs/clube', { id: 'clube' });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.json.code, 'VALIDATION_ERROR');
    });

    it("GET accounts?customerId= lists a customer's accounts by any reference", async () => {
      const enrolled = await admin('POST', '/accounts', { programId: 'clube', customerId: 'c-1' });
      accountId = enrolled.json.id;
      const byEmail = await admin('GET', '/accounts?customerId=email%3Aana%40example.com');
      assert.equal(byEmail.status, 200);
      assert.deepEqual(byEmail.json, { items: [enrolled.json], total: 1 });
      const missing = await admin('GET', '/accounts');
      assert.equal(missing.status, 400);
      const unknown = await admin('GET', '/accounts?customerId=nobody');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.code, 'NOT_FOUND');
    });

    it('GET accounts/{id}/transactions pages the entries oldest first; 404 and 400 otherwise', async () => {
      for (const [i, amount] of [10, 20, -5].entries()) {
        const res = await admin('POST', `/accounts/${accountId}/adjustments`, { amount, key: `k-${i}` });
        assert.equal(res.status, 201, res.text);
      }
      const all = await admin('GET', `/accounts/${accountId}/transactions`);
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.json.items.map((t: { amount: number }) => t.amount),
        [10, 20, -5],
      );
      assert.equal(all.json.total, 3);
      const page = await admin('GET', `/accounts/${accountId}/transactions?offset=1&limit=1`);
      assert.deepEqual(
        page.json.items.map((t: { amount: number }) => t.amount),
        [20],
      );
      assert.equal(page.json.total, 3);
      assert.equal((await admin('GET', '/accounts/no-such/transactions')).status, 404);
      assert.equal((await admin('GET', `/accounts/${accountId}/transactions?limit=0`)).status, 400);
      assert.equal((await admin('GET', `/accounts/${accountId}/transactions?offset=-1`)).status, 400);
    });

    it('answers 401 without the admin key', async () => {
      assert.equal((await server.request('GET', `${BASE}/programs`)).status, 401);
      assert.equal((await server.request('GET', `${BASE}/accounts?customerId=c-1`, undefined, { 'x-admin-key': 'wrong-key-0123456789' })).status, 401);
    });
  });
}
