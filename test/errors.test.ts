/**
 * Every error path of contract-decisions §4, black-box over a real socket: each answer is the
 * committee's ErrorResponse `{code, message, details}` with the status of the error registry,
 * carries an X-Request-Id, and no input, however broken, yields a 500.
 *
 * `fetch` drives the ordinary cases; `node:http` is used where the test needs control over
 * the bytes on the wire (no content type, a raw Content-Length, a chunked body over the limit).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer, type TestResponse, type TestServer } from './support/test-server.js';

const JSON_TYPE = 'application/json';

/** Asserts the status and the ErrorResponse shape, with the given code. */
function assertError(res: TestResponse, status: number, code: string, context = ''): void {
  const where = `${context}${context ? ': ' : ''}got ${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, where);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, where);
  assert.ok(res.json !== null && typeof res.json === 'object' && !Array.isArray(res.json), `the body is a JSON object (${where})`);
  assert.equal(res.json.code, code, where);
  assert.equal(typeof res.json.message, 'string', where);
  assert.ok(res.json.message.length > 0, `message is not empty (${where})`);
  assert.ok(Array.isArray(res.json.details), `details is an array (${where})`);
  for (const line of res.json.details) assert.equal(typeof line, 'string', `every detail is a string (${where})`);
}

interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent at once; with a Content-Length unless the headers say otherwise. */
  body?: string | Buffer;
  /** Sent one by one with Transfer-Encoding: chunked, honouring backpressure. */
  chunks?: Buffer[];
}

/**
 * One request on its own socket with exactly the given headers and bytes. Resolves with the
 * answer once it is fully read; rejects only when the connection fails before an answer
 * arrives, which is what an ordinary client would report as "connection reset".
 */
function rawRequest(baseUrl: string, options: RawRequest): Promise<TestResponse> {
  const url = new URL(options.path, baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    let settled = false;
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('error', (error) => finish(error));
        res.on('aborted', () => finish(new Error('the answer was cut off')));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
            else if (value !== undefined) headers.set(name, value);
          }
          finish(undefined, { status: res.statusCode ?? 0, headers, text, json });
        });
      },
    );
    function finish(error: Error | undefined, response?: TestResponse) {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(response as TestResponse);
      req.destroy();
    }
    req.on('error', (error) => {
      if (!answered) finish(new Error(`the connection failed before any answer: ${error.message}`));
    });
    if (options.chunks) {
      const chunks = options.chunks;
      void (async () => {
        for (const chunk of chunks) {
          if (settled || req.destroyed) return;
          if (!req.write(chunk)) {
            await new Promise<void>((done) => {
              const stop = () => {
                req.off('drain', stop);
                req.off('close', stop);
                done();
              };
              req.on('drain', stop);
              req.on('close', stop);
            });
          }
        }
        if (!settled && !req.destroyed) req.end();
      })();
    } else {
      req.end(options.body);
    }
  });
}

/** A valid JSON batch of customers of at least `bytes` bytes, so that size is its only fault. */
function bigCustomerBatch(prefix: string, bytes: number): Buffer {
  const items: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const item = JSON.stringify({ identifier: { type: 'custom', value: `${prefix}-${i}` }, name: 'x'.repeat(1000) });
    items.push(item);
    size += item.length + 1;
  }
  return Buffer.from(`[${items.join(',')}]`);
}

const customer = (value: string, extra: Record<string, unknown> = {}) => ({ identifier: { type: 'custom', value }, ...extra });
const review = (reviewId: string) => ({ reviewId, reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: 4 }, reviewDate: '2026-06-01T12:00:00Z' });
const event = (id: string) => ({ id, eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:30:00Z' });

/** The five POST endpoints, each with a valid body, so a test can vary only one thing. */
const POSTS: { path: string; status: number; valid: unknown }[] = [
  { path: '/customers', status: 200, valid: [customer('valid-post')] },
  { path: '/leads', status: 200, valid: [{ id: 'lead-valid', name: 'Ana' }] },
  { path: '/orders', status: 201, valid: [{ id: 'ord-valid' }] },
  { path: '/reviews', status: 201, valid: review('rev-valid') },
  { path: '/customer/events', status: 202, valid: event('ev-valid') },
];

const deep = (levels: number, open: string, close: string, inner = '1') => open.repeat(levels) + inner + close.repeat(levels);

/** Bodies no client should send. None of them may yield a 500 or take the server down. */
const NASTY: { name: string; body: string | Buffer }[] = [
  { name: 'array nested 10k levels', body: deep(10_000, '[', ']') },
  { name: 'object nested 10k levels', body: deep(10_000, '{"a":', '}') },
  { name: 'item with metadata nested 10k levels', body: `[{"identifier":{"type":"custom","value":"deep-1"},"id":"deep-1","eventType":"X","occurredAt":"2026-06-01T12:00:00Z","metadata":${deep(10_000, '{"a":', '}')}}]` },
  { name: 'event with data nested 10k levels', body: `{"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","data":${deep(10_000, '{"a":', '}')}}` },
  { name: 'review with source nested 10k levels', body: `{"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":4},"reviewDate":"2026-06-01T12:00:00Z","source":${deep(10_000, '{"a":', '}')}}` },
  { name: 'array nested 100k levels', body: deep(100_000, '[', ']') },
  { name: 'bare 1e400', body: '1e400' },
  { name: 'array of 1e400 and -1e400', body: '[1e400,-1e400,1e-400]' },
  { name: 'huge number inside metadata', body: '[{"identifier":{"type":"custom","value":"huge-1"},"id":"huge-1","metadata":{"n":1e400,"m":-1e400}}]' },
  { name: 'huge number as a rating and an id', body: '{"reviewId":1e400,"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":1e400},"reviewDate":"2026-06-01T12:00:00Z"}' },
  { name: 'NaN literal', body: '[NaN]' },
  { name: 'Infinity literal', body: '{"value":Infinity}' },
  { name: 'NaN-like strings', body: '[{"identifier":{"type":"phone","value":"NaN"},"id":"NaN","value":"Infinity"}]' },
  { name: 'null', body: 'null' },
  { name: 'array of nulls', body: '[null,null,null]' },
  { name: 'items: null', body: '{"items":null}' },
  { name: 'items of nulls', body: '{"items":[null,null]}' },
  { name: 'nulls everywhere', body: '[{"id":null,"identifier":{"type":null,"value":null},"externalIds":[null],"contacts":{"emails":[null],"phones":null},"metadata":null,"reviewType":null,"overallRating":null,"reviewDate":null,"eventType":null,"occurredAt":null,"data":null,"customer":null}]' },
  { name: 'single object of nulls', body: '{"reviewId":null,"reviewType":null,"overallRating":{"ratingStyle":null,"value":null},"reviewDate":null,"eventType":null,"occurredAt":null,"customerId":null,"data":null}' },
  { name: 'string body', body: '"just a string"' },
  { name: 'array of strings', body: '["a","b"]' },
  { name: 'strings where objects are expected', body: '[{"identifier":"email:x@y.z","id":"s-1","contacts":"none","externalIds":"none","metadata":"none","customer":"c","total":"t","items":"i"}]' },
  { name: 'event with string data and numeric type', body: '{"eventType":42,"occurredAt":"2026-06-01T12:00:00Z","data":"text"}' },
  { name: 'numbers as ids', body: '[{"id":123,"identifier":{"type":"custom","value":123},"reviewId":5,"eventId":7}]' },
  { name: 'review with numeric ids', body: '{"reviewId":123,"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":4},"reviewDate":"2026-06-01T12:00:00Z","customer":{"customerId":9},"subject":{"orderId":8}}' },
  { name: 'event with numeric ids', body: '{"id":1,"eventId":2,"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","customerId":3}' },
  { name: 'true', body: 'true' },
  { name: 'zero', body: '0' },
  { name: 'empty object', body: '{}' },
  { name: 'empty array', body: '[]' },
  { name: 'array of empty arrays', body: '[[],[[]]]' },
  { name: 'array of empty objects', body: '[{},{}]' },
  { name: 'items is an object', body: '{"items":{"0":{}}}' },
  { name: 'NUL and lone surrogates', body: '[{"id":"\\u0000","identifier":{"type":"custom","value":"\\ud800\\u0000"},"eventType":"\\udfff","occurredAt":"2026-06-01T12:00:00Z","name":"\\ud83d"}]' },
  { name: 'unicode everywhere', body: JSON.stringify([{ id: 'ünï-çødé-🚀', identifier: { type: 'email', value: 'Ünï@exämple.com' }, name: '‮RTL 中文 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', eventType: 'ÉVÉNEMENT.🚀', occurredAt: '2026-06-01T12:00:00Z' }]) },
  { name: 'invalid UTF-8 bytes', body: Buffer.concat([Buffer.from('[{"identifier":{"type":"custom","value":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}]')]) },
  { name: 'impossible dates', body: '{"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":1},"reviewDate":"2026-13-45T99:99:99Z","eventType":"X","occurredAt":"0000-00-00T00:00:00Z"}' },
  { name: 'dates at the edge of the calendar', body: '[{"id":"edge-1","createdAt":"9999-12-31T23:59:59.999999999+23:59","identifier":{"type":"custom","value":"edge-1"},"eventType":"X","occurredAt":"0001-01-01T00:00:00-23:59","reviewDate":"+275760-09-13T00:00:00Z"}]' },
  { name: 'duplicate keys in one batch', body: '[{"id":"dup","identifier":{"type":"custom","value":"dup"}},{"id":"dup","identifier":{"type":"custom","value":"dup-2"},"x":1}]' },
  { name: 'very long id', body: JSON.stringify([{ id: 'x'.repeat(200_000), identifier: { type: 'custom', value: 'y'.repeat(200_000) } }]) },
  { name: 'odd keys', body: '[{"":1,"\\u0000":2,"constructor":{"a":1},"toString":"x","hasOwnProperty":1,"identifier":{"type":"custom","value":"odd-keys"}}]' },
  { name: '__proto__ nested deep', body: '[{"identifier":{"type":"custom","value":"p"},"metadata":{"a":{"b":{"__proto__":{"polluted":true}}}}}]' },
  { name: 'constructor.prototype', body: '{"constructor":{"prototype":{"polluted":true}}}' },
];

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
        assertError(await postRaw('/customer/events', '{"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","data":{"__proto__":{"polluted":true}}}'), 400, 'MALFORMED_JSON', 'event');
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
        for (const type of ['application/json; charset=latin1', 'application/json; charset=iso-8859-1', 'application/json;charset="utf-16"', 'application/json; charset=us-ascii']) {
          assertError(await send({ 'content-type': type }), 415, 'UNSUPPORTED_MEDIA_TYPE', type);
        }
        assert.equal((await server.request('GET', '/customers/custom:ct-ok')).status, 404);
      });

      it('accepts application/json with charset utf-8 (any spelling) or no charset', async () => {
        const types = ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset="utf-8"', 'application/json; charset=utf8', 'Application/JSON'];
        for (const [i, type] of types.entries()) {
          const res = await send({ 'content-type': type }, JSON.stringify([customer(`ct-${i}`)]));
          assert.equal(res.status, 200, `${type}: got ${res.status} ${res.text}`);
          assert.equal((await server.request('GET', `/customers/custom:ct-${i}`)).status, 200, type);
        }
      });
    });

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
        const res = await rawRequest(server.url, { path: '/customers', body: oneMiB, headers: { 'content-type': JSON_TYPE, 'content-length': String(oneMiB.length) } });
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
        assert.ok(details.some((d) => d.startsWith('/1/identifier: ')), `item 1 named: ${details.join(' | ')}`);
        assert.ok(details.some((d) => d.startsWith('/3/identifier/type: ')), `item 3 named: ${details.join(' | ')}`);
        assert.ok(details.some((d) => d.startsWith('/4/identifier/value: ')), `item 4 named: ${details.join(' | ')}`);
        assert.ok(!details.some((d) => d.startsWith('/0/') || d.startsWith('/2/')), `good items are not named: ${details.join(' | ')}`);
        assert.equal((await server.request('GET', '/customers/custom:bare-good-0')).status, 404, 'all or nothing');
        assert.equal((await server.request('GET', '/customers/custom:bare-good-2')).status, 404, 'all or nothing');
      });

      it('prefixes the pointers with /items for the wrapped form, and writes nothing', async () => {
        const res = await server.request('POST', '/customers', { items: goodAndBad('wrapped') });
        assertError(res, 400, 'VALIDATION_ERROR');
        const details: string[] = res.json.details;
        for (const line of details) assert.match(line, /^\/items\/\d+(\/[^:\s]*)?: \S/, `"${line}" is "/items/<n>...: <reason>"`);
        assert.ok(details.some((d) => d.startsWith('/items/1/identifier: ')), details.join(' | '));
        assert.ok(details.some((d) => d.startsWith('/items/3/identifier/type: ')), details.join(' | '));
        assert.ok(details.some((d) => d.startsWith('/items/4/identifier/value: ')), details.join(' | '));
        assert.equal((await server.request('GET', '/customers/custom:wrapped-good-0')).status, 404, 'all or nothing');
      });

      it('writes nothing of a batch with a single bad item at its end', async () => {
        const batch = [customer('one-bad-0'), customer('one-bad-1'), customer('one-bad-2'), { identifier: { type: 'email' } }];
        const res = await server.request('POST', '/customers', batch);
        assertError(res, 400, 'VALIDATION_ERROR');
        assert.deepEqual(res.json.details.map((d: string) => d.split(':')[0]), ['/3/identifier/value']);
        for (let i = 0; i < 3; i++) assert.equal((await server.request('GET', `/customers/custom:one-bad-${i}`)).status, 404);
        const list = await server.request('GET', '/customers?customerIdentifierType=custom');
        assert.equal(list.json.filter((c: any) => String(c.identifier?.value).startsWith('one-bad')).length, 0);
      });

      it('lists every bad lead and order by pointer, and writes none of them', async () => {
        const leads = await server.request('POST', '/leads', [{ id: 'lead-ok' }, { id: '' }, { id: 'lead-ok-2', contact: 42 }]);
        assertError(leads, 400, 'VALIDATION_ERROR', 'leads');
        assert.ok(leads.json.details.some((d: string) => d.startsWith('/1/id: ')), leads.json.details.join(' | '));
        assert.ok(leads.json.details.some((d: string) => d.startsWith('/2/contact')), leads.json.details.join(' | '));
        assert.deepEqual((await server.request('GET', '/leads')).json, []);
        const orders = await server.request('POST', '/orders', { items: [{ id: 'ord-ok' }, { status: 'CONFIRMED' }, { id: 7 }] });
        assertError(orders, 400, 'VALIDATION_ERROR', 'orders');
        assert.ok(orders.json.details.some((d: string) => d.startsWith('/items/1/id: ')), orders.json.details.join(' | '));
        assert.ok(orders.json.details.some((d: string) => d.startsWith('/items/2/id: ')), orders.json.details.join(' | '));
        assert.equal((await server.request('GET', '/orders/ord-ok')).status, 404);
      });

      it('refuses a phone or document identifier with no digit with 400 VALIDATION_ERROR', async () => {
        for (const identifier of [{ type: 'phone', value: 'no digits here' }, { type: 'phone', value: '+( ) -' }, { type: 'document', value: 'abc.def-gh' }]) {
          const res = await server.request('POST', '/customers', [customer('digits-ok'), { identifier }]);
          assertError(res, 400, 'VALIDATION_ERROR', identifier.value);
          assert.ok(res.json.details.some((d: string) => d.startsWith('/1/identifier/value: ')), res.json.details.join(' | '));
        }
        assert.equal((await server.request('GET', '/customers/custom:digits-ok')).status, 404);
      });
    });

    describe('not found', () => {
      const server = useServer(kind);

      it('answers an unknown id with 404 NOT_FOUND on every read-by-id path', async () => {
        for (const path of ['/customers/no-such-customer', '/customers/email:nobody@example.com', '/orders/no-such-order', '/customers/orders/no-such-order', '/reviews/no-such-review', '/customers/no-such-customer/reviews']) {
          assertError(await server.request('GET', path), 404, 'NOT_FOUND', path);
        }
      });

      it('answers an unknown path with a 404 JSON error', async () => {
        for (const [method, path] of [['GET', '/nothing-here'], ['GET', '/customers/a/b/c'], ['POST', '/nothing-here'], ['GET', '/customer'], ['GET', '/customer/events/x/y']]) {
          const res = method === 'POST' ? await server.request(method, path, [customer('x')]) : await server.request(method, path);
          assertError(res, 404, 'NOT_FOUND', `${method} ${path}`);
        }
      });

      it('answers a method the path does not serve with a JSON 404 or 405', async () => {
        for (const method of ['DELETE', 'PUT', 'PATCH']) {
          const res = await server.request(method, '/customers', [customer('x')]);
          assert.ok(res.status === 404 || res.status === 405, `${method}: ${res.status}`);
          assertError(res, res.status, res.status === 404 ? 'NOT_FOUND' : 'METHOD_NOT_ALLOWED', method);
        }
      });
    });

    describe('request ids', () => {
      const server = useServer(kind, { bodyLimit: 1024 });
      const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

      it('puts an X-Request-Id on every answer, success or error', async () => {
        const answers: [string, TestResponse][] = [
          ['200 list', await server.request('GET', '/customers')],
          ['200 write', await server.request('POST', '/customers', [customer('rid')])],
          ['400', await server.request('POST', '/customers', '[', { 'content-type': JSON_TYPE })],
          ['404', await server.request('GET', '/nothing-here')],
          ['413', await server.request('POST', '/customers', bigCustomerBatch('rid-big', 4096).toString())],
          ['415', await server.request('POST', '/customers', '[]', { 'content-type': 'text/plain' })],
        ];
        const ids = new Set<string>();
        for (const [name, res] of answers) {
          const id = res.headers.get('x-request-id');
          assert.ok(id, `${name} carries X-Request-Id`);
          assert.match(id, REQUEST_ID, name);
          ids.add(id);
        }
        assert.equal(ids.size, answers.length, 'each request gets its own id');
      });

      it('echoes a safe client-given X-Request-Id', async () => {
        for (const given of ['abc-123', 'trace.01:span_02', 'A'.repeat(128), '6f1c3e5a-8d2b-4c7e-9f0a-1b2c3d4e5f60']) {
          const ok = await server.request('GET', '/customers', undefined, { 'x-request-id': given });
          assert.equal(ok.headers.get('x-request-id'), given);
          const error = await server.request('GET', '/nothing-here', undefined, { 'x-request-id': given });
          assert.equal(error.headers.get('x-request-id'), given, 'on errors too');
        }
      });

      it('replaces a client-given X-Request-Id with unsafe characters or length', async () => {
        for (const given of ['bad id', '<script>alert(1)</script>', 'a/b', 'x\ty', 'A'.repeat(129), 'naïve', 'a,b']) {
          const res = await server.request('GET', '/customers', undefined, { 'x-request-id': given });
          const id = res.headers.get('x-request-id');
          assert.ok(id, given);
          assert.notEqual(id, given, JSON.stringify(given));
          assert.match(id, REQUEST_ID, JSON.stringify(given));
        }
      });
    });

    describe('no input makes a 500', () => {
      const server: TestServer = useServer(kind);

      for (const { path } of POSTS) {
        it(`POST ${path} answers every nasty body below 500, with a JSON error body`, { timeout: 120_000 }, async () => {
          const failures: string[] = [];
          for (const { name, body } of NASTY) {
            let res: TestResponse;
            try {
              res = await rawRequest(server.url, { path, body, headers: { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(body)) } });
            } catch (error) {
              failures.push(`${name}: ${String(error)}`);
              continue;
            }
            if (res.status >= 500) failures.push(`${name}: ${res.status} ${res.text.slice(0, 200)}`);
            else if (res.status >= 400 && (typeof res.json?.code !== 'string' || !Array.isArray(res.json?.details) || typeof res.json?.message !== 'string')) {
              failures.push(`${name}: ${res.status} without an ErrorResponse body: ${res.text.slice(0, 200)}`);
            } else if (res.status < 200 || res.status >= 300 && res.status < 400) failures.push(`${name}: unexpected ${res.status}`);
          }
          assert.deepEqual(failures, []);
          assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
          const alive = await server.request('GET', '/customers?pageSize=1');
          assert.equal(alive.status, 200, 'the server still serves');
        });
      }

      it('still serves a valid request on every POST endpoint afterwards', async () => {
        for (const { path, status, valid } of POSTS) {
          const res = await server.request('POST', path, valid);
          assert.equal(res.status, status, `${path}: ${res.text}`);
        }
      });
    });
  });
}
