/**
 * Error paths of docs/contract.md §4 for bodies the server can read but must refuse, black-box
 * over a real socket: malformed JSON (400 MALFORMED_JSON, `__proto__` keys included), bodies of
 * the wrong shape and items that break the contract (400 VALIDATION_ERROR, every bad item named
 * by JSON pointer, nothing written), and content types other than JSON in UTF-8 (415
 * UNSUPPORTED_MEDIA_TYPE). Each answer is the committee's ErrorResponse `{code, message,
 * details}` with the status of the error registry.
 *
 * `fetch` drives the ordinary cases; `node:http` (support/raw-request.ts) is used where the test
 * needs control over the bytes on the wire (no content type, a raw Content-Length).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertError, customer, JSON_TYPE, POSTS } from './support/error-cases.js';
import { rawRequest } from './support/raw-request.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`errors (${kind.name})`, () => {
    describe('malformed bodies', () => {
      const server = useServer(kind);
      const postRaw = (path: string, body: string | Buffer, contentType = JSON_TYPE) =>
        rawRequest(server.url, { path, body, headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) } });

      it('answers truncated JSON with 400 MALFORMED_JSON', async () => {
        for (const body of ['[{"identifier":{"type":"email","value":"a@b.c"}', '[{"identifier":', '{', '[', '"unterminated']) {
          assertError(await server.request('POST', '/customers', body, { 'content-type': JSON_TYPE }), 400, 'MALFORMED_JSON', body);
        }
      });

      it('answers JSON followed by garbage with 400 MALFORMED_JSON', async () => {
        for (const body of ['[] x', '[]]', '{}}', '[{"identifier":{"type":"custom","value":"g"}}] [', '[]\u0000']) {
          assertError(await server.request('POST', '/customers', body, { 'content-type': JSON_TYPE }), 400, 'MALFORMED_JSON', JSON.stringify(body));
        }
        assert.equal((await server.request('GET', '/customers/custom:g')).status, 404, 'nothing of a malformed body is written');
      });

      it('answers JSON that is not JSON (single quotes, comments, trailing commas) with 400 MALFORMED_JSON', async () => {
        for (const body of ["[{'identifier':1}]", '[/* c */]', '[1,]', '{"a":1,}', 'undefined']) {
          assertError(await server.request('POST', '/customers', body, { 'content-type': JSON_TYPE }), 400, 'MALFORMED_JSON', body);
        }
      });

      it('answers an empty or blank body with 400 MALFORMED_JSON on every POST endpoint', async () => {
        for (const { path } of POSTS) {
          assertError(await postRaw(path, ''), 400, 'MALFORMED_JSON', `${path} empty`);
          assertError(await postRaw(path, '  \r\n\t '), 400, 'MALFORMED_JSON', `${path} blank`);
        }
      });

      it('refuses a __proto__ key with 400, never a 500, writes nothing and pollutes nothing', async () => {
        const bodies = [
          '[{"identifier":{"type":"custom","value":"proto-1"},"__proto__":{"polluted":true}}]',
          '{"items":[{"identifier":{"type":"custom","value":"proto-1"},"metadata":{"__proto__":{"polluted":true}}}]}',
          '[{"identifier":{"type":"custom","value":"proto-1"},"constructor":{"prototype":{"polluted":true}}}]',
        ];
        for (const body of bodies) {
          assertError(await postRaw('/customers', body), 400, 'MALFORMED_JSON', body);
        }
        assertError(
          await postRaw('/customer/events', '{"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","data":{"__proto__":{"polluted":true}}}'),
          400,
          'MALFORMED_JSON',
          'event',
        );
        assert.equal((await server.request('GET', '/customers/custom:proto-1')).status, 404);
        assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
      });

      it('answers a body that is neither an array nor {"items": [...]} with 400 VALIDATION_ERROR on the batch endpoints', async () => {
        for (const path of ['/customers', '/leads', '/orders']) {
          for (const body of ['{}', '{"items":"x"}', '{"items":{}}', '{"item":[]}', '"text"', '42', 'true', 'null']) {
            assertError(await postRaw(path, body), 400, 'VALIDATION_ERROR', `${path} ${body}`);
          }
        }
      });

      it('answers a body that is not one object with 400 VALIDATION_ERROR on the single-object endpoints', async () => {
        for (const path of ['/reviews', '/customer/events']) {
          for (const body of ['[]', '[{}]', '"text"', '42', 'null']) {
            assertError(await postRaw(path, body), 400, 'VALIDATION_ERROR', `${path} ${body}`);
          }
        }
      });
    });

    describe('content types', () => {
      const server = useServer(kind);
      const valid = JSON.stringify([customer('ct-ok')]);
      const send = (headers: Record<string, string>, body: string = valid, path = '/customers') =>
        rawRequest(server.url, { path, body, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } });

      it('answers text/plain with 415 UNSUPPORTED_MEDIA_TYPE, on every POST endpoint', async () => {
        for (const { path, valid: body } of POSTS) {
          assertError(await send({ 'content-type': 'text/plain' }, JSON.stringify(body), path), 415, 'UNSUPPORTED_MEDIA_TYPE', path);
          assertError(await send({ 'content-type': 'text/plain; charset=utf-8' }, JSON.stringify(body), path), 415, 'UNSUPPORTED_MEDIA_TYPE', path);
        }
      });

      it('answers a form-encoded body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
        assertError(await send({ 'content-type': 'application/x-www-form-urlencoded' }, 'identifier=x'), 415, 'UNSUPPORTED_MEDIA_TYPE');
        assertError(await send({ 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\n\r\n--x--'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      });

      it('answers a POST with a body and no content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
        for (const { path, valid: body } of POSTS) {
          assertError(await send({}, JSON.stringify(body), path), 415, 'UNSUPPORTED_MEDIA_TYPE', path);
        }
        assert.equal((await server.request('GET', '/customers/custom:ct-ok')).status, 404);
      });

      it('answers another JSON-like media type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
        for (const type of ['application/merge-patch+json', 'application/jsonx', 'text/json', 'application/xml']) {
          assertError(await send({ 'content-type': type }), 415, 'UNSUPPORTED_MEDIA_TYPE', type);
        }
      });

      it('answers application/json in a charset other than UTF-8 with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
        for (const type of [
          'application/json; charset=latin1',
          'application/json; charset=iso-8859-1',
          'application/json;charset="utf-16"',
          'application/json; charset=us-ascii',
        ]) {
          assertError(await send({ 'content-type': type }), 415, 'UNSUPPORTED_MEDIA_TYPE', type);
        }
        assert.equal((await server.request('GET', '/customers/custom:ct-ok')).status, 404);
      });

      it('accepts application/json with charset utf-8 (any spelling) or no charset', async () => {
        const types = [
          'application/json',
          'application/json; charset=utf-8',
          'application/json;charset=UTF-8',
          'application/json; charset="utf-8"',
          'application/json; charset=utf8',
          'Application/JSON',
        ];
        for (const [i, type] of types.entries()) {
          const res = await send({ 'content-type': type }, JSON.stringify([customer(`ct-${i}`)]));
          assert.equal(res.status, 200, `${type}: got ${res.status} ${res.text}`);
          assert.equal((await server.request('GET', `/customers/custom:ct-${i}`)).status, 200, type);
        }
      });
    });

    describe('validation of batches', () => {
      const server = useServer(kind);
      const goodAndBad = (prefix: string) => [
        customer(`${prefix}-good-0`),
        { name: 'no identifier' },
        customer(`${prefix}-good-2`),
        { identifier: { type: 'fax', value: '123' } },
        { identifier: { type: 'email', value: '' } },
      ];

      it('lists every bad item of a bare array by JSON pointer, and writes nothing', async () => {
        const res = await server.request('POST', '/customers', goodAndBad('bare'));
        assertError(res, 400, 'VALIDATION_ERROR');
        const details: string[] = res.json.details;
        for (const line of details) assert.match(line, /^\/\d+(\/[^:\s]*)?: \S/, `"${line}" is "<pointer>: <reason>"`);
        assert.ok(
          details.some((d) => d.startsWith('/1/identifier: ')),
          `item 1 named: ${details.join(' | ')}`,
        );
        assert.ok(
          details.some((d) => d.startsWith('/3/identifier/type: ')),
          `item 3 named: ${details.join(' | ')}`,
        );
        assert.ok(
          details.some((d) => d.startsWith('/4/identifier/value: ')),
          `item 4 named: ${details.join(' | ')}`,
        );
        assert.ok(!details.some((d) => d.startsWith('/0/') || d.startsWith('/2/')), `good items are not named: ${details.join(' | ')}`);
        assert.equal((await server.request('GET', '/customers/custom:bare-good-0')).status, 404, 'all or nothing');
        assert.equal((await server.request('GET', '/customers/custom:bare-good-2')).status, 404, 'all or nothing');
      });

      it('prefixes the pointers with /items for the wrapped form, and writes nothing', async () => {
        const res = await server.request('POST', '/customers', { items: goodAndBad('wrapped') });
        assertError(res, 400, 'VALIDATION_ERROR');
        const details: string[] = res.json.details;
        for (const line of details) assert.match(line, /^\/items\/\d+(\/[^:\s]*)?: \S/, `"${line}" is "/items/<n>...: <reason>"`);
        assert.ok(
          details.some((d) => d.startsWith('/items/1/identifier: ')),
          details.join(' | '),
        );
        assert.ok(
          details.some((d) => d.startsWith('/items/3/identifier/type: ')),
          details.join(' | '),
        );
        assert.ok(
          details.some((d) => d.startsWith('/items/4/identifier/value: ')),
          details.join(' | '),
        );
        assert.equal((await server.request('GET', '/customers/custom:wrapped-good-0')).status, 404, 'all or nothing');
      });

      it('writes nothing of a batch with a single bad item at its end', async () => {
        const batch = [customer('one-bad-0'), customer('one-bad-1'), customer('one-bad-2'), { identifier: { type: 'email' } }];
        const res = await server.request('POST', '/customers', batch);
        assertError(res, 400, 'VALIDATION_ERROR');
        assert.deepEqual(
          res.json.details.map((d: string) => d.split(':')[0]),
          ['/3/identifier/value'],
        );
        for (let i = 0; i < 3; i++) assert.equal((await server.request('GET', `/customers/custom:one-bad-${i}`)).status, 404);
        const list = await server.request('GET', '/customers?customerIdentifierType=custom');
        assert.equal(list.json.filter((c: any) => String(c.identifier?.value).startsWith('one-bad')).length, 0);
      });

      it('lists every bad lead and order by pointer, and writes none of them', async () => {
        const leads = await server.request('POST', '/leads', [{ id: 'lead-ok' }, { id: '' }, { id: 'lead-ok-2', contact: 42 }]);
        assertError(leads, 400, 'VALIDATION_ERROR', 'leads');
        assert.ok(
          leads.json.details.some((d: string) => d.startsWith('/1/id: ')),
          leads.json.details.join(' | '),
        );
        assert.ok(
          leads.json.details.some((d: string) => d.startsWith('/2/contact')),
          leads.json.details.join(' | '),
        );
        assert.deepEqual((await server.request('GET', '/leads')).json, []);
        const orders = await server.request('POST', '/orders', { items: [{ id: 'ord-ok' }, { status: 'CONFIRMED' }, { id: 7 }] });
        assertError(orders, 400, 'VALIDATION_ERROR', 'orders');
        assert.ok(
          orders.json.details.some((d: string) => d.startsWith('/items/1/id: ')),
          orders.json.details.join(' | '),
        );
        assert.ok(
          orders.json.details.some((d: string) => d.startsWith('/items/2/id: ')),
          orders.json.details.join(' | '),
        );
        assert.equal((await server.request('GET', '/orders/ord-ok')).status, 404);
      });

      it('refuses a phone or document identifier with no digit with 400 VALIDATION_ERROR', async () => {
        for (const identifier of [
          { type: 'phone', value: 'no digits here' },
          { type: 'phone', value: '+( ) -' },
          { type: 'document', value: 'abc.def-gh' },
        ]) {
          const res = await server.request('POST', '/customers', [customer('digits-ok'), { identifier }]);
          assertError(res, 400, 'VALIDATION_ERROR', identifier.value);
          assert.ok(
            res.json.details.some((d: string) => d.startsWith('/1/identifier/value: ')),
            res.json.details.join(' | '),
          );
        }
        assert.equal((await server.request('GET', '/customers/custom:digits-ok')).status, 404);
      });
    });
  });
}
