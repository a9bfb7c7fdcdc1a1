/**
 * The database going away and coming back, for an odc server on PostgreSQL
 * (postgres-errors.ts: an unreachable database is StoreUnavailableError, answered 503
 * UNAVAILABLE with Retry-After; postgres-store.ts: the pool reconnects by itself).
 *
 * A TCP proxy (node:net) stands between the in-process server and PostgreSQL, so the test can
 * "stop the database" (close the listener, cut every connection), "start it again" (listen on
 * the same port), cut one connection at an exact point of a transaction (a trip wire on the
 * SQL text passing through), or stop passing bytes altogether (a network partition). Proves:
 * - while the database is down, every operation, the token endpoint and /healthz answer 503
 *   UNAVAILABLE with an integer Retry-After and a JSON body: never a 500, never a hang;
 * - the server recovers by itself, with the data written before the outage intact and nothing
 *   of the requests answered 503;
 * - a write whose connection dies inside its transaction (before COMMIT reaches the database)
 *   answers 503 and leaves nothing half-written, and the same write succeeds when sent again;
 * - a database that stops answering (partition) also gets a bounded 503, not a hang;
 * - none of it crashes the process (an unhandled 'error' event would fail this file).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAuthService } from '../src/auth/auth-service.js';
import { buildApp } from '../src/server/app.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createPgDatabase, STORES } from './support/stores.js';

const skip = STORES.some((s) => s.name === 'postgres') ? false : 'PostgreSQL not available';

/** Forwards 127.0.0.1:<port> to PostgreSQL; can stop, restart, cut and black-hole. */
class PgProxy {
  port = 0;
  mode: 'forward' | 'blackhole' = 'forward';
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private wire: { marker: string; tripped: () => void } | undefined;

  constructor(private readonly target: { host: string; port: number }) {}

  listen(): Promise<void> {
    const server = net.createServer((client) => this.pipe(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** The database stops: no new connection is accepted, every open one is cut. */
  stop(): void {
    this.server?.close();
    this.server = undefined;
    this.cutAll();
  }

  cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Cuts the first connection whose client sends `marker`, before the marker is forwarded. */
  tripOn(marker: string): Promise<void> {
    return new Promise((tripped) => (this.wire = { marker, tripped }));
  }

  disarm(): void {
    this.wire = undefined;
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(client).add(upstream);
    let tail = '';
    const cut = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('data', (chunk) => {
      const seen = tail + chunk.toString('latin1');
      tail = seen.slice(-64);
      if (this.wire && seen.includes(this.wire.marker)) {
        const { tripped } = this.wire;
        this.wire = undefined;
        cut();
        tripped();
        return;
      }
      if (this.mode === 'forward') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode === 'forward') client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', cut);
    }
  }
}

type Res = { status: number; headers: Headers; text: string; json: any };

describe('PostgreSQL outage', { skip }, () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let proxy: PgProxy;
  let store: PostgresStore;
  let app: FastifyInstance;
  let url = '';
  /** Credentials of a client used before the outage, and of one first used during it. */
  let used: { clientId: string; clientSecret: string };
  let fresh: { clientId: string; clientSecret: string };
  let token = '';
  let freshToken = '';
  /** What the lists answered just before the outage. */
  const snapshot = new Map<string, string>();
  const LISTS = ['/customers?pageSize=500', '/customer/events?pageSize=500', '/reviews?pageSize=500', '/leads?pageSize=500', '/orders?pageSize=500'];

  async function request(method: string, path: string, body?: unknown, bearer: string | null = token, timeoutMs = 5_000): Promise<Res> {
    const headers: Record<string, string> = {};
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
    const res = await fetch(url + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, text, json };
  }
  const tokenRequest = (creds: { clientId: string; clientSecret: string }) =>
    request(
      'POST',
      '/oauth/token',
      new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }).toString(),
      null,
    );

  function assertUnavailable(res: Res, what: string): void {
    assert.equal(res.status, 503, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
    assert.equal(res.json?.code, 'UNAVAILABLE', `${what}: ${res.text}`);
    assert.equal(typeof res.json.message, 'string', what);
    assert.ok(Array.isArray(res.json.details), what);
    assert.match(res.headers.get('retry-after') ?? '', /^\d+$/, `${what}: Retry-After is whole seconds`);
  }

  /** Retries until 200 (at most 10 s); every answer meanwhile is a 200 or a 503, nothing else. */
  async function eventually(method: string, path: string, body?: unknown, bearer: string | null = token): Promise<Res> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await request(method, path, body, bearer);
      if (res.status >= 200 && res.status < 300) return res;
      assertUnavailable(res, `${method} ${path} while recovering`);
      assert.ok(Date.now() < deadline, `${method} ${path} still 503 after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const customers = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}-${i}`,
      identifier: { type: 'email', value: `${prefix}-${i}@example.com` },
      name: `${prefix} ${i}`,
      externalIds: [{ source: 'POS', key: 'k', value: `${prefix}-x${i}` }],
    }));
  const review = (id: string) => ({
    reviewId: id,
    reviewType: 'ORDER',
    overallRating: { ratingStyle: 'STAR', value: 5 },
    reviewDate: '2026-06-01T12:00:00Z',
    customer: { customerId: 'pre-0' },
  });
  const event = (id: string) => ({ id, eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:00:00Z', customerId: 'pre-0' });

  /** The lists answer exactly what they answered before the outage. */
  async function assertIntact(): Promise<void> {
    for (const path of LISTS) {
      const res = await request('GET', path);
      assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
      assert.equal(res.text, snapshot.get(path), `${path} is as it was before the outage`);
    }
  }

  before(async () => {
    database = await createPgDatabase();
    const direct = new URL(database.url);
    proxy = new PgProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.listen();
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    store = await PostgresStore.open({ connectionString: proxied.toString(), poolSize: 4, connectTimeoutMs: 1000, statementTimeoutMs: 2000 });
    const auth = await createAuthService(store, { keyFile: '', secretKey: randomBytes(32), rateLimitPerSecond: 0 });
    used = await auth.clients.add({ name: 'used', model: 'merchant', merchants: ['m'], scopes: ['od.crm'] });
    fresh = await auth.clients.add({ name: 'fresh', model: 'merchant', merchants: ['m'], scopes: ['od.crm'] });
    app = await buildApp({ store, auth });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    token = (await tokenRequest(used)).json.access_token;
    freshToken = (await tokenRequest(fresh)).json.access_token;
    assert.ok(token && freshToken, 'tokens issued');
  });

  after(async () => {
    // Heal first, so that any request still waiting on a dead connection ends.
    proxy?.cutAll();
    if (proxy) proxy.mode = 'forward';
    if (app) {
      const closed = app.close();
      const timer = setTimeout(() => app.server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(timer);
    }
    await store?.close();
    proxy?.stop();
    await database?.drop();
  });

  it('writes and reads data while the database is up', async () => {
    assert.equal((await request('POST', '/customers', customers('pre', 10))).status, 200);
    assert.equal((await request('POST', '/leads', [{ id: 'lead-pre', name: 'L' }])).status, 200);
    assert.equal((await request('POST', '/orders', [{ id: 'order-pre', customer: { id: 'pre-0' } }])).status, 201);
    assert.equal((await request('POST', '/reviews', review('rv-pre'))).status, 201);
    assert.equal((await request('POST', '/customer/events', event('ev-pre'))).status, 202);
    for (const path of LISTS) {
      const res = await request('GET', path);
      assert.equal(res.status, 200, path);
      assert.ok(res.json.length > 0, `${path} lists something`);
      snapshot.set(path, res.text);
    }
  });

  it('while the database is down, everything answers 503 UNAVAILABLE with Retry-After, never 500 or a hang', async () => {
    proxy.stop();
    const attempts: [string, string, unknown?][] = [
      ['POST', '/customers', customers('down', 10)],
      ['GET', '/customers'],
      ['GET', '/customers/pre-0'],
      ['GET', '/customers/email:pre-1@example.com'],
      ['POST', '/leads', [{ id: 'lead-down' }]],
      ['GET', '/leads'],
      ['POST', '/orders', [{ id: 'order-down' }]],
      ['GET', '/orders/order-pre'],
      ['POST', '/reviews', review('rv-down')],
      ['GET', '/reviews/rv-pre'],
      ['GET', '/customers/pre-0/reviews'],
      ['POST', '/customer/events', event('ev-down')],
      ['GET', '/customer/events'],
    ];
    for (const [method, path, body] of attempts) assertUnavailable(await request(method, path, body), `${method} ${path}`);
    assertUnavailable(await request('GET', '/healthz', undefined, null), 'GET /healthz');
    // Many at once: the pool's failures stay per request.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(i % 2 ? 'GET' : 'POST', '/customers', i % 2 ? undefined : customers(`burst${i}`, 2))),
    );
    burst.forEach((res, i) => {
      assertUnavailable(res, `concurrent request ${i}`);
    });
    // Authentication that must read the database: a client not seen yet, and the token endpoint.
    assertUnavailable(await request('GET', '/customers', undefined, freshToken), 'GET /customers with a client first seen during the outage');
    assertUnavailable(await tokenRequest(used), 'POST /oauth/token');
  });

  it('recovers by itself when the database is back, with the data as it was and nothing of the 503s', async () => {
    await proxy.listen();
    assert.equal((await eventually('GET', '/healthz', undefined, null)).json.status, 'ok');
    await eventually('GET', '/customers');
    await assertIntact();
    for (const ref of ['down-0', 'burst0-0', 'email:down-1@example.com'])
      assert.equal((await request('GET', `/customers/${ref}`)).status, 404, `${ref} was never written`);
    assert.equal((await request('GET', '/reviews/rv-down')).status, 404);
    assert.equal((await request('GET', '/orders/order-down')).status, 404);
    assert.equal((await request('POST', '/customers', customers('post', 3))).status, 200);
    assert.equal((await request('GET', '/customers/post-2')).status, 200);
    assert.equal((await eventually('GET', '/customers', undefined, freshToken)).status, 200);
    assert.equal(
      (
        await eventually(
          'POST',
          '/oauth/token',
          new URLSearchParams({ grant_type: 'client_credentials', client_id: used.clientId, client_secret: used.clientSecret }).toString(),
          null,
        )
      ).status,
      200,
    );
    snapshot.set('/customers?pageSize=500', (await request('GET', '/customers?pageSize=500')).text);
  });

  const cuts: [string, string, string, unknown, number, () => Promise<boolean>][] = [
    [
      'a customer batch, cut before COMMIT',
      'COMMIT',
      '/customers',
      customers('cut', 20),
      200,
      async () => (await request('GET', '/customers?externalId=cut-x7')).json.length > 0,
    ],
    [
      'a customer batch, cut between its statements',
      'INSERT INTO customer_external_ids',
      '/customers',
      customers('mid', 20),
      200,
      async () => (await request('GET', '/customers/mid-3')).status === 200,
    ],
    [
      'an event, cut before its clock update',
      'UPDATE tenant_clocks',
      '/customer/events',
      event('ev-cut'),
      202,
      async () => (await request('GET', '/customer/events?pageSize=500')).json.some((e: any) => e.id === 'ev-cut'),
    ],
    ['a review, cut before COMMIT', 'COMMIT', '/reviews', review('rv-cut'), 201, async () => (await request('GET', '/reviews/rv-cut')).status === 200],
  ];
  for (const [name, marker, path, body, success, present] of cuts) {
    it(`${name}: 503, nothing half-written, and the same write succeeds again`, async () => {
      let hit = false;
      void proxy.tripOn(marker).then(() => (hit = true));
      const res = await request('POST', path, body).finally(() => proxy.disarm());
      assert.ok(hit, `the connection was cut at ${JSON.stringify(marker)}`);
      assertUnavailable(res, `POST ${path} cut at ${marker}`);
      assert.equal(await present(), false, 'nothing of the interrupted write is stored');
      await assertIntact();
      assert.equal((await eventually('POST', path, body)).status, success);
      assert.equal(await present(), true, 'the write sent again is stored');
      for (const list of LISTS) snapshot.set(list, (await request('GET', list)).text);
    });
  }

  it('concurrent events sharing group transactions, one COMMIT cut: every 202 stored, every 503 not', async () => {
    let hit = false;
    void proxy.tripOn('COMMIT').then(() => (hit = true));
    const ids = Array.from({ length: 24 }, (_, i) => `ev-group-${i}`);
    const answers = await Promise.all(ids.map((id) => request('POST', '/customer/events', event(id)))).finally(() => proxy.disarm());
    assert.ok(hit, 'a COMMIT was cut');
    const stored = new Set(((await eventually('GET', '/customer/events?pageSize=500')).json as { id: string }[]).map((e) => e.id));
    let refused = 0;
    answers.forEach((res, i) => {
      if (res.status === 202) assert.ok(stored.has(ids[i]), `${ids[i]} answered 202 and is stored`);
      else {
        assertUnavailable(res, ids[i]);
        assert.ok(!stored.has(ids[i]), `${ids[i]} answered 503 and is not stored`);
        refused += 1;
      }
    });
    assert.ok(refused > 0, 'the events of the cut transaction answered 503');
    for (const [i, id] of ids.entries()) if (answers[i].status !== 202) assert.equal((await eventually('POST', '/customer/events', event(id))).status, 202);
    for (const list of LISTS) snapshot.set(list, (await request('GET', list)).text);
  });

  it('a database that stops answering (network partition) gets a bounded 503, not a hang', async () => {
    // Open several connections first, so that the pool holds idle ones when the partition starts.
    for (const res of await Promise.all(Array.from({ length: 4 }, () => request('GET', '/customers')))) assert.equal(res.status, 200);
    proxy.mode = 'blackhole';
    try {
      const reads = await Promise.allSettled([
        ...Array.from({ length: 3 }, () => request('GET', '/customers', undefined, token, 10_000)),
        request('POST', '/customers', customers('part', 2), token, 10_000),
        request('GET', '/healthz', undefined, null, 10_000),
      ]);
      reads.forEach((r, i) => {
        assert.equal(r.status, 'fulfilled', `request ${i} answered within 10 s (${r.status === 'rejected' ? String(r.reason) : ''})`);
        if (r.status === 'fulfilled') assertUnavailable(r.value, `request ${i} during the partition`);
      });
    } finally {
      // The partition heals: the dead connections are reset, new ones pass again.
      proxy.mode = 'forward';
      proxy.cutAll();
    }
    await eventually('GET', '/healthz', undefined, null);
    await assertIntact();
    assert.equal((await request('GET', '/customers/part-0')).status, 404);
  });
});
