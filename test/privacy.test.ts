/**
 * docs/contract.md §14 on both stores: the export holds every record about the person and
 * nothing about another; after erasure no lookup, list, filter, export or webhook delivery
 * shows their name, e-mail, phone, document or identifiers; a later push of the same
 * identifiers follows the server's setting; the audit trail records both and its chain
 * detects an altered entry.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { AuditVerifier } from '../src/domain/audit-chain.js';
import { addClient, caller, tokenFor, type Caller } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';

const M = 'm-1';
const ADMIN_KEY = 'admin-key-for-privacy-tests-0123456789';

/** The person erased (ana) and a bystander (bia), with every kind of record about each. */
async function seed(crm: Caller, server: TestServer): Promise<void> {
  await server.store.webhooks.addSubscription({
    id: 'sub-1',
    tenant: M,
    url: 'https://hooks.example/x',
    secret: 'v1.x',
    eventTypes: [],
    createdAt: '2026-01-01T00:00:00Z',
  });
  const customers = [
    {
      id: 'c-ana',
      identifier: { type: 'email', value: 'Ana.Silva@Example.com' },
      name: 'Ana Silva',
      externalIds: [{ source: 'POS', key: 'k', value: 'pos-ana' }],
      contacts: { phones: [{ number: '+55 11 98888-7777' }] },
      document: { type: 'CPF', value: '123.456.789-09' },
    },
    { id: 'c-bia', identifier: { type: 'email', value: 'bia@example.com' }, name: 'Bia Souza' },
  ];
  assert.equal((await crm.post('/customers', customers)).status, 200);
  assert.equal((await crm.post('/customers', [{ id: 'c-ana', identifier: { type: 'external_id', value: 'ext-ana' } }])).status, 200);
  const leads = [
    { id: 'l-ana', name: 'Ana S.', contact: 'ana.silva@example.com' },
    { id: 'l-ana2', name: 'Ana POS', externalIds: [{ source: 'POS', key: 'k', value: 'pos-ana' }] },
    { id: 'l-bia', name: 'Bia', contact: 'bia@example.com' },
  ];
  assert.equal((await crm.post('/leads', leads)).status, 200);
  const orders = [
    { id: 'o-ana', customer: { id: 'c-ana', name: 'Ana Silva' } },
    { id: 'o-ana2', customer: { id: 'ext-ana', name: 'Ana Silva' } },
    { id: 'o-bia', customer: { id: 'c-bia', name: 'Bia Souza' } },
  ];
  assert.equal((await crm.post('/orders', orders)).status, 201);
  const review = (id: string, customerId: string) => ({
    reviewId: id,
    reviewType: 'ORDER',
    overallRating: { ratingStyle: 'STAR', value: 5 },
    reviewDate: '2026-06-01T00:00:00Z',
    customer: { customerId },
  });
  const posted = await crm.post('/reviews', review('r-1', 'c-ana'));
  assert.equal(posted.status, 201, posted.text);
  assert.equal((await crm.post('/reviews', review('r-2', 'c-bia'))).status, 201);
  const events = [
    { id: 'e-ana-in', eventType: 'customer.opted_in', occurredAt: '2026-01-01T00:00:00Z', customerId: 'c-ana', data: { name: 'Ana Silva' } },
    { id: 'e-ana-out', eventType: 'customer.opted_out', occurredAt: '2026-02-01T00:00:00Z', customerId: 'c-ana' },
    { id: 'e-bia', eventType: 'customer.opted_in', occurredAt: '2026-01-01T00:00:00Z', customerId: 'c-bia', data: { name: 'Bia Souza' } },
  ];
  for (const event of events) assert.equal((await crm.post('/customer/events', event)).status, 202);
}

/** Everything that identifies ana; none of it may be served after her erasure. */
const ANA = /ana|Silva|98888|123\.?456|c-ana|pos-ana|ext-ana/i;

for (const kind of STORES) {
  for (const afterErasure of ['refuse', 'accept'] as const) {
    describe(`privacy: export, erasure, audit (${kind.name}, afterErasure=${afterErasure})`, () => {
      const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0, adminKey: ADMIN_KEY }, afterErasure });
      let crm: Caller;
      let privacy: Caller;
      let privacyToken: string;
      let crmToken: string;

      before(async () => {
        const crmClient = await addClient(server, { model: 'merchant', merchants: [M], scopes: ['od.crm'] });
        const privacyClient = await addClient(server, { model: 'merchant', merchants: [M], scopes: ['od.privacy'] });
        crmToken = await tokenFor(server, crmClient);
        crm = caller(server, crmToken);
        privacyToken = await tokenFor(server, privacyClient);
        privacy = caller(server, privacyToken);
        await seed(crm, server);
      });

      const del = (token: string, path: string, headers: Record<string, string> = {}) =>
        server.request('DELETE', path, undefined, { authorization: `Bearer ${token}`, ...headers });

      it('refuses od.crm alone and serves od.privacy; the CRM operations refuse od.privacy alone', async () => {
        assert.equal((await crm.get('/privacy/customers/c-ana')).status, 403);
        assert.equal((await del(crmToken, '/privacy/customers/c-ana')).status, 403);
        assert.equal((await privacy.get('/customers/c-ana')).status, 403);
        assert.equal((await privacy.get('/privacy/customers/nobody')).status, 404);
      });

      it('exports every record about the person and nothing about another', async () => {
        const res = await privacy.get('/privacy/customers/ana.silva@EXAMPLE.com'.replace('ana', 'email:ana'));
        assert.equal(res.status, 200, res.text);
        const doc = res.json;
        assert.equal(doc.format, 'odc.privacy-export/1');
        assert.equal(doc.customer.id, 'c-ana');
        assert.deepEqual(doc.leads.map((l: any) => l.id).sort(), ['l-ana', 'l-ana2']);
        assert.deepEqual(doc.orders.map((o: any) => o.id).sort(), ['o-ana', 'o-ana2']);
        assert.deepEqual(
          doc.reviews.map((r: any) => r.reviewId),
          ['r-1'],
        );
        assert.deepEqual(doc.events.map((e: any) => e.id).sort(), ['e-ana-in', 'e-ana-out']);
        assert.deepEqual(
          doc.consent.history.map((c: any) => [c.status, c.source.eventId]),
          [
            ['opted_in', 'e-ana-in'],
            ['opted_out', 'e-ana-out'],
          ],
        );
        assert.equal(doc.consent.current.status, 'opted_out');
        assert.deepEqual(doc.webhookDeliveries.map((d: any) => d.eventId).sort(), ['e-ana-in', 'e-ana-out']);
        assert.equal(doc.audit.at(-1).action, 'privacy.export');
        assert.doesNotMatch(res.text, /bia|Souza|r-2/i);
      });

      it('erases the person: nothing about them is served afterwards, ratings stay anonymous', async () => {
        const erased = await del(privacyToken, '/privacy/customers/c-ana');
        assert.equal(erased.status, 200, erased.text);
        assert.deepEqual(erased.json.removed, {
          customers: 1,
          leads: 2,
          orders: 2,
          events: 2,
          webhookDeliveries: 2,
          loyaltyAccounts: 0,
          loyaltyTransactions: 0,
          loyaltyPendingOrders: 0,
          loyaltyCoupons: 0,
          loyaltyWebhookDeliveries: 0,
        });
        assert.deepEqual(erased.json.anonymized, { reviews: 1 });
        for (const path of ['/customers/c-ana', '/customers/ext-ana', '/customers/email:ana.silva@example.com', '/orders/o-ana', '/privacy/customers/c-ana']) {
          const as = path.startsWith('/privacy') ? privacy : crm;
          assert.equal((await as.get(path)).status, 404, path);
        }
        const lists = [
          '/customers',
          '/customers?identifierType=email&identifierValue=ana.silva@example.com',
          '/customers?externalId=pos-ana',
          '/leads',
          '/orders',
          '/orders?customerId=c-ana',
          '/reviews',
          '/reviews?customerId=c-ana',
          '/customer/events',
          '/customer/events?customerId=c-ana',
        ];
        for (const path of lists) {
          const res = await crm.get(path);
          assert.equal(res.status, 200, path);
          assert.doesNotMatch(res.text, ANA, path);
        }
        assert.match((await crm.get('/customers')).text, /Bia Souza/);
        const reviews = (await crm.get('/reviews')).json as any[];
        const kept = reviews.find((r) => r.reviewId === 'r-1');
        assert.deepEqual(kept, { reviewId: 'r-1', reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: 5 }, reviewDate: '2026-06-01T00:00:00Z' });
        const deliveries = await server.store.webhooks.listDeliveries({ tenant: M });
        assert.equal(deliveries.length, 1);
        assert.doesNotMatch(JSON.stringify(deliveries), ANA);
      });

      it('follows the setting when the same identifiers come back', async () => {
        const again = await crm.post('/customers', [{ identifier: { type: 'email', value: ' ANA.SILVA@example.com' }, name: 'Ana again' }]);
        const byExternal = await crm.post('/customers', [
          { identifier: { type: 'phone', value: '+5511977776666' }, externalIds: [{ source: 'POS', key: 'k', value: 'pos-ana' }] },
        ]);
        if (afterErasure === 'refuse') {
          for (const res of [again, byExternal]) {
            assert.equal(res.status, 409, res.text);
            assert.equal(res.json.code, 'SUBJECT_ERASED');
          }
          assert.doesNotMatch((await crm.get('/customers')).text, /Ana again|977776666/);
        } else {
          assert.equal(again.status, 200, again.text);
          assert.equal(byExternal.status, 200, byExternal.text);
          assert.match((await crm.get('/customers')).text, /Ana again/);
        }
        assert.equal((await crm.post('/customers', [{ identifier: { type: 'email', value: 'new@example.com' } }])).status, 200);
      });

      it('documents the privacy paths in /openapi.json (a valid OpenAPI 3.1 document)', async () => {
        const doc = (await server.request('GET', '/openapi.json')).json;
        assert.ok(doc.paths['/privacy/customers/{ref}'].get.responses['200']);
        assert.ok(doc.paths['/privacy/customers/{ref}'].delete.responses['200']);
        assert.ok(doc.paths['/privacy/audit'].get.parameters.some((p: { name: string }) => p.name === 'customerId'));
        const result = await new Validator().validate(doc);
        assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
      });

      it('records both operations in a hash chain that detects an altered entry', async () => {
        const res = await server.request('GET', '/privacy/audit?customerId=c-ana', undefined, { 'x-admin-key': ADMIN_KEY, 'x-app-merchantid': M });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(
          res.json.map((e: any) => e.action),
          ['privacy.export', 'privacy.erase'],
        );
        assert.doesNotMatch(res.text, ANA);
        const page = await privacy.get('/privacy/audit?limit=1');
        assert.equal(page.json.length, 1);
        assert.match(page.headers.get('link') ?? '', /after=1.*rel="next"/);

        const rows = await server.store.readAudit(M, { limit: 1000 });
        const intact = new AuditVerifier();
        for (const row of rows) intact.add(row);
        assert.deepEqual(intact.breaks, []);
        const altered = new AuditVerifier();
        for (const row of rows) altered.add(row.seq === 1 ? { ...row, details: '{"leads":0}' } : row);
        assert.ok(altered.breaks.some((b) => b.seq === 1 && /altered/.test(b.problem)));
        const removed = new AuditVerifier();
        for (const row of rows.slice(1)) removed.add(row);
        assert.ok(removed.breaks.length > 0);
      });

      it('records client changes made with the admin key in the trail of each merchant of the client', async () => {
        const admin = { authorization: `Bearer ${ADMIN_KEY}` };
        const added = await server.request('POST', '/admin/clients', { name: 'pos', merchants: [M, 'm-2'] }, admin);
        assert.equal(added.status, 201, added.text);
        assert.equal((await server.request('POST', `/admin/clients/${added.json.clientId}/revoke`, undefined, admin)).status, 200);
        for (const merchant of [M, 'm-2']) {
          const trail = await server.request('GET', '/privacy/audit', undefined, { 'x-admin-key': ADMIN_KEY, 'x-app-merchantid': merchant });
          const changes = (trail.json as any[]).filter((e) => e.details.clientId === added.json.clientId);
          assert.deepEqual(
            changes.map((e) => [e.action, e.actor]),
            [
              ['admin.client.add', 'admin'],
              ['admin.client.revoke', 'admin'],
            ],
            merchant,
          );
          assert.doesNotMatch(trail.text, new RegExp(added.json.clientSecret));
        }
      });

      it('keeps every change of the rc.2 consents[] list with its time, and refuses an erased person through rc.2 too', async () => {
        const rc2 = (consents: unknown[]) =>
          crm.post('/od/v2/customers', { items: [{ id: 'c-cris', identifier: { type: 'email', value: 'cris@example.com' }, consents }] });
        assert.equal((await rc2([{ purpose: 'marketing', channel: 'email', status: 'opt_in' }])).status, 202);
        assert.equal((await rc2([{ purpose: 'marketing', channel: 'email', status: 'opt_in' }])).status, 202);
        assert.equal((await rc2([{ purpose: 'marketing', channel: 'email', status: 'opt_out' }])).status, 202);
        const doc = (await privacy.get('/privacy/customers/c-cris')).json;
        assert.deepEqual(
          doc.consent.lists.map((l: any) => [l.source, l.consents[0].status]),
          [
            ['customer.consents', 'opt_in'],
            ['customer.consents', 'opt_out'],
          ],
          'an unchanged re-send adds no entry',
        );
        assert.ok(doc.consent.lists[0].at < doc.consent.lists[1].at);
        assert.equal((await del(privacyToken, '/privacy/customers/c-cris')).status, 200);
        const again = await crm.post('/od/v2/customers', { items: [{ identifier: { type: 'email', value: 'CRIS@example.com' } }] });
        if (afterErasure === 'refuse') {
          assert.equal(again.status, 409, again.text);
          assert.equal(again.json.code, 'SUBJECT_ERASED');
        } else assert.equal(again.status, 202, again.text);
      });
    });
  }
}
