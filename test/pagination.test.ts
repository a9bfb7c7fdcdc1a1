/**
 * Lists over HTTP (contract-decisions §2): bare JSON arrays, `X-Total-Count`, RFC 8288 `Link`
 * headers, strict query parameters, stable (updatedAt, id) order, the updatedFrom/updatedTo
 * filters, and the promise of cursor walks: a client that follows `rel="next"` while others
 * write never skips a record and sees one again only when it changed meanwhile.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer, type TestResponse, type TestServer } from './support/test-server.js';

/** The `Link` header as rel → target. */
function linksOf(res: TestResponse): Record<string, string> {
  const out: Record<string, string> = {};
  const header = res.headers.get('link');
  if (!header) return out;
  for (const match of header.matchAll(/<([^>]*)>\s*;\s*rel="?([^",;\s]+)"?/g)) out[match[2]] = match[1];
  return out;
}

/** A link target (relative or absolute) as the path and query to request on the same server. */
function pathOf(server: TestServer, target: string, from: string): string {
  const url = new URL(target, new URL(from, server.url));
  assert.equal(url.origin, new URL(server.url).origin, `link ${target} stays on the server`);
  return url.pathname + url.search;
}

function paramsOf(server: TestServer, target: string): URLSearchParams {
  return new URL(target, server.url).searchParams;
}

function totalOf(res: TestResponse): number {
  const header = res.headers.get('x-total-count');
  assert.ok(header !== null && /^\d+$/.test(header), `X-Total-Count is a count (got ${header})`);
  return Number(header);
}

async function getList(server: TestServer, path: string): Promise<TestResponse> {
  const res = await server.request('GET', path);
  assert.equal(res.status, 200, `GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.ok(Array.isArray(res.json), `GET ${path} answers a bare JSON array`);
  return res;
}

interface Walk {
  pages: any[][];
  items: any[];
  responses: TestResponse[];
}

/**
 * Follows `rel="next"` from `first` until there is none, calling `between` after each page
 * that has a next link (before that link is followed), as a client syncing while others
 * write would see it.
 */
async function walk(server: TestServer, first: string, between?: (pageIndex: number) => Promise<void>): Promise<Walk> {
  const result: Walk = { pages: [], items: [], responses: [] };
  let path: string | undefined = first;
  while (path !== undefined) {
    assert.ok(result.pages.length < 1000, 'the walk ends');
    const res = await getList(server, path);
    result.pages.push(res.json);
    result.items.push(...res.json);
    result.responses.push(res);
    const next = linksOf(res).next;
    if (next !== undefined) {
      assert.ok(paramsOf(server, next).get('cursor'), `rel="next" carries a cursor: ${next}`);
      assert.ok(res.json.length > 0, 'a page with a next link is not empty');
    }
    if (next === undefined) break;
    // Writes happen only while the walk goes on: a record written after its last page
    // cannot be in it (the next sync, from the last updatedAt, picks it up).
    if (between) await between(result.pages.length - 1);
    path = pathOf(server, next, path);
  }
  return result;
}

function countBy<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

const ms = (iso: string) => Date.parse(iso);
const customer = (id: string, name = 'v0') => ({ id, identifier: { type: 'custom', value: id }, name });
const pad = (n: number, width = 3) => String(n).padStart(width, '0');

/** Asserts a 400 VALIDATION_ERROR whose message or details name `param`. */
function assertQueryError(res: TestResponse, param: string, context: string): void {
  assert.equal(res.status, 400, `${context}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(res.json?.code, 'VALIDATION_ERROR', context);
  assert.equal(typeof res.json.message, 'string', context);
  assert.ok(Array.isArray(res.json.details), context);
  const text = [res.json.message, ...res.json.details].join('\n');
  assert.ok(text.includes(param), `${context}: the answer names ${param}: ${text}`);
}

for (const kind of STORES) {
  describe(`pagination (${kind.name})`, () => {
    describe('list answers', () => {
      const server = useServer(kind);
      const SEEDED = 120;
      // One batch, sent in descending id order, so that insertion order and id order disagree.
      const ids = Array.from({ length: SEEDED }, (_, i) => `c-${pad(SEEDED - 1 - i)}`);

      before(async () => {
        const res = await server.request('POST', '/customers', ids.map((id) => customer(id)));
        assert.equal(res.status, 200, res.text);
      });

      it('answers an empty list with [] , X-Total-Count 0 and no next link, on every list path', async () => {
        for (const path of ['/leads', '/customers/leads', '/orders', '/customers/orders', '/reviews', '/customers/reviews', '/customer/events']) {
          const res = await getList(server, path);
          assert.deepEqual(res.json, [], path);
          assert.equal(totalOf(res), 0, path);
          assert.equal(linksOf(res).next, undefined, path);
        }
      });

      it('answers a bare JSON array with X-Total-Count and pages 50 by default', async () => {
        const res = await getList(server, '/customers');
        assert.equal(res.json.length, 50);
        assert.equal(totalOf(res), SEEDED);
        for (const item of res.json) assert.equal(typeof item.id, 'string');
        const links = linksOf(res);
        assert.ok(links.next, `rel="next" on page 1: ${res.headers.get('link')}`);
        assert.ok(paramsOf(server, links.next).get('cursor'), 'next carries a cursor');
        assert.equal(links.prev, undefined, 'no rel="prev" on page 1');
        assert.equal(links.first, undefined, 'no rel="first" on page 1');
      });

      it('walks every record exactly once by following rel="next", ending without a next link', async () => {
        const result = await walk(server, '/customers?pageSize=7');
        assert.deepEqual(result.pages.map((p) => p.length), [...Array(17).fill(7), 1]);
        const seen = result.items.map((c) => c.id);
        assert.equal(new Set(seen).size, seen.length, 'no record twice');
        assert.deepEqual([...seen].sort(), [...ids].sort(), 'every record once');
        for (const res of result.responses) assert.equal(totalOf(res), SEEDED);
        assert.equal(linksOf(result.responses.at(-1) as TestResponse).next, undefined);
      });

      it('keeps the pageSize in the next link and returns the same order as one big page', async () => {
        const big = await getList(server, '/customers?pageSize=500');
        assert.equal(big.json.length, SEEDED);
        const first = await getList(server, '/customers?pageSize=11');
        assert.equal(paramsOf(server, linksOf(first).next).get('pageSize'), '11');
        const result = await walk(server, '/customers?pageSize=11');
        assert.deepEqual(result.items.map((c) => c.id), big.json.map((c: any) => c.id));
      });

      it('keeps the same order across identical requests, with updatedAt never decreasing', async () => {
        const a = await getList(server, '/customers?pageSize=500');
        const b = await getList(server, '/customers?pageSize=500');
        assert.deepEqual(b.json, a.json);
        for (let i = 1; i < a.json.length; i++) {
          assert.ok(ms(a.json[i - 1].updatedAt) <= ms(a.json[i].updatedAt), `updatedAt order at ${i}: ${a.json[i - 1].updatedAt} > ${a.json[i].updatedAt}`);
        }
      });

      it('orders by updatedAt, then id: records with the same updatedAt come in id order', async () => {
        const list = (await getList(server, '/customers?pageSize=500')).json;
        const misordered: string[] = [];
        for (let i = 1; i < list.length; i++) {
          const [prev, cur] = [list[i - 1], list[i]];
          if (prev.updatedAt === cur.updatedAt && !(prev.id < cur.id)) misordered.push(`${prev.id} (${prev.updatedAt}) before ${cur.id} (${cur.updatedAt})`);
        }
        assert.deepEqual(misordered.slice(0, 5), [], `${misordered.length} pairs with equal updatedAt out of id order`);
      });

      it('serves page numbers with rel="prev" and rel="first" that lead back', async () => {
        const all = (await getList(server, '/customers?pageSize=500')).json.map((c: any) => c.id);
        const page2 = await getList(server, '/customers?page=2&pageSize=10');
        assert.deepEqual(page2.json.map((c: any) => c.id), all.slice(10, 20));
        const links = linksOf(page2);
        assert.ok(links.prev && links.first && links.next, `prev, first and next on page 2: ${page2.headers.get('link')}`);
        const prev = await getList(server, pathOf(server, links.prev, '/customers'));
        assert.deepEqual(prev.json.map((c: any) => c.id), all.slice(0, 10));
        const first = await getList(server, pathOf(server, links.first, '/customers'));
        assert.deepEqual(first.json.map((c: any) => c.id), all.slice(0, 10));
        const next = await getList(server, pathOf(server, links.next, '/customers'));
        assert.deepEqual(next.json.map((c: any) => c.id), all.slice(20, 30));
        const page3 = await getList(server, '/customers?page=3&pageSize=10');
        const prevOf3 = await getList(server, pathOf(server, linksOf(page3).prev, '/customers'));
        assert.deepEqual(prevOf3.json, page2.json);
      });

      it('answers a page number past the end with an empty array and the total', async () => {
        const res = await getList(server, '/customers?page=100&pageSize=10');
        assert.deepEqual(res.json, []);
        assert.equal(totalOf(res), SEEDED);
        assert.equal(linksOf(res).next, undefined);
      });

      it('accepts pageSize from 1 to 500', async () => {
        assert.equal((await getList(server, '/customers?pageSize=1')).json.length, 1);
        assert.equal((await getList(server, '/customers?pageSize=500')).json.length, SEEDED);
      });

      it('refuses a pageSize out of 1..500 or not an integer with 400 naming pageSize', async () => {
        for (const value of ['0', '501', 'abc', '1.5', '-1', '', '99999999999999999999', '10abc']) {
          assertQueryError(await server.request('GET', `/customers?pageSize=${encodeURIComponent(value)}`), 'pageSize', `pageSize=${value}`);
        }
        for (const path of ['/leads', '/orders', '/reviews', '/customer/events', '/customers/c-000/reviews']) {
          assertQueryError(await server.request('GET', `${path}?pageSize=0`), 'pageSize', path);
        }
      });

      it('refuses a page below 1 or not an integer with 400 naming page', async () => {
        for (const value of ['0', '-1', 'abc', '1.5', '']) {
          assertQueryError(await server.request('GET', `/customers?page=${encodeURIComponent(value)}`), 'page', `page=${value}`);
        }
        assertQueryError(await server.request('GET', '/leads?page=0'), 'page', '/leads');
      });

      it('refuses a known parameter given twice with 400 naming it', async () => {
        const cases: [string, string][] = [
          ['/customers?pageSize=1&pageSize=2', 'pageSize'],
          ['/customers?page=1&page=1', 'page'],
          ['/customers?updatedFrom=2026-01-01T00:00:00Z&updatedFrom=2026-01-02T00:00:00Z', 'updatedFrom'],
          ['/customers?customerIdentifierType=custom&customerIdentifierType=email', 'customerIdentifierType'],
          ['/customer/events?eventType=a&eventType=b', 'eventType'],
          ['/orders?customerId=a&customerId=b', 'customerId'],
        ];
        for (const [path, param] of cases) assertQueryError(await server.request('GET', path), param, path);
        const first = await getList(server, '/customers?pageSize=5');
        const cursor = paramsOf(server, linksOf(first).next).get('cursor') as string;
        assertQueryError(await server.request('GET', `/customers?cursor=${cursor}&cursor=${cursor}`), 'cursor', 'cursor twice');
      });

      it('ignores unknown parameters, even repeated or with odd values', async () => {
        const plain = await getList(server, '/customers?pageSize=3');
        for (const extra of ['foo=bar', 'foo=1&foo=2', 'sort=-id', 'PAGESIZE=abc', 'limit=0', 'offset=-5', 'updatedfrom=yesterday']) {
          const res = await getList(server, `/customers?pageSize=3&${extra}`);
          assert.deepEqual(res.json, plain.json, extra);
          assert.equal(totalOf(res), SEEDED, extra);
        }
      });

      it('refuses a bad date-time in updatedFrom or updatedTo with 400 naming it', async () => {
        for (const value of ['yesterday', '2026-06-01', '2026-06-01T12:00:00', '2026-13-01T00:00:00Z', '1717243200', '', '2026-06-01T25:00:00Z', '2026-06-01 12:00:00Z']) {
          assertQueryError(await server.request('GET', `/customers?updatedFrom=${encodeURIComponent(value)}`), 'updatedFrom', `updatedFrom=${value}`);
          assertQueryError(await server.request('GET', `/customers?updatedTo=${encodeURIComponent(value)}`), 'updatedTo', `updatedTo=${value}`);
        }
        assertQueryError(await server.request('GET', '/leads?updatedFrom=nope'), 'updatedFrom', '/leads');
      });

      it('refuses an impossible calendar date (30 February) rather than reading it as another day', async () => {
        assertQueryError(await server.request('GET', `/customers?updatedFrom=${encodeURIComponent('2026-02-30T00:00:00Z')}`), 'updatedFrom', '2026-02-30');
      });

      it('refuses a forged or garbage cursor with 400 naming cursor', async () => {
        const first = await getList(server, '/customers?pageSize=5');
        const real = paramsOf(server, linksOf(first).next).get('cursor') as string;
        const b64 = (text: string) => Buffer.from(text).toString('base64url');
        const forged = [
          'garbage',
          '!!!',
          '',
          real.slice(0, -6),
          `${real}x`,
          b64('[1,2]'),
          b64('["x","y",1]'),
          b64('{"stamp":1,"id":"c-000"}'),
          b64('[1,"c-000",0]'),
          b64('[1e400,"c-000",1]'),
          b64('[1.5,"c-000",1]'),
          b64('[1,null,1]'),
          b64('null'),
        ];
        for (const cursor of forged) {
          assertQueryError(await server.request('GET', `/customers?cursor=${encodeURIComponent(cursor)}`), 'cursor', `cursor=${JSON.stringify(cursor)}`);
        }
        assert.equal((await server.request('GET', `/customers?cursor=${real}`)).status, 200, 'the real one still works');
      });
    });

    describe('every list pages alike', () => {
      const server = useServer(kind);
      const N = 7;

      before(async () => {
        const post = async (path: string, body: unknown, status: number) => {
          const res = await server.request('POST', path, body);
          assert.equal(res.status, status, `${path}: ${res.text}`);
        };
        await post('/customers', [customer('owner')], 200);
        await post('/leads', Array.from({ length: N }, (_, i) => ({ id: `lead-${i}`, name: `Lead ${i}` })), 200);
        await post('/orders', Array.from({ length: N }, (_, i) => ({ id: `ord-${i}`, customer: { id: 'owner' } })), 201);
        for (let i = 0; i < N; i++) {
          await post('/reviews', { reviewId: `rev-${i}`, reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: i % 5 }, reviewDate: '2026-06-01T12:00:00Z', customer: { customerId: 'owner' } }, 201);
          await post('/customer/events', { id: `ev-${i}`, eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:30:00Z', customerId: 'owner' }, 202);
        }
      });

      const cases: [string, (item: any) => string][] = [
        ['/leads', (l) => l.id],
        ['/customers/leads', (l) => l.id],
        ['/orders', (o) => o.id],
        ['/customers/orders', (o) => o.id],
        ['/reviews', (r) => r.reviewId],
        ['/customers/reviews', (r) => r.reviewId],
        ['/customers/owner/reviews', (r) => r.reviewId],
        ['/customer/events', (e) => e.id],
        ['/orders?customerId=owner', (o) => o.id],
        ['/customer/events?customerId=owner', (e) => e.id],
      ];
      for (const [path, keyOf] of cases) {
        it(`GET ${path} pages by rel="next", each record once, with X-Total-Count`, async () => {
          const join = path.includes('?') ? '&' : '?';
          const result = await walk(server, `${path}${join}pageSize=3`);
          assert.deepEqual(result.pages.map((p) => p.length), [3, 3, 1]);
          const keys = result.items.map(keyOf);
          assert.equal(new Set(keys).size, N, `each record once: ${keys.join(', ')}`);
          for (const res of result.responses) assert.equal(totalOf(res), N);
          if (path.includes('customerId=owner')) {
            for (const res of result.responses.slice(0, -1)) assert.equal(paramsOf(server, linksOf(res).next).get('customerId'), 'owner', 'next keeps the filter');
          }
        });
      }
    });

    describe('updatedFrom and updatedTo on customers', () => {
      const server = useServer(kind);
      /** Every customer, as listed, once the seeding is done. */
      let all: any[] = [];
      /** The latest updatedAt of batch A; at least one record was written in a later millisecond. */
      let lastOfA = '';

      before(async () => {
        const a = await server.request('POST', '/customers', Array.from({ length: 10 }, (_, i) => customer(`a-${pad(i)}`)));
        assert.equal(a.status, 200, a.text);
        const listed = await getList(server, '/customers?pageSize=500');
        lastOfA = listed.json.map((c: any) => c.updatedAt).sort().at(-1);
        // Write one at a time until the server's clock has moved past batch A, so that both
        // filters have something to keep and something to drop whatever the machine's speed.
        for (let i = 0; ; i++) {
          assert.ok(i < 100_000, 'the clock moves');
          await server.request('POST', '/customers', [customer(`b-${pad(i, 6)}`)]);
          const latest = await getList(server, `/customers?customerIdentifierValue=b-${pad(i, 6)}`);
          if (ms(latest.json[0].updatedAt) > ms(lastOfA)) break;
        }
        const c = await server.request('POST', '/customers', Array.from({ length: 10 }, (_, i) => customer(`c-${pad(i)}`)));
        assert.equal(c.status, 200, c.text);
        all = (await getList(server, '/customers?pageSize=500')).json;
      });

      const idsWhere = (keep: (updatedAt: number) => boolean) => all.filter((c) => keep(ms(c.updatedAt))).map((c) => c.id).sort();
      const idsOf = (items: any[]) => items.map((c) => c.id).sort();

      it('updatedFrom keeps the records changed at or after it', async () => {
        const from = all.find((c) => ms(c.updatedAt) > ms(lastOfA)).updatedAt as string;
        const expected = idsWhere((t) => t >= ms(from));
        assert.ok(expected.length > 0 && expected.length < all.length);
        const res = await getList(server, `/customers?pageSize=500&updatedFrom=${encodeURIComponent(from)}`);
        assert.deepEqual(idsOf(res.json), expected);
        assert.equal(totalOf(res), expected.length);
        assert.ok(!res.json.some((c: any) => c.id.startsWith('a-')), 'batch A is before it');
      });

      it('updatedTo keeps the records changed at or before it', async () => {
        const expected = idsWhere((t) => t <= ms(lastOfA));
        assert.ok(expected.length >= 10 && expected.length < all.length);
        const res = await getList(server, `/customers?pageSize=500&updatedTo=${encodeURIComponent(lastOfA)}`);
        assert.deepEqual(idsOf(res.json), expected);
        assert.equal(totalOf(res), expected.length);
        assert.ok(!res.json.some((c: any) => c.id.startsWith('c-')), 'batch C is after it');
      });

      it('combines updatedFrom and updatedTo, and reads any RFC 3339 offset', async () => {
        const first = all[0].updatedAt as string;
        const expected = idsWhere((t) => t >= ms(first) && t <= ms(lastOfA));
        const plain = await getList(server, `/customers?pageSize=500&updatedFrom=${encodeURIComponent(first)}&updatedTo=${encodeURIComponent(lastOfA)}`);
        assert.deepEqual(idsOf(plain.json), expected);
        // The same instants written with other offsets.
        // updatedAt carries microseconds; keep every fraction digit while moving the wall clock.
        const shift = (iso: string, offset: string, hours: number) => {
          const fraction = /\.(\d+)Z$/.exec(iso)?.[1] ?? '';
          const wall = new Date(Math.floor(ms(iso) / 1000) * 1000 + hours * 3_600_000).toISOString().slice(0, 19);
          return `${wall}${fraction ? `.${fraction}` : ''}${offset}`;
        };
        const shifted = await getList(server, `/customers?pageSize=500&updatedFrom=${encodeURIComponent(shift(first, '-03:00', -3))}&updatedTo=${encodeURIComponent(shift(lastOfA, '+05:30', 5.5))}`);
        assert.deepEqual(idsOf(shifted.json), expected);
      });

      it('answers [] when the window holds nothing', async () => {
        const after = new Date(ms(all.at(-1).updatedAt) + 1).toISOString();
        const res = await getList(server, `/customers?updatedFrom=${encodeURIComponent(after)}`);
        assert.deepEqual(res.json, []);
        assert.equal(totalOf(res), 0);
        const before = new Date(ms(all[0].updatedAt) - 1).toISOString();
        assert.deepEqual((await getList(server, `/customers?updatedTo=${encodeURIComponent(before)}`)).json, []);
      });

      it('keeps the filters in every page link and walks exactly the filtered records', async () => {
        const first = all[0].updatedAt as string;
        const query = `updatedFrom=${encodeURIComponent(first)}&updatedTo=${encodeURIComponent(lastOfA)}&customerIdentifierType=custom`;
        const expected = idsWhere((t) => t >= ms(first) && t <= ms(lastOfA));
        const result = await walk(server, `/customers?${query}&pageSize=3`);
        assert.deepEqual(idsOf(result.items), expected);
        assert.equal(new Set(result.items.map((c) => c.id)).size, result.items.length);
        for (const res of result.responses) {
          assert.equal(totalOf(res), expected.length);
          for (const [rel, target] of Object.entries(linksOf(res))) {
            const params = paramsOf(server, target);
            assert.equal(params.get('updatedFrom'), first, `${rel} keeps updatedFrom`);
            assert.equal(params.get('updatedTo'), lastOfA, `${rel} keeps updatedTo`);
            assert.equal(params.get('customerIdentifierType'), 'custom', `${rel} keeps customerIdentifierType`);
          }
        }
        const page2 = await getList(server, `/customers?${query}&pageSize=3&page=2`);
        for (const rel of ['prev', 'first']) {
          const target = linksOf(page2)[rel];
          assert.ok(target, `${rel} on page 2`);
          assert.equal(paramsOf(server, target).get('updatedTo'), lastOfA, `${rel} keeps updatedTo`);
          const back = await getList(server, pathOf(server, target, '/customers'));
          assert.deepEqual(back.json, result.pages[0], `${rel} leads to the first filtered page`);
        }
      });
    });

    describe('cursor walks under concurrent writes', () => {
      const server = useServer(kind);

      /**
       * Checks the promise of §2 on one walk: a record that existed unchanged from start to
       * end appears exactly once; a changed one at most once more per change, last with its
       * final content; a record created meanwhile appears (once per version at most).
       */
      function assertWalk(seen: { id: string; version: string }[], state: Map<string, { version: string; changes: number }>, unchanged: Set<string>): void {
        const appearances = new Map<string, string[]>();
        for (const { id, version } of seen) appearances.set(id, [...(appearances.get(id) ?? []), version]);
        const problems: string[] = [];
        for (const id of appearances.keys()) if (!state.has(id)) problems.push(`${id}: listed but never written`);
        for (const [id, { version, changes }] of state) {
          const got = appearances.get(id) ?? [];
          if (got.length === 0) problems.push(`${id}: skipped`);
          else if (unchanged.has(id) && got.length !== 1) problems.push(`${id}: unchanged but listed ${got.length} times`);
          else if (got.length > 1 + changes) problems.push(`${id}: listed ${got.length} times for ${changes} change(s)`);
          else if (got.at(-1) !== version) problems.push(`${id}: last listed as ${got.at(-1)}, final is ${version}`);
        }
        assert.deepEqual(problems, []);
      }

      it('customers: never skips a record and repeats only changed ones', async () => {
        const state = new Map<string, { version: string; changes: number }>();
        const initial = Array.from({ length: 40 }, (_, i) => `w-${pad(i)}`);
        for (let b = 0; b < 4; b++) {
          const batch = initial.slice(b * 10, b * 10 + 10);
          assert.equal((await server.request('POST', '/customers', batch.map((id) => customer(id)))).status, 200);
        }
        for (const id of initial) state.set(id, { version: 'v0', changes: 0 });
        const upsert = async (id: string, version: string) => {
          const res = await server.request('POST', '/customers', [customer(id, version)]);
          assert.equal(res.status, 200, res.text);
        };
        const change = async (id: string) => {
          const s = state.get(id) as { version: string; changes: number };
          s.changes += 1;
          s.version = `v${s.changes}`;
          await upsert(id, s.version);
        };
        const resent = new Set<string>();
        const result = await walk(server, '/customers?pageSize=5', async (page) => {
          if (page >= 25) return;
          // A re-send that changes nothing must not bring a record back.
          const same = initial[(page * 11 + 3) % initial.length];
          await upsert(same, (state.get(same) as { version: string }).version);
          resent.add(same);
          // New records, then a change to an initial record (seen or not yet) and to a new one.
          const fresh = [`n-${pad(page)}-0`, `n-${pad(page)}-1`];
          assert.equal((await server.request('POST', '/customers', fresh.map((id) => customer(id)))).status, 200);
          for (const id of fresh) state.set(id, { version: 'v0', changes: 0 });
          await change(initial[(page * 7) % initial.length]);
          if (page >= 3) await change(`n-${pad(page - 3)}-0`);
        });
        const unchanged = new Set([...state].filter(([, s]) => s.changes === 0).map(([id]) => id));
        assertWalk(result.items.map((c) => ({ id: c.id, version: c.name })), state, unchanged);
        assert.ok([...resent].some((id) => unchanged.has(id)), 'some no-op re-sends hit unchanged records');
        assert.ok(result.items.length > new Set(result.items.map((c) => c.id)).size, 'some changed records came again');
        assert.equal(totalOf(result.responses.at(-1) as TestResponse), state.size);
        for (let i = 1; i < result.items.length; i++) {
          assert.ok(ms(result.items[i - 1].updatedAt) <= ms(result.items[i].updatedAt), `updatedAt never decreases along the walk (at ${i})`);
        }
      });

      it('leads: never skips a record and repeats only changed ones', async () => {
        const state = new Map<string, { version: string; changes: number }>();
        const lead = (id: string, version: string) => ({ id, name: version });
        const initial = Array.from({ length: 30 }, (_, i) => `lead-${pad(i)}`);
        assert.equal((await server.request('POST', '/leads', initial.map((id) => lead(id, 'v0')))).status, 200);
        for (const id of initial) state.set(id, { version: 'v0', changes: 0 });
        const result = await walk(server, '/leads?pageSize=4', async (page) => {
          if (page >= 20) return;
          const same = initial[(page * 13 + 5) % initial.length];
          assert.equal((await server.request('POST', '/leads', [lead(same, (state.get(same) as { version: string }).version)])).status, 200);
          const fresh = `lead-new-${pad(page)}`;
          state.set(fresh, { version: 'v0', changes: 0 });
          const target = initial[(page * 7) % initial.length];
          const s = state.get(target) as { version: string; changes: number };
          s.changes += 1;
          s.version = `v${s.changes}`;
          // One batch that creates one lead and changes another.
          assert.equal((await server.request('POST', '/leads', { items: [lead(fresh, 'v0'), lead(target, s.version)] })).status, 200);
        });
        const unchanged = new Set([...state].filter(([, s]) => s.changes === 0).map(([id]) => id));
        assertWalk(result.items.map((l) => ({ id: l.id, version: l.name })), state, unchanged);
        assert.ok(result.items.length > new Set(result.items.map((l) => l.id)).size, 'some changed leads came again');
        assert.equal(totalOf(result.responses.at(-1) as TestResponse), state.size);
      });

      it('events: never skips an event and never repeats one, duplicates included', async () => {
        const state = new Map<string, { version: string; changes: number }>();
        const event = (id: string, version: string) => ({ id, eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:30:00Z', data: { version } });
        const publish = async (id: string, version: string) => {
          const res = await server.request('POST', '/customer/events', event(id, version));
          assert.equal(res.status, 202, res.text);
        };
        const initial = Array.from({ length: 24 }, (_, i) => `ev-${pad(i)}`);
        for (const id of initial) {
          await publish(id, 'v0');
          state.set(id, { version: 'v0', changes: 0 });
        }
        const result = await walk(server, '/customer/events?pageSize=4', async (page) => {
          if (page >= 15) return;
          for (const id of [`ev-new-${pad(page)}-0`, `ev-new-${pad(page)}-1`]) {
            await publish(id, 'v0');
            state.set(id, { version: 'v0', changes: 0 });
          }
          // Duplicates of an event already listed: the first is kept, stored once, not listed again.
          await publish(initial[page % initial.length], 'v0');
          await publish(initial[(page * 5) % initial.length], 'v-duplicate');
        });
        const everything = new Set(state.keys());
        assertWalk(result.items.map((e) => ({ id: e.id, version: e.data?.version })), state, everything);
        assert.equal(totalOf(result.responses.at(-1) as TestResponse), state.size);
      });
    });
  });
}
