/**
 * Filters and cursor walks over HTTP (docs/contract.md §2): the updatedFrom/updatedTo filters
 * on customers (inclusive bounds, any RFC 3339 offset, kept in every page link), and the
 * promise of cursor walks: a client that follows `rel="next"` while others write never skips a
 * record and sees one again only when it changed meanwhile. List shape and query checks are in
 * pagination-lists.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer, type TestResponse } from './support/test-server.js';
import { customer, getList, linksOf, ms, pad, paramsOf, pathOf, totalOf, walk } from './support/list-walk.js';

for (const kind of STORES) {
  describe(`pagination (${kind.name})`, () => {
    describe('updatedFrom and updatedTo on customers', () => {
      const server = useServer(kind);
      /** Every customer, as listed, once the seeding is done. */
      let all: any[] = [];
      /** The latest updatedAt of batch A; at least one record was written in a later millisecond. */
      let lastOfA = '';

      before(async () => {
        const a = await server.request(
          'POST',
          '/customers',
          Array.from({ length: 10 }, (_, i) => customer(`a-${pad(i)}`)),
        );
        assert.equal(a.status, 200, a.text);
        const listed = await getList(server, '/customers?pageSize=500');
        lastOfA = listed.json
          .map((c: any) => c.updatedAt)
          .sort()
          .at(-1);
        // Write one at a time until the server's clock has moved past batch A, so that both
        // filters have something to keep and something to drop whatever the machine's speed.
        for (let i = 0; ; i++) {
          assert.ok(i < 100_000, 'the clock moves');
          await server.request('POST', '/customers', [customer(`b-${pad(i, 6)}`)]);
          const latest = await getList(server, `/customers?customerIdentifierValue=b-${pad(i, 6)}`);
          if (ms(latest.json[0].updatedAt) > ms(lastOfA)) break;
        }
        const c = await server.request(
          'POST',
          '/customers',
          Array.from({ length: 10 }, (_, i) => customer(`c-${pad(i)}`)),
        );
        assert.equal(c.status, 200, c.text);
        all = (await getList(server, '/customers?pageSize=500')).json;
      });

      const idsWhere = (keep: (updatedAt: number) => boolean) =>
        all
          .filter((c) => keep(ms(c.updatedAt)))
          .map((c) => c.id)
          .sort();
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
        const shifted = await getList(
          server,
          `/customers?pageSize=500&updatedFrom=${encodeURIComponent(shift(first, '-03:00', -3))}&updatedTo=${encodeURIComponent(shift(lastOfA, '+05:30', 5.5))}`,
        );
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
          assert.equal(
            (
              await server.request(
                'POST',
                '/customers',
                batch.map((id) => customer(id)),
              )
            ).status,
            200,
          );
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
          assert.equal(
            (
              await server.request(
                'POST',
                '/customers',
                fresh.map((id) => customer(id)),
              )
            ).status,
            200,
          );
          for (const id of fresh) state.set(id, { version: 'v0', changes: 0 });
          await change(initial[(page * 7) % initial.length]);
          if (page >= 3) await change(`n-${pad(page - 3)}-0`);
        });
        const unchanged = new Set([...state].filter(([, s]) => s.changes === 0).map(([id]) => id));
        assertWalk(
          result.items.map((c) => ({ id: c.id, version: c.name })),
          state,
          unchanged,
        );
        assert.ok(
          [...resent].some((id) => unchanged.has(id)),
          'some no-op re-sends hit unchanged records',
        );
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
        assert.equal(
          (
            await server.request(
              'POST',
              '/leads',
              initial.map((id) => lead(id, 'v0')),
            )
          ).status,
          200,
        );
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
        assertWalk(
          result.items.map((l) => ({ id: l.id, version: l.name })),
          state,
          unchanged,
        );
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
        assertWalk(
          result.items.map((e) => ({ id: e.id, version: e.data?.version })),
          state,
          everything,
        );
        assert.equal(totalOf(result.responses.at(-1) as TestResponse), state.size);
      });
    });
  });
}
