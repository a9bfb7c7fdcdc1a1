/**
 * The corpus of nasty cases sent on a bare socket (support/fuzz-wire.ts), each with the answer
 * it must get. One table serves the test (fuzz-wire.test.ts) and docs/hostile-input.md, which
 * the test checks is generated from it, so the document says what is asserted.
 *
 * Servers under test use a request timeout of REQUEST_TIMEOUT_MS so stalls resolve quickly.
 */
import { head, type WireRequest } from './fuzz-wire.js';
import { HOSTILE_DATA_SECTION } from './hostile-data-doc.js';

/** Long enough for a 10 MB case on a loaded 2-core machine (1.5 s cut some off there); short enough for the stalls. */
export const REQUEST_TIMEOUT_MS = 4_000;

export interface Expected {
  status: number;
  /** The ErrorResponse code of a 4xx. */
  code?: string;
}

export interface HostileCase {
  /** The class of hostile input, as the issue names it. */
  class: string;
  name: string;
  request: WireRequest;
  /** One answer for both stores, or one per store when they differ. */
  expect: Expected | { sqlite: Expected; postgres: Expected };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const customerBody = '[{"identifier":{"type":"custom","value":"wire-1"},"name":"Wire"}]';

/** A POST with a body and a correct Content-Length, unless `headers` says otherwise. */
function post(path: string, body: string | Buffer, headers: Record<string, string | number> = JSON_TYPE): WireRequest {
  return { pieces: [head('POST', path, { 'content-length': Buffer.byteLength(body), ...headers }), body] };
}

const get = (path: string, headers: Record<string, string | number> = {}): WireRequest => ({ pieces: [head('GET', path, headers)] });
const raw = (text: string): WireRequest => ({ pieces: [text] });
const deep = (levels: number, open: string, close: string) => `${open.repeat(levels)}1${close.repeat(levels)}`;

/** Pseudo-random text (xorshift) that no compression shrinks, of `length` characters. */
export function incompressible(length: number, seed = 88172645): string {
  let x = seed;
  const codes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    codes[i] = 48 + ((x >>> 0) % 75);
  }
  return Buffer.from(codes).toString('latin1');
}

const MB10 = 10 * 1024 * 1024;
const bad = (code: string, status = 400): Expected => ({ status, code });

export const CORPUS: HostileCase[] = [
  { class: 'Deeply nested JSON', name: 'array nested 10,000 levels', request: post('/customers', deep(10_000, '[', ']')), expect: bad('VALIDATION_ERROR') },
  {
    class: 'Deeply nested JSON',
    name: 'object nested 100,000 levels in metadata',
    request: post('/customers', `[{"identifier":{"type":"custom","value":"d"},"metadata":${deep(100_000, '{"a":', '}')}}]`),
    expect: bad('VALIDATION_ERROR'),
  },
  {
    class: 'Deeply nested JSON',
    name: 'event data nested 65 levels (one past the limit)',
    request: post('/customer/events', `{"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","data":${deep(64, '{"a":', '}')}}`),
    expect: bad('VALIDATION_ERROR'),
  },

  {
    class: '10 MB strings',
    name: 'customer name of 10 MB (a stored customer is at most 64 KiB, docs/contract.md §9)',
    request: post('/customers', JSON.stringify([{ identifier: { type: 'custom', value: 'ten-mb-name' }, name: 'x'.repeat(MB10) }])),
    expect: bad('VALIDATION_ERROR'),
  },
  {
    class: '10 MB strings',
    name: 'identifier value of 10 MB of incompressible text',
    request: post('/customers', JSON.stringify([{ identifier: { type: 'custom', value: incompressible(MB10) } }])),
    expect: bad('VALIDATION_ERROR'),
  },
  {
    class: '10 MB strings',
    name: 'event id of 10 MB of incompressible text',
    request: post('/customer/events', JSON.stringify({ id: incompressible(MB10, 7), eventType: 'X', occurredAt: '2026-06-01T12:00:00Z' })),
    expect: bad('VALIDATION_ERROR'),
  },
  {
    class: '10 MB strings',
    name: 'body of 20 MB (over the 16 MiB limit)',
    request: post('/customers', JSON.stringify([{ identifier: { type: 'custom', value: 'big' }, name: 'x'.repeat(2 * MB10) }])),
    expect: bad('PAYLOAD_TOO_LARGE', 413),
  },

  {
    class: '`__proto__` and `constructor` keys',
    name: '"__proto__" key in a customer',
    request: post('/customers', '[{"identifier":{"type":"custom","value":"p"},"__proto__":{"polluted":true}}]'),
    expect: bad('MALFORMED_JSON'),
  },
  {
    class: '`__proto__` and `constructor` keys',
    name: '"__proto__" nested in metadata',
    request: post('/customers', '[{"identifier":{"type":"custom","value":"p"},"metadata":{"a":{"__proto__":{"polluted":true}}}}]'),
    expect: bad('MALFORMED_JSON'),
  },
  {
    class: '`__proto__` and `constructor` keys',
    name: '"constructor": {"prototype": ...} in event data',
    request: post('/customer/events', '{"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","data":{"constructor":{"prototype":{"polluted":true}}}}'),
    expect: bad('MALFORMED_JSON'),
  },
  {
    class: '`__proto__` and `constructor` keys',
    name: '"constructor" key with a plain value',
    request: post('/customers', '[{"identifier":{"type":"custom","value":"ctor"},"metadata":{"customRules":{"constructor":1}}}]'),
    expect: { status: 200 },
  },

  {
    class: 'Invalid UTF-8',
    name: '0xFF 0xFE inside a string',
    request: post('/customers', Buffer.concat([Buffer.from('[{"identifier":{"type":"custom","value":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}]')])),
    expect: bad('MALFORMED_JSON'),
  },
  {
    class: 'Invalid UTF-8',
    name: 'overlong encoding of "/" (0xC0 0xAF)',
    request: post('/customers', Buffer.concat([Buffer.from('[{"identifier":{"type":"custom","value":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}}]')])),
    expect: bad('MALFORMED_JSON'),
  },
  {
    class: 'Invalid UTF-8',
    name: 'UTF-8-encoded lone surrogate (0xED 0xA0 0x80)',
    request: post(
      '/reviews',
      Buffer.concat([
        Buffer.from('{"reviewId":"'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('","reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":4},"reviewDate":"2026-06-01T12:00:00Z"}'),
      ]),
    ),
    expect: bad('MALFORMED_JSON'),
  },
  {
    class: 'Invalid UTF-8',
    name: 'escaped NUL and lone surrogate (\\u0000, \\ud800)',
    request: post('/customers', '[{"identifier":{"type":"custom","value":"\\ud800\\u0000"}}]'),
    expect: bad('VALIDATION_ERROR'),
  },

  {
    class: 'Duplicate keys',
    name: 'identifier given twice (the last one wins)',
    request: post('/customers', '[{"identifier":{"type":"nope","value":"x"},"identifier":{"type":"custom","value":"dup-key"}}]'),
    expect: { status: 200 },
  },
  {
    class: 'Duplicate keys',
    name: 'eventType given twice, the last one invalid',
    request: post('/customer/events', '{"eventType":"X","occurredAt":"2026-06-01T12:00:00Z","eventType":""}'),
    expect: bad('VALIDATION_ERROR'),
  },

  {
    class: 'Numbers like 1e400',
    name: '1e400 in metadata (parsed as Infinity)',
    request: post('/customers', '[{"identifier":{"type":"custom","value":"inf"},"metadata":{"n":1e400,"m":-1e400}}]'),
    expect: { status: 200 },
  },
  {
    class: 'Numbers like 1e400',
    name: '1e400 as a rating value',
    request: post('/reviews', '{"reviewType":"ORDER","overallRating":{"ratingStyle":"STAR","value":1e400},"reviewDate":"2026-06-01T12:00:00Z"}'),
    expect: bad('VALIDATION_ERROR'),
  },
  { class: 'Numbers like 1e400', name: '1e400 as the whole body', request: post('/customers', '1e400'), expect: bad('VALIDATION_ERROR') },
  { class: 'Numbers like 1e400', name: 'NaN literal', request: post('/customers', '[NaN]'), expect: bad('MALFORMED_JSON') },

  {
    class: 'Wrong content types',
    name: 'text/plain',
    request: post('/customers', customerBody, { 'content-type': 'text/plain' }),
    expect: bad('UNSUPPORTED_MEDIA_TYPE', 415),
  },
  { class: 'Wrong content types', name: 'no Content-Type', request: post('/customers', customerBody, {}), expect: bad('UNSUPPORTED_MEDIA_TYPE', 415) },
  {
    class: 'Wrong content types',
    name: 'application/x-www-form-urlencoded',
    request: post('/customers', 'identifier=x', { 'content-type': 'application/x-www-form-urlencoded' }),
    expect: bad('UNSUPPORTED_MEDIA_TYPE', 415),
  },
  {
    class: 'Wrong content types',
    name: 'multipart/form-data',
    request: post('/customers', '--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }),
    expect: bad('UNSUPPORTED_MEDIA_TYPE', 415),
  },
  {
    class: 'Wrong content types',
    name: 'application/json; charset=latin1',
    request: post('/customers', customerBody, { 'content-type': 'application/json; charset=latin1' }),
    expect: bad('UNSUPPORTED_MEDIA_TYPE', 415),
  },
  {
    class: 'Wrong content types',
    name: 'application/json; charset=utf-16 with a UTF-16 body',
    request: post('/customers', Buffer.from(customerBody, 'utf16le'), { 'content-type': 'application/json; charset=utf-16' }),
    expect: bad('UNSUPPORTED_MEDIA_TYPE', 415),
  },
  {
    class: 'Wrong content types',
    name: 'application/xml',
    request: post('/customer/events', '<event/>', { 'content-type': 'application/xml' }),
    expect: bad('UNSUPPORTED_MEDIA_TYPE', 415),
  },

  {
    class: 'Truncated bodies',
    name: 'Content-Length 1000, 66 bytes sent, then the client closes',
    request: { pieces: [head('POST', '/customers', { ...JSON_TYPE, 'content-length': 1000 }), customerBody], halfClose: true },
    expect: bad('MALFORMED_REQUEST'),
  },
  {
    class: 'Truncated bodies',
    name: 'Content-Length 1000, 66 bytes sent, then silence',
    request: { pieces: [head('POST', '/customers', { ...JSON_TYPE, 'content-length': 1000 }), customerBody] },
    expect: bad('REQUEST_TIMEOUT', 408),
  },
  {
    class: 'Truncated bodies',
    name: 'chunked body cut inside a chunk, then the client closes',
    request: { pieces: [head('POST', '/customers', { ...JSON_TYPE, 'transfer-encoding': 'chunked' }), '100\r\n[{"identifier"'], halfClose: true },
    expect: bad('MALFORMED_REQUEST'),
  },
  { class: 'Truncated bodies', name: 'valid framing, JSON cut short', request: post('/customers', customerBody.slice(0, 30)), expect: bad('MALFORMED_JSON') },

  {
    class: 'Slow bodies',
    name: 'body sent one byte every 10 ms (completes in time)',
    request: { pieces: [head('POST', '/customers', { ...JSON_TYPE, 'content-length': customerBody.length }), ...[...customerBody].flatMap((c) => [c, 10])] },
    expect: { status: 200 },
  },
  {
    class: 'Slow bodies',
    name: 'headers sent, body never',
    request: { pieces: [head('POST', '/customers', { ...JSON_TYPE, 'content-length': customerBody.length })] },
    expect: bad('REQUEST_TIMEOUT', 408),
  },
  {
    class: 'Slow bodies',
    name: 'headers sent one line per 100 ms, never finished',
    request: { pieces: ['POST /customers HTTP/1.1\r\n', 100, 'Host: x\r\n', 100, ...Array.from({ length: 30 }, (_, i) => [`X-Slow-${i}: 1\r\n`, 100]).flat()] },
    expect: bad('REQUEST_TIMEOUT', 408),
  },

  { class: 'Huge headers', name: 'one header of 100 kB', request: get('/customers', { 'x-big': 'a'.repeat(100_000) }), expect: bad('HEADERS_TOO_LARGE', 431) },
  {
    class: 'Huge headers',
    name: '3,000 headers',
    request: get('/customers', Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`x-h${i}`, 'v']))),
    expect: bad('HEADERS_TOO_LARGE', 431),
  },
  { class: 'Huge headers', name: 'URL of 100 kB', request: get(`/customers?externalId=${'a'.repeat(100_000)}`), expect: bad('HEADERS_TOO_LARGE', 431) },
  {
    class: 'Huge headers',
    name: 'Authorization of 15 kB (under the limit)',
    request: get('/customers?externalId=none', { authorization: `Bearer ${'a'.repeat(15_000)}` }),
    expect: { status: 200 },
  },

  {
    class: 'Header injection',
    name: 'CR LF inside X-Request-Id (becomes a second header line)',
    request: raw('GET /customers?externalId=none HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\r\nSet-Cookie: evil=1\r\n\r\n'),
    expect: { status: 200 },
  },
  {
    class: 'Header injection',
    name: 'bare CR inside a header value',
    request: raw('GET /customers HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rSet-Cookie: evil=1\r\n\r\n'),
    expect: bad('MALFORMED_REQUEST'),
  },
  {
    class: 'Header injection',
    name: 'NUL inside a header value',
    request: raw('GET /customers HTTP/1.1\r\nHost: x\r\nX-App-MerchantId: a\u0000b\r\n\r\n'),
    expect: bad('MALFORMED_REQUEST'),
  },
  {
    class: 'Header injection',
    name: 'space before the colon of a header name',
    request: raw('GET /customers HTTP/1.1\r\nHost: x\r\nX-Request-Id : a\r\n\r\n'),
    expect: bad('MALFORMED_REQUEST'),
  },
  {
    class: 'Header injection',
    name: 'Content-Length and Transfer-Encoding together (smuggling)',
    request: post('/customers', customerBody, { ...JSON_TYPE, 'transfer-encoding': 'chunked' }),
    expect: bad('MALFORMED_REQUEST'),
  },
  {
    class: 'Header injection',
    name: 'two different Content-Length headers',
    request: raw(
      `POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: ${customerBody.length}\r\n\r\n${customerBody}`,
    ),
    expect: bad('MALFORMED_REQUEST'),
  },
  {
    class: 'Header injection',
    name: 'chunk size that is not hexadecimal',
    request: { pieces: [head('POST', '/customers', { ...JSON_TYPE, 'transfer-encoding': 'chunked' }), 'zz\r\nabc\r\n0\r\n\r\n'] },
    expect: bad('MALFORMED_REQUEST'),
  },

  {
    class: 'SQL injection in the URL',
    name: "path id ' OR '1'='1",
    request: get(`/customers/${encodeURIComponent("' OR '1'='1")}`),
    expect: bad('NOT_FOUND', 404),
  },
  {
    class: 'SQL injection in the URL',
    name: 'path id with ; DROP TABLE',
    request: get(`/orders/${encodeURIComponent("x'; DROP TABLE orders; --")}`),
    expect: bad('NOT_FOUND', 404),
  },
  {
    class: 'SQL injection in the URL',
    name: 'externalId filter with UNION SELECT',
    request: get(`/customers?externalId=${encodeURIComponent("' UNION SELECT sql FROM sqlite_master --")}`),
    expect: { status: 200 },
  },
  {
    class: 'SQL injection in the URL',
    name: 'pageSize with OR 1=1',
    request: get(`/customers?pageSize=${encodeURIComponent('1 OR 1=1')}`),
    expect: bad('VALIDATION_ERROR'),
  },
  {
    class: 'SQL injection in the URL',
    name: 'cursor with SQL',
    request: get(`/customers?cursor=${encodeURIComponent("'; DELETE FROM customers; --")}`),
    expect: bad('VALIDATION_ERROR'),
  },

  { class: 'Broken requests', name: 'garbage request line', request: raw('\u0000\u0001GARBAGE\r\n\r\n'), expect: bad('MALFORMED_REQUEST') },
  { class: 'Broken requests', name: 'unknown method token', request: raw('FOO /customers HTTP/1.1\r\nHost: x\r\n\r\n'), expect: bad('MALFORMED_REQUEST') },
  { class: 'Broken requests', name: 'HTTP/9.9', request: raw('GET /customers HTTP/9.9\r\nHost: x\r\n\r\n'), expect: bad('MALFORMED_REQUEST') },
  { class: 'Broken requests', name: 'invalid percent-encoding in the path', request: get('/customers/%E0%A4%A'), expect: bad('MALFORMED_REQUEST') },
  { class: 'Broken requests', name: 'path segment of 3,000 characters', request: get(`/customers/${'a'.repeat(3_000)}`), expect: bad('MALFORMED_REQUEST') },
  {
    class: 'Broken requests',
    // A known path with a method it does not serve (docs/contract.md §1.5).
    name: 'SEARCH, a method the path does not serve',
    request: raw('SEARCH /customers HTTP/1.1\r\nHost: x\r\n\r\n'),
    expect: bad('METHOD_NOT_ALLOWED', 405),
  },
  {
    class: 'Broken requests',
    name: 'OPTIONS without CORS preflight headers',
    request: raw('OPTIONS /customers HTTP/1.1\r\nHost: x\r\n\r\n'),
    expect: { status: 204 },
  },
];

/** The expected answer of a case on a store. */
export function expectedFor(c: HostileCase, store: 'sqlite' | 'postgres'): Expected {
  return 'status' in c.expect ? c.expect : c.expect[store];
}

const show = (e: Expected) => `${e.status}${e.code ? ` ${e.code}` : ''}`;

/** docs/hostile-input.md: every class tried and the answer it gets, from CORPUS and the generated classes. */
/**
 * Everything from this line on in docs/hostile-input.md is hand-written (the "Hostile peers"
 * part): the generator keeps it, and the sync test compares only what comes before it.
 */
export const HAND_WRITTEN_MARKER = '<!-- Hand-written from here on: scripts/hostile-input-doc.ts keeps it as it is. -->';

/** The generated part of a hostile-input document on disk (all of it when it has no hand-written part). */
export function generatedPartOf(document: string): string {
  const at = document.indexOf(`\n${HAND_WRITTEN_MARKER}`);
  return at === -1 ? document : document.slice(0, at);
}

/** The hand-written part of a document on disk, marker included ('' when there is none). */
export function handWrittenPartOf(document: string): string {
  const at = document.indexOf(HAND_WRITTEN_MARKER);
  return at === -1 ? '' : document.slice(at);
}

export function hostileInputDocument(generated: { kind: string; answer: string }[]): string {
  const lines = [
    '# Hostile input: what odc answers',
    '',
    'Generated from the tests (test/support/fuzz-corpus.ts, test/support/fuzz-requests.ts); `fuzz-wire.test.ts`',
    'fails when this file is out of date. Regenerate with `npx tsx scripts/hostile-input-doc.ts`.',
    '',
    'Every answer is a 2xx or a 4xx whose body is the ErrorResponse `{code, message, details}`; never a 5xx.',
    'The process keeps running, heap use returns to its baseline after a burst, and refused requests leave',
    'stored data unchanged (both stores).',
    '',
    '## On the wire (real socket, each case on both stores)',
    '',
    '| Class | Case | Answer |',
    '| --- | --- | --- |',
  ];
  for (const c of CORPUS) {
    const answer = 'status' in c.expect ? show(c.expect) : `SQLite ${show(c.expect.sqlite)}; PostgreSQL ${show(c.expect.postgres)}`;
    lines.push(`| ${c.class} | ${c.name.replace(/\|/g, '\\|')} | ${answer} |`);
  }
  lines.push('', '## Generated (fast-check, 10,000 requests per run on SQLite, 2,500 on PostgreSQL)', '', '| Class | Answer asserted |', '| --- | --- |');
  for (const g of generated) lines.push(`| ${g.kind} | ${g.answer} |`);
  lines.push('', ...HOSTILE_DATA_SECTION);
  return `${lines.join('\n')}\n`;
}
