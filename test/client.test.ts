/**
 * The typed client against a real server: every operation through its method, client
 * credentials fetched once and shared, retries on 429/503 honouring Retry-After, no retry of
 * a 4xx, and async iterators that walk every page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OdcClient, OdcError } from '../src/client/index.js';
import { addClient } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

/** A fetch that counts calls by path and can answer the first N matching calls itself. */
function scriptedFetch(script: { match: RegExp; answers: Response[] }[] = []) {
  const calls: string[] = [];
  const impl: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    calls.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    for (const entry of script) if (entry.match.test(url.pathname) && entry.answers.length > 0) return entry.answers.shift() as Response;
    return fetch(input, init);
  };
  return { impl, calls };
}

const unavailable = () =>
  new Response(JSON.stringify({ code: 'UNAVAILABLE', message: 'down', details: [] }), {
    status: 503,
    headers: { 'retry-after': '0', 'content-type': 'application/json' },
  });

for (const kind of STORES) {
  describe(`client (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });

    async function client(extra: Partial<ConstructorParameters<typeof OdcClient>[0]> = {}) {
      const creds = await addClient(server, { merchants: ['m1', 'm2'] });
      return new OdcClient({
        baseUrl: server.url,
        credentials: { clientId: creds.clientId, clientSecret: creds.clientSecret },
        merchantId: 'm1',
        retry: { baseDelayMs: 1 },
        ...extra,
      });
    }

    it('performs every operation through its method', async () => {
      const odc = await client();
      await odc.upsertCustomers([{ id: 'cl-1', identifier: { type: 'email', value: 'cl@example.com' }, name: 'Cl' }]);
      assert.equal((await odc.getCustomerById('email:cl@example.com')).name, 'Cl');
      assert.equal((await odc.listCustomers({ customerIdentifierValue: 'cl@example.com' })).total, 1);
      await odc.upsertLeads([{ id: 'cl-lead', name: 'L' }]);
      assert.equal((await odc.listLeads()).items[0].id, 'cl-lead');
      await odc.upsertOrders([{ id: 'cl-order', customer: { id: 'cl-1' } }]);
      assert.equal((await odc.getOrderById('cl-order')).id, 'cl-order');
      assert.equal((await odc.listOrders({ customerId: 'cl-1' })).items.length, 1);
      await odc.createReview({
        reviewId: 'cl-rev',
        reviewType: 'ORDER',
        overallRating: { ratingStyle: 'STAR', value: 5 },
        reviewDate: '2026-06-01T12:00:00Z',
        customer: { customerId: 'cl-1' },
      });
      assert.equal((await odc.getReviewById('cl-rev')).reviewId, 'cl-rev');
      assert.equal((await odc.listReviews()).items.length, 1);
      assert.equal((await odc.listCustomerReviews('cl-1')).items.length, 1);
      await odc.publishCustomerEvent({ eventType: 'customer.updated', occurredAt: '2026-06-01T12:00:00Z', customerId: 'cl-1' });
      assert.equal((await odc.listCustomerEvents({ customerId: 'cl-1' })).items.length, 1);
      const manifest = await odc.discovery();
      assert.ok((manifest.capabilities as Record<string, unknown>).customer);
    });

    it('fetches one token for many concurrent calls and reuses it', async () => {
      const { impl, calls } = scriptedFetch();
      const odc = await client({ fetch: impl });
      await Promise.all(Array.from({ length: 10 }, () => odc.listCustomers()));
      await odc.listLeads();
      assert.equal(calls.filter((c) => c === 'POST /oauth/token').length, 1);
    });

    it('fetches a new token when the server refuses the cached one', async () => {
      const { impl, calls } = scriptedFetch([
        { match: /^\/customers$/, answers: [new Response(JSON.stringify({ code: 'UNAUTHORIZED', message: 'expired', details: [] }), { status: 401 })] },
      ]);
      const odc = await client({ fetch: impl });
      await odc.listCustomers();
      assert.equal(calls.filter((c) => c === 'POST /oauth/token').length, 2);
    });

    it('retries 503 and 429 honouring Retry-After, then succeeds', async () => {
      const { impl, calls } = scriptedFetch([
        { match: /^\/customers$/, answers: [unavailable(), new Response('{}', { status: 429, headers: { 'retry-after': '0' } })] },
      ]);
      const waits: number[] = [];
      const odc = await client({ fetch: impl, onRetry: (_e, ms) => waits.push(ms) });
      await odc.upsertCustomers([{ identifier: { type: 'custom', value: 'retried' } }]);
      assert.equal(calls.filter((c) => c === 'POST /customers').length, 3);
      assert.deepEqual(waits, [0, 0], 'Retry-After: 0 means no wait');
      assert.equal((await odc.getCustomerById('custom:retried')).identifier.value, 'retried');
    });

    it('gives up after the configured attempts, and never retries a 4xx', async () => {
      const { impl, calls } = scriptedFetch([{ match: /^\/leads$/, answers: [unavailable(), unavailable(), unavailable()] }]);
      const odc = await client({ fetch: impl, retry: { attempts: 3, baseDelayMs: 1 } });
      await assert.rejects(odc.listLeads(), (e: unknown) => e instanceof OdcError && e.status === 503);
      assert.equal(calls.filter((c) => c === 'GET /leads').length, 3);
      await assert.rejects(odc.upsertCustomers([{ identifier: { type: 'cpf' as 'custom', value: 'x' } }]), (e: unknown) => {
        assert.ok(e instanceof OdcError);
        assert.equal(e.status, 400);
        assert.equal(e.code, 'VALIDATION_ERROR');
        assert.match(e.details[0], /^\/0\/identifier\/type: /);
        assert.ok(e.requestId);
        return true;
      });
      assert.equal(calls.filter((c) => c === 'POST /customers').length, 1);
    });

    it('walks every page with the async iterators', async () => {
      const odc = await client({ merchantId: 'm2' });
      await odc.upsertCustomers(Array.from({ length: 125 }, (_, i) => ({ identifier: { type: 'custom' as const, value: `walk-${i}` } })));
      const seen: string[] = [];
      for await (const c of odc.iterateCustomers({ pageSize: 10 })) seen.push(c.identifier.value);
      assert.equal(seen.length, 125);
      assert.equal(new Set(seen).size, 125);
    });
  });
}
