/**
 * Size limits (docs/contract.md §4), black-box over a real socket: a body over the configured
 * byte limit, whether sent with a Content-Length or chunked, and a batch over maxBatchItems are
 * answered with a readable 413 PAYLOAD_TOO_LARGE ErrorResponse, never a connection reset, write
 * nothing, and leave the server serving; bodies at or under the limits are accepted.
 *
 * `fetch` drives the ordinary cases; `node:http` (support/raw-request.ts) is used where the test
 * needs control over the bytes on the wire (a raw Content-Length, a chunked body over the limit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertError, bigCustomerBatch, customer, JSON_TYPE } from './support/error-cases.js';
import { rawRequest } from './support/raw-request.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`errors (${kind.name})`, () => {
    describe('body over the byte limit', () => {
      const limit = 64 * 1024;
      const server = useServer(kind, { bodyLimit: limit });
      const oneMiB = bigCustomerBatch('big', 1024 * 1024);

      it('accepts a body just under the configured limit', async () => {
        const body = bigCustomerBatch('under', limit - 2048);
        assert.ok(body.length < limit);
        const res = await rawRequest(server.url, { path: '/customers', body, headers: { 'content-type': JSON_TYPE, 'content-length': String(body.length) } });
        assert.equal(res.status, 200, res.text);
      });

      it('answers a Content-Length body just over the limit with a readable 413 PAYLOAD_TOO_LARGE', { timeout: 30_000 }, async () => {
        const body = bigCustomerBatch('over', limit + 1024);
        const res = await rawRequest(server.url, { path: '/customers', body, headers: { 'content-type': JSON_TYPE, 'content-length': String(body.length) } });
        assertError(res, 413, 'PAYLOAD_TOO_LARGE');
        assert.ok(res.headers.get('x-request-id'));
        assert.equal((await server.request('GET', '/customers/custom:over-0')).status, 404);
      });

      it('answers a 1 MiB Content-Length body with a readable 413 PAYLOAD_TOO_LARGE, not a connection reset', { timeout: 30_000 }, async () => {
        const res = await rawRequest(server.url, {
          path: '/customers',
          body: oneMiB,
          headers: { 'content-type': JSON_TYPE, 'content-length': String(oneMiB.length) },
        });
        assertError(res, 413, 'PAYLOAD_TOO_LARGE');
        // The same through fetch (undici), the client most Node programs use.
        assertError(await server.request('POST', '/customers', oneMiB.toString()), 413, 'PAYLOAD_TOO_LARGE', 'fetch');
        assert.equal((await server.request('GET', '/customers/custom:big-0')).status, 404, 'nothing is written');
      });

      it('answers a 1 MiB chunked body with a readable 413 PAYLOAD_TOO_LARGE, not a connection reset', { timeout: 30_000 }, async () => {
        const chunks: Buffer[] = [];
        for (let at = 0; at < oneMiB.length; at += 16 * 1024) chunks.push(oneMiB.subarray(at, at + 16 * 1024));
        const res = await rawRequest(server.url, { path: '/customers', chunks, headers: { 'content-type': JSON_TYPE, 'transfer-encoding': 'chunked' } });
        assertError(res, 413, 'PAYLOAD_TOO_LARGE');
        assert.equal((await server.request('GET', '/customers/custom:big-0')).status, 404, 'nothing is written');
      });

      it('keeps serving after refusing large bodies', async () => {
        const res = await server.request('POST', '/customers', [customer('after-large')]);
        assert.equal(res.status, 200, res.text);
        assert.equal((await server.request('GET', '/customers/custom:after-large')).status, 200);
      });
    });

    describe('batch over maxBatchItems', () => {
      const server = useServer(kind, { maxBatchItems: 5 });
      const batchOf = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => customer(`${prefix}-${i}`));

      it('accepts a batch of exactly the maximum', async () => {
        const res = await server.request('POST', '/customers', batchOf(5, 'max'));
        assert.equal(res.status, 200, res.text);
        assert.equal((await server.request('GET', '/customers/custom:max-4')).status, 200);
      });

      it('answers a bare-array batch over the maximum with 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
        assertError(await server.request('POST', '/customers', batchOf(6, 'over')), 413, 'PAYLOAD_TOO_LARGE');
        for (let i = 0; i < 6; i++) assert.equal((await server.request('GET', `/customers/custom:over-${i}`)).status, 404);
      });

      it('answers a wrapped batch over the maximum with 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
        assertError(await server.request('POST', '/customers', { items: batchOf(6, 'wrapped') }), 413, 'PAYLOAD_TOO_LARGE');
        assert.equal((await server.request('GET', '/customers/custom:wrapped-0')).status, 404);
      });

      it('applies the maximum to leads and orders too', async () => {
        const leads = Array.from({ length: 6 }, (_, i) => ({ id: `lead-over-${i}` }));
        assertError(await server.request('POST', '/leads', leads), 413, 'PAYLOAD_TOO_LARGE', 'leads');
        const orders = Array.from({ length: 6 }, (_, i) => ({ id: `ord-over-${i}` }));
        assertError(await server.request('POST', '/orders', orders), 413, 'PAYLOAD_TOO_LARGE', 'orders');
        assert.equal((await server.request('GET', '/orders/ord-over-0')).status, 404);
        const leadList = await server.request('GET', '/leads');
        assert.deepEqual(leadList.json, []);
      });
    });
  });
}
