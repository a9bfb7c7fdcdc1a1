/**
 * The client, pull and push speaking rc.2 (docs/bindings.md, "Client, push and pull"): odc
 * pulls from an odc whose base URL serves only the rc.2 paths (`/od/v2`: paged
 * `{items, page, pageSize, total}` lists, no Link, no X-Total-Count) and pushes to one
 * (`{items}` batches answered 202), on both stores. Every request the client makes is
 * recorded, so the tests also show that no seed path was used, and that the contract was
 * detected from the peer's discovery.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientSpeaking } from '../src/cli/contract-option.js';
import { OdcClient } from '../src/client/odc-client.js';
import { ContractValidator } from '../src/contract/validation.js';
import { startPullSources } from '../src/sync/pull-sources.js';
import { pullOnce } from '../src/sync/pull.js';
import { pushFiles } from '../src/sync/push.js';
import { addClient, caller, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

const customers = Array.from({ length: 7 }, (_, i) => ({
  id: `c-${i}`,
  identifier: { type: 'email', value: `person${i}@example.com` },
  name: `Person ${i}`,
  contacts: { phones: [{ number: `+551199999000${i}`, type: 'mobile' }], emails: [{ email: `person${i}@example.com` }] },
  demographics: { birthDate: `1990-01-0${i + 1}`, gender: 'F' },
}));
const leads = [
  { id: 'lead-1', name: 'Lead One', contact: 'lead1@example.com', source: 'site' },
  { id: 'lead-2', name: 'Lead Two', contact: { type: 'phone', value: '+5511988887777' } },
];
const orders = [
  {
    id: 'o-1',
    merchant: { id: 'store-1', name: 'Centro' },
    total: { orderAmount: { value: 54.9, currency: 'BRL' } },
    items: [{ id: 'i1', name: 'Pizza', quantity: 1, unitPrice: { value: 54.9, currency: 'BRL' }, externalCode: 'PZ' }],
    customer: { id: 'c-1', name: 'Person 1' },
    createdAt: '2026-06-01T12:00:00Z',
  },
];
const reviews = [
  {
    reviewId: 'rv-1',
    reviewType: 'ORDER',
    subject: { orderId: 'o-1' },
    overallRating: { ratingStyle: 'STAR', value: 5 },
    reviewDate: '2026-06-02T12:00:00Z',
    comment: 'Great',
  },
];

/** A fetch that records `METHOD path?query` of every request. */
function recordingFetch() {
  const requests: string[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
    return fetch(input, init);
  };
  return { requests, fetch: fetchFn };
}

/** The seed's view of a list, without the server's own change time, by key. */
async function seedView(server: TestServer, token: string, path: string): Promise<Record<string, unknown>[]> {
  const res = await caller(server, token).get(`${path}?pageSize=500`);
  assert.equal(res.status, 200, res.text);
  return (res.json as Record<string, unknown>[])
    .map(({ updatedAt: _, ...rest }) => rest)
    .sort((a, b) => String(a.id ?? a.reviewId).localeCompare(String(b.id ?? b.reviewId)));
}

const onlyRc2 = (requests: string[]) => requests.filter((r) => !/ \/(od\/v2\/|oauth\/token|\.well-known\/opendelivery)/.test(r));

for (const kind of STORES) {
  describe(`client, pull and push speaking rc.2 (${kind.name})`, () => {
    const origin = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    const target = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    let originToken = '';
    let targetToken = '';
    const dir = mkdtempSync(join(tmpdir(), 'odc-rc2-sync-'));

    before(async () => {
      originToken = await tokenFor(origin, await addClient(origin, { merchants: ['m1'], model: 'merchant' }));
      targetToken = await tokenFor(target, await addClient(target, { merchants: ['m1'], model: 'merchant' }));
      const api = caller(origin, originToken);
      for (const [path, body] of [
        ['/customers', customers],
        ['/leads', leads],
        ['/orders', orders],
      ] as const)
        assert.ok((await api.post(path, body)).status < 300);
      for (const review of reviews) assert.ok((await api.post('/reviews', review)).status < 300);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("detects each binding's contract from the peer's discovery", async () => {
      assert.equal(await new OdcClient({ baseUrl: `${origin.url}/od/v2` }).detectContract(), 'rc2');
      assert.equal(await new OdcClient({ baseUrl: `${origin.url}/od/v2/` }).detectContract(), 'rc2');
      assert.equal(await new OdcClient({ baseUrl: origin.url }).detectContract(), 'seed');
      assert.equal(await new OdcClient({ baseUrl: `${origin.url}/elsewhere` }).detectContract(), undefined);
      // --contract auto|seed|rc2 of odc push and odc pull.
      const notes: string[] = [];
      const note = (line: string) => notes.push(line);
      assert.equal((await clientSpeaking({ baseUrl: `${origin.url}/od/v2` }, 'auto', note)).contract, 'rc2');
      assert.equal((await clientSpeaking({ baseUrl: origin.url }, 'auto', note)).contract, 'seed');
      assert.equal((await clientSpeaking({ baseUrl: `${origin.url}/od/v2` }, 'seed', note)).contract, 'seed', 'an explicit choice wins');
      assert.equal((await clientSpeaking({ baseUrl: 'http://127.0.0.1:9' }, 'auto', note)).contract, 'seed', 'no discovery: the seed');
      assert.match(notes.join('\n'), /discovery of http:\/\/127\.0\.0\.1:9 failed/);
    });

    it('pulls every customer-module resource from an rc.2 origin, page by page, into equal seed records', async () => {
      const recorder = recordingFetch();
      const client = new OdcClient({ baseUrl: `${origin.url}/od/v2`, token: originToken, contract: 'rc2', fetch: recorder.fetch });
      const summary = await pullOnce({
        client,
        store: target.store,
        tenant: 'm1',
        sourceKey: 'rc2-origin',
        resources: ['customers', 'leads', 'orders', 'reviews'],
        validator: new ContractValidator(),
        pageSize: 3,
      });
      for (const r of summary.resources) {
        assert.equal(r.complete, true, `${r.resource} walked to its end`);
        assert.equal(r.rejected, 0, r.rejections.join('\n'));
      }
      assert.deepEqual(
        summary.resources.map((r) => [r.resource, r.received, r.pages, r.expected]),
        [
          ['customers', 7, 3, 7],
          ['leads', 2, 1, 2],
          ['orders', 1, 1, 1],
          ['reviews', 1, 1, 1],
        ],
      );
      assert.deepEqual(onlyRc2(recorder.requests), [], 'only rc.2 paths');
      assert.ok(recorder.requests.includes('GET /od/v2/customers?pageSize=3&page=3'), recorder.requests.join('\n'));
      for (const path of ['/customers', '/orders', '/reviews'])
        assert.deepEqual(await seedView(target, targetToken, path), await seedView(origin, originToken, path), `${path} equal on both sides`);
      // rc.2 has no string contact: a seed lead's string travels as the ContactPoint it reads as (docs/bindings.md, "Lead").
      const originLeads = await seedView(origin, originToken, '/leads');
      originLeads[0].contact = { type: 'email', value: 'lead1@example.com' };
      assert.deepEqual(await seedView(target, targetToken, '/leads'), originLeads);
    });

    it('pulls again incrementally: only what changed at the origin since (updatedFrom from the rc.2 records)', async () => {
      assert.equal((await caller(origin, originToken).post('/orders', [{ ...orders[0], id: 'o-2' }])).status, 201);
      const client = new OdcClient({ baseUrl: `${origin.url}/od/v2`, token: originToken, contract: 'rc2' });
      const again = async () =>
        (
          await pullOnce({
            client,
            store: target.store,
            tenant: 'm1',
            sourceKey: 'rc2-origin',
            resources: ['customers', 'orders'],
            validator: new ContractValidator(),
            pageSize: 3,
          })
        ).resources.map((r) => [r.resource, r.received, r.created]);
      // The boundary record of each resource comes again (updatedFrom is inclusive), plus the new order; then only the boundary.
      assert.deepEqual(await again(), [
        ['customers', 1, 0],
        ['orders', 2, 1],
      ]);
      assert.deepEqual(await again(), [
        ['customers', 1, 0],
        ['orders', 1, 0],
      ]);
    });

    it('pushes customers, leads, orders and reviews to an rc.2 CRM as {items} batches answered 202', async () => {
      const recorder = recordingFetch();
      const client = new OdcClient({ baseUrl: `${target.url}/od/v2`, token: targetToken, contract: 'rc2', fetch: recorder.fetch });
      const pushed = [
        { kind: 'customers', records: [{ id: 'c-push', identifier: { type: 'phone', value: '+5511977776666' }, name: 'Pushed' }] },
        { kind: 'leads', records: [{ id: 'lead-push', contact: 'push@example.com' }] },
        { kind: 'orders', records: [{ ...orders[0], id: 'o-push' }] },
        { kind: 'reviews', records: [{ ...reviews[0], reviewId: 'rv-push' }] },
      ] as const;
      for (const { kind: what, records } of pushed) {
        const file = join(dir, `${what}.ndjson`);
        writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));
        const summary = await pushFiles({
          kind: what,
          files: [file],
          client,
          validator: new ContractValidator(),
          maxBatch: 100,
          maxBytes: 1 << 20,
          concurrency: 2,
          skipInvalid: false,
        });
        assert.equal(summary.status, 'sent', summary.problems.join('\n'));
        assert.equal(summary.sent, records.length);
      }
      assert.deepEqual(recorder.requests, ['POST /od/v2/customers', 'POST /od/v2/leads', 'POST /od/v2/orders', 'POST /od/v2/reviews']);
      const api = caller(target, targetToken);
      assert.equal((await api.get('/customers/c-push')).json.name, 'Pushed');
      assert.deepEqual((await api.get('/leads?pageSize=500')).json.find((l: { id: string }) => l.id === 'lead-push').contact, {
        type: 'email',
        value: 'push@example.com',
      });
      assert.deepEqual((await api.get('/orders/o-push')).json.total, orders[0].total);
      assert.deepEqual((await api.get('/reviews/rv-push')).json.overallRating, reviews[0].overallRating);
    });

    it('a pull source of odc serve (--pull-contract rc2) pulls from an rc.2 origin', async () => {
      const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
      const running = startPullSources(
        target.store,
        [{ url: `${origin.url}/od/v2`, token: originToken, merchant: 'm-source', contract: 'rc2', intervalSeconds: 3600 }],
        quiet,
      );
      try {
        const filter = {};
        await waitFor(
          async () => (await target.store.listCustomers('m-source', filter, { limit: 500, offset: 0 })).items.length === customers.length,
          'customers pulled',
        );
        await waitFor(
          async () => (await target.store.listReviews('m-source', filter, { limit: 500, offset: 0 })).items.length === reviews.length,
          'reviews pulled',
        );
      } finally {
        await running.stop();
      }
    });

    it('reads one order and one review by id through rc.2, and refuses operations rc.2 lacks', async () => {
      const client = new OdcClient({ baseUrl: `${origin.url}/od/v2`, token: originToken, contract: 'rc2' });
      const { updatedAt: _o, ...order } = await client.getOrderById('o-1');
      assert.deepEqual(order, { ...orders[0] });
      assert.equal(((await client.getReviewById('rv-1')) as { comment?: string }).comment, 'Great');
      await assert.rejects(
        client.publishCustomerEvent({ eventType: 'cart.abandoned', occurredAt: '2026-06-01T00:00:00Z' }),
        /no counterpart in the rc\.2 binding/,
      );
      await assert.rejects(client.getCustomerById('c-1'), /no counterpart in the rc\.2 binding/);
    });
  });
}
