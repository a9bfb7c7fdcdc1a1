/**
 * Points expiry and tiers on both stores (docs/contract.md §15.9, §15.10): credits expire N days
 * after they were credited, as far as not yet spent (debits consume the oldest credits first);
 * a run appends one `expire` entry per account, never twice for one credit, also when two runs
 * race (from two PostgreSQL pools, as two instances); coupons past `expiresAt` become `expired`;
 * tiers follow lifetime qualifying points up and down with `tier_change` entries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { scheduleLoyaltyExpiry } from '../src/cli/loyalty-expiry-schedule.js';
import type { DomainStore } from '../src/domain/domain-store.js';
import type { LoyaltyLedger } from '../src/domain/loyalty/loyalty-ledger.js';
import { accountToRc2 } from '../src/domain/loyalty/loyalty-wire.js';
import { creditsLeft, dueCredits, type ExpiryMetadata } from '../src/domain/loyalty/points-expiry.js';
import type { AccountRow, EntryRow } from '../src/store/ledger-engine.js';
import { STORES, type StoreFixture } from './support/stores.js';
import { waitFor } from './support/wait-for.js';

const T = 'tenant-x';
const DAY = 86_400_000;

const entriesOf = async (ledger: LoyaltyLedger, accountId: string): Promise<EntryRow[]> =>
  (await ledger.list<EntryRow>(T, { table: 'entries', accountId }, { offset: 0, limit: 10_000 })).rows;

/** balance = sum of entries ≥ 0, and no credit is expired twice nor beyond its amount. */
async function assertLedgerSound(ledger: LoyaltyLedger, accountId: string): Promise<AccountRow> {
  const account = await ledger.getAccount(T, accountId);
  assert.ok(account);
  const entries = await entriesOf(ledger, accountId);
  assert.equal(
    account.balance,
    entries.reduce((sum, e) => sum + e.amount, 0),
  );
  assert.ok(account.balance >= 0);
  const expired = new Map<string, number>();
  for (const e of entries.filter((x) => x.type === 'expire')) {
    const metadata = JSON.parse(e.metadata ?? '{}') as ExpiryMetadata;
    assert.equal(
      -e.amount,
      metadata.credits.reduce((sum, c) => sum + c.points, 0),
    );
    for (const c of metadata.credits) {
      assert.equal(expired.has(c.id), false, `credit ${c.id} expired twice`);
      expired.set(c.id, c.points);
    }
  }
  for (const [id, points] of expired) {
    const credit = entries.find((e) => e.id === id);
    assert.ok(credit && credit.amount >= points, `credit ${id} expired beyond its amount`);
  }
  return account;
}

describe('FIFO replay of credits (pure)', () => {
  const entry = (id: string, type: EntryRow['type'], amount: number, at: number, metadata?: object): EntryRow => ({
    id,
    account_id: 'a',
    type,
    amount,
    source_key: id,
    related_order_id: null,
    occurred_at: new Date(at).toISOString(),
    metadata: metadata ? JSON.stringify(metadata) : null,
  });

  it('debits consume the oldest credits first; expiry takes what remains of due credits only', () => {
    const entries = [entry('c1', 'earn', 100, 0), entry('c2', 'adjust', 50, DAY), entry('d1', 'redeem', -120, 2 * DAY)];
    assert.deepEqual(
      creditsLeft(entries).map((c) => [c.id, c.points]),
      [['c2', 30]],
    );
    // c1 is due but spent; c2 is not due yet.
    assert.deepEqual(dueCredits(creditsLeft(entries), 10, 10.5 * DAY, 30), []);
    assert.deepEqual(dueCredits(creditsLeft(entries), 10, 11 * DAY, 30), [{ id: 'c2', points: 30 }]);
    const after = [...entries, entry('x1', 'expire', -30, 11 * DAY, { asOf: '', credits: [{ id: 'c2', points: 30 }] })];
    assert.deepEqual(creditsLeft(after), []);
  });

  it('for any history, the remains sum to the balance and a due credit never exceeds them', () => {
    const step = fc.record({
      amount: fc.integer({ min: -200, max: 200 }),
      gapDays: fc.integer({ min: 0, max: 5 }),
      expireAtDays: fc.option(fc.integer({ min: 0, max: 20 })),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 1, max: 7 }), (steps, days) => {
        const entries: EntryRow[] = [];
        let balance = 0;
        let at = 0;
        steps.forEach((s, i) => {
          at += s.gapDays * DAY;
          if (s.expireAtDays !== null) {
            const due = dueCredits(creditsLeft(entries), days, at + s.expireAtDays * DAY, balance);
            const points = due.reduce((sum, c) => sum + c.points, 0);
            if (points > 0) entries.push(entry(`x${i}`, 'expire', -points, at, { asOf: '', credits: due }));
            balance -= points;
          } else if (s.amount !== 0 && balance + s.amount >= 0) {
            entries.push(entry(`e${i}`, s.amount > 0 ? 'earn' : 'redeem', s.amount, at));
            balance += s.amount;
          }
          const left = creditsLeft(entries);
          assert.equal(
            left.reduce((sum, c) => sum + c.points, 0),
            balance,
          );
          assert.ok(balance >= 0);
        });
      }),
      { numRuns: 300 },
    );
  });
});

for (const kind of STORES) {
  describe(`loyalty expiry and tiers (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: DomainStore;
    let ledger: LoyaltyLedger;

    before(async () => {
      fixture = await kind.create();
      store = (await fixture.open()) as unknown as DomainStore;
      ledger = store.loyalty;
      await ledger.upsertPrograms(T, [
        { id: 'p-exp', name: 'Expiring', merchantId: 'm-1' },
        { id: 'p-tier', name: 'Tiered', merchantId: 'm-1' },
      ]);
      await ledger.setProgramRules(T, 'p-exp', { pointsExpireAfterDays: 30, couponValidityDays: 7 });
      await ledger.setProgramRules(T, 'p-tier', {
        tiers: [
          { name: 'Gold', minPoints: 500 },
          { name: 'Silver', minPoints: 100 },
        ],
      });
      await ledger.putReward(T, { id: 'r-exp', programId: 'p-exp', cost: 30, name: 'Coffee', type: 'generic' });
      await ledger.putReward(T, { id: 'r-tier', programId: 'p-tier', cost: 100, name: 'Cake', type: 'generic' });
    });
    after(async () => {
      await store.close();
      await fixture.destroy();
    });

    it('expires what remains of each due credit, oldest spent first, once', async () => {
      const account = await ledger.enrol(T, 'p-exp', 'cust-fifo');
      const first = await ledger.post(T, account.id, { type: 'earn', amount: 100, sourceKey: 'order:f-1' });
      // The second credit a few milliseconds later, so that a time exists where only the first is due.
      await waitFor(() => Date.now() > Date.parse(first.entry.occurred_at) + 5, 'the clock to move on');
      const second = await ledger.post(T, account.id, { type: 'adjust', amount: 50, sourceKey: 'adjust:welcome' });
      await ledger.redeem(T, { accountId: account.id, rewardId: 'r-exp', quantity: 1, key: 'k-fifo' });
      const firstDue = new Date(Date.parse(first.entry.occurred_at) + 30 * DAY);
      assert.ok(firstDue.getTime() < Date.parse(second.entry.occurred_at) + 30 * DAY);

      const before = new Date(firstDue.getTime() - 1);
      // (The redemption's coupon, valid 7 days, expires in this run.)
      assert.deepEqual(await ledger.runExpiry(T, before), { accounts: 0, expiredPoints: 0, expiredCoupons: 1 });
      const run = await ledger.runExpiry(T, firstDue);
      assert.deepEqual(run, { accounts: 1, expiredPoints: 70, expiredCoupons: 0 }, 'the first credit less the 30 points redeemed from it');
      assert.deepEqual(await ledger.runExpiry(T, firstDue), { accounts: 0, expiredPoints: 0, expiredCoupons: 0 });
      assert.equal((await assertLedgerSound(ledger, account.id)).balance, 50);

      const all = await ledger.runExpiry(T, new Date(Date.parse(second.entry.occurred_at) + 31 * DAY));
      assert.equal(all.expiredPoints, 50);
      assert.equal((await assertLedgerSound(ledger, account.id)).balance, 0);
      const expiries = (await entriesOf(ledger, account.id)).filter((e) => e.type === 'expire');
      assert.deepEqual(
        expiries.map((e) => [e.amount, e.source_key]),
        [
          [-70, `expire:${first.entry.id}`],
          [-50, `expire:${second.entry.id}`],
        ],
      );
    });

    it('marks coupons past expiresAt as expired, once; a used coupon stays used', async () => {
      const account = await ledger.enrol(T, 'p-exp', 'cust-coupon');
      await ledger.post(T, account.id, { type: 'adjust', amount: 90, sourceKey: 'adjust:seed' });
      const kept = await ledger.redeem(T, { accountId: account.id, rewardId: 'r-exp', quantity: 1, key: 'c-1' });
      const used = await ledger.redeem(T, { accountId: account.id, rewardId: 'r-exp', quantity: 1, key: 'c-2' });
      await ledger.useCoupon(T, used.coupon.id, 'o-c');
      const late = new Date(Date.now() + 8 * DAY);
      const run = await ledger.runExpiry(T, late);
      assert.ok(run.expiredCoupons >= 1);
      const coupons = (await ledger.list<{ id: string; status: string }>(T, { table: 'coupons', customerId: 'cust-coupon' })).rows;
      assert.deepEqual(
        coupons.map((c) => [c.id, c.status]).sort(),
        [
          [kept.coupon.id, 'expired'],
          [used.coupon.id, 'used'],
        ].sort(),
      );
      assert.equal((await ledger.runExpiry(T, late)).expiredCoupons, 0);
    });

    it('two runs racing (two stores on one database) expire each credit once', async () => {
      const accounts = await Promise.all([1, 2, 3].map((i) => ledger.enrol(T, 'p-exp', `cust-race-${i}`)));
      for (const a of accounts) await ledger.post(T, a.id, { type: 'earn', amount: 40, sourceKey: 'order:race' });
      const other = (await fixture.open()) as unknown as DomainStore;
      try {
        const at = new Date(Date.now() + 31 * DAY);
        const runs = await Promise.all([ledger.runExpiry(T, at), other.loyalty.runExpiry(T, at), ledger.runExpiry(T, at)]);
        assert.ok(runs.reduce((sum, r) => sum + r.expiredPoints, 0) >= 120);
        for (const a of accounts) {
          assert.equal((await assertLedgerSound(ledger, a.id)).balance, 0);
          assert.equal((await entriesOf(ledger, a.id)).filter((e) => e.type === 'expire').length, 1);
        }
      } finally {
        await other.close();
      }
    });

    it('any sequence of earn, redeem, adjust and expiry runs keeps balance = sum ≥ 0 and expires no credit twice', async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('earn' as const), amount: fc.integer({ min: 1, max: 200 }) }),
        fc.record({ kind: fc.constant('redeem' as const), quantity: fc.integer({ min: 1, max: 3 }) }),
        fc.record({ kind: fc.constant('adjust' as const), amount: fc.integer({ min: -150, max: 150 }) }),
        fc.record({ kind: fc.constant('expire' as const), days: fc.integer({ min: -2, max: 40 }) }),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 10 }), async (ops) => {
          run += 1;
          const account = await ledger.enrol(T, 'p-exp', `cust-prop-${run}`);
          for (const [i, o] of ops.entries()) {
            const attempt =
              o.kind === 'earn'
                ? ledger.post(T, account.id, { type: 'earn', amount: o.amount, sourceKey: `order:${i}` })
                : o.kind === 'adjust'
                  ? ledger.post(T, account.id, { type: 'adjust', amount: o.amount, sourceKey: `adjust:${i}` })
                  : o.kind === 'redeem'
                    ? ledger.redeem(T, { accountId: account.id, rewardId: 'r-exp', quantity: o.quantity, key: `k-${run}-${i}` })
                    : ledger.runExpiry(T, new Date(Date.now() + o.days * DAY));
            // A debit larger than the balance is refused (409); anything else must succeed.
            await attempt.catch((error: { code?: string }) => assert.equal(error.code, 'CONFLICT'));
          }
          await assertLedgerSound(ledger, account.id);
        }),
        { numRuns: 12 },
      );
    });

    it('the serve schedule runs the expiry for every tenant holding a program, and stops', async () => {
      await ledger.upsertPrograms('tenant-y', [{ id: 'p-y', name: 'Other tenant', merchantId: 'm-2' }]);
      await ledger.setProgramRules('tenant-y', 'p-y', { pointsExpireAfterDays: 1 });
      const here = await ledger.enrol(T, 'p-exp', 'cust-schedule');
      const there = await ledger.enrol('tenant-y', 'p-y', 'cust-schedule');
      await ledger.post(T, here.id, { type: 'earn', amount: 10, sourceKey: 'order:s' });
      await ledger.post('tenant-y', there.id, { type: 'earn', amount: 20, sourceKey: 'order:s' });
      const logged: object[] = [];
      const log = { info: (fields: object) => logged.push(fields), error: (fields: object) => logged.push(fields) };
      const schedule = scheduleLoyaltyExpiry(store, 3600, log, () => new Date(Date.now() + 31 * DAY));
      try {
        await waitFor(async () => (await ledger.getAccount('tenant-y', there.id))?.balance === 0, 'the first run');
        await schedule.stop();
        assert.equal((await ledger.getAccount(T, here.id))?.balance, 0);
        assert.ok(logged.some((f) => 'loyaltyExpiry' in f));
      } finally {
        await schedule.stop();
      }
    });

    it('tiers follow qualifying points up and down, with a tier_change entry each time', async () => {
      const account = await ledger.enrol(T, 'p-tier', 'cust-tier');
      const silver = await ledger.post(T, account.id, { type: 'earn', amount: 150, sourceKey: 'order:t-1' });
      assert.equal(silver.account.tier, 'Silver');
      assert.equal(accountToRc2(silver.account).metadata && (accountToRc2(silver.account).metadata as { tier?: string }).tier, 'Silver');
      // A redemption spends points but does not lower lifetime qualifying points.
      await ledger.redeem(T, { accountId: account.id, rewardId: 'r-tier', quantity: 1, key: 't-r' });
      assert.equal((await ledger.getAccount(T, account.id))?.tier, 'Silver');
      assert.equal((await ledger.post(T, account.id, { type: 'earn', amount: 400, sourceKey: 'order:t-2' })).account.tier, 'Gold');
      // A reversal (negative adjust) lowers them: 550 - 200 = 350 → Silver.
      assert.equal((await ledger.post(T, account.id, { type: 'adjust', amount: -200, sourceKey: 'order:t-2:cancelled' })).account.tier, 'Silver');
      const changes = (await entriesOf(ledger, account.id)).filter((e) => e.type === 'tier_change').map((e) => [e.amount, JSON.parse(e.metadata ?? '{}')]);
      assert.deepEqual(changes, [
        [0, { from: null, to: 'Silver', qualifyingPoints: 150 }],
        [0, { from: 'Silver', to: 'Gold', qualifyingPoints: 550 }],
        [0, { from: 'Gold', to: 'Silver', qualifyingPoints: 350 }],
      ]);
      await assertLedgerSound(ledger, account.id);
      await assert.rejects(
        ledger.setProgramRules(T, 'p-tier', {
          tiers: [
            { name: 'A', minPoints: 1 },
            { name: 'A', minPoints: 2 },
          ],
        }),
        (error: { code?: string }) => error.code === 'VALIDATION_ERROR',
      );
    });
  });
}
