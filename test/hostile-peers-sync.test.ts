/**
 * Hostile peers against the parts that write to a store, on both stores: pull from an origin
 * that cycles its links, lies in X-Total-Count, sends a `null` item or a record dated in the
 * far future, or redirects elsewhere; and webhook delivery to a subscriber that answers 2 GiB,
 * never finishes, or redirects, plus the rules on which URLs may receive webhooks
 * (docs/hostile-input.md, "Hostile peers").
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SecretBox } from '../src/auth/secret-box.js';
import { OdcClient } from '../src/client/odc-client.js';
import { ContractValidator } from '../src/contract/validation.js';
import type { Store } from '../src/store/store.js';
import { loadCheckpoint } from '../src/sync/pull-checkpoints.js';
import { pullOnce } from '../src/sync/pull.js';
import { WebhookDeliveryWorker } from '../src/sync/webhook-delivery.js';
import { addSubscription, listSubscriptions } from '../src/sync/webhook-subscriptions.js';
import { GB, hostilePeer, sendHuge, type HostilePeer } from './support/hostile-peer.js';
import { STORES, type StoreFixture } from './support/stores.js';

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const customer = (value: string, updatedAt = '2026-06-01T12:00:00.000000Z') => ({ id: `c-${value}`, identifier: { type: 'custom', value }, updatedAt });
/** After this many requests the peer answers 400, so old code that would loop forever fails instead of hanging. */
const RUNAWAY = 60;

for (const kind of STORES) {
  describe(`hostile origin: pull ends and does not stick (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: Store;
    let origin: HostilePeer;
    let elsewhere: HostilePeer;
    let tenant = 0;
    const validator = new ContractValidator();
    before(async () => {
      fixture = await kind.create();
      store = await fixture.open();
      origin = await hostilePeer();
      elsewhere = await hostilePeer((_req, res) => json(res, 200, [customer('from-elsewhere')]));
    });
    after(async () => {
      await origin.close();
      await elsewhere.close();
      await store.close();
      await fixture.destroy();
    });
    /** Scripts the origin's /customers; every other list is empty. */
    const serve = (customers: (url: URL, n: number) => { body: unknown; headers?: Record<string, string> } | 'redirect') => {
      origin.requests.length = 0;
      elsewhere.requests.length = 0;
      let n = 0;
      origin.handle((req, res) => {
        const url = new URL(req.url ?? '/', origin.url);
        if (!url.pathname.startsWith('/customers')) return json(res, 200, [], { 'x-total-count': '0' });
        n += 1;
        if (n > RUNAWAY) return json(res, 400, { code: 'VALIDATION_ERROR', message: 'runaway walk' });
        const answer = customers(url, n);
        if (answer === 'redirect') return void res.writeHead(302, { location: `${elsewhere.url}/customers` }).end();
        json(res, 200, answer.body, answer.headers);
      });
    };
    const pull = (options: { resources?: ['customers'] } = {}) => {
      tenant += 1;
      const t = `t${tenant}`;
      return {
        tenant: t,
        run: () =>
          pullOnce({
            client: new OdcClient({ baseUrl: origin.url, token: 'the-token', retry: { attempts: 1 } }),
            store,
            tenant: t,
            sourceKey: `${origin.url}#`,
            resources: options.resources ?? ['customers'],
            validator,
          }),
      };
    };

    it('stops at a link cycle B → C → B and reports it', { timeout: 30_000 }, async () => {
      serve((url) => {
        const cursor = url.searchParams.get('cursor');
        const next = cursor === 'B' ? 'C' : 'B';
        return { body: [customer(`cycle-${cursor ?? 'A'}`)], headers: { link: `</customers?cursor=${next}>; rel="next"` } };
      });
      const summary = await pull().run();
      const [customers] = summary.resources;
      assert.match(customers.stopped ?? '', /link cycle/);
      assert.equal(customers.complete, false);
      assert.ok(origin.requests.length <= 4, `${origin.requests.length} requests`);
      assert.equal(customers.created, 3);
    });

    it('stops when pages exceed what X-Total-Count allows', { timeout: 30_000 }, async () => {
      serve((url) => {
        const n = Number(url.searchParams.get('cursor') ?? 0);
        return { body: [customer('same-one')], headers: { 'x-total-count': '1', link: `</customers?cursor=${n + 1}>; rel="next"` } };
      });
      const [customers] = (await pull().run()).resources;
      assert.match(customers.stopped ?? '', /more than its X-Total-Count \(1\) allows/);
      assert.ok(origin.requests.length <= 3, `${origin.requests.length} requests`);
    });

    it('skips a null item, counts it, and still advances the checkpoint', async () => {
      serve(() => ({ body: [null, customer('after-null', '2026-06-02T00:00:00.000000Z')], headers: { 'x-total-count': '2' } }));
      const run = pull();
      const [first] = (await run.run()).resources;
      assert.equal(first.rejected, 1);
      assert.equal(first.created, 1);
      assert.match(first.rejections[0], /\(item 0 of its page\)/);
      const checkpoint = await loadCheckpoint(store, run.tenant, `${origin.url}#`, 'customers');
      assert.equal(checkpoint?.updatedFrom, '2026-06-02T00:00:00.000000Z');
      const [second] = (await run.run()).resources;
      assert.equal(second.complete, true, 'the next pull is not stuck');
      assert.equal(origin.requests.at(-1)?.url.includes('updatedFrom=2026-06-02'), true);
    });

    it("bounds the checkpoint by the origin's clock, so a far-future record cannot freeze pulls", async () => {
      serve(() => ({ body: [customer('future', '2999-01-01T00:00:00.000000Z'), customer('now')], headers: { 'x-total-count': '2' } }));
      const run = pull();
      const started = Date.now();
      await run.run();
      const checkpoint = await loadCheckpoint(store, run.tenant, `${origin.url}#`, 'customers');
      const at = Date.parse(checkpoint?.updatedFrom ?? '');
      assert.ok(at >= started - 2000 && at <= Date.now() + 1000, `checkpoint ${checkpoint?.updatedFrom} is the origin's time, not 2999`);
      await run.run();
      const asked = new URL(origin.requests.at(-1)?.url ?? '/', origin.url).searchParams.get('updatedFrom') ?? '';
      assert.ok(Date.parse(asked) <= Date.now() + 1000, `the next pull asks from ${asked}`);
    });

    it('refuses a list redirect to another origin: nothing from there is imported', async () => {
      serve(() => 'redirect');
      const run = pull();
      await assert.rejects(run.run(), /redirects \(302\) to another origin/);
      assert.equal(elsewhere.requests.length, 0);
      assert.equal((await store.listCustomers(run.tenant, {}, { limit: 10, offset: 0 })).total, 0);
    });

    it('refuses a next link to another origin with a clear error', async () => {
      serve(() => ({ body: [customer('first')], headers: { link: `<${elsewhere.url}/customers?cursor=2>; rel="next"` } }));
      await assert.rejects(pull().run(), /Link rel="next".* points to another origin/);
      assert.equal(elsewhere.requests.length, 0);
    });
  });

  describe(`hostile subscriber: webhook delivery (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: Store;
    let subscriber: HostilePeer;
    let elsewhere: HostilePeer;
    const box = new SecretBox(randomBytes(32));
    let n = 0;
    before(async () => {
      fixture = await kind.create();
      store = await fixture.open();
      subscriber = await hostilePeer();
      elsewhere = await hostilePeer((_req, res) => res.writeHead(200).end());
    });
    after(async () => {
      await subscriber.close();
      await elsewhere.close();
      await store.close();
      await fixture.destroy();
    });

    /** One event for a fresh tenant subscribed at the subscriber; returns the delivery after one attempt. */
    async function deliverOnce(path: string, timeoutMs = 2_000) {
      n += 1;
      const tenant = `wh${n}`;
      await addSubscription(store.webhooks, box, { tenant, url: `${subscriber.url}${path}` }, { allowPrivateTargets: true });
      await store.publishEvents(tenant, [{ id: `ev-${n}`, eventType: 'customer.updated', occurredAt: '2026-06-01T00:00:00Z' } as never]);
      const worker = new WebhookDeliveryWorker({ store: store.webhooks, secrets: box, appId: 'app', timeoutMs, allowPrivateTargets: true });
      await worker.runOnce();
      const [delivery] = await store.webhooks.listDeliveries({ tenant });
      return delivery;
    }

    it('a 2 GiB reply is cut after a few KB and does not count as delivered', { timeout: 60_000 }, async () => {
      subscriber.hugeBytesSent = 0;
      subscriber.handle((_req, res) => sendHuge(res, { bytes: 2 * GB, peer: subscriber }));
      const delivery = await deliverOnce('/huge');
      assert.equal(delivery.status, 'pending');
      assert.match(delivery.lastError ?? '', /larger than 4096 bytes/);
      assert.ok(subscriber.hugeBytesSent < 16 * 1024 * 1024, `${subscriber.hugeBytesSent} bytes generated`);
    });

    it('a reply that never ends times out and does not count as delivered', { timeout: 30_000 }, async () => {
      subscriber.handle((_req, res) => {
        res.writeHead(200);
        const timer = setInterval(() => res.write('.'), 50);
        res.on('close', () => clearInterval(timer));
      });
      const delivery = await deliverOnce('/slow', 300);
      assert.equal(delivery.status, 'pending');
      assert.match(delivery.lastError ?? '', /did not answer in full within 300 ms/);
    });

    it('a redirect is not followed and does not count as delivered', async () => {
      elsewhere.requests.length = 0;
      subscriber.handle((_req, res) => res.writeHead(307, { location: `${elsewhere.url}/hook` }).end());
      const delivery = await deliverOnce('/moved');
      assert.equal(delivery.status, 'pending');
      assert.match(delivery.lastError ?? '', /redirect \(307\)/);
      assert.equal(elsewhere.requests.length, 0, 'the signed event did not go elsewhere');
    });

    it('refuses webhook URLs that are not http(s), carry user:password, or aim at private addresses', async () => {
      const refused = [
        ['ftp://hooks.example.com/x', /must be http\(s\)/],
        ['https://user:pass@hooks.example.com/x', /must not carry a user or password/],
        ['http://127.0.0.1:8080/admin', /loopback, private or link-local address \(127\.0\.0\.1\)/],
        ['http://[::1]/x', /loopback, private or link-local/],
        ['http://10.1.2.3/x', /loopback, private or link-local/],
        ['http://169.254.169.254/latest/meta-data', /loopback, private or link-local/],
        ['http://[::ffff:192.168.0.1]/x', /loopback, private or link-local/],
        ['http://localhost:9/x', /loopback, private or link-local/],
      ] as const;
      for (const [url, reason] of refused)
        await assert.rejects(addSubscription(store.webhooks, box, { tenant: 'rules', url }), (e: Error) => {
          assert.match(e.message, reason, url);
          assert.doesNotMatch(e.message, /pass@/, 'the password is not echoed');
          return true;
        });
      assert.equal((await listSubscriptions(store.webhooks, 'rules')).length, 0);
      const allowed = await addSubscription(store.webhooks, box, { tenant: 'rules', url: 'http://127.0.0.1:9/hook' }, { allowPrivateTargets: true });
      assert.equal(allowed.url, 'http://127.0.0.1:9/hook');
    });

    it('refuses a public-looking name that resolves to a private address', async () => {
      await assert.rejects(
        addSubscription(store.webhooks, box, { tenant: 'rules', url: 'https://hooks.example.com/x' }, { resolve: async () => ['93.184.215.14', '10.0.0.7'] }),
        /hooks\.example\.com is a loopback, private or link-local address \(10\.0\.0\.7\)/,
      );
      const ok = await addSubscription(
        store.webhooks,
        box,
        { tenant: 'rules-public', url: 'https://hooks.example.com/x' },
        { resolve: async () => ['93.184.215.14'] },
      );
      assert.equal(ok.url, 'https://hooks.example.com/x');
    });

    it('does not deliver to a private target stored earlier unless delivery allows it, and never prints its password', async () => {
      subscriber.requests.length = 0;
      subscriber.handle((_req, res) => res.writeHead(200).end());
      await store.webhooks.addSubscription({
        id: 'legacy-sub',
        tenant: 'legacy',
        url: `http://user:pw@${subscriber.url.slice('http://'.length)}/hook`,
        secret: box.encrypt('a-legacy-secret-of-16+'),
        eventTypes: [],
        createdAt: new Date().toISOString(),
      });
      const [view] = await listSubscriptions(store.webhooks, 'legacy');
      assert.doesNotMatch(view.url, /pw/);
      await store.publishEvents('legacy', [{ id: 'ev-legacy', eventType: 'customer.updated', occurredAt: '2026-06-01T00:00:00Z' } as never]);
      await new WebhookDeliveryWorker({ store: store.webhooks, secrets: box, appId: 'app' }).runOnce();
      const [delivery] = await store.webhooks.listDeliveries({ tenant: 'legacy' });
      assert.equal(delivery.status, 'pending');
      assert.match(delivery.lastError ?? '', /target refused: must not carry a user or password/);

      await store.webhooks.addSubscription({
        id: 'loopback-sub',
        tenant: 'loopback',
        url: `${subscriber.url}/hook`,
        secret: box.encrypt('a-legacy-secret-of-16+'),
        eventTypes: [],
        createdAt: new Date().toISOString(),
      });
      await store.publishEvents('loopback', [{ id: 'ev-loopback', eventType: 'customer.updated', occurredAt: '2026-06-01T00:00:00Z' } as never]);
      await new WebhookDeliveryWorker({ store: store.webhooks, secrets: box, appId: 'app' }).runOnce();
      const [refused] = await store.webhooks.listDeliveries({ tenant: 'loopback' });
      assert.match(refused.lastError ?? '', /target refused: .*loopback, private or link-local address \(127\.0\.0\.1\)/);
      assert.equal(subscriber.requests.length, 0);
    });
  });
}
