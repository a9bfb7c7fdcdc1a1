/**
 * docs/contract.md §14.3, §14.4 and §15.11 on both stores: the privacy export holds the
 * person's loyalty ledger (accounts, transactions, pending points, coupons, loyaltyEvent
 * deliveries) in the committee's rc.2 shapes; erasure removes all of it in its transaction,
 * delivered deliveries and pending ones alike, counts it in the receipt and the audit entry, and
 * leaves another customer's ledger exactly as it was.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { PrivacyExport } from '../src/contract/privacy.js';
import { AuditVerifier } from '../src/domain/audit-chain.js';
import type { WebhookDelivery } from '../src/store/webhook-store.js';
import { WebhookDeliveryWorker } from '../src/sync/webhook-delivery.js';
import { addSubscription } from '../src/sync/webhook-subscriptions.js';
import { addClient, caller, tokenFor, type Caller } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const M = 'm-loyal-privacy';
const ADMIN_KEY = 'admin-key-for-loyalty-privacy-0123456789';

const committee = parse(readFileSync(join(import.meta.dirname, 'fixtures/committee-customer-rc2.openapi.yaml'), 'utf8'));
const ajv = new AjvModule.default({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
ajv.addSchema({ $id: 'committee', components: committee.components });
const rc2 = (name: string) => ajv.compile({ $ref: `committee#/components/schemas/${name}` });
const isAccount = rc2('LoyaltyAccount');
const isTransaction = rc2('LoyaltyTransaction');
const isCoupon = rc2('LoyaltyCoupon');
const isExport = ajv.compile(PrivacyExport);

/** A webhook target that accepts everything, so some deliveries end `delivered`. */
function receiver() {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  return {
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const naming = (customerId: string) => (d: WebhookDelivery) => (JSON.parse(d.body) as { customerId?: string }).customerId === customerId;

for (const kind of STORES) {
  describe(`privacy and the loyalty ledger (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0, adminKey: ADMIN_KEY }, webhookAllowPrivateTargets: true });
    const hook = receiver();
    const admin = (method: string, path: string, body?: unknown) =>
      server.request(method, `/admin/merchants/${M}/loyalty${path}`, body, { 'x-admin-key': ADMIN_KEY });
    const privacy = (method: string, path: string) => server.request(method, path, undefined, { 'x-admin-key': ADMIN_KEY, 'x-app-merchantid': M });
    let api: Caller;
    const accounts: Record<string, string> = {};
    const deliveries = async () => server.store.webhooks.listDeliveries({ tenant: M, limit: 10_000 });

    /** One customer's ledger, first part: enrolled, an earn (and a tier change), a redemption. */
    async function earnAndRedeem(customer: string) {
      const enrolled = await admin('POST', '/accounts', { programId: 'clube', customerId: customer });
      assert.equal(enrolled.status, 201, enrolled.text);
      const accountId = enrolled.json.id as string;
      accounts[customer] = accountId;
      await server.store.upsertOrders(M, [
        { id: `o-${customer}-1`, lastEvent: 'CONCLUDED', customer: { id: customer }, total: { orderAmount: { value: 150, currency: 'BRL' } } },
      ]);
      const redeemed = await api.post('/od/v2/loyalty/redemptions', { accountId, rewardId: 'pizza' });
      assert.equal(redeemed.status, 202, redeemed.text);
    }

    /** Second part: the coupon used, a second coupon, pending points of an open order. */
    async function useAndRedeemAgain(customer: string) {
      const accountId = accounts[customer];
      const coupons = (await api.get(`/od/v2/loyalty/coupons?customerId=${customer}`)).json.items as { id: string }[];
      assert.equal((await api.post(`/od/v2/loyalty/coupons/${coupons[0].id}/use`, { relatedOrderId: `o-${customer}-1` })).status, 200);
      assert.equal((await api.post('/od/v2/loyalty/redemptions', { accountId, rewardId: 'pizza' })).status, 202);
      await server.store.upsertOrders(M, [
        { id: `o-${customer}-open`, lastEvent: 'CONFIRMED', customer: { id: customer }, total: { orderAmount: { value: 40, currency: 'BRL' } } },
      ]);
    }

    /** Everything the loyalty API and the store show of a customer's ledger. */
    async function ledgerView(customer: string) {
      const accountId = accounts[customer];
      const account = await api.get(`/od/v2/loyalty/accounts/${accountId}`);
      const transactions = await api.get(`/od/v2/loyalty/accounts/${accountId}/transactions`);
      const coupons = await api.get(`/od/v2/loyalty/coupons?customerId=${customer}`);
      const listed = await api.get(`/od/v2/customers/${customer}/loyalty-accounts`);
      return { account, transactions, coupons, listed, deliveries: (await deliveries()).filter(naming(customer)) };
    }

    before(async () => {
      const base = await hook.listen();
      await addSubscription(
        server.store.webhooks,
        server.auth!.secrets,
        { tenant: M, url: `${base}/loyalty`, secret: 'a-secret-for-the-hook-0123', format: 'rc2' },
        { allowPrivateTargets: true },
      );
      api = caller(server, await tokenFor(server, await addClient(server, { merchants: [M], model: 'merchant' })));
      await server.store.upsertCustomers(M, [
        { id: 'c-ana', identifier: { type: 'email', value: 'ana@example.com' }, name: 'Ana Silva' },
        { id: 'c-bia', identifier: { type: 'email', value: 'bia@example.com' }, name: 'Bia Souza' },
      ]);
      await server.store.loyalty.upsertPrograms(M, [{ id: 'clube', name: 'Clube', merchantId: M }]);
      assert.equal((await admin('PUT', '/programs/clube/rules', { tiers: [{ name: 'Silver', minPoints: 100 }] })).status, 200);
      assert.equal((await admin('PUT', '/rewards/pizza', { id: 'pizza', programId: 'clube', cost: 20, name: 'Pizza', type: 'generic' })).status, 200);
      const worker = new WebhookDeliveryWorker({ store: server.store.webhooks, secrets: server.auth!.secrets, appId: 'odc-test', allowPrivateTargets: true });
      await earnAndRedeem('c-ana');
      await earnAndRedeem('c-bia');
      // What was queued so far reaches the target (delivered rows); the rest stays pending.
      while ((await worker.runOnce()) > 0);
      await useAndRedeemAgain('c-ana');
      await useAndRedeemAgain('c-bia');
    });
    after(() => hook.close());

    it('exports the ledger in rc.2 shapes, erases all of it, and leaves the other ledger as it was', async () => {
      const ana = accounts['c-ana'];
      const biaBefore = await ledgerView('c-bia');
      const anaDeliveries = (await deliveries()).filter(naming('c-ana'));
      assert.deepEqual([...new Set(anaDeliveries.map((d) => d.status))].sort(), ['delivered', 'pending'], 'both delivered and queued deliveries');

      const exported = await privacy('GET', '/privacy/customers/email:ana@example.com');
      assert.equal(exported.status, 200, exported.text);
      const doc = exported.json;
      assert.equal(doc.format, 'odc.privacy-export/1');
      assert.ok(isExport(doc), ajv.errorsText(isExport.errors));
      const loyalty = doc.loyalty;
      assert.equal(loyalty.accounts.length, 1);
      const account = loyalty.accounts[0] as { id: string; customerId: string; balance: number; metadata: Record<string, unknown> };
      assert.ok(isAccount(account), ajv.errorsText(isAccount.errors));
      assert.deepEqual(
        [account.id, account.customerId, account.balance, account.metadata.status, account.metadata.tier, account.metadata.pointsPending],
        [ana, 'c-ana', 150 - 20 - 20, 'ACTIVE', 'Silver', 40],
      );
      assert.deepEqual(
        loyalty.transactions.map((t: { type: string; amount: number }) => [t.type, t.amount]),
        [
          ['earn', 150],
          ['tier_change', 0],
          ['redeem', -20],
          ['coupon_use', 0],
          ['redeem', -20],
        ],
      );
      for (const t of loyalty.transactions) assert.ok(isTransaction(t), ajv.errorsText(isTransaction.errors));
      assert.deepEqual(loyalty.pendingPoints, [{ accountId: ana, orderId: 'o-c-ana-open', points: 40 }]);
      assert.deepEqual(loyalty.coupons.map((c: { status: string }) => c.status).sort(), ['available', 'used']);
      for (const c of loyalty.coupons) assert.ok(isCoupon(c), ajv.errorsText(isCoupon.errors));
      assert.deepEqual(
        loyalty.webhookDeliveries.map((d: { id: number }) => d.id),
        anaDeliveries.map((d) => d.id).sort((a, b) => a - b),
      );
      assert.ok(loyalty.webhookDeliveries.every((d: { body: { customerId: string } }) => d.body.customerId === 'c-ana'));
      assert.doesNotMatch(JSON.stringify(doc), /c-bia|bia@|Bia/, "nothing of the other customer's ledger");

      const erased = await privacy('DELETE', '/privacy/customers/c-ana');
      assert.equal(erased.status, 200, erased.text);
      const counts = {
        loyaltyAccounts: 1,
        loyaltyTransactions: 5,
        loyaltyPendingOrders: 1,
        loyaltyCoupons: 2,
        loyaltyWebhookDeliveries: anaDeliveries.length,
      };
      assert.deepEqual(erased.json.removed, { customers: 1, leads: 0, orders: 2, events: 0, webhookDeliveries: 0, ...counts });

      // The ledger routes no longer know the account, its transactions or coupons.
      assert.equal((await api.get(`/od/v2/loyalty/accounts/${ana}`)).status, 404);
      assert.equal((await api.get(`/od/v2/loyalty/accounts/${ana}/transactions`)).status, 404);
      assert.equal((await api.post('/od/v2/loyalty/redemptions', { accountId: ana, rewardId: 'pizza' })).status, 404);
      assert.equal((await admin('POST', `/accounts/${ana}/adjustments`, { amount: 5, key: 'after' })).status, 404);
      for (const coupon of loyalty.coupons) assert.equal((await api.post(`/od/v2/loyalty/coupons/${coupon.id}/use`, { relatedOrderId: 'x' })).status, 404);
      assert.equal((await api.get('/od/v2/loyalty/coupons?customerId=c-ana')).json.items.length, 0);
      assert.equal((await api.get('/od/v2/customers/c-ana/loyalty-accounts')).status, 404);
      assert.equal((await server.store.loyalty.list(M, { table: 'entries', accountId: ana })).total, 0);
      assert.equal((await server.store.loyalty.list(M, { table: 'accounts', customerId: 'c-ana' })).total, 0);
      assert.equal((await server.store.loyalty.list(M, { table: 'coupons', customerId: 'c-ana' })).total, 0);

      // No delivery of hers is left, delivered or pending: in the store and in the admin API.
      assert.deepEqual(
        (await deliveries()).filter((d) => d.body.includes('c-ana')),
        [],
      );
      const listed = await server.request('GET', `/admin/webhooks/deliveries?merchant=${M}&limit=1000`, undefined, { 'x-admin-key': ADMIN_KEY });
      assert.equal(listed.status, 200, listed.text);
      const gone = new Set(anaDeliveries.map((d) => d.eventId));
      assert.ok(listed.json.length > 0);
      assert.ok(listed.json.every((d: { eventId: string }) => !gone.has(d.eventId)));

      // The other customer's ledger, answers and deliveries alike, is untouched.
      const biaAfter = await ledgerView('c-bia');
      for (const part of ['account', 'transactions', 'coupons', 'listed'] as const) {
        assert.equal(biaAfter[part].status, 200);
        assert.deepEqual(biaAfter[part].json, biaBefore[part].json, part);
      }
      assert.deepEqual(biaAfter.deliveries, biaBefore.deliveries);
      assert.equal(biaAfter.account.json.balance, 110);

      // The audit entry counts what was erased; the chain is intact.
      const trail = await privacy('GET', '/privacy/audit?customerId=c-ana');
      assert.equal(trail.status, 200, trail.text);
      const erasure = trail.json.find((e: { action: string }) => e.action === 'privacy.erase');
      assert.equal(erasure.seq, erased.json.auditSeq);
      assert.deepEqual(erasure.details, { leads: 0, orders: 2, reviews: 0, events: 0, webhookDeliveries: 0, ...counts });
      const exportEntry = trail.json.find((e: { action: string }) => e.action === 'privacy.export');
      assert.deepEqual([exportEntry.details.loyaltyAccounts, exportEntry.details.loyaltyTransactions, exportEntry.details.loyaltyCoupons], [1, 5, 2]);
      const verifier = new AuditVerifier();
      for (const row of await server.store.readAudit(M, { limit: 1000 })) verifier.add(row);
      assert.deepEqual(verifier.breaks, []);
    });

    it('a ledger movement racing the erasure commits before it (and is erased) or finds no account', async () => {
      await server.store.upsertCustomers(M, [{ id: 'c-cy', identifier: { type: 'email', value: 'cy@example.com' } }]);
      const enrolled = await admin('POST', '/accounts', { programId: 'clube', customerId: 'c-cy' });
      assert.equal(enrolled.status, 201, enrolled.text);
      const cy = enrolled.json.id as string;
      assert.equal((await admin('POST', `/accounts/${cy}/adjustments`, { amount: 1000, key: 'seed' })).status, 201);
      const movements = Array.from({ length: 16 }, (_, i) =>
        i % 2 === 0
          ? api.post('/od/v2/loyalty/redemptions', { accountId: cy, rewardId: 'pizza' })
          : admin('POST', `/accounts/${cy}/adjustments`, { amount: 1, key: `race-${i}` }),
      );
      const erasure = privacy('DELETE', '/privacy/customers/c-cy');
      const answers = await Promise.all(movements);
      const erased = await erasure;
      assert.equal(erased.status, 200, erased.text);
      for (const a of answers) assert.ok([201, 202, 404].includes(a.status), `${a.status} ${a.text}`);
      const committed = answers.filter((a) => a.status !== 404);
      const redemptions = committed.filter((a) => a.status === 202).length;
      // Every movement that answered success was erased with the account: the seed adjustment,
      // its tier change, and one entry per committed movement; one coupon per redemption.
      assert.equal(erased.json.removed.loyaltyTransactions, 2 + committed.length);
      assert.equal(erased.json.removed.loyaltyCoupons, redemptions);
      assert.equal((await server.store.loyalty.list(M, { table: 'entries', accountId: cy })).total, 0);
      assert.equal((await server.store.loyalty.list(M, { table: 'accounts', customerId: 'c-cy' })).total, 0);
      assert.equal((await server.store.loyalty.list(M, { table: 'coupons', customerId: 'c-cy' })).total, 0);
      assert.deepEqual(
        (await deliveries()).filter((d) => d.body.includes('c-cy')),
        [],
      );
      // An enrolment that resolved the customer before the erasure opens nothing after it.
      await assert.rejects(server.store.loyalty.enrol(M, 'clube', 'c-cy'), (error: { code?: string }) => error.code === 'NOT_FOUND');
      assert.equal((await server.store.loyalty.list(M, { table: 'accounts', customerId: 'c-cy' })).total, 0);
    });
  });
}
