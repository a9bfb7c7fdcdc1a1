/**
 * A known path with the wrong method (docs/contract.md §1.5), black-box over a real socket:
 * every operation path and every alias of the REST binding answers a method it does not serve
 * with 405 METHOD_NOT_ALLOWED and an `Allow` header listing the methods it does serve; a
 * literal segment wins over `{id}` as in routing; unknown paths stay 404 NOT_FOUND.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operations } from '../src/contract/operations.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const BASE = '/v2';

/** Every path of the contract table with `{param}` filled in, and the methods it serves. */
function expectedMethods(): Map<string, Set<string>> {
  const byPath = new Map<string, Set<string>>();
  for (const op of operations) {
    for (const template of [op.path, ...op.aliases]) {
      const path = template.replace(/\{\w+\}/g, 'c-1');
      const methods = byPath.get(path) ?? new Set<string>();
      methods.add(op.method);
      // Fastify answers HEAD on every GET route.
      if (op.method === 'GET') methods.add('HEAD');
      byPath.set(path, methods);
    }
  }
  return byPath;
}

for (const kind of STORES) {
  describe(`405 on a known path with the wrong method (${kind.name})`, () => {
    const server = useServer(kind, { basePath: BASE });

    it('answers 405 METHOD_NOT_ALLOWED with Allow on every operation path and alias', async () => {
      const expected = expectedMethods();
      assert.ok(expected.size >= 12);
      for (const [path, methods] of expected) {
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
          if (methods.has(method)) continue;
          const res = await server.request(method, BASE + path, method === 'GET' ? undefined : []);
          assert.equal(res.status, 405, `${method} ${path}: ${res.text}`);
          assert.equal(res.json.code, 'METHOD_NOT_ALLOWED', `${method} ${path}`);
          assert.deepEqual(res.json.details, []);
          assert.equal(res.headers.get('allow'), [...methods].sort().join(', '), `${method} ${path}`);
          assert.ok(res.headers.get('x-request-id'));
        }
      }
    });

    it('lets a literal segment win over {id}: /customers/leads allows what /leads allows', async () => {
      const res = await server.request('DELETE', `${BASE}/customers/leads`);
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
      const byId = await server.request('DELETE', `${BASE}/customers/someone`);
      assert.equal(byId.status, 405);
      assert.equal(byId.headers.get('allow'), 'GET, HEAD');
    });

    it('reads the path without its query string or trailing slash', async () => {
      const res = await server.request('PUT', `${BASE}/orders/?page=2`, []);
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
    });

    it('covers the service paths too: POST /openapi.json is a 405', async () => {
      const res = await server.request('POST', '/openapi.json', {});
      assert.equal(res.status, 405);
      assert.match(res.headers.get('allow') ?? '', /\bGET\b/);
    });

    it('keeps 404 NOT_FOUND for unknown paths, whatever the method', async () => {
      for (const [method, path] of [
        ['GET', `${BASE}/nothing`],
        ['DELETE', `${BASE}/nothing/here`],
        ['POST', `${BASE}/customers/a/b/c`],
        ['GET', '/customers'],
        ['PUT', `${BASE}/customer/events/x`],
      ]) {
        const res = await server.request(method, path, method === 'GET' ? undefined : []);
        assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
        assert.equal(res.json.code, 'NOT_FOUND');
        assert.equal(res.headers.get('allow'), null);
      }
    });

    it('still serves the right method on the same paths', async () => {
      assert.equal((await server.request('GET', `${BASE}/customers/leads`)).status, 200);
      assert.equal((await server.request('POST', `${BASE}/customers/leads`, [{ id: 'l-1' }])).status, 200);
    });
  });
}
