/**
 * Outbound webhooks: accepted events reach subscribers signed (X-App-Id, X-App-MerchantId,
 * X-App-Signature = hex HMAC-SHA256 of the body), through a durable outbox written with the
 * event, retried with backoff, dead after the last attempt and re-drivable; and end to end
 * with a real `odc serve` process delivering to a receiver that fails its first tries.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { WebhookDeliveryWorker } from '../src/sync/webhook-delivery.js';
import { addSubscription } from '../src/sync/webhook-subscriptions.js';
import { addClient, caller, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';
import { BUILT_CLI } from './support/built-cli.js';

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
  signatureValid: boolean;
}

/** A receiver that checks signatures and answers `plan[n]` to its n-th request (then 200). */
function receiver(secret: () => string, plan: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = createHmac('sha256', secret()).update(body).digest('hex');
      received.push({ body, headers: req.headers, signatureValid: req.headers['x-app-signature'] === expected });
      res.writeHead(plan[received.length - 1] ?? 200).end();
    });
  });
  return {
    received,
    server,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Runs delivery rounds until `done()` or 100 rounds, waiting out the (tiny) backoff. */
async function deliverUntil(worker: WebhookDeliveryWorker, done: () => boolean): Promise<void> {
  for (let round = 0; round < 100 && !done(); round += 1) {
    await worker.runOnce();
    if (!done()) await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

for (const kind of STORES) {
  describe(`webhooks (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    let secret = '';
    const hook = receiver(() => secret, [503, 500]);
    let url = '';
    let api: ReturnType<typeof caller>;
    const worker = () =>
      new WebhookDeliveryWorker({
        store: server.store.webhooks,
        secrets: server.auth!.secrets,
        appId: 'odc-test-app',
        baseDelayMs: 5,
        maxDelayMs: 10,
        maxAttempts: 4,
        allowPrivateTargets: true, // the receivers listen on loopback
      });

    before(async () => {
      url = await hook.listen();
      const sub = await addSubscription(
        server.store.webhooks,
        server.auth!.secrets,
        {
          tenant: 'm1',
          url,
          eventTypes: ['customer.opted_out', 'ORDER_COMPLETED'],
        },
        { allowPrivateTargets: true },
      );
      secret = sub.secret;
      api = caller(server, await tokenFor(server, await addClient(server, { merchants: ['m1'] })));
    });
    after(() => hook.close());

    it('delivers an accepted event, signed, retrying the first failures', async () => {
      const event = { id: 'wh-1', eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:30:00Z', customerId: 'c1', data: { totalAmount: 7990 } };
      assert.equal((await api.post('/customer/events', event)).status, 202);
      const pending = await server.store.webhooks.listDeliveries({ status: 'pending' });
      assert.equal(pending.length, 1, 'the delivery was written with the event');
      await deliverUntil(worker(), () => hook.received.length >= 3);
      assert.equal(hook.received.length, 3, 'two failures, then accepted');
      for (const r of hook.received) {
        assert.equal(r.signatureValid, true);
        assert.equal(r.headers['x-app-id'], 'odc-test-app');
        assert.equal(r.headers['x-app-merchantid'], 'm1');
        assert.deepEqual(JSON.parse(r.body), event);
      }
      const [delivered] = await server.store.webhooks.listDeliveries({ status: 'delivered' });
      assert.equal(delivered.attempts, 3);
      assert.equal(delivered.eventId, 'wh-1');
    });

    it('sends only subscribed event types, once per event even when it is re-sent', async () => {
      const before = hook.received.length;
      await api.post('/customer/events', { eventType: 'review.created', occurredAt: '2026-06-01T12:00:00Z' });
      await api.post('/customer/events', { eventType: 'customer.opted_out', occurredAt: '2026-06-01T12:00:00Z', customerId: 'c9' });
      await api.post('/customer/events', { eventType: 'customer.opted_out', occurredAt: '2026-06-01T12:00:00Z', customerId: 'c9' });
      await deliverUntil(worker(), () => hook.received.length >= before + 1);
      await worker().runOnce();
      assert.equal(hook.received.length, before + 1);
      assert.equal(JSON.parse(hook.received.at(-1)!.body).eventType, 'customer.opted_out');
    });

    it('keeps a delivery dead after the last attempt, and re-drives it', async () => {
      const dead = receiver(() => secret, [500, 500, 500, 500, 500, 500]);
      const deadUrl = await dead.listen();
      try {
        await addSubscription(
          server.store.webhooks,
          server.auth!.secrets,
          { tenant: 'm1', url: deadUrl, secret, eventTypes: ['cart.abandoned'] },
          { allowPrivateTargets: true },
        );
        await api.post('/customer/events', { eventType: 'cart.abandoned', occurredAt: '2026-06-02T12:00:00Z' });
        const w = worker();
        await deliverUntil(w, () => dead.received.length >= 4);
        await w.runOnce();
        assert.equal(dead.received.length, 4, 'maxAttempts 4, then no more');
        const letters = await server.store.webhooks.listDeliveries({ status: 'dead' });
        assert.equal(letters.length, 1);
        assert.match(letters[0].lastError ?? '', /HTTP 500/);
        assert.equal(await server.store.webhooks.redrive('dead', Date.now()), 1);
        await deliverUntil(w, () => dead.received.length >= 5);
        assert.equal(dead.received.length, 5);
      } finally {
        await dead.close();
      }
    });

    it('keeps undelivered events across a restart and delivers them after', async () => {
      const before = hook.received.length;
      await api.post('/customer/events', { id: 'wh-restart', eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-03T12:00:00Z' });
      await server.restart();
      await deliverUntil(worker(), () => hook.received.length > before);
      assert.equal(JSON.parse(hook.received.at(-1)!.body).id, 'wh-restart');
    });
  });
}

describe('webhooks end to end (odc serve process)', () => {
  it('delivers to a receiver that checks the signature and fails its first tries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-wh-'));
    const database = join(dir, 'odc.db');
    const cli = (args: string[]) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [BUILT_CLI, ...args, '--database', database], {
          cwd: join(import.meta.dirname, '..'),
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`odc ${args[0]} exited ${code}`))));
      });
    let secret = '';
    const hook = receiver(() => secret, [503, 503]);
    const url = await hook.listen();
    secret = JSON.parse(await cli(['webhooks', 'add', '--merchant', 'default', '--url', url, '--allow-private-target'])).secret;
    const serve = spawn(
      process.execPath,
      [
        BUILT_CLI,
        'serve',
        '--dev',
        '--port',
        '0',
        '--database',
        database,
        '--webhook-base-delay',
        '20',
        '--webhook-allow-private-targets',
        '--log-level',
        'warn',
      ],
      {
        cwd: join(import.meta.dirname, '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const lines = createInterface({ input: serve.stdout });
      let base = '';
      for await (const line of lines) {
        base ||= /^odc listening on (\S+)/.exec(line)?.[1] ?? '';
        if (line.startsWith('dev mode: a token')) break;
      }
      const token = readFileSync(join(dir, 'dev-token'), 'utf8').trim();
      const res = await fetch(`${base}/customer/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ eventType: 'customer.updated', occurredAt: '2026-06-01T00:00:00Z' }),
      });
      assert.equal(res.status, 202);
      await waitFor(() => hook.received.length >= 3, 'three deliveries', { timeoutMs: 10_000 });
      assert.equal(hook.received.length, 3);
      assert.ok(hook.received.every((r) => r.signatureValid));
      const delivered = JSON.parse(await cli(['webhooks', 'list', '--status', 'delivered']));
      assert.equal(delivered.length, 1);
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
      await hook.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
