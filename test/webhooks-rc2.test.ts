/**
 * Webhook subscriptions choose a format (docs/contract.md §13.6): a `seed` subscriber receives
 * the event as stored, an `rc2` subscriber the committee's rc.2 envelope with rc.2 type names
 * (docs/bindings.md, "Events"); both signed as today, both through the durable outbox. Both
 * subscribers verify the signature of what they received.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { CustomerEventEnvelope } from '../src/contract/rc2/event.js';
import { WebhookDeliveryWorker } from '../src/sync/webhook-delivery.js';
import { addSubscription, listSubscriptions } from '../src/sync/webhook-subscriptions.js';
import { addClient, caller, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';
import { BUILT_CLI } from './support/built-cli.js';
import { webhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'a-shared-secret-of-some-length';
const ADMIN_KEY = 'an-admin-key-for-the-webhook-tests';
const ajv = new AjvModule.default({ strict: false });
addFormatsModule.default(ajv);
const isEnvelope = ajv.compile(CustomerEventEnvelope);

for (const kind of STORES) {
  describe(`webhooks in seed and rc.2 format (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0, adminKey: ADMIN_KEY }, webhookAllowPrivateTargets: true });
    const admin = (method: string, path: string, body?: unknown) => server.request(method, path, body, { authorization: `Bearer ${ADMIN_KEY}` });
    const hook = webhookReceiver(() => SECRET, 200);
    let api: ReturnType<typeof caller>;
    const deliverAll = async () => {
      const worker = new WebhookDeliveryWorker({
        store: server.store.webhooks,
        secrets: server.auth!.secrets,
        appId: 'odc-test-app',
        allowPrivateTargets: true, // the receiver listens on loopback
      });
      while ((await worker.runOnce()) > 0);
    };
    /** What `path` received, by event id (deliveries run concurrently, in no fixed order). */
    const at = (path: string) =>
      hook.received
        .filter((r) => r.path === path)
        .map((r) => r.json)
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));

    before(async () => {
      const base = await hook.listen();
      const add = (path: string, format: string | undefined, eventTypes?: string[]) =>
        addSubscription(
          server.store.webhooks,
          server.auth!.secrets,
          { tenant: 'm1', url: `${base}${path}`, secret: SECRET, format, eventTypes },
          { allowPrivateTargets: true },
        );
      await add('/seed', undefined);
      // The rc.2 subscriber is made through the admin API, the others through the library.
      const made = await admin('POST', '/admin/webhooks/subscriptions', { merchant: 'm1', url: `${base}/rc2`, secret: SECRET, format: 'rc2' });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.json.format, 'rc2');
      await add('/rc2-consent', 'rc2', ['customer.consent.updated']);
      api = caller(server, await tokenFor(server, await addClient(server, { merchants: ['m1'] })));
    });
    after(() => hook.close());

    it('stores the format with the subscription (seed by default) and refuses an unknown one', async () => {
      const formats = (await listSubscriptions(server.store.webhooks, 'm1')).map((s) => [new URL(s.url).pathname, s.format]);
      assert.deepEqual(
        formats.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        [
          ['/rc2', 'rc2'],
          ['/rc2-consent', 'rc2'],
          ['/seed', 'seed'],
        ],
      );
      const listed = await admin('GET', '/admin/webhooks/subscriptions?merchant=m1');
      assert.deepEqual(listed.json.map((s: { format: string }) => s.format).sort(), ['rc2', 'rc2', 'seed']);
      assert.equal(
        listed.json.some((s: Record<string, unknown>) => 'secret' in s),
        false,
        'never the secrets',
      );
      const refused = await admin('POST', '/admin/webhooks/subscriptions', { merchant: 'm1', url: 'http://127.0.0.1:9/x', format: 'rc3' });
      assert.equal(refused.status, 400);
      assert.match(refused.text, /format: must be one of seed, rc2/);
      const extra = await admin('POST', '/admin/webhooks/subscriptions', { merchant: 'm2', url: 'http://127.0.0.1:9/x' });
      assert.equal(extra.json.format, 'seed', 'seed by default');
      assert.deepEqual((await admin('DELETE', `/admin/webhooks/subscriptions/${extra.json.id}`)).json, { removed: true });
      assert.deepEqual((await admin('DELETE', `/admin/webhooks/subscriptions/${extra.json.id}`)).json, { removed: false });
      await assert.rejects(
        addSubscription(
          server.store.webhooks,
          server.auth!.secrets,
          { tenant: 'm1', url: 'http://127.0.0.1:9/x', format: 'rc3' },
          { allowPrivateTargets: true },
        ),
        /format/,
      );
    });

    it('sends the rc.2 envelope with rc.2 names to rc2 subscribers and the stored event to seed ones, signed', async () => {
      const customer = { id: 'c-rc2', identifier: { type: 'email', value: 'Ana@Example.com' }, name: 'Ana' };
      assert.equal((await api.post('/customers', [customer])).status, 200);
      const optOut = { id: 'ev-out', eventType: 'customer.opted_out', occurredAt: '2026-06-01T12:00:00Z', customerId: 'c-rc2', data: { channel: 'email' } };
      const completed = {
        id: 'ev-done',
        eventType: 'ORDER_COMPLETED',
        occurredAt: '2026-06-01T12:30:00Z',
        customerId: 'phone:+5511999999999',
        data: { orderId: 'o-7' },
      };
      const lead = { id: 'ev-lead', eventType: 'lead.created', occurredAt: '2026-06-01T13:00:00Z', customerId: 'c-rc2' };
      for (const event of [optOut, completed, lead]) assert.equal((await api.post('/customer/events', event)).status, 202);
      assert.equal((await server.store.webhooks.listDeliveries({ status: 'pending' })).length, 3 + 2 + 1, 'queued with the events');
      await deliverAll();

      assert.ok(
        hook.received.every((r) => r.signatureValid),
        'every body verifies with the shared secret',
      );
      assert.deepEqual(at('/seed'), [completed, lead, optOut], 'seed: the events as stored');
      assert.deepEqual(at('/rc2'), [
        {
          id: 'ev-done',
          eventType: 'order.delivered',
          occurredAt: '2026-06-01T12:30:00Z',
          customerIdentifier: { type: 'phone', value: '+5511999999999' },
          orderId: 'o-7',
          payload: { orderId: 'o-7', seedEventType: 'ORDER_COMPLETED' },
        },
        {
          id: 'ev-out',
          eventType: 'customer.consent.updated',
          occurredAt: '2026-06-01T12:00:00Z',
          customerIdentifier: { type: 'email', value: 'Ana@Example.com' },
          payload: { channel: 'email', status: 'opt_out', seedEventType: 'customer.opted_out' },
        },
      ]);
      for (const envelope of at('/rc2')) assert.ok(isEnvelope(envelope), `a valid rc.2 CustomerEventEnvelope: ${ajv.errorsText(isEnvelope.errors)}`);
      assert.deepEqual(
        at('/rc2-consent').map((e) => e.id),
        ['ev-out'],
        'an rc.2 type in the filter takes the seed types it stands for',
      );
    });
  });
}

describe('odc webhooks add --format', () => {
  it('stores the chosen format, lists it, and refuses an unknown one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-wh-format-'));
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [BUILT_CLI, ...args, '--database', join(dir, 'odc.db')], {
          cwd: join(import.meta.dirname, '..'),
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        child.stderr.on('data', (d: Buffer) => (err += d));
        child.on('exit', (code) => resolve({ code, out, err }));
      });
    try {
      const add = ['webhooks', 'add', '--merchant', 'm1', '--url', 'http://127.0.0.1:9/hook', '--allow-private-target'];
      const made = await cli([...add, '--format', 'rc2']);
      assert.equal(made.code, 0, made.err);
      assert.equal(JSON.parse(made.out).format, 'rc2');
      assert.equal((await cli(add)).code, 0);
      const listed = await cli(['webhooks', 'subscriptions', '--merchant', 'm1']);
      assert.deepEqual(
        JSON.parse(listed.out)
          .map((s: { format: string }) => s.format)
          .sort(),
        ['rc2', 'seed'],
      );
      const refused = await cli([...add, '--format', 'rc3']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.err, /rc3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
