/**
 * Error answers everywhere (docs/contract.md §4), black-box over a real socket: unknown ids,
 * paths and methods answer a JSON 404 (or 405); every answer, success or error, carries an
 * X-Request-Id (a safe client-given one is echoed, an unsafe one replaced); and no input,
 * however broken (deep nesting, huge numbers, nulls, odd types, invalid UTF-8, prototype keys),
 * yields a 500 or takes the server down. Each error is the committee's ErrorResponse
 * `{code, message, details}`.
 *
 * `fetch` drives the ordinary cases; `node:http` (support/raw-request.ts) sends the nasty
 * bodies with exactly the given bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertError, bigCustomerBatch, customer, JSON_TYPE, POSTS } from './support/error-cases.js';
import { rawRequest } from './support/raw-request.js';
import { STORES } from './support/stores.js';
import { useServer, type TestResponse, type TestServer } from './support/test-server.js';

const deep = (levels: number, open: string, close: string, inner = '1') => open.repeat(levels) + inner + close.repeat(levels);

/** Bodies no client should send. None of them may yield a 500 or take the server down. */
const NASTY: { name: string; body: string | Buffer }[] = [
  { name: 'array nested 10k levels', body: deep(10_000, '[', ']') },
  { name: 'object nested 10k levels', body: deep(10_000, '{"a":', '}') },
  {
    name: 'item with metadata nested 10k levels',
    body: `[{"identifier":{"type":"custom","value":"deep-1"},"id":"deep-1","eventType":"X","occurredAt":"2026-06-01T12:00:00Z","metadata":${deep(10_000, '{"a":', '}')}}]`,
  },
  { name: 'event with data nested 10k levels', body: `{"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","data":${deep(10_000, '{"a":', '}')}}` },
  {
    name: 'review with source nested 10k levels',
    body: `{"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":4},"reviewDate":"2026-06-01T12:00:00Z","source":${deep(10_000, '{"a":', '}')}}`,
  },
  { name: 'array nested 100k levels', body: deep(100_000, '[', ']') },
  { name: 'bare 1e400', body: '1e400' },
  { name: 'array of 1e400 and -1e400', body: '[1e400,-1e400,1e-400]' },
  { name: 'huge number inside metadata', body: '[{"identifier":{"type":"custom","value":"huge-1"},"id":"huge-1","metadata":{"n":1e400,"m":-1e400}}]' },
  {
    name: 'huge number as a rating and an id',
    body: '{"reviewId":1e400,"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":1e400},"reviewDate":"2026-06-01T12:00:00Z"}',
  },
  { name: 'NaN literal', body: '[NaN]' },
  { name: 'Infinity literal', body: '{"value":Infinity}' },
  { name: 'NaN-like strings', body: '[{"identifier":{"type":"phone","value":"NaN"},"id":"NaN","value":"Infinity"}]' },
  { name: 'null', body: 'null' },
  { name: 'array of nulls', body: '[null,null,null]' },
  { name: 'items: null', body: '{"items":null}' },
  { name: 'items of nulls', body: '{"items":[null,null]}' },
  {
    name: 'nulls everywhere',
    body: '[{"id":null,"identifier":{"type":null,"value":null},"externalIds":[null],"contacts":{"emails":[null],"phones":null},"metadata":null,"reviewType":null,"overallRating":null,"reviewDate":null,"eventType":null,"occurredAt":null,"data":null,"customer":null}]',
  },
  {
    name: 'single object of nulls',
    body: '{"reviewId":null,"reviewType":null,"overallRating":{"ratingStyle":null,"value":null},"reviewDate":null,"eventType":null,"occurredAt":null,"customerId":null,"data":null}',
  },
  { name: 'string body', body: '"just a string"' },
  { name: 'array of strings', body: '["a","b"]' },
  {
    name: 'strings where objects are expected',
    body: '[{"identifier":"email:x@y.z","id":"s-1","contacts":"none","externalIds":"none","metadata":"none","customer":"c","total":"t","items":"i"}]',
  },
  { name: 'event with string data and numeric type', body: '{"eventType":42,"occurredAt":"2026-06-01T12:00:00Z","data":"text"}' },
  { name: 'numbers as ids', body: '[{"id":123,"identifier":{"type":"custom","value":123},"reviewId":5,"eventId":7}]' },
  {
    name: 'review with numeric ids',
    body: '{"reviewId":123,"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":4},"reviewDate":"2026-06-01T12:00:00Z","customer":{"customerId":9},"subject":{"orderId":8}}',
  },
  { name: 'event with numeric ids', body: '{"id":1,"eventId":2,"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","customerId":3}' },
  { name: 'true', body: 'true' },
  { name: 'zero', body: '0' },
  { name: 'empty object', body: '{}' },
  { name: 'empty array', body: '[]' },
  { name: 'array of empty arrays', body: '[[],[[]]]' },
  { name: 'array of empty objects', body: '[{},{}]' },
  { name: 'items is an object', body: '{"items":{"0":{}}}' },
  {
    name: 'NUL and lone surrogates',
    body: '[{"id":"\\u0000","identifier":{"type":"custom","value":"\\ud800\\u0000"},"eventType":"\\udfff","occurredAt":"2026-06-01T12:00:00Z","name":"\\ud83d"}]',
  },
  {
    name: 'unicode everywhere',
    body: JSON.stringify([
      {
        id: 'ünï-çødé-🚀',
        identifier: { type: 'email', value: 'Ünï@exämple.com' },
        name: '‮RTL 中文 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
        eventType: 'ÉVÉNEMENT.🚀',
        occurredAt: '2026-06-01T12:00:00Z',
      },
    ]),
  },
  {
    name: 'invalid UTF-8 bytes',
    body: Buffer.concat([Buffer.from('[{"identifier":{"type":"custom","value":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}]')]),
  },
  {
    name: 'impossible dates',
    body: '{"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":1},"reviewDate":"2026-13-45T99:99:99Z","eventType":"X","occurredAt":"0000-00-00T00:00:00Z"}',
  },
  {
    name: 'dates at the edge of the calendar',
    body: '[{"id":"edge-1","createdAt":"9999-12-31T23:59:59.999999999+23:59","identifier":{"type":"custom","value":"edge-1"},"eventType":"X","occurredAt":"0001-01-01T00:00:00-23:59","reviewDate":"+275760-09-13T00:00:00Z"}]',
  },
  {
    name: 'duplicate keys in one batch',
    body: '[{"id":"dup","identifier":{"type":"custom","value":"dup"}},{"id":"dup","identifier":{"type":"custom","value":"dup-2"},"x":1}]',
  },
  { name: 'very long id', body: JSON.stringify([{ id: 'x'.repeat(200_000), identifier: { type: 'custom', value: 'y'.repeat(200_000) } }]) },
  { name: 'odd keys', body: '[{"":1,"\\u0000":2,"constructor":{"a":1},"toString":"x","hasOwnProperty":1,"identifier":{"type":"custom","value":"odd-keys"}}]' },
  { name: '__proto__ nested deep', body: '[{"identifier":{"type":"custom","value":"p"},"metadata":{"a":{"b":{"__proto__":{"polluted":true}}}}}]' },
  { name: 'constructor.prototype', body: '{"constructor":{"prototype":{"polluted":true}}}' },
];

for (const kind of STORES) {
  describe(`errors (${kind.name})`, () => {
    describe('not found', () => {
      const server = useServer(kind);

      it('answers an unknown id with 404 NOT_FOUND on every read-by-id path', async () => {
        for (const path of [
          '/customers/no-such-customer',
          '/customers/email:nobody@example.com',
          '/orders/no-such-order',
          '/customers/orders/no-such-order',
          '/reviews/no-such-review',
          '/customers/no-such-customer/reviews',
        ]) {
          assertError(await server.request('GET', path), 404, 'NOT_FOUND', path);
        }
      });

      it('answers an unknown path with a 404 JSON error', async () => {
        for (const [method, path] of [
          ['GET', '/nothing-here'],
          ['GET', '/customers/a/b/c'],
          ['POST', '/nothing-here'],
          ['GET', '/customer'],
          ['GET', '/customer/events/x/y'],
        ]) {
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
            } else if (res.status < 200 || (res.status >= 300 && res.status < 400)) failures.push(`${name}: unexpected ${res.status}`);
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
