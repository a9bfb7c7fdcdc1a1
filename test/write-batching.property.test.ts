/**
 * src/store/write-batching.ts, on both engines: for any requests of one bucket, the answer to
 * their merged request, split back, is exactly what each request alone is answered. Programs
 * run side by side therefore read what they would have read one at a time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CONSENT_EVENT_TYPES } from '../src/domain/consent.js';
import { emptyPlan, type LookupRequest, type LookupResult, type StoreEngine, type WritePlan } from '../src/store/engine.js';
import { PostgresEngine } from '../src/store/postgres/postgres-store.js';
import { SqliteEngine } from '../src/store/sqlite/sqlite-store.js';
import { isKeyedRequest, mergeBucket, mergeRequests, splitResult } from '../src/store/write-batching.js';
import { createPgDatabase, STORES } from './support/stores.js';

const customerIds = ['c0', 'c1', 'c2', 'c3', 'c-missing'];
const identities = [
  { type: 'email', value: 'e0@x.com' },
  { type: 'email', value: 'e1@x.com' },
  { type: 'phone', value: '+5511990000002' },
  { type: 'email', value: 'nobody@x.com' },
];
const externals = [
  { source: 'pos', key: 'k', value: 'shared' },
  { source: 'pos', key: 'k', value: 'v2' },
  { source: 'pos', key: '', value: 'v3' },
  { source: 'app', key: 'k', value: 'shared' },
];
const refs = ['r0', 'r1', 'r2', 'r-missing'];
const eventIds = ['ev0', 'ev1', 'ev2', 'ev3', 'ev4', 'ev5', 'ev-missing'];
const markers = ['m0', 'm1'];

/** Stored: c0..c3, their identities, an external id held by two customers, events under r0..r2. */
function* seed(stamp: () => number): Generator<LookupRequest, { plan: WritePlan; result: undefined }, LookupResult> {
  yield {};
  const plan = emptyPlan();
  for (const [i, id] of customerIds.slice(0, 4).entries())
    plan.customers.push({ id, data: `{"n":${i}}`, created_at: null, stamp: stamp(), consent: i === 1 ? '{"state":"OPT_IN"}' : null });
  plan.identities = identities.slice(0, 3).map((k, i) => ({ ...k, customerId: customerIds[i] }));
  plan.identities.push({ type: 'email', value: 'second@x.com', customerId: 'c0' });
  plan.externalIds = [
    { ...externals[0], customerId: 'c0' },
    { ...externals[0], customerId: 'c1' },
    { ...externals[1], customerId: 'c2' },
    { ...externals[2], customerId: 'c3' },
  ];
  plan.records = {
    table: 'events',
    rows: eventIds.slice(0, 6).map((id, i) => ({
      id,
      data: `{"id":"${id}"}`,
      stamp: stamp(),
      customer_ref: refs[i % 3],
      event_type: i % 2 === 0 ? CONSENT_EVENT_TYPES[i % 4 === 0 ? 0 : 1] : 'ORDER_COMPLETED',
      occurred_ms: i,
    })),
  };
  return { plan, result: undefined };
}

const subset = <T>(values: T[]) => fc.subarray(values, { minLength: 0 });
const request: fc.Arbitrary<LookupRequest> = fc
  .record({
    customers: subset(customerIds),
    identities: subset(identities),
    externalIds: subset(externals),
    identitiesOf: subset(customerIds),
    events: subset(refs),
    records: subset(eventIds),
    subscriptions: fc.boolean(),
    anyErasureMarker: fc.boolean(),
    erasureMarkers: subset(markers),
  })
  .map((r) => ({
    customers: r.customers,
    identities: r.identities,
    externalIds: r.externalIds,
    identitiesOf: r.identitiesOf,
    eventsByCustomer: { refs: r.events, eventTypes: CONSENT_EVENT_TYPES },
    records: { table: 'events', ids: r.records },
    subscriptions: r.subscriptions,
    anyErasureMarker: r.anyErasureMarker,
    erasureMarkers: r.erasureMarkers,
  }));

const engines: { name: string; open(): Promise<{ engine: StoreEngine; close(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const engine = new SqliteEngine({ filename: ':memory:' });
      return { engine, close: async () => engine.close() };
    },
  },
];
if (STORES.some((s) => s.name === 'postgres'))
  engines.push({
    name: 'postgres',
    open: async () => {
      const database = await createPgDatabase();
      const engine = await PostgresEngine.open({ connectionString: database.url, poolSize: 2 });
      return {
        engine,
        close: async () => {
          await engine.close();
          await database.drop();
        },
      };
    },
  });

for (const kind of engines) {
  describe(`merged look-ups split back (${kind.name})`, () => {
    let opened: Awaited<ReturnType<(typeof engines)[number]['open']>>;
    const lookup = (r: LookupRequest) =>
      opened.engine.read('t', function* (): Generator<LookupRequest, LookupResult, LookupResult> {
        return yield r;
      });
    before(async () => {
      opened = await kind.open();
      await opened.engine.write('t', seed);
      await opened.engine.webhooks.addSubscription({
        id: 'sub-1',
        tenant: 't',
        url: 'https://example.com/hook',
        secret: 's',
        eventTypes: [],
        format: 'seed',
        createdAt: '2026-01-01T00:00:00.000000Z',
      });
    });
    after(() => opened.close());

    it('answers each request of a merge as it is answered alone', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (requests) => {
          for (const r of requests) assert.ok(isKeyedRequest(r));
          assert.equal(new Set(requests.map(mergeBucket)).size, 1);
          const merged = await lookup(mergeRequests(requests));
          for (const r of requests) assert.deepStrictEqual(splitResult(merged, r), await lookup(r));
        }),
        { numRuns: 60 },
      );
    });

    it('finds the seeded rows, so the comparison is not of empty answers', async () => {
      const all = await lookup(mergeRequests([{ customers: customerIds, records: { table: 'events', ids: eventIds }, externalIds: externals }]));
      assert.equal(all.customers.size, 4);
      assert.equal(all.records.size, 6);
      assert.deepEqual(all.externalIds.get('pos\u0000k\u0000shared')?.sort(), ['c0', 'c1']);
    });
  });
}

describe('which look-ups may be merged', () => {
  it('takes keyed kinds only', () => {
    assert.ok(isKeyedRequest({ customers: ['a'], subscriptions: true, auditTail: false, recordsByRef: undefined }));
    assert.ok(!isKeyedRequest({ customers: ['a'], auditTail: true }));
    assert.ok(!isKeyedRequest({ allLeads: true }));
    assert.ok(!isKeyedRequest({ loyaltyOf: { customerIds: ['a'], lock: false } }));
  });
});
