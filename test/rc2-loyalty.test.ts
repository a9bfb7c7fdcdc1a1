/**
 * The rc.2 loyalty module end to end (issue 15; docs/contract.md §15), both stores: a client
 * generated from the committee's 2.0.0-rc.2 document calls the loyalty operations through
 * Prism, which validates every request and answer against that document. Program, enrolment,
 * points, a redemption issuing a coupon, its use, the same use again (idempotent), a use for
 * another order (409), a redemption with too few points (409), a suspended account refusing
 * movement, and racing redemptions that never overdraw.
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
const M = 'm1';
const ADMIN_KEY = 'loyalty-admin-key-0123456789';

for (const kind of STORES) {
  describe(`rc.2 loyalty through the committee's document (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { adminKey: ADMIN_KEY, rateLimitPerSecond: 0 } });
    /** The operator's side: the admin API (docs/contract.md §15.8). */
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await server.request(method, `/admin/merchants/${M}/loyalty${path}`, body, { 'x-admin-key': ADMIN_KEY });
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
      return res.json;
    };
    let prism: PrismProxy;
    let client: Client<paths>;
    let account: { id: string };
    let couponId: string;

    before(async () => {
      const creds = await addClient(server, { merchants: [M], model: 'merchant' });
      const token = await tokenFor(server, creds);
      prism = await startPrismProxy(COMMITTEE_DOCUMENT, `${server.url}/od/v2`);
      client = createClient<paths>({ baseUrl: prism.url, headers: { authorization: `Bearer ${token}` } });
    });
    after(async () => {
      await prism?.stop();
    });

    it('registers a program (202) and reads it back as sent', async () => {
      const program = { id: 'clube', merchantId: M, name: 'Clube Pizza', ownerType: 'store' as const, status: 'active' };
      const { data, response } = await client.POST('/loyalty/programs', { body: { items: [program] } });
      assert.equal(response.status, 202);
      assert.equal(data?.status, 'ACCEPTED');
      const got = await client.GET('/loyalty/programs/{programId}', { params: { path: { programId: 'clube' } } });
      assert.deepEqual(got.data, program);
      const list = await client.GET('/loyalty/programs', {});
      assert.deepEqual(list.data, { items: [program], page: 1, pageSize: 50, total: 1 });
      const missing = await client.GET('/loyalty/programs/{programId}', { params: { path: { programId: 'nope' } } });
      assert.equal(missing.response.status, 404);
    });

    it('lists the enrolled account of a customer with its balance and status', async () => {
      const created = await client.POST('/customers', {
        body: { items: [{ id: 'c-ana', identifier: { type: 'email', value: 'ana@example.com' }, name: 'Ana' }] },
      });
      assert.equal(created.response.status, 202);
      // Operator side: the reward catalog and the enrolment.
      await admin('PUT', '/rewards/pizza', { id: 'pizza', programId: 'clube', cost: 300, name: 'Free pizza', type: 'product', sku: 'PZ-1' });
      await admin('PUT', '/rewards/retired', { id: 'retired', programId: 'clube', cost: 1, active: false });
      account = await admin('POST', '/accounts', { programId: 'clube', customerId: 'email:ana@example.com' });
      const { data, response } = await client.GET('/customers/{customerId}/loyalty-accounts', { params: { path: { customerId: 'c-ana' } } });
      assert.equal(response.status, 200);
      assert.equal(data?.items?.length, 1);
      assert.deepEqual(
        { ...data?.items?.[0], metadata: { status: data?.items?.[0]?.metadata?.status } },
        { id: account.id, programId: 'clube', customerId: 'c-ana', balanceType: 'points', balance: 0, metadata: { status: 'ENROLLED' } },
      );
      // By identifier reference too; an unknown customer is a 404.
      const byEmail = await client.GET('/customers/{customerId}/loyalty-accounts', { params: { path: { customerId: 'email:ana@example.com' } } });
      assert.equal(byEmail.data?.items?.[0]?.id, account.id);
      const unknown = await client.GET('/customers/{customerId}/loyalty-accounts', { params: { path: { customerId: 'c-nobody' } } });
      assert.equal(unknown.response.status, 404);
      const mismatch = await server.request(
        'PUT',
        `/admin/merchants/${M}/loyalty/rewards/other`,
        { id: 'pizza', programId: 'clube', cost: 1 },
        { 'x-admin-key': ADMIN_KEY },
      );
      assert.equal(mismatch.status, 400);
      const unguarded = await server.request('POST', `/admin/merchants/${M}/loyalty/accounts`, { programId: 'clube', customerId: 'c-ana' });
      assert.equal(unguarded.status, 401);
      // The inactive reward is not in the catalog.
      const rewards = await client.GET('/loyalty/rewards', { params: { query: { programId: 'clube' } } });
      assert.deepEqual(rewards.data?.items, [{ id: 'pizza', programId: 'clube', cost: 300, name: 'Free pizza', type: 'product', sku: 'PZ-1' }]);
    });

    it('redeems (202) only with enough points, debiting cost × quantity and issuing a coupon', async () => {
      // quantity omitted: the committee's default, 1.
      const short = await client.POST('/loyalty/redemptions', { body: { accountId: account.id, rewardId: 'pizza' } as never });
      assert.equal(short.response.status, 409);
      assert.equal(short.error?.code, 'CONFLICT');
      await admin('POST', `/accounts/${account.id}/adjustments`, { amount: 700, key: 'welcome', reason: 'welcome bonus' });
      await admin('POST', `/accounts/${account.id}/adjustments`, { amount: 700, key: 'welcome', reason: 'welcome bonus' });
      const twice = await client.POST('/loyalty/redemptions', { body: { accountId: account.id, rewardId: 'pizza', quantity: 3 } });
      assert.equal(twice.response.status, 409, '3 × 300 > 700');
      const { data, response } = await client.POST('/loyalty/redemptions', {
        body: { accountId: account.id, rewardId: 'pizza', quantity: 2 },
        headers: { 'idempotency-key': 'redeem-1' },
      });
      assert.equal(response.status, 202);
      const again = await client.POST('/loyalty/redemptions', {
        body: { accountId: account.id, rewardId: 'pizza', quantity: 2 },
        headers: { 'idempotency-key': 'redeem-1' },
      });
      assert.equal(again.data?.correlationId, data?.correlationId, 'a retry with the same key is the same redemption');
      const got = await client.GET('/loyalty/accounts/{accountId}', { params: { path: { accountId: account.id } } });
      assert.equal(got.data?.balance, 100);
      assert.equal(got.data?.metadata?.status, 'ACTIVE');
      const history = await client.GET('/loyalty/accounts/{accountId}/transactions', { params: { path: { accountId: account.id } } });
      assert.deepEqual(
        history.data?.items?.map((t) => [t.type, t.amount]),
        [
          ['adjust', 700],
          ['redeem', -600],
        ],
      );
      assert.equal(history.data?.items?.[1]?.id, data?.correlationId);
      const coupons = await client.GET('/loyalty/coupons', { params: { query: { customerId: 'c-ana' } } });
      assert.equal(coupons.data?.total, 1);
      const coupon = coupons.data?.items?.[0];
      assert.equal(coupon?.status, 'available');
      assert.equal(coupon?.metadata?.redemptionId, data?.correlationId);
      couponId = coupon?.id as string;
    });

    it('uses a coupon once per order: same order again → 200, another order → 409', async () => {
      const use = (relatedOrderId: string) => client.POST('/loyalty/coupons/{couponId}/use', { params: { path: { couponId } }, body: { relatedOrderId } });
      const first = await use('o-7');
      assert.equal(first.response.status, 200);
      assert.equal(first.data?.status, 'used');
      const same = await use('o-7');
      assert.equal(same.response.status, 200);
      assert.deepEqual(same.data, first.data);
      const other = await use('o-8');
      assert.equal(other.response.status, 409);
      const missing = await client.POST('/loyalty/coupons/{couponId}/use', { params: { path: { couponId: 'nope' } }, body: {} });
      assert.equal(missing.response.status, 404);
      const history = await client.GET('/loyalty/accounts/{accountId}/transactions', { params: { path: { accountId: account.id } } });
      assert.deepEqual(
        history.data?.items?.map((t) => t.type),
        ['adjust', 'redeem', 'coupon_use'],
      );
    });

    it('an order through the rc.2 binding is pending while open, earns once when concluded, and is reversed when cancelled', async () => {
      const balance = async () => (await client.GET('/loyalty/accounts/{accountId}', { params: { path: { accountId: account.id } } })).data;
      const send = async (lastEvent: string) => {
        // rc.2 orders carry no status field of their own; odc passes unknown fields through (docs/bindings.md).
        const order = {
          id: 'o-100',
          customer: { identifier: { type: 'email' as const, value: 'ana@example.com' } },
          totalAmount: 12345,
          currency: 'BRL',
          lastEvent,
        };
        const { response } = await client.POST('/orders', { body: { items: [order] } });
        assert.equal(response.status, 202);
      };
      await send('CREATED');
      let got = await balance();
      assert.deepEqual([got?.balance, got?.metadata?.pointsPending], [100, 123]);
      await send('CONCLUDED');
      await send('CONCLUDED');
      got = await balance();
      assert.deepEqual([got?.balance, got?.metadata?.pointsPending], [223, 0]);
      await send('CANCELLED');
      got = await balance();
      assert.deepEqual([got?.balance, got?.metadata?.pointsPending], [100, 0]);
      const history = await client.GET('/loyalty/accounts/{accountId}/transactions', {
        params: { path: { accountId: account.id }, query: { pageSize: 3, page: 2 } },
      });
      assert.deepEqual(
        history.data?.items?.map((t) => [t.type, t.amount, t.relatedOrderId]),
        [
          ['earn', 123, 'o-100'],
          ['adjust', -123, 'o-100'],
        ],
      );
      assert.equal(history.data?.total, 5);
    });

    it('a suspended account refuses redemption and coupon use (409), and reads still work', async () => {
      await admin('POST', `/accounts/${account.id}/adjustments`, { amount: 500, key: 'goodwill-1' });
      await client.POST('/loyalty/redemptions', { body: { accountId: account.id, rewardId: 'pizza', quantity: 1 } });
      const coupons = await client.GET('/loyalty/coupons', { params: { query: { customerId: 'c-ana' } } });
      const open = coupons.data?.items?.find((c) => c.status === 'available');
      assert.ok(open?.id);
      assert.equal((await admin('POST', `/accounts/${account.id}/suspend`)).metadata.status, 'SUSPENDED');
      const redeem = await client.POST('/loyalty/redemptions', { body: { accountId: account.id, rewardId: 'pizza', quantity: 1 } });
      assert.equal(redeem.response.status, 409);
      const use = await client.POST('/loyalty/coupons/{couponId}/use', { params: { path: { couponId: open.id } }, body: { relatedOrderId: 'o-9' } });
      assert.equal(use.response.status, 409);
      const got = await client.GET('/loyalty/accounts/{accountId}', { params: { path: { accountId: account.id } } });
      assert.equal(got.data?.metadata?.status, 'SUSPENDED');
      assert.equal(got.data?.balance, 300);
      assert.equal((await admin('POST', `/accounts/${account.id}/reactivate`)).metadata.status, 'ACTIVE');
    });

    it('racing redemptions for the last points never overdraw: exactly one is accepted', async () => {
      await client.POST('/customers', { body: { items: [{ id: 'c-racer', identifier: { type: 'email', value: 'racer@example.com' } }] } });
      const racer = await admin('POST', '/accounts', { programId: 'clube', customerId: 'c-racer' });
      await admin('POST', `/accounts/${racer.id}/adjustments`, { amount: 300, key: 'seed' });
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () => client.POST('/loyalty/redemptions', { body: { accountId: racer.id, rewardId: 'pizza', quantity: 1 } })),
      );
      assert.deepEqual(outcomes.map((o) => o.response.status).sort(), [202, 409, 409, 409, 409, 409]);
      const got = await client.GET('/loyalty/accounts/{accountId}', { params: { path: { accountId: racer.id } } });
      assert.equal(got.data?.balance, 0);
    });

    it('answers 400 for an invalid redemption body and 404 for unknown accounts', async () => {
      const invalid = await client.POST('/loyalty/redemptions', { body: { accountId: account.id, rewardId: 'pizza', quantity: 0 } });
      assert.equal(invalid.response.status, 400);
      const missing = await client.GET('/loyalty/accounts/{accountId}/transactions', { params: { path: { accountId: 'nope' } } });
      assert.equal(missing.response.status, 404);
    });

    it('Prism logged no violation of the committee document on any loyalty request or answer', async () => {
      assert.deepEqual(await prism.violations(), []);
    });
  });
}
