/**
 * The loyalty ledger on both stores (docs/contract.md §15): every balance change is an entry,
 * the balance always equals their sum and never goes negative, each source counts once,
 * redemptions issue coupons, coupon use is idempotent by (coupon, order), a suspended account
 * refuses movement, and racing redemptions for the last points never overdraw (also from two
 * PostgreSQL pools on one database, as two instances would be).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ContractError } from '../src/contract/errors.js';
import type { DomainStore } from '../src/domain/domain-store.js';
import type { LoyaltyLedger } from '../src/domain/loyalty/loyalty-ledger.js';
import type { AccountRow, EntryRow } from '../src/store/ledger-engine.js';
import { STORES, type StoreFixture } from './support/stores.js';

const T = 'tenant-a';

const rejectsWith = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => error instanceof ContractError && error.code === code);

async function assertBalanceIsSum(ledger: LoyaltyLedger, accountId: string): Promise<AccountRow> {
  const account = await ledger.getAccount(T, accountId);
  assert.ok(account);
  const { rows } = await ledger.list<EntryRow>(T, { table: 'entries', accountId }, { offset: 0, limit: 10_000 });
  assert.equal(
    account.balance,
    rows.reduce((sum, e) => sum + e.amount, 0),
  );
  assert.ok(account.balance >= 0);
  return account;
}

for (const kind of STORES) {
  describe(`loyalty ledger (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: DomainStore;
    let ledger: LoyaltyLedger;
    /** Accounts open only for customers the tenant holds (docs/contract.md §14.4). */
    const enrol = async (tenant: string, programId: string, customerId: string) => {
      await store.upsertCustomers(tenant, [{ id: customerId, identifier: { type: 'external_id', value: customerId } }]);
      return ledger.enrol(tenant, programId, customerId);
    };

    before(async () => {
      fixture = await kind.create();
      store = (await fixture.open()) as unknown as DomainStore;
      ledger = store.loyalty;
      await ledger.upsertPrograms(T, [{ id: 'prog-1', name: 'Clube', merchantId: 'm-1' }]);
      await ledger.putReward(T, { id: 'r-10', programId: 'prog-1', cost: 100, name: 'R$10 off', type: 'generic' });
    });
    after(async () => {
      await store.close();
      await fixture.destroy();
    });

    it('enrols once, earns once per source, redeems with a coupon, and keeps balance = sum', async () => {
      const account = await enrol(T, 'prog-1', 'cust-1');
      assert.equal(account.status, 'ENROLLED');
      assert.equal((await enrol(T, 'prog-1', 'cust-1')).id, account.id);
      const earn = { type: 'earn' as const, amount: 250, sourceKey: 'order:o-1', relatedOrderId: 'o-1' };
      const first = await ledger.post(T, account.id, earn);
      const again = await ledger.post(T, account.id, earn);
      assert.equal(again.repeated, true);
      assert.equal(again.entry.id, first.entry.id);
      assert.equal(first.account.status, 'ACTIVE');
      assert.equal((await assertBalanceIsSum(ledger, account.id)).balance, 250);

      const redemption = await ledger.redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 2, key: 'k-1' });
      assert.equal(redemption.transaction.amount, -200);
      assert.equal(redemption.coupon.status, 'available');
      assert.match(redemption.coupon.code, /^[2-9A-Z]{10}$/);
      const retried = await ledger.redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 2, key: 'k-1' });
      assert.equal(retried.repeated, true);
      assert.equal(retried.coupon.id, redemption.coupon.id);
      assert.equal((await assertBalanceIsSum(ledger, account.id)).balance, 50);

      await rejectsWith(ledger.redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 1 }), 'CONFLICT');
      await rejectsWith(ledger.post(T, account.id, { type: 'adjust', amount: -51, sourceKey: 'adj-1' }), 'CONFLICT');
      assert.equal((await assertBalanceIsSum(ledger, account.id)).balance, 50);
    });

    it('uses a coupon idempotently by (coupon, order); other order, cancelled → 409', async () => {
      const account = await enrol(T, 'prog-1', 'cust-2');
      await ledger.post(T, account.id, { type: 'adjust', amount: 300, sourceKey: 'welcome' });
      const { coupon } = await ledger.redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 1 });
      const used = await ledger.useCoupon(T, coupon.id, 'o-9');
      assert.equal(used.coupon.status, 'used');
      assert.equal(used.coupon.related_order_id, 'o-9');
      const same = await ledger.useCoupon(T, coupon.id, 'o-9');
      assert.equal(same.repeated, true);
      assert.deepEqual(same.coupon, used.coupon);
      await rejectsWith(ledger.useCoupon(T, coupon.id, 'o-10'), 'CONFLICT');
      await rejectsWith(ledger.useCoupon(T, 'no-such-coupon', 'o-9'), 'NOT_FOUND');

      const second = await ledger.redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 1 });
      await ledger.cancelCoupon(T, second.coupon.id);
      await rejectsWith(ledger.useCoupon(T, second.coupon.id, 'o-11'), 'CONFLICT');
      const { rows } = await ledger.list<EntryRow>(T, { table: 'entries', accountId: account.id });
      assert.deepEqual(
        rows.map((e) => e.type),
        ['adjust', 'redeem', 'coupon_use', 'redeem'],
      );
      await assertBalanceIsSum(ledger, account.id);
    });

    it('a suspended account refuses earn, redeem and coupon use, and moves again once reactivated', async () => {
      const account = await enrol(T, 'prog-1', 'cust-3');
      await ledger.post(T, account.id, { type: 'adjust', amount: 500, sourceKey: 'seed' });
      const { coupon } = await ledger.redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 1 });
      assert.equal((await ledger.setStatus(T, account.id, 'SUSPENDED')).status, 'SUSPENDED');
      await rejectsWith(ledger.post(T, account.id, { type: 'earn', amount: 10, sourceKey: 'order:o-20' }), 'CONFLICT');
      await rejectsWith(ledger.redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 1 }), 'CONFLICT');
      await rejectsWith(ledger.useCoupon(T, coupon.id, 'o-20'), 'CONFLICT');
      assert.equal((await assertBalanceIsSum(ledger, account.id)).balance, 400);
      assert.equal((await ledger.setStatus(T, account.id, 'ACTIVE')).status, 'ACTIVE');
      assert.equal((await ledger.useCoupon(T, coupon.id, 'o-20')).coupon.status, 'used');
    });

    it('racing redemptions for the last points: exactly one succeeds', async () => {
      const account = await enrol(T, 'prog-1', 'cust-race');
      await ledger.post(T, account.id, { type: 'adjust', amount: 100, sourceKey: 'seed' });
      // A second store on the same database: on PostgreSQL another pool, as a second instance.
      const other = (await fixture.open()) as unknown as DomainStore;
      try {
        const attempts = Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other.loyalty : ledger).redeem(T, { accountId: account.id, rewardId: 'r-10', quantity: 1 }),
        );
        const outcomes = await Promise.allSettled(attempts);
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
        for (const o of outcomes) if (o.status === 'rejected') assert.equal((o.reason as ContractError).code, 'CONFLICT');
        assert.equal((await assertBalanceIsSum(ledger, account.id)).balance, 0);
      } finally {
        await other.close();
      }
    });

    it('orders: pending while open, earned once on completion, reversed on cancellation; automatic enrolment', async () => {
      await store.upsertCustomers(T, [{ id: 'c-ord', identifier: { type: 'email', value: 'ord@example.com' } }]);
      await ledger.upsertPrograms(T, [{ id: 'prog-auto', name: 'Auto', merchantId: 'm-1' }]);
      await ledger.setProgramRules(T, 'prog-auto', { enrolment: 'automatic', pointsPerCurrencyUnit: 2 });
      const account = await enrol(T, 'prog-1', 'c-ord');
      const order = (id: string, lastEvent: string, value: number) => ({
        id,
        lastEvent,
        customer: { id: 'email:ord@example.com' },
        total: { orderAmount: { value, currency: 'BRL' } },
      });
      await store.upsertOrders(T, [order('o-1', 'CREATED', 42.9)]);
      let got = await assertBalanceIsSum(ledger, account.id);
      assert.deepEqual([got.balance, got.pending], [0, 42]);
      // The automatic program enrols on a first completed order only.
      assert.equal((await ledger.list(T, { table: 'accounts', customerId: 'c-ord' })).total, 1);
      await store.upsertOrders(T, [order('o-1', 'CONCLUDED', 42.9)]);
      await store.upsertOrders(T, [order('o-1', 'CONCLUDED', 42.9)]);
      got = await assertBalanceIsSum(ledger, account.id);
      assert.deepEqual([got.balance, got.pending], [42, 0]);
      const accounts = (await ledger.list<AccountRow>(T, { table: 'accounts', customerId: 'c-ord', programId: 'prog-auto' })).rows;
      assert.equal(accounts.length, 1);
      assert.equal(accounts[0].balance, 85);
      await store.upsertOrders(T, [order('o-2', 'CREATED', 10)]);
      await store.upsertOrders(T, [order('o-1', 'CANCELLED', 42.9), order('o-2', 'CANCELLED', 10)]);
      got = await assertBalanceIsSum(ledger, account.id);
      assert.deepEqual([got.balance, got.pending], [0, 0]);
      const { rows } = await ledger.list<EntryRow>(T, { table: 'entries', accountId: account.id });
      assert.deepEqual(
        rows.map((e) => [e.type, e.amount, e.related_order_id]),
        [
          ['earn', 42, 'o-1'],
          ['adjust', -42, 'o-1'],
        ],
      );
    });

    it('any sequence of movements keeps balance = sum of entries and never below zero', async () => {
      const movement = fc.record({ amount: fc.integer({ min: -300, max: 300 }), source: fc.integer({ min: 0, max: 15 }) });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(movement, { maxLength: 12 }), async (moves) => {
          run += 1;
          const account = await enrol(T, 'prog-1', `cust-prop-${run}`);
          let expected = 0;
          const seen = new Set<number>();
          for (const m of moves) {
            const result = ledger.post(T, account.id, { type: 'adjust', amount: m.amount, sourceKey: `s-${m.source}` });
            if (seen.has(m.source)) {
              assert.equal((await result).repeated, true);
            } else if (expected + m.amount < 0) {
              await rejectsWith(result, 'CONFLICT');
            } else {
              await result;
              seen.add(m.source);
              expected += m.amount;
            }
          }
          assert.equal((await assertBalanceIsSum(ledger, account.id)).balance, expected);
        }),
        { numRuns: 15 },
      );
    });
  });
}
