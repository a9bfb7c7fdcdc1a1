/**
 * Graceful shutdown of a real `odc serve` process (issue 7, item 2): on SIGTERM under load it
 * finishes the requests in flight, answers requests that arrive meanwhile with 503 and
 * `Retry-After`, loses nothing it acknowledged, and exits within its grace period, also when
 * a client never finishes its request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPgDatabase, STORES, type StoreKind } from './support/stores.js';
import { addApiClient, fetchToken, serverProcess, type ServerProcess } from './support/server-process.js';
import { waitFor } from './support/wait-for.js';

const MERCHANT = 'shutdown-merchant';
const pace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function databaseFor(kind: StoreKind, dir: string): Promise<{ database: string; drop(): Promise<void> }> {
  if (kind.name === 'sqlite') return { database: join(dir, 'odc.db'), drop: async () => undefined };
  const pgDatabase = await createPgDatabase();
  return { database: pgDatabase.url, drop: () => pgDatabase.drop() };
}

/** A raw connection that collects everything the server sends, until it closes. */
function rawConnection(url: string): { socket: Socket; received: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (data += chunk));
  const received = new Promise<string>((resolve) => {
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(data));
  });
  return { socket, received };
}

/** Status line and headers of every answer in a raw HTTP/1.1 stream. */
function answersIn(raw: string): Array<{ status: number; headers: Record<string, string> }> {
  return [...raw.matchAll(/HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/g)].map((m) => ({
    status: Number(m[1]),
    headers: Object.fromEntries(m[2].split('\r\n').map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()])),
  }));
}

function customerBatch(tag: string, size: number) {
  return Array.from({ length: size }, (_, i) => ({ identifier: { type: 'custom', value: `${tag}-${i}` }, name: `${i} of ${tag}` }));
}

for (const kind of STORES) {
  describe(`graceful shutdown (${kind.name})`, () => {
    async function withServer(args: string[], body: (server: ServerProcess, token: string) => Promise<void>) {
      const dir = mkdtempSync(join(tmpdir(), 'odc-shutdown-'));
      const db = await databaseFor(kind, dir);
      const server = serverProcess({
        database: db.database,
        secretKeyFile: join(dir, 'secret.key'),
        args: ['--rate-limit', '0', '--log-level', 'info', ...args],
      });
      try {
        const credentials = await addApiClient(db.database, join(dir, 'secret.key'), MERCHANT);
        await server.start();
        await body(server, await fetchToken(server.url, credentials));
      } finally {
        await server.kill('SIGKILL');
        await db.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it('on SIGTERM under load finishes in-flight requests, answers late ones 503 with Retry-After, keeps every 2xx, exits 0', async (t) => {
      await withServer(['--shutdown-grace', '8000'], async (server, token) => {
        const auth = `Authorization: Bearer ${token}\r\nX-App-MerchantId: ${MERCHANT}\r\n`;
        // In flight at SIGTERM: headers and half the body sent.
        const inFlightBody = JSON.stringify(customerBatch('in-flight', 5));
        const inFlight = rawConnection(server.url);
        inFlight.socket.write(
          `POST /customers HTTP/1.1\r\nHost: odc\r\n${auth}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(inFlightBody)}\r\nX-Request-Id: in-flight-1\r\n\r\n${inFlightBody.slice(0, 20)}`,
        );
        // Arriving during shutdown: its headers are not complete yet at SIGTERM.
        const lateBody = JSON.stringify(customerBatch('late', 1));
        const late = rawConnection(server.url);
        late.socket.write('POST /customers HTTP/1.1\r\nHost: odc\r\n');

        // Load: clients on kept-alive connections, each batch sent once.
        const acknowledged: string[] = [];
        const unavailable: Array<string | null> = [];
        let failures = 0;
        let stop = false;
        let n = 0;
        const client = async () => {
          while (!stop) {
            const tag = `load-${(n += 1)}`;
            try {
              const res = await fetch(`${server.url}/customers`, {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT, 'content-type': 'application/json' },
                body: JSON.stringify(customerBatch(tag, 20)),
              });
              await res.arrayBuffer();
              if (res.status === 200) acknowledged.push(tag);
              else if (res.status === 503) unavailable.push(res.headers.get('retry-after'));
              else assert.fail(`unexpected ${res.status} for ${tag}`);
            } catch {
              failures += 1; // the server stopped listening: connection refused or closed
              if (!server.running) stop = true;
              await pace(20); // retry pace of a client whose server went away
            }
          }
        };
        const clients = Array.from({ length: 16 }, client);
        await server.waitForLine((l) => l.includes('"reqId":"in-flight-1"'));
        // The load is under way: batches are being acknowledged when the signal comes.
        await waitFor(() => acknowledged.length >= 32, 'the load to build up', { timeoutMs: 30_000 });

        const signalled = server.waitForLine((l) => l.includes('SIGTERM'));
        void server.kill('SIGTERM');
        await signalled;
        late.socket.write(`${auth}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(lateBody)}\r\n\r\n${lateBody}`);
        inFlight.socket.write(inFlightBody.slice(20));
        const exit = await server.exited();
        stop = true;
        await Promise.all(clients);

        assert.deepEqual(exit, { code: 0, signal: null }, 'drained and exited within the grace period');
        const [finished] = answersIn(await inFlight.received);
        assert.equal(finished?.status, 200, 'the in-flight request was finished');
        assert.equal(finished.headers.connection, 'close', 'and its connection closed');
        const [refused] = answersIn(await late.received);
        assert.equal(refused?.status, 503, 'a request arriving during shutdown is refused');
        assert.equal(refused.headers['retry-after'], '1');
        assert.ok(
          unavailable.every((retryAfter) => retryAfter === '1'),
          `every 503 carries Retry-After: ${JSON.stringify(unavailable)}`,
        );
        assert.ok(acknowledged.length > 0, 'the load was served before the signal');

        await server.start();
        const stored = new Set<string>();
        for (let url: string | undefined = `${server.url}/customers?pageSize=500`; url; ) {
          const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT } });
          for (const c of (await res.json()) as Array<{ name: string }>) stored.add(c.name);
          const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
          url = next ? new URL(next, url).toString() : undefined;
        }
        for (const tag of [...acknowledged, 'in-flight']) {
          for (const c of customerBatch(tag, tag === 'in-flight' ? 5 : 20)) assert.ok(stored.has(c.name), `acknowledged ${c.name} is missing`);
        }
        assert.ok(!stored.has('0 of late'), 'the refused request wrote nothing');
        t.diagnostic(
          `${acknowledged.length} batches acknowledged, ${unavailable.length} answered 503 with Retry-After, ${failures} connection failures once the listener closed`,
        );
      });
    });

    it('exits within the grace period even when a client never finishes its request', async () => {
      await withServer(['--shutdown-grace', '1500', '--request-timeout', '60000'], async (server, token) => {
        const stuck = rawConnection(server.url);
        stuck.socket.write(
          `POST /customers HTTP/1.1\r\nHost: odc\r\nAuthorization: Bearer ${token}\r\nX-App-MerchantId: ${MERCHANT}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Request-Id: stuck-1\r\n\r\n[`,
        );
        await server.waitForLine((l) => l.includes('"reqId":"stuck-1"'));
        const started = Date.now();
        const exit = await server.kill('SIGTERM');
        const waited = Date.now() - started;
        assert.deepEqual(exit, { code: 1, signal: null }, 'the grace period ran out: exit 1');
        assert.ok(waited >= 1400, `it waited for the request first (${waited} ms)`);
        assert.ok(
          server.output.some((l) => l.includes('did not finish within 1500 ms')),
          'and said why',
        );
        stuck.socket.destroy();
      });
    });
  });
}
