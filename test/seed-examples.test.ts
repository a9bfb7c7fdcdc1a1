/**
 * The seed's five JSON examples, copied verbatim from /work/shared/seed/customer-capability.txt
 * ("Schema Examples"), sent as they stand over HTTP and read back unchanged, on every store.
 * Success statuses are those of docs/contract.md §1; the read paths those of §1 and §5.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STORES } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';

// ---- Example: Customer (Minimal) ------------------------------------------------------------
const MINIMAL_CUSTOMER = JSON.parse(`{
"identifier": {
"type": "phone",
"value": "+5511999999999"
}
}`);

// ---- Example: Customer (Enriched) -----------------------------------------------------------
const ENRICHED_CUSTOMER = JSON.parse(`{
"identifier": {
"type": "external_id",
"value": "crm:customer:93821"
},
"name": "Maria Silva",
"contacts": {
"emails": [
{
"email": "maria.silva@example.com",
"isPrimary": true
}
]
},
"externalIds": [
{
"source": "PDV",
"sourceName": "PDV Loja Centro",
"key": "customerCode",
"value": "C12345"
}
],
"metadata": {
"restrictions": [
"requiresManualReview"
],
"customRules": {
"requiresManualReview": true
},
"customTags": [
"vip"
]
}
}`);

// ---- Example: Lead --------------------------------------------------------------------------
const LEAD = JSON.parse(`{
"id": "lead-001",
"name": "Ana Souza",
"contact": "ana.souza@example.com",
"externalIds": [
{
"source": "CRM",
"sourceName": "CRM Core",
"key": "leadCode",
"value": "L-1020"
}
]
}`);

// ---- Example: Review ------------------------------------------------------------------------
const REVIEW = JSON.parse(`{
"reviewId": "rev-001",
"reviewType": "ORDER",
"overallRating": {
"ratingStyle": "STAR",
"value": 4,
"comment": "Fast delivery and good food."
},
"subject": {
"orderId": "ord-001",
"merchantId": "merchant-01"
},
"customer": {
"customerId": "cust-001",
"email": "maria.silva@example.com"
},
"reviewDate": "2026-06-01T12:00:00Z",
"source": {
"system": "CRM",
"channel": "DELIVERY_APP"
}
}`);

// ---- Example: CustomerEvent -----------------------------------------------------------------
const EVENT = JSON.parse(`{
"eventType": "ORDER_COMPLETED",
"occurredAt": "2026-06-01T12:30:00Z",
"customerId": "cust-001",
"data": {
"orderId": "ord-001",
"totalAmount": 7990,
"currency": "BRL"
}
}`);

/** Fields the server may add to what it returns (docs/contract.md §5: id, timestamps). */
const SERVER_FIELDS = new Set(['id', 'createdAt', 'updatedAt']);

/**
 * `returned` is `sent`, field for field, plus at most the server's own fields (non-empty
 * strings), and only where `sent` did not carry them.
 */
function assertReturnedUnchanged(returned: any, sent: Record<string, unknown>, what: string): void {
  assert.ok(returned && typeof returned === 'object' && !Array.isArray(returned), `${what}: not an object: ${JSON.stringify(returned)}`);
  for (const [key, value] of Object.entries(sent)) {
    assert.deepStrictEqual(returned[key], value, `${what}: field ${key} changed`);
  }
  for (const key of Object.keys(returned)) {
    if (key in sent) continue;
    assert.ok(SERVER_FIELDS.has(key), `${what}: unexpected field ${key}=${JSON.stringify(returned[key])}`);
    assert.equal(typeof returned[key], 'string', `${what}: ${key} should be a string`);
    assert.ok((returned[key] as string).length > 0, `${what}: ${key} is empty`);
  }
}

function assertCustomerReturned(returned: any, sent: Record<string, unknown>, what: string): void {
  assertReturnedUnchanged(returned, sent, what);
  for (const key of SERVER_FIELDS) assert.equal(typeof returned[key], 'string', `${what}: server field ${key} missing`);
  assert.ok(!Number.isNaN(Date.parse(returned.createdAt)), `${what}: createdAt ${returned.createdAt}`);
  assert.ok(!Number.isNaN(Date.parse(returned.updatedAt)), `${what}: updatedAt ${returned.updatedAt}`);
}

function findIn(list: unknown, pick: (item: any) => boolean, what: string): any {
  assert.ok(Array.isArray(list), `${what}: the body should be a JSON array, got ${JSON.stringify(list)}`);
  const found = list.filter(pick);
  assert.equal(found.length, 1, `${what}: expected exactly one match in ${JSON.stringify(list)}`);
  return found[0];
}

async function expectStatus(server: TestServer, method: string, path: string, body: unknown, status: number): Promise<void> {
  const res = await server.request(method, path, body);
  assert.equal(res.status, status, `${method} ${path}: ${res.status} ${res.text}`);
  assert.equal(res.text, '', `${method} ${path}: success answers carry no body`);
}

async function getJson(server: TestServer, path: string): Promise<any> {
  const res = await server.request('GET', path);
  assert.equal(res.status, 200, `GET ${path}: ${res.status} ${res.text}`);
  return res.json;
}

const MINIMAL_PATH = `/customers/${encodeURIComponent('phone:+5511999999999')}`;
const ENRICHED_PATH = '/customers/crm:customer:93821';

for (const kind of STORES) {
  describe(kind.name, () => {
    describe('the seed examples, as they stand', () => {
      const server = useServer(kind);

      it('POST /customers accepts the minimal customer (as a one-item array): 200', async () => {
        await expectStatus(server, 'POST', '/customers', [MINIMAL_CUSTOMER], 200);
      });

      it('POST /customers accepts the enriched customer (as a one-item array): 200', async () => {
        await expectStatus(server, 'POST', '/customers', [ENRICHED_CUSTOMER], 200);
      });

      it('POST /leads accepts the lead (array): 200', async () => {
        await expectStatus(server, 'POST', '/leads', [LEAD], 200);
      });

      it('POST /reviews accepts the review (object): 201', async () => {
        await expectStatus(server, 'POST', '/reviews', REVIEW, 201);
      });

      it('POST /customer/events accepts the event (object): 202', async () => {
        await expectStatus(server, 'POST', '/customer/events', EVENT, 202);
      });

      it('GET /customers/crm:customer:93821 returns the enriched customer unchanged, plus id/createdAt/updatedAt', async () => {
        assertCustomerReturned(await getJson(server, ENRICHED_PATH), ENRICHED_CUSTOMER, 'enriched customer');
      });

      it('GET /customers/phone:+5511999999999 returns the minimal customer unchanged, plus id/createdAt/updatedAt', async () => {
        assertCustomerReturned(await getJson(server, MINIMAL_PATH), MINIMAL_CUSTOMER, 'minimal customer');
      });

      it('GET /customers lists both customers unchanged', async () => {
        const list = await getJson(server, '/customers');
        assertCustomerReturned(
          findIn(list, (c) => c.identifier?.value === 'crm:customer:93821', 'GET /customers'),
          ENRICHED_CUSTOMER,
          'enriched in list',
        );
        assertCustomerReturned(
          findIn(list, (c) => c.identifier?.value === '+5511999999999', 'GET /customers'),
          MINIMAL_CUSTOMER,
          'minimal in list',
        );
      });

      for (const path of ['/leads', '/customers/leads']) {
        it(`GET ${path} returns the lead unchanged`, async () => {
          const lead = findIn(await getJson(server, path), (l) => l.id === 'lead-001', `GET ${path}`);
          assertReturnedUnchanged(lead, LEAD, `lead at ${path}`);
        });
      }

      it('GET /reviews/rev-001 returns the review unchanged', async () => {
        assertReturnedUnchanged(await getJson(server, '/reviews/rev-001'), REVIEW, 'review');
      });

      it('GET /customers/cust-001/reviews lists the review unchanged', async () => {
        const review = findIn(await getJson(server, '/customers/cust-001/reviews'), (r) => r.reviewId === 'rev-001', 'GET /customers/cust-001/reviews');
        assertReturnedUnchanged(review, REVIEW, 'review by customer');
      });

      it('GET /customer/events?customerId=cust-001 lists the event unchanged', async () => {
        const event = findIn(await getJson(server, '/customer/events?customerId=cust-001'), (e) => e.eventType === 'ORDER_COMPLETED', 'GET /customer/events');
        assertReturnedUnchanged(event, EVENT, 'event');
      });
    });

    describe('each example with an unknown field added', () => {
      const server = useServer(kind);
      /** Additive fields the contract does not name: stored and returned unchanged (§3). */
      const EXTRA = { 'x-vendorNote': { text: 'não alterar', levels: [1, 2.5, { deep: ['a', true] }], flag: false } };
      const NESTED = { 'x-nested': 'kept' };

      const customerWithExtra = {
        ...ENRICHED_CUSTOMER,
        ...EXTRA,
        identifier: { ...ENRICHED_CUSTOMER.identifier, ...NESTED },
        metadata: { ...ENRICHED_CUSTOMER.metadata, ...NESTED },
      };
      const minimalWithExtra = { ...MINIMAL_CUSTOMER, ...EXTRA };
      const leadWithExtra = { ...LEAD, ...EXTRA, externalIds: [{ ...LEAD.externalIds[0], ...NESTED }] };
      const reviewWithExtra = { ...REVIEW, ...EXTRA, overallRating: { ...REVIEW.overallRating, ...NESTED } };
      const eventWithExtra = { ...EVENT, ...EXTRA, data: { ...EVENT.data, ...NESTED } };

      it('the customers are accepted, stored and returned unchanged', async () => {
        await expectStatus(server, 'POST', '/customers', [customerWithExtra, minimalWithExtra], 200);
        assertCustomerReturned(await getJson(server, ENRICHED_PATH), customerWithExtra, 'enriched customer with unknown fields');
        assertCustomerReturned(await getJson(server, MINIMAL_PATH), minimalWithExtra, 'minimal customer with unknown fields');
      });

      it('the lead is accepted, stored and returned unchanged', async () => {
        await expectStatus(server, 'POST', '/leads', [leadWithExtra], 200);
        const lead = findIn(await getJson(server, '/leads'), (l) => l.id === 'lead-001', 'GET /leads');
        assertReturnedUnchanged(lead, leadWithExtra, 'lead with unknown fields');
      });

      it('the review is accepted, stored and returned unchanged', async () => {
        await expectStatus(server, 'POST', '/reviews', reviewWithExtra, 201);
        assertReturnedUnchanged(await getJson(server, '/reviews/rev-001'), reviewWithExtra, 'review with unknown fields');
      });

      it('the event is accepted, stored and returned unchanged', async () => {
        await expectStatus(server, 'POST', '/customer/events', eventWithExtra, 202);
        const event = findIn(await getJson(server, '/customer/events?customerId=cust-001'), (e) => e.eventType === 'ORDER_COMPLETED', 'GET /customer/events');
        assertReturnedUnchanged(event, eventWithExtra, 'event with unknown fields');
      });
    });
  });
}
