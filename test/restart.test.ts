/**
 * Durability across restarts: everything acknowledged is read back after the server stops and
 * starts again on the same database (docs/contract.md §7); and the `odc serve` process
 * finishes an in-flight request on SIGTERM before it exits.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';
import { BUILT_CLI } from './support/built-cli.js';

for (const kind of STORES) {
  describe(`restart (${kind.name})`, () => {
    const server = useServer(kind);

    it('reads back every resource after a restart on the same database', async () => {
      await server.request('POST', '/customers', [
        { id: 'c-r', identifier: { type: 'email', value: 'r@example.com' }, name: 'R', externalIds: [{ source: 'PDV', key: 'k', value: 'v' }] },
      ]);
      await server.request('POST', '/leads', [{ id: 'l-r', name: 'Lead' }]);
      await server.request('POST', '/orders', [{ id: 'o-r', customer: { id: 'c-r' } }]);
      await server.request('POST', '/reviews', {
        reviewId: 'rv-r',
        reviewType: 'ORDER',
        overallRating: { ratingStyle: 'STAR', value: 5 },
        reviewDate: '2026-06-01T12:00:00Z',
        customer: { customerId: 'c-r' },
      });
      await server.request('POST', '/customer/events', { eventType: 'customer.opted_out', occurredAt: '2026-06-01T12:00:00Z', customerId: 'c-r' });
      const paths = [
        '/customers',
        '/customers/c-r',
        '/customers/email:r@example.com',
        '/leads',
        '/orders',
        '/orders/o-r',
        '/reviews',
        '/reviews/rv-r',
        '/customers/c-r/reviews',
        '/customer/events',
        '/customers?externalId=v',
      ];
      const before = await Promise.all(paths.map((p) => server.request('GET', p)));
      await server.restart();
      const after = await Promise.all(paths.map((p) => server.request('GET', p)));
      paths.forEach((p, i) => {
        assert.equal(after[i].status, 200, p);
        assert.equal(after[i].text, before[i].text, p);
      });
      assert.equal(after[1].json.consent.status, 'opted_out');
      // The change clock continues after the largest stamp on disk.
      await server.request('POST', '/customers', [{ id: 'c-r', identifier: { type: 'email', value: 'r@example.com' }, name: 'R2' }]);
      const changed = await server.request('GET', `/customers?updatedFrom=${encodeURIComponent(after[1].json.updatedAt)}`);
      assert.ok(changed.json.some((c: any) => c.name === 'R2'));
    });
  });
}

describe('odc serve process', () => {
  it('prints its URL, finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-serve-'));
    const database = join(dir, 'odc.db');
    const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--dev', '--port', '0', '--database', database, '--log-level', 'info'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const lines = createInterface({ input: child.stdout });
      const waitFor = (match: (line: string) => boolean) =>
        new Promise<string>((resolve, reject) => {
          const onLine = (line: string) => {
            if (match(line)) {
              lines.off('line', onLine);
              resolve(line);
            }
          };
          lines.on('line', onLine);
          child.once('exit', () => reject(new Error('server exited early')));
        });
      const listening = waitFor((l) => l.startsWith('odc listening on '));
      const devToken = waitFor((l) => l.startsWith('dev mode: a token'));
      const url = new URL(/listening on (\S+)/.exec(await listening)![1]);
      await devToken;
      const token = readFileSync(join(dir, 'dev-token'), 'utf8').trim();

      // Start a request, and keep its body open until the server has logged it.
      const body = JSON.stringify([{ identifier: { type: 'custom', value: 'in-flight' } }]);
      const answered = new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: '/customers',
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': String(body.length),
              'x-request-id': 'in-flight-1',
              authorization: `Bearer ${token}`,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        waitFor((l) => l.includes('"reqId":"in-flight-1"'))
          .then(() => {
            child.kill('SIGTERM');
            return waitFor((l) => l.includes('SIGTERM'));
          })
          .then(() => req.end(body.slice(10)), reject);
      });
      assert.equal(await answered, 200);
      assert.equal(await exited, 0);

      const { SqliteStore } = await import('../src/store/sqlite/sqlite-store.js');
      const store = new SqliteStore({ filename: database });
      try {
        assert.ok(await store.getCustomer('default', 'custom:in-flight'), 'the in-flight batch was committed');
      } finally {
        await store.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
