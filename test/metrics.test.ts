/**
 * `GET /metrics` (metrics.ts) on both stores: who may read it (the admin key when configured,
 * else loopback clients only), and that what it says follows what the server did: requests by
 * route and status, latency counts, batch sizes by outcome, rejected items by error code,
 * the webhook outbox depth, pool use (PostgreSQL) and process metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/server/app.js';
import type { Store } from '../src/store/store.js';
import { assertError, customer, event } from './support/error-cases.js';
import { STORES, type StoreFixture } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';

const ADMIN_KEY = 'metrics-admin-key-0123456789abcdef';

/** Samples of a Prometheus text exposition, keyed `name{labels}` as written. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function scrape(server: TestServer): Promise<Map<string, number>> {
  const res = await server.request('GET', '/metrics', undefined, { authorization: `Bearer ${ADMIN_KEY}` });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseMetrics(res.text);
}

for (const kind of STORES) {
  describe(`metrics (${kind.name})`, () => {
    describe('with an admin key', () => {
      const server = useServer(kind, { withAuth: { adminKey: ADMIN_KEY, rateLimitPerSecond: 0 } });

      it('refuses a scrape without the admin key or with a wrong one', async () => {
        assertError(await server.request('GET', '/metrics'), 401, 'UNAUTHORIZED', 'no key');
        assertError(await server.request('GET', '/metrics', undefined, { authorization: 'Bearer wrong' }), 401, 'UNAUTHORIZED', 'wrong bearer');
        assertError(await server.request('GET', '/metrics', undefined, { 'x-admin-key': `${ADMIN_KEY}x` }), 401, 'UNAUTHORIZED', 'wrong x-admin-key');
      });

      it('serves the exposition with the key as Bearer or X-Admin-Key, with process metrics', async () => {
        const samples = await scrape(server);
        assert.ok(samples.get('odc_process_resident_memory_bytes')! > 0, 'RSS');
        assert.ok(samples.has('odc_nodejs_heap_size_used_bytes'), 'heap');
        assert.equal(samples.get('odc_store_up'), 1);
        const viaHeader = await server.request('GET', '/metrics', undefined, { 'x-admin-key': ADMIN_KEY });
        assert.equal(viaHeader.status, 200);
      });

      it('reports pool use on PostgreSQL only', async () => {
        const samples = await scrape(server);
        if (kind.name === 'postgres') {
          assert.equal(samples.get('odc_db_pool_connections{state="max"}'), 5, 'the fixture opens a pool of 5');
          for (const state of ['total', 'idle', 'waiting']) assert.ok(samples.get(`odc_db_pool_connections{state="${state}"}`)! >= 0, state);
        } else {
          assert.ok(![...samples.keys()].some((k) => k.startsWith('odc_db_pool_connections')), 'SQLite has no pool');
        }
      });
    });

    describe('counting', () => {
      const server = useServer(kind);
      const scrapeOpen = async () => {
        const res = await server.request('GET', '/metrics');
        assert.equal(res.status, 200, 'without an admin key, a loopback client may scrape');
        return parseMetrics(res.text);
      };
      const delta = (before: Map<string, number>, now: Map<string, number>, key: string) => (now.get(key) ?? 0) - (before.get(key) ?? 0);

      it('counts requests by route and status, with their latency', async () => {
        const before = await scrapeOpen();
        await server.request('GET', '/customers');
        await server.request('GET', '/customers');
        await server.request('GET', '/customers/nobody');
        await server.request('GET', '/no-such-path');
        const now = await scrapeOpen();
        assert.equal(delta(before, now, 'odc_http_requests_total{method="GET",route="/customers",status="200"}'), 2);
        assert.equal(delta(before, now, 'odc_http_requests_total{method="GET",route="/customers/:id",status="404"}'), 1);
        assert.equal(delta(before, now, 'odc_http_requests_total{method="GET",route="unmatched",status="404"}'), 1, 'unknown paths share one label');
        assert.equal(delta(before, now, 'odc_http_request_duration_seconds_count{method="GET",route="/customers"}'), 2);
        assert.equal(delta(before, now, 'odc_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/customers"}'), 2);
        assert.ok(delta(before, now, 'odc_http_request_duration_seconds_sum{method="GET",route="/customers"}') > 0);
      });

      it('records batch sizes by outcome and the items of rejected batches by error code', async () => {
        const before = await scrapeOpen();
        assert.equal((await server.request('POST', '/customers', [customer('m-1'), customer('m-2'), customer('m-3')])).status, 200);
        assert.equal((await server.request('POST', '/customers', { items: [customer('m-4'), { identifier: { type: 'nope', value: 'x' } }] })).status, 400);
        assert.equal((await server.request('POST', '/customer/events', { eventType: 'X' })).status, 400);
        assert.equal((await server.request('POST', '/customers', '[', { 'content-type': 'application/json' })).status, 400);
        const now = await scrapeOpen();
        assert.equal(delta(before, now, 'odc_batch_items_sum{operation="upsertCustomer",outcome="accepted"}'), 3);
        assert.equal(delta(before, now, 'odc_batch_items_count{operation="upsertCustomer",outcome="accepted"}'), 1);
        assert.equal(delta(before, now, 'odc_batch_items_sum{operation="upsertCustomer",outcome="rejected"}'), 2);
        assert.equal(
          delta(before, now, 'odc_rejected_items_total{operation="upsertCustomer",code="VALIDATION_ERROR"}'),
          2,
          'all or nothing: both items are rejected',
        );
        assert.equal(delta(before, now, 'odc_rejected_items_total{operation="publishCustomerEvent",code="VALIDATION_ERROR"}'), 1);
        assert.equal(
          delta(before, now, 'odc_http_requests_total{method="POST",route="/customers",status="400"}'),
          2,
          'the unparseable body is a rejected request, with no items to count',
        );
      });

      it('reports the webhook outbox depth: pending deliveries', async () => {
        const before = await scrapeOpen();
        await server.store.webhooks.addSubscription({
          id: 'sub-metrics',
          tenant: 'default',
          url: 'http://127.0.0.1:9/hook',
          secret: 'sealed',
          eventTypes: [],
          createdAt: new Date().toISOString(),
        });
        assert.equal((await server.request('POST', '/customer/events', event('ev-metrics-1'))).status, 202);
        assert.equal((await server.request('POST', '/customer/events', event('ev-metrics-2'))).status, 202);
        const now = await scrapeOpen();
        assert.equal(delta(before, now, 'odc_webhook_outbox_depth'), 2);
      });

      it('still answers, with odc_store_up 0, when the store does not', async () => {
        await server.store.close();
        const now = await scrapeOpen();
        assert.equal(now.get('odc_store_up'), 0);
      });
    });

    describe('without an admin key, off loopback, or turned off', () => {
      let fixture: StoreFixture;
      let store: Store;
      before(async () => {
        fixture = await kind.create();
        store = await fixture.open();
      });
      after(async () => {
        await store.close();
        await fixture.destroy();
      });

      it('refuses a client that is not on loopback', async () => {
        const app = await buildApp({ store });
        try {
          const res = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' });
          assert.equal(res.statusCode, 403);
          assert.equal(res.json().code, 'FORBIDDEN');
          assert.equal((await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode, 200);
        } finally {
          await app.close();
        }
      });

      it('is absent with metrics: false', async () => {
        const app = await buildApp({ store, metrics: false });
        try {
          assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
        } finally {
          await app.close();
        }
      });
    });
  });
}
