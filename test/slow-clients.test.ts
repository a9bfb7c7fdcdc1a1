/**
 * Slow and abusive clients (issue 7, item 4), on raw sockets against a listening server
 * (server.ts with its socket limits, connection-limits.ts): slowloris headers, a trickled
 * body, a silent connection, an oversized chunked body, huge headers, and more connections
 * from one address than its cap. Each is cut off while the client is still at it, and other
 * clients are served meanwhile.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../src/server/server.js';
import { STORES, type StoreFixture } from './support/stores.js';
import { waitFor } from './support/wait-for.js';

/** The pause between the pieces a slow client trickles: the slowness under test, not a wait. */
const pace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw TCP client that records what it receives and when the server closed the connection. */
class RawClient {
  readonly socket: Socket;
  received = '';
  closed = false;
  readonly done: Promise<string>;

  constructor(url: string, localAddress?: string) {
    const { hostname, port } = new URL(url);
    this.socket = connect({ host: hostname, port: Number(port), localAddress });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => (this.received += chunk));
    this.socket.on('error', () => undefined);
    this.done = new Promise((resolve) =>
      this.socket.on('close', () => {
        this.closed = true;
        resolve(this.received);
      }),
    );
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  get status(): number | undefined {
    const m = /^HTTP\/1\.1 (\d{3})/.exec(this.received);
    return m ? Number(m[1]) : undefined;
  }

  header(name: string): string | undefined {
    const head = this.received.split('\r\n\r\n')[0];
    return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
  }

  /** Writes unless the server answered or closed; resolves false once it has. */
  async write(data: string | Buffer): Promise<boolean> {
    if (this.closed || this.received !== '' || this.socket.destroyed) return false;
    if (!this.socket.write(data))
      await new Promise((resolve) => {
        this.socket.once('drain', resolve);
        this.socket.once('close', resolve);
      });
    return !this.closed && this.received === '';
  }
}

for (const kind of STORES) {
  describe(`slow and abusive clients (${kind.name})`, () => {
    let fixture: StoreFixture;
    let server: RunningServer;
    const BODY_LIMIT = 64 * 1024;
    before(async () => {
      fixture = await kind.create();
      server = await startServer({
        store: await fixture.open(),
        port: 0,
        bodyLimit: BODY_LIMIT,
        connectionLimits: { headersTimeoutMs: 600, requestTimeoutMs: 1500, maxHeaderSize: 8 * 1024, maxConnectionsPerAddress: 8 },
      });
    });
    /** Connections the server holds open right now. */
    const openConnections = () =>
      new Promise<number>((resolve, reject) => server.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    after(async () => {
      await server.close();
      await fixture.destroy();
    });

    it('cuts off headers trickled byte by byte (slowloris) with 408, while other clients are served', async () => {
      const slow = new RawClient(server.url);
      await slow.connected();
      const request = `GET /customers HTTP/1.1\r\nHost: odc\r\nX-Padding: ${'a'.repeat(200)}\r\n\r\n`;
      let sent = 0;
      for (const byte of request) {
        if (!(await slow.write(byte))) break;
        sent += 1;
        if (sent === 10) assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'another client is served meanwhile');
        await pace(20);
      }
      await slow.done;
      assert.equal(slow.status, 408);
      assert.ok(sent < request.length, `cut off after ${sent} of ${request.length} bytes`);
    });

    it('closes a connection that never sends anything', async () => {
      const silent = new RawClient(server.url);
      await silent.connected();
      await silent.done;
      assert.equal(silent.status, 408);
    });

    it('cuts off a body trickled slowly with 408 (request timeout), before it is complete', async () => {
      const body = JSON.stringify([{ identifier: { type: 'custom', value: 'slow-body' }, name: 'x'.repeat(400) }]);
      const slow = new RawClient(server.url);
      await slow.connected();
      await slow.write(`POST /customers HTTP/1.1\r\nHost: odc\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      let sent = 0;
      for (let i = 0; i < body.length; i += 5) {
        if (!(await slow.write(body.slice(i, i + 5)))) break;
        sent += 5;
        await pace(25);
      }
      await slow.done;
      assert.equal(slow.status, 408);
      assert.ok(sent < body.length, `cut off after ${sent} of ${body.length} body bytes`);
      assert.equal((await fetch(`${server.url}/customers/custom:slow-body`)).status, 404, 'nothing was written');
    });

    it('answers a chunked body past the body limit with 413 after about the limit, while the client still sends', async () => {
      const big = new RawClient(server.url);
      await big.connected();
      await big.write('POST /customers HTTP/1.1\r\nHost: odc\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = Buffer.from(`[${' '.repeat(16 * 1024 - 1)}`);
      const planned = 64 * 1024 * 1024;
      let sent = 0;
      while (sent < planned) {
        if (!(await big.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])))) break;
        sent += chunk.length;
      }
      await big.done;
      assert.equal(big.status, 413);
      assert.match(big.received, /"code":"PAYLOAD_TOO_LARGE"/);
      // The answer came after about bodyLimit bytes (plus what socket buffers held), not after the whole body.
      assert.ok(sent < planned / 4, `answered after ${sent} of ${planned} bytes`);
      assert.ok(big.closed, 'and the connection was closed instead of reading the rest');
    });

    it('answers a declared Content-Length past the limit with 413 before any body is sent', async () => {
      const declared = new RawClient(server.url);
      await declared.connected();
      await declared.write(`POST /customers HTTP/1.1\r\nHost: odc\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LIMIT * 100}\r\n\r\n`);
      await declared.done;
      assert.equal(declared.status, 413);
    });

    it('answers huge headers with 431', async () => {
      const huge = new RawClient(server.url);
      await huge.connected();
      await huge.write(`GET /customers HTTP/1.1\r\nHost: odc\r\nX-Huge: ${'h'.repeat(16 * 1024)}\r\n\r\n`);
      await huge.done;
      assert.equal(huge.status, 431);
    });

    it('makes room at the cap by closing an idle kept-alive connection of that address', async () => {
      // Eight kept-alive connections from 127.0.0.1, each served once and now idle.
      const idle = Array.from({ length: 8 }, () => new RawClient(server.url, '127.0.0.1'));
      await Promise.all(idle.map((c) => c.connected()));
      await Promise.all(idle.map((c) => c.write('GET /healthz HTTP/1.1\r\nHost: odc\r\n\r\n')));
      await waitFor(() => idle.every((c) => c.status !== undefined), 'all eight answered');
      try {
        assert.ok(
          idle.every((c) => c.status === 200 && !c.closed),
          'all eight were served and kept alive',
        );
        const next = new RawClient(server.url, '127.0.0.1');
        await next.connected();
        await next.write('GET /healthz HTTP/1.1\r\nHost: odc\r\nConnection: close\r\n\r\n');
        await next.done;
        assert.equal(next.status, 200, 'the ninth is served');
        assert.equal(idle.filter((c) => c.closed).length, 1, 'one idle connection was closed for it');
      } finally {
        for (const c of idle) c.socket.destroy();
      }
    });

    it('refuses connections from one address past its cap with 503 and Retry-After, and serves other addresses', async () => {
      // Eight kept-alive connections from 127.0.0.1, each with a request under way.
      const held = Array.from({ length: 8 }, () => new RawClient(server.url, '127.0.0.1'));
      await Promise.all(held.map((c) => c.connected()));
      await Promise.all(held.map((c) => c.write('GET /healthz HTTP/1.1\r\nHost: odc\r\n')));
      await waitFor(async () => (await openConnections()) >= 8, 'the server to hold all eight');
      try {
        const extra = new RawClient(server.url, '127.0.0.1');
        await extra.done;
        assert.equal(extra.status, 503);
        assert.equal(extra.header('retry-after'), '1');
        assert.match(extra.received, /"code":"UNAVAILABLE"/);

        const other = new RawClient(server.url, '127.0.0.2');
        await other.connected();
        await other.write('GET /healthz HTTP/1.1\r\nHost: odc\r\nConnection: close\r\n\r\n');
        await other.done;
        assert.equal(other.status, 200, 'another address is served');

        // A held connection still works, and once one closes, the address may connect again.
        await held[0].write('Connection: close\r\n\r\n');
        await held[0].done;
        assert.equal(held[0].status, 200);
        await waitFor(async () => (await openConnections()) < 8, 'the server to release the closed connection');
        const again = new RawClient(server.url, '127.0.0.1');
        await again.connected();
        await again.write('GET /healthz HTTP/1.1\r\nHost: odc\r\nConnection: close\r\n\r\n');
        await again.done;
        assert.equal(again.status, 200, 'a freed slot is usable');
      } finally {
        for (const c of held) c.socket.destroy();
      }
    });
  });
}
