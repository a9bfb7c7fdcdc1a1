/**
 * The typed loyalty client (src/client/loyalty-client.ts) against a real server on both
 * stores: a method per rc.2 loyalty operation, errors as OdcError with the server's code.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LoyaltyClient, OdcError } from '../src/client/index.js';
import { addClient, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`loyalty client (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    let loyalty: LoyaltyClient;
    let token: string;

    before(async () => {
      token = await tokenFor(server, await addClient(server, { merchants: ['m1'], model: 'merchant' }));
      loyalty = new LoyaltyClient({ baseUrl: `${server.url}/od/v2`, token, retry: { attempts: 1 } });
    });

    it('drives every loyalty operation', async () => {
      assert.equal((await loyalty.upsertLoyaltyPrograms([{ id: 'p1', name: 'P1' }])).status, 'ACCEPTED');
      assert.deepEqual(await loyalty.getLoyaltyProgramById('p1'), { id: 'p1', name: 'P1' });
      assert.equal((await loyalty.listLoyaltyPrograms()).total, 1);
      await server.request('POST', '/customers', [{ id: 'c1', identifier: { type: 'email', value: 'c1@example.com' } }], { authorization: `Bearer ${token}` });
      await server.store.loyalty.putReward('m1', { id: 'r1', programId: 'p1', cost: 10 });
      const enrolled = await server.store.loyalty.enrol('m1', 'p1', 'c1');
      await server.store.loyalty.post('m1', enrolled.id, { type: 'adjust', amount: 25, sourceKey: 'seed' });
      const accounts = await loyalty.listCustomerLoyaltyAccounts('c1', { programId: 'p1' });
      assert.equal(accounts.items[0]?.balance, 25);
      const accepted = await loyalty.createLoyaltyRedemption({ accountId: enrolled.id, rewardId: 'r1', quantity: 2 }, { idempotencyKey: 'k1' });
      const again = await loyalty.createLoyaltyRedemption({ accountId: enrolled.id, rewardId: 'r1', quantity: 2 }, { idempotencyKey: 'k1' });
      assert.equal(again.correlationId, accepted.correlationId);
      await assert.rejects(loyalty.createLoyaltyRedemption({ accountId: enrolled.id, rewardId: 'r1', quantity: 1 }), (e: unknown) => {
        assert.ok(e instanceof OdcError);
        assert.equal(e.status, 409);
        return true;
      });
      assert.equal((await loyalty.getLoyaltyAccountById(enrolled.id)).balance, 5);
      assert.deepEqual(
        (await loyalty.listLoyaltyTransactions(enrolled.id)).items.map((t) => t.amount),
        [25, -20],
      );
      assert.equal((await loyalty.listLoyaltyRewards({ programId: 'p1' })).items[0]?.id, 'r1');
      const coupon = (await loyalty.listLoyaltyCoupons({ customerId: 'c1' })).items[0];
      assert.equal((await loyalty.useLoyaltyCoupon(coupon?.id as string, 'o1')).status, 'used');
      assert.equal((await loyalty.useLoyaltyCoupon(coupon?.id as string, 'o1')).status, 'used');
    });
  });
}
