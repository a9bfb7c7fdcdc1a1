/**
 * Tenant isolation through real credentials (docs/contract.md §6, authentication.en.md's
 * merchant and application models): a client only ever reads or writes the data of the
 * merchants it is authorized for. Three clients on one server: merchant-model clients for
 * m-a and m-b, and an application-model client for both, which must name its merchant
 * (X-App-MerchantId or ?merchantId). Every resource and every read path, aliases included.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { operations, pathsOf } from '../src/contract/operations.js';
import { addClient, caller, tokenFor, type Caller } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer, type TestResponse } from './support/test-server.js';

const review = (reviewId: string, customerId: string, orderId: string) => ({
  reviewId,
  reviewType: 'ORDER',
  overallRating: { ratingStyle: 'STAR', value: 4 },
  reviewDate: '2026-06-01T00:00:00Z',
  customer: { customerId },
  subject: { orderId },
});

/** One record of every resource, all ids prefixed, written by `as`. */
async function writeSet(as: Caller, p: string): Promise<void> {
  const writes: [string, unknown, number][] = [
    [
      '/customers',
      [{ id: `${p}-cust`, identifier: { type: 'external_id', value: `${p}-ext` }, externalIds: [{ source: 'S', key: 'k', value: `${p}-xid` }] }],
      200,
    ],
    ['/leads', [{ id: `${p}-lead` }], 200],
    ['/orders', [{ id: `${p}-order`, customer: { id: `${p}-cust` } }], 201],
    ['/reviews', review(`${p}-review`, `${p}-cust`, `${p}-order`), 201],
    ['/customer/events', { id: `${p}-event`, eventType: `${p}.seen`, occurredAt: '2026-06-01T00:00:00Z', customerId: `${p}-cust` }, 202],
  ];
  for (const [path, body, status] of writes) assert.equal((await as.post(path, body)).status, status, `${p} writes ${path}`);
}

/** Id of a listed record, whatever the resource. */
const idOf = (item: any): string => item.reviewId ?? item.id;
const ids = (res: TestResponse): string[] => (res.json as any[]).map(idOf).sort();

/** Every list path of the contract, seed paths and aliases. */
const listPaths = ['/customers', '/leads', '/customers/leads', '/orders', '/customers/orders', '/reviews', '/customers/reviews', '/customer/events'];

/** A valid body for each write operation, with ids that must never be stored. */
function leakBody(operationId: string): unknown {
  switch (operationId) {
    case 'upsertCustomer':
      return [{ id: 'leak-cust', identifier: { type: 'email', value: 'leak@example.com' } }];
    case 'upsertLead':
      return [{ id: 'leak-lead' }];
    case 'upsertOrders':
      return [{ id: 'leak-order' }];
    case 'createReview':
      return review('leak-review', 'a-cust', 'a-order');
    case 'publishCustomerEvent':
      return { id: 'leak-event', eventType: 'leak', occurredAt: '2026-06-01T00:00:00Z' };
    default:
      return undefined;
  }
}

/** Every operation on every path, with path parameters pointing at m-a's records. */
function everyCall(): { label: string; method: string; path: string; body: unknown }[] {
  const calls = [];
  for (const op of operations) {
    for (const template of pathsOf(op)) {
      const path = template
        .replace('{customerId}', 'a-cust')
        .replace('{id}', op.resource === 'order' ? 'a-order' : op.resource === 'review' ? 'a-review' : 'a-cust');
      calls.push({ label: `${op.method} ${path}`, method: op.method, path, body: leakBody(op.operationId) });
    }
  }
  return calls;
}

for (const kind of STORES) {
  describe(`tenancy through credentials (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    let a: Caller; // merchant model, m-a
    let b: Caller; // merchant model, m-b
    let tokenB: string;
    let tokenApp: string;
    let app: Caller; // application model, [m-a, m-b], no merchant named
    let appA: Caller;
    let appB: Caller;

    before(async () => {
      const ca = await addClient(server, { model: 'merchant', merchants: ['m-a'] });
      const cb = await addClient(server, { model: 'merchant', merchants: ['m-b'] });
      const capp = await addClient(server, { model: 'application', merchants: ['m-a', 'm-b'] });
      a = caller(server, await tokenFor(server, ca));
      tokenB = await tokenFor(server, cb);
      b = caller(server, tokenB);
      tokenApp = await tokenFor(server, capp);
      app = caller(server, tokenApp);
      appA = caller(server, tokenApp, 'm-a');
      appB = caller(server, tokenApp, 'm-b');
      await writeSet(a, 'a');
      await writeSet(b, 'b');
    });

    it('hides every record of m-a from m-b on every lookup path, aliases included', async () => {
      const lookups = [
        '/customers/a-cust',
        '/customers/a-ext',
        '/customers/external_id:a-ext',
        '/customers/a-cust/reviews',
        '/orders/a-order',
        '/customers/orders/a-order',
        '/reviews/a-review',
      ];
      for (const path of lookups) {
        const seen = await b.get(path);
        assert.equal(seen.status, 404, `m-b: ${path}`);
        assert.equal(seen.json.code, 'NOT_FOUND', path);
        assert.doesNotMatch(seen.text, /a-xid|a\.seen|"S"/, `m-b's 404 for ${path} reveals nothing stored for m-a`);
        assert.equal((await a.get(path)).status, 200, `m-a: ${path}`);
      }
    });

    it("filters and counts m-b's lists without m-a's records, on every list path", async () => {
      const filtered = [
        '/customers?externalId=a-xid',
        '/customers?customerIdentifierType=external_id&customerIdentifierValue=a-ext',
        '/orders?customerId=a-cust',
        '/customers/orders?customerId=a-cust',
        '/reviews?customerId=a-cust',
        '/customers/reviews?orderId=a-order',
        '/customer/events?customerId=a-cust',
        '/customer/events?eventType=a.seen',
      ];
      for (const path of filtered) {
        const res = await b.get(path);
        assert.equal(res.status, 200, path);
        assert.deepEqual(res.json, [], path);
        assert.equal(res.headers.get('x-total-count'), '0', path);
        assert.ok((await a.get(path)).json.length >= 1, `the same filter finds m-a's record for m-a: ${path}`);
      }
      for (const path of listPaths) {
        const res = await b.get(path);
        assert.equal(res.status, 200, path);
        assert.ok(
          ids(res).every((id) => id.startsWith('b-')),
          `${path} as m-b: ${ids(res).join(', ')}`,
        );
        assert.equal(res.headers.get('x-total-count'), String(res.json.length), `${path}: the count is m-b's own`);
      }
    });

    it('answers 403 FORBIDDEN when m-b names m-a, on every operation and path, and writes nothing', async () => {
      const merchantHeader = caller(server, tokenB, 'm-a');
      for (const call of everyCall()) {
        const sep = call.path.includes('?') ? '&' : '?';
        const attempts: [string, Promise<TestResponse>][] = [
          ['X-App-MerchantId', server.request(call.method, call.path, call.body, { authorization: `Bearer ${tokenB}`, 'x-app-merchantid': 'm-a' })],
          ['?merchantId', server.request(call.method, `${call.path}${sep}merchantId=m-a`, call.body, { authorization: `Bearer ${tokenB}` })],
        ];
        for (const [how, pending] of attempts) {
          const res = await pending;
          assert.equal(res.status, 403, `${call.label} with ${how}`);
          assert.equal(res.json.code, 'FORBIDDEN', `${call.label} with ${how}`);
        }
      }
      assert.equal((await merchantHeader.get('/customers')).status, 403);
      for (const [as, who] of [
        [a, 'm-a'],
        [b, 'm-b'],
      ] as const) {
        for (const path of ['/customers/leak-cust', '/customers/email:leak@example.com', '/orders/leak-order', '/reviews/leak-review']) {
          assert.equal((await as.get(path)).status, 404, `${who}: nothing written at ${path}`);
        }
        for (const path of ['/leads', '/customer/events']) assert.ok(!ids(await as.get(path)).some((id) => id.startsWith('leak')), `${who}: ${path}`);
        assert.deepEqual((await as.get('/customer/events?eventType=leak')).json, []);
      }
    });

    it('answers 400 to the application client that names no merchant, on every operation', async () => {
      for (const call of everyCall()) {
        const res = await server.request(call.method, call.path, call.body, { authorization: `Bearer ${tokenApp}` });
        assert.equal(res.status, 400, call.label);
        assert.equal(res.json.code, 'VALIDATION_ERROR', call.label);
        assert.match(res.json.message, /X-App-MerchantId|merchantId/, call.label);
      }
      assert.equal((await app.get('/customers')).status, 400);
    });

    it('shows the application client exactly the data of the merchant it names, by header or query', async () => {
      for (const [named, own, label] of [
        [appA, a, 'm-a'],
        [appB, b, 'm-b'],
      ] as const) {
        for (const path of listPaths) {
          const expected = ids(await own.get(path));
          assert.ok(expected.length >= 1, `${label} has data at ${path}`);
          assert.deepEqual(ids(await named.get(path)), expected, `${label} by header: ${path}`);
          assert.deepEqual(ids(await app.get(`${path}?merchantId=${label}`)), expected, `${label} by query: ${path}`);
        }
      }
      for (const [as, own, other] of [
        [appA, 'a', 'b'],
        [appB, 'b', 'a'],
      ] as const) {
        assert.equal((await as.get(`/customers/${own}-cust`)).status, 200, `${own} reads its customer`);
        assert.equal((await as.get(`/customers/${other}-cust`)).status, 404, `${own} does not read the other's customer`);
        assert.equal((await as.get(`/customers/orders/${other}-order`)).status, 404);
        assert.equal((await as.get(`/reviews/${other}-review`)).status, 404);
      }
    });

    it('answers 403 to the application client naming a merchant outside its list', async () => {
      const outside = caller(server, tokenApp, 'm-c');
      for (const res of [await outside.get('/customers'), await outside.post('/leads', [{ id: 'm-c-lead' }]), await app.get('/leads?merchantId=m-c')]) {
        assert.equal(res.status, 403);
        assert.equal(res.json.code, 'FORBIDDEN');
      }
      for (const as of [appA, appB]) assert.ok(!ids(await as.get('/leads')).includes('m-c-lead'));
    });

    it("stores the application client's writes under the merchant it names", async () => {
      assert.equal((await appB.post('/leads', [{ id: 'app-lead-b' }])).status, 200);
      assert.equal((await app.post('/leads?merchantId=m-a', [{ id: 'app-lead-a' }])).status, 200);
      assert.ok(ids(await b.get('/leads')).includes('app-lead-b'));
      assert.ok(!ids(await a.get('/leads')).includes('app-lead-b'));
      assert.ok(ids(await a.get('/leads')).includes('app-lead-a'));
      assert.ok(!ids(await b.get('/leads')).includes('app-lead-a'));
    });

    it('answers 400 when X-App-MerchantId and ?merchantId name different merchants', async () => {
      const read = await appA.get('/customers?merchantId=m-b');
      assert.equal(read.status, 400);
      assert.equal(read.json.code, 'VALIDATION_ERROR');
      const write = await appA.post('/leads?merchantId=m-b', [{ id: 'conflicting-lead' }]);
      assert.equal(write.status, 400);
      assert.ok(!ids(await a.get('/leads')).includes('conflicting-lead'));
      assert.ok(!ids(await b.get('/leads')).includes('conflicting-lead'));
      assert.equal((await appA.get('/customers?merchantId=m-a')).status, 200, 'the same merchant twice is fine');
    });

    it('lets a merchant-model client name its own merchant', async () => {
      const own = caller(server, tokenB, 'm-b');
      assert.equal((await own.get('/customers/b-cust')).status, 200);
      assert.equal((await b.get('/customers/b-cust?merchantId=m-b')).status, 200);
      assert.equal((await own.post('/leads', [{ id: 'b-own-lead' }])).status, 200);
      assert.ok(ids(await b.get('/leads')).includes('b-own-lead'));
    });

    it('keeps the same customer identifier in m-a and m-b as two independent customers', async () => {
      const identifier = { type: 'email', value: 'Same@Example.com' };
      assert.equal((await a.post('/customers', [{ identifier, name: 'Ana' }])).status, 200);
      assert.equal((await b.post('/customers', [{ identifier, name: 'Bia' }])).status, 200);
      assert.equal((await b.post('/customers', [{ identifier: { type: 'email', value: 'same@example.com' }, demographics: { gender: 'F' } }])).status, 200);
      const ca = await appA.get('/customers/email:same@example.com');
      const cb = await appB.get('/customers/email:same@example.com');
      assert.equal(ca.status, 200);
      assert.equal(cb.status, 200);
      assert.equal(ca.json.name, 'Ana');
      assert.equal(ca.json.demographics, undefined, "m-b's enrichment did not reach m-a");
      assert.equal(cb.json.name, 'Bia');
      assert.equal(cb.json.demographics.gender, 'F');
      const byId = await b.get(`/customers/${encodeURIComponent(ca.json.id)}`);
      if (ca.json.id !== cb.json.id) assert.equal(byId.status, 404, "m-a's customer id is unknown to m-b");
      else assert.equal(byId.json.name, 'Bia', "an equal id still resolves to m-b's own customer");
      const count = async (as: Caller) => (await as.get('/customers?customerIdentifierType=email&customerIdentifierValue=same%40example.com')).json.length;
      assert.equal(await count(a), 1);
      assert.equal(await count(b), 1);
    });

    it('lists at GET /merchants exactly the merchants of the calling client, and only with a token', async () => {
      const merchants = async (as: Caller) => ((await as.get('/merchants')).json as { merchantId: string }[]).map((m) => m.merchantId).sort();
      assert.deepEqual(await merchants(a), ['m-a']);
      assert.deepEqual(await merchants(b), ['m-b']);
      assert.deepEqual(await merchants(app), ['m-a', 'm-b']);
      const anonymous = await server.request('GET', '/merchants');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.json.code, 'UNAUTHORIZED');
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal((await server.request('GET', '/merchants', undefined, { authorization: 'Bearer not.a.token' })).status, 401);
    });
  });
}
