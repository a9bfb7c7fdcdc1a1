/**
 * Generated hostile input (issue 7, item 3), through `inject()` (the HTTP parser is the wire
 * suite's business, fuzz-wire.test.ts): at least 10,000 requests per run on SQLite and 2,500 on
 * PostgreSQL, drawn by fast-check from the contract's arbitraries and mutations
 * (support/fuzz-requests.ts). Proves:
 * - every answer is a 2xx or a 4xx ErrorResponse of the registry, never a 5xx; requests that
 *   must be refused are, with the expected code and details naming the broken pointer;
 * - the process survives, Object.prototype stays clean, /healthz still answers;
 * - the heap after a full GC comes back near its baseline (no per-request leak);
 * - refused requests leave every stored record exactly as it was, on both stores.
 * `ODC_FUZZ_REQUESTS` raises (or lowers) the SQLite volume for a longer local run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.js';
import type { Store } from '../src/store/store.js';
import { answerProblem, heapAfterGc, snapshot, type Answer } from './support/fuzz-answers.js';
import { fuzzRequestArb, rejectedRequestArb, type FuzzRequest } from './support/fuzz-requests.js';
import { customer, event, review } from './support/error-cases.js';
import { STORES, type StoreFixture } from './support/stores.js';

const VOLUME: Record<string, number> = { sqlite: Number(process.env.ODC_FUZZ_REQUESTS ?? 10_000), postgres: 2_500 };
/** Requests sent at once: enough to interleave, few enough to keep failures readable. */
const PARALLEL = 8;
/** Heap growth allowed after a full GC. A leak of even 2 KB per request would exceed it. */
const HEAP_SLACK_BYTES = 16 * 1024 * 1024;

function sender(app: FastifyInstance) {
  return async (request: FuzzRequest): Promise<Answer> => {
    const res = await app.inject({ method: request.method as 'GET', url: request.url, payload: request.payload, headers: request.headers });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  };
}

/** Sends `runs` groups of PARALLEL requests, failing (with fast-check's shrinking) on the first bad answer. */
async function burst(app: FastifyInstance, arb: fc.Arbitrary<FuzzRequest>, runs: number, tally?: Map<string, Map<string, number>>): Promise<void> {
  const send = sender(app);
  await fc.assert(
    fc.asyncProperty(fc.array(arb, { minLength: PARALLEL, maxLength: PARALLEL }), async (requests) => {
      const answers = await Promise.all(requests.map(send));
      requests.forEach((request, i) => {
        const problem = answerProblem(request, answers[i]);
        if (problem)
          assert.fail(`${request.kind}: ${request.method} ${request.url.slice(0, 120)} ${String(request.payload ?? '').slice(0, 200)}\n  -> ${problem}`);
        if (tally) {
          const code = answers[i].status >= 400 ? (JSON.parse(answers[i].body) as { code: string }).code : '';
          const kindName = request.kind.replace(/ \(.*\)$/, '');
          const seen = tally.get(kindName) ?? new Map<string, number>();
          const key = `${answers[i].status}${code ? ` ${code}` : ''}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          tally.set(kindName, seen);
        }
      });
    }),
    { numRuns: runs, endOnFailure: true },
  );
}

for (const kind of STORES) {
  describe(`fuzz: generated requests (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: Store;
    let app: FastifyInstance;
    before(async () => {
      fixture = await kind.create();
      store = await fixture.open();
      app = await buildApp({ store });
    });
    after(async () => {
      await app?.close();
      await store?.close();
      await fixture?.destroy();
    });

    const volume = VOLUME[kind.name];
    it(`answers ${volume} generated hostile requests with a 2xx or a JSON 4xx, never a 5xx, and memory returns to baseline`, {
      timeout: 300_000,
    }, async (t) => {
      await burst(app, fuzzRequestArb, Math.ceil(500 / PARALLEL)); // warm-up: caches, compiled validators, prepared statements
      const baseline = heapAfterGc();
      const tally = new Map<string, Map<string, number>>();
      await burst(app, fuzzRequestArb, Math.ceil(volume / PARALLEL), tally);
      const afterBurst = heapAfterGc();

      const sent = [...tally.values()].reduce((sum, seen) => sum + [...seen.values()].reduce((a, b) => a + b, 0), 0);
      assert.ok(sent >= volume, `${sent} requests sent`);
      for (const [name, seen] of [...tally].sort()) t.diagnostic(`${name}: ${[...seen].map(([answer, n]) => `${answer} x${n}`).join(', ')}`);
      t.diagnostic(`heap after GC: ${(baseline / 1048576).toFixed(1)} MB before, ${(afterBurst / 1048576).toFixed(1)} MB after ${sent} requests`);

      assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200, 'the server still answers');
      assert.ok(afterBurst - baseline < HEAP_SLACK_BYTES, `heap grew by ${((afterBurst - baseline) / 1048576).toFixed(1)} MB`);
    });

    it('leaves every stored record unchanged through 1,500 refused requests', { timeout: 120_000 }, async () => {
      const seed: [string, unknown][] = [
        ['/customers', Array.from({ length: 20 }, (_, i) => customer(`keep-${i}`, { name: `Keep ${i}`, externalIds: [{ source: 'PDV', value: `K${i}` }] }))],
        ['/leads', [{ id: 'lead-keep', name: 'Ana' }]],
        ['/orders', [{ id: 'ord-keep', customer: { id: 'keep-1' } }]],
        ['/reviews', { ...review('rev-keep'), customer: { customerId: 'keep-1' } }],
        ['/customer/events', { ...event('ev-keep'), customerId: 'keep-2' }],
      ];
      for (const [url, body] of seed) {
        const res = await app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
      }
      // Same tenant as the requests: the single-tenant default.
      const before = await snapshot(store, 'default');
      await burst(app, rejectedRequestArb, Math.ceil(1_500 / PARALLEL));
      assert.deepEqual(await snapshot(store, 'default'), before);
    });
  });
}
