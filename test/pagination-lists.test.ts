/**
 * List answers over HTTP (docs/contract.md §2): bare JSON arrays, `X-Total-Count`, RFC 8288
 * `Link` headers (next, prev, first), page sizes and page numbers, strict query parameters
 * (bad, repeated and unknown ones, forged cursors), stable (updatedAt, id) order, and every
 * list path paging alike. Filters and cursor walks under concurrent writes are in
 * pagination-walks.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer, type TestResponse } from './support/test-server.js';
import { assertQueryError, customer, getList, linksOf, ms, pad, paramsOf, pathOf, totalOf, walk } from './support/list-walk.js';

for (const kind of STORES) {
  describe(`pagination (${kind.name})`, () => {
    describe('list answers', () => {
      const server = useServer(kind);
      const SEEDED = 120;
      // One batch, sent in descending id order, so that insertion order and id order disagree.
      const ids = Array.from({ length: SEEDED }, (_, i) => `c-${pad(SEEDED - 1 - i)}`);

      before(async () => {
        const res = await server.request(
          'POST',
          '/customers',
          ids.map((id) => customer(id)),
        );
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
        assert.deepEqual(
          result.pages.map((p) => p.length),
          [...Array(17).fill(7), 1],
        );
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
        assert.deepEqual(
          result.items.map((c) => c.id),
          big.json.map((c: any) => c.id),
        );
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
        assert.deepEqual(
          page2.json.map((c: any) => c.id),
          all.slice(10, 20),
        );
        const links = linksOf(page2);
        assert.ok(links.prev && links.first && links.next, `prev, first and next on page 2: ${page2.headers.get('link')}`);
        const prev = await getList(server, pathOf(server, links.prev, '/customers'));
        assert.deepEqual(
          prev.json.map((c: any) => c.id),
          all.slice(0, 10),
        );
        const first = await getList(server, pathOf(server, links.first, '/customers'));
        assert.deepEqual(
          first.json.map((c: any) => c.id),
          all.slice(0, 10),
        );
        const next = await getList(server, pathOf(server, links.next, '/customers'));
        assert.deepEqual(
          next.json.map((c: any) => c.id),
          all.slice(20, 30),
        );
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
        for (const value of [
          'yesterday',
          '2026-06-01',
          '2026-06-01T12:00:00',
          '2026-13-01T00:00:00Z',
          '1717243200',
          '',
          '2026-06-01T25:00:00Z',
          '2026-06-01 12:00:00Z',
        ]) {
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
        await post(
          '/leads',
          Array.from({ length: N }, (_, i) => ({ id: `lead-${i}`, name: `Lead ${i}` })),
          200,
        );
        await post(
          '/orders',
          Array.from({ length: N }, (_, i) => ({ id: `ord-${i}`, customer: { id: 'owner' } })),
          201,
        );
        for (let i = 0; i < N; i++) {
          await post(
            '/reviews',
            {
              reviewId: `rev-${i}`,
              reviewType: 'ORDER',
              overallRating: { ratingStyle: 'STAR', value: i % 5 },
              reviewDate: '2026-06-01T12:00:00Z',
              customer: { customerId: 'owner' },
            },
            201,
          );
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
          assert.deepEqual(
            result.pages.map((p) => p.length),
            [3, 3, 1],
          );
          const keys = result.items.map(keyOf);
          assert.equal(new Set(keys).size, N, `each record once: ${keys.join(', ')}`);
          for (const res of result.responses) assert.equal(totalOf(res), N);
          if (path.includes('customerId=owner')) {
            for (const res of result.responses.slice(0, -1))
              assert.equal(paramsOf(server, linksOf(res).next).get('customerId'), 'owner', 'next keeps the filter');
          }
        });
      }
    });
  });
}
