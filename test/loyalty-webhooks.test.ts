/**
 * loyaltyEvent webhooks on both stores (docs/contract.md §15.11): every ledger movement, and each
 * coupon that expires or is cancelled, queues in its own transaction an rc.2
 * `LoyaltyEventEnvelope` for the tenant's `rc2` subscriptions (all types, or those listed);
 * `seed` subscriptions receive none. The subscriber checks each signature and validates each body
 * against the committee's rc.2 document.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { WebhookDeliveryWorker } from '../src/sync/webhook-delivery.js';
import { addSubscription } from '../src/sync/webhook-subscriptions.js';
import { addClient, caller, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';
import { webhookReceiver } from './support/webhook-receiver.js';

const M = 'm-loyal';
const SECRET = 'a-shared-secret-for-loyalty-hooks';
const ADMIN_KEY = 'an-admin-key-for-the-loyalty-hooks';
const DAY = 86_400_000;

const committee = parse(readFileSync(join(import.meta.dirname, 'fixtures/committee-customer-rc2.openapi.yaml'), 'utf8'));
const ajv = new AjvModule.default({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
ajv.addSchema({ $id: 'committee', components: committee.components });
const isLoyaltyEnvelope = ajv.compile({ $ref: 'committee#/components/schemas/LoyaltyEventEnvelope' });

for (const kind of STORES) {
  describe(`loyaltyEvent webhooks (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0, adminKey: ADMIN_KEY }, webhookAllowPrivateTargets: true });
    const admin = async (method: string, path: string, body?: unknown) =>
      server.request(method, `/admin/merchants/${M}/loyalty${path}`, body, { 'x-admin-key': ADMIN_KEY });
    const hook = webhookReceiver<Record<string, any>>(() => SECRET);
    let api: ReturnType<typeof caller>;
    const deliverAll = async () => {
      const worker = new WebhookDeliveryWorker({
        store: server.store.webhooks,
        secrets: server.auth!.secrets,
        appId: 'odc-test-app',
        allowPrivateTargets: true,
      });
      while ((await worker.runOnce()) > 0);
    };
    const at = (path: string) => hook.received.filter((r) => r.path === path);

    before(async () => {
      const base = await hook.listen();
      const add = (path: string, format: string, eventTypes?: string[]) =>
        addSubscription(
          server.store.webhooks,
          server.auth!.secrets,
          { tenant: M, url: `${base}${path}`, secret: SECRET, format, eventTypes },
          { allowPrivateTargets: true },
        );
      await add('/all', 'rc2');
      await add('/tier', 'rc2', ['loyalty.tier.changed']);
      await add('/seed', 'seed');
      api = caller(server, await tokenFor(server, await addClient(server, { merchants: [M], model: 'merchant' })));
    });
    after(() => hook.close());

    it('queues a signed rc.2 envelope per movement for rc2 subscribers, none for seed ones', async () => {
      await server.store.upsertCustomers(M, [{ id: 'c-ana', identifier: { type: 'email', value: 'ana@example.com' } }]);
      await server.store.loyalty.upsertPrograms(M, [{ id: 'clube', name: 'Clube', merchantId: M }]);
      const rules = await admin('PUT', '/programs/clube/rules', {
        pointsExpireAfterDays: 10,
        couponValidityDays: 1,
        tiers: [{ name: 'Silver', minPoints: 100 }],
      });
      assert.equal(rules.status, 200, rules.text);
      assert.equal((await admin('PUT', '/rewards/pizza', { id: 'pizza', programId: 'clube', cost: 20, name: 'Pizza', type: 'generic' })).status, 200);
      const enrolled = await admin('POST', '/accounts', { programId: 'clube', customerId: 'c-ana' });
      assert.equal(enrolled.status, 201, enrolled.text);
      const accountId = enrolled.json.id as string;

      // An order concluded: earn, and crossing 100 qualifying points, a tier change.
      await server.store.upsertOrders(M, [
        { id: 'o-1', lastEvent: 'CONCLUDED', customer: { id: 'c-ana' }, total: { orderAmount: { value: 150, currency: 'BRL' } } },
      ]);
      const redeem = () => api.post('/od/v2/loyalty/redemptions', { accountId, rewardId: 'pizza' });
      const used = await redeem();
      assert.equal(used.status, 202, used.text);
      const coupons = async () =>
        (await api.get(`/od/v2/loyalty/coupons?customerId=c-ana`)).json.items as { id: string; status: string; metadata: { redemptionId: string } }[];
      const usedCoupon = (await coupons()).find((c) => c.metadata.redemptionId === used.json.correlationId);
      assert.ok(usedCoupon);
      assert.equal((await api.post(`/od/v2/loyalty/coupons/${usedCoupon.id}/use`, { relatedOrderId: 'o-2' })).status, 200);
      const cancelled = await redeem();
      const cancelledCoupon = (await coupons()).find((c) => c.metadata.redemptionId === cancelled.json.correlationId);
      assert.ok(cancelledCoupon);
      assert.equal((await admin('POST', `/coupons/${cancelledCoupon.id}/cancel`)).status, 200);
      assert.equal((await admin('POST', `/coupons/${cancelledCoupon.id}/cancel`)).status, 200, 'cancelling again changes nothing');
      const left = await redeem();
      assert.equal(left.status, 202);
      const adjusted = await admin('POST', `/accounts/${accountId}/adjustments`, { amount: 5, key: 'goodwill', reason: 'late delivery' });
      assert.equal(adjusted.status, 201, adjusted.text);

      // A refused movement queues nothing.
      const queued = (await server.store.webhooks.listDeliveries({ status: 'pending' })).length;
      const short = await api.post('/od/v2/loyalty/redemptions', { accountId, rewardId: 'pizza', quantity: 100 });
      assert.equal(short.status, 409);
      assert.equal((await server.store.webhooks.listDeliveries({ status: 'pending' })).length, queued);

      const run = await admin('POST', '/expiry-runs', { asOf: new Date(Date.now() + 11 * DAY).toISOString() });
      assert.equal(run.status, 200, run.text);
      assert.deepEqual(run.json, { accounts: 1, expiredPoints: 150 - 60 + 5, expiredCoupons: 1 });
      assert.deepEqual((await admin('POST', '/expiry-runs')).json, { accounts: 0, expiredPoints: 0, expiredCoupons: 0 }, 'no body: as of now');
      await deliverAll();

      assert.ok(
        hook.received.every((r) => r.signatureValid),
        'every body verifies with the secret',
      );
      for (const r of hook.received) {
        assert.ok(isLoyaltyEnvelope(r.json), `a valid rc.2 LoyaltyEventEnvelope: ${ajv.errorsText(isLoyaltyEnvelope.errors)}`);
        assert.equal(r.eventId, r.json.id, 'X-Odc-Event-Id is the envelope id');
      }
      const all = at('/all').map((r) => r.json);
      assert.deepEqual(
        all.map((e) => e.eventType).sort(),
        [
          'loyalty.points.earned',
          'loyalty.tier.changed',
          'loyalty.redemption.created',
          'loyalty.coupon.used',
          'loyalty.redemption.created',
          'loyalty.coupon.cancelled',
          'loyalty.redemption.created',
          'loyalty.points.adjusted',
          'loyalty.points.expired',
          'loyalty.coupon.expired',
        ].sort(),
      );
      assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'unique ids');
      for (const e of all) assert.deepEqual([e.accountId, e.customerId, e.programId], [accountId, 'c-ana', 'clube']);
      const byType = (type: string) => all.filter((e) => e.eventType === type);
      assert.deepEqual([byType('loyalty.points.earned')[0].payload.points, byType('loyalty.points.earned')[0].payload.relatedOrderId], [150, 'o-1']);
      assert.deepEqual(
        [byType('loyalty.tier.changed')[0].payload.from, byType('loyalty.tier.changed')[0].payload.to, byType('loyalty.tier.changed')[0].payload.tier],
        [null, 'Silver', 'Silver'],
      );
      assert.equal(byType('loyalty.coupon.used')[0].payload.couponId, usedCoupon.id);
      assert.equal(byType('loyalty.coupon.cancelled')[0].payload.couponId, cancelledCoupon.id);
      assert.deepEqual(
        byType('loyalty.redemption.created').map((e) => e.payload.points),
        [-20, -20, -20],
      );
      assert.deepEqual([byType('loyalty.points.expired')[0].payload.points, byType('loyalty.points.expired')[0].payload.balance], [-95, 0]);
      assert.deepEqual(
        at('/tier').map((r) => r.json.eventType),
        ['loyalty.tier.changed'],
      );
      assert.deepEqual(at('/seed'), [], 'seed subscriptions receive no loyalty events');
    });

    it('the expiry-runs route refuses a body that is not {asOf}', async () => {
      for (const body of [{ asOf: 'yesterday' }, { asOf: '2026-01-01T00:00:00Z', extra: 1 }]) {
        const refused = await admin('POST', '/expiry-runs', body);
        assert.equal(refused.status, 400, refused.text);
        assert.equal(refused.json.code ?? refused.json.error?.code ?? 'VALIDATION_ERROR', 'VALIDATION_ERROR');
      }
      assert.equal((await server.request('POST', `/admin/merchants/${M}/loyalty/expiry-runs`, {})).status, 401);
    });
  });
}
