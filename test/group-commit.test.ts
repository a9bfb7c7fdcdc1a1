/**
 * Group commit (both stores): concurrent writes of one merchant share transactions, yet each
 * answers for itself. A refused write (a conflict, an invalid body) fails alone; every 2xx is
 * readable afterwards; nothing refused is stored.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ContractError } from '../src/contract/errors.js';
import { emptyPlan, type WriteProgram } from '../src/store/engine.js';
import { needsPostgres, usePgEngine } from './support/pg-engine.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`group commit (${kind.name})`, () => {
    const server = useServer(kind);

    it('answers each of 60 concurrent writes for itself: the conflict 409, the invalid 400, every other 2xx and stored', async () => {
      assert.equal((await server.request('POST', '/customers', [{ id: 'gc-a', identifier: { type: 'email', value: 'gc-a@example.com' } }])).status, 200);
      assert.equal((await server.request('POST', '/customers', [{ id: 'gc-b', identifier: { type: 'email', value: 'gc-b@example.com' } }])).status, 200);
      const events = Array.from({ length: 56 }, (_, i) => ({
        id: `gc-evt-${i}`,
        eventType: 'ORDER_COMPLETED',
        occurredAt: '2026-06-01T12:00:00Z',
        customerId: 'gc-a',
      }));
      const writes = [
        ...events.map((event) => server.request('POST', '/customer/events', event)),
        // gc-a's id with gc-b's identifier: a conflict, refused whole.
        server.request('POST', '/customers', [{ id: 'gc-a', identifier: { type: 'email', value: 'gc-b@example.com' }, name: 'Conflict' }]),
        server.request('POST', '/customer/events', { id: 'gc-bad', occurredAt: 'not a time' }),
        server.request('POST', '/customers', [{ identifier: { type: 'email', value: 'gc-c@example.com' }, name: 'C' }]),
        server.request('POST', '/customer/events', { id: 'gc-evt-last', eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:00:00Z', customerId: 'gc-b' }),
      ];
      const answers = await Promise.all(writes);
      assert.deepEqual(
        answers.slice(0, 56).map((a) => a.status),
        events.map(() => 202),
      );
      assert.equal(answers[56].status, 409, answers[56].text);
      assert.equal(answers[57].status, 400, answers[57].text);
      assert.equal(answers[58].status, 200, answers[58].text);
      assert.equal(answers[59].status, 202, answers[59].text);

      const stored = (await server.request('GET', '/customer/events?pageSize=500')).json as { id: string }[];
      const ids = new Set(stored.map((e) => e.id));
      for (const event of events) assert.ok(ids.has(event.id), `${event.id} answered 202 and is stored`);
      assert.ok(ids.has('gc-evt-last'));
      assert.ok(!ids.has('gc-bad'), 'the invalid event is not stored');
      assert.equal((await server.request('GET', '/customers/gc-a')).json.name, undefined, 'the conflicting write changed nothing');
      assert.equal((await server.request('GET', '/customers/email:gc-c@example.com')).json.name, 'C');
    });

    // Writes that read what others of their group write: the answers and the stored rows are
    // those of some order of running them one at a time (PostgreSQL runs them side by side).
    it('creates one customer when 12 concurrent writes without id bring one new identifier', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          server.request('POST', '/customers', [{ identifier: { type: 'email', value: 'gc-same@example.com' }, name: `N${i}` }]),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.status),
        answers.map(() => 200),
      );
      const listed = (await server.request('GET', '/customers?customerIdentifierValue=gc-same@example.com')).json as { name: string }[];
      assert.equal(listed.length, 1, JSON.stringify(listed));
      assert.match(listed[0].name, /^N\d+$/);
      const all = (await server.request('GET', '/customers?pageSize=500')).json as { name?: string }[];
      assert.equal(all.filter((c) => /^N\d+$/.test(c.name ?? '')).length, 1, 'no second customer holds the identifier');
    });

    it('stores an event sent 12 times at once once', async () => {
      const event = { id: 'gc-dup', eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:00:00Z', customerId: 'gc-a' };
      const answers = await Promise.all(Array.from({ length: 12 }, () => server.request('POST', '/customer/events', event)));
      assert.deepEqual(
        answers.map((a) => a.status),
        answers.map(() => 202),
      );
      const stored = (await server.request('GET', '/customer/events?pageSize=500')).json as { id: string }[];
      assert.equal(stored.filter((e) => e.id === 'gc-dup').length, 1);
    });

    it('applies an opt-out sent beside the write that creates its customer, in either order', async () => {
      for (const [i, eventFirst] of [true, false].entries()) {
        const email = `gc-consent-${i}@example.com`;
        const create = () => server.request('POST', '/customers', [{ identifier: { type: 'email', value: email }, name: 'Consent' }]);
        const optOut = () =>
          server.request('POST', '/customer/events', { eventType: 'CUSTOMER_OPTED_OUT', occurredAt: '2026-06-01T12:00:00Z', customerId: `email:${email}` });
        const noise = Array.from({ length: 6 }, (_, n) =>
          server.request('POST', '/customer/events', { eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:00:00Z', customerId: `gc-noise-${n}` }),
        );
        const answers = await Promise.all(eventFirst ? [optOut(), ...noise, create()] : [create(), ...noise, optOut()]);
        assert.ok(
          answers.every((a) => a.status < 300),
          answers.map((a) => a.status).join(),
        );
        assert.equal((await server.request('GET', `/customers/email:${email}`)).json.consent?.status, 'opted_out', `event first: ${eventFirst}`);
      }
    });
  });
}

describe('PostgreSQL group commit, at the engine', { skip: needsPostgres }, () => {
  const pgEngine = usePgEngine();

  /** A program that stores one event row, as the domain would plan it. */
  const storeEvent = (id: string, customerRef = 'c-1'): WriteProgram<string> =>
    function* (stamp) {
      yield { records: { table: 'events', ids: [id] } };
      const row = { id, data: `{"id":"${id}"}`, stamp: stamp(), customer_ref: customerRef, event_type: 'X', occurred_ms: 0 };
      return { plan: { ...emptyPlan(), records: { table: 'events', rows: [row] } }, result: id };
    };
  const failing: WriteProgram<string> = function* () {
    yield { records: { table: 'events', ids: ['never'] } };
    throw new Error('refused by the program');
  };

  it('a statement that fails aborts its transaction: it alone is refused, the others of its group commit', async () => {
    // Random text too long for a btree entry even compressed: SQLSTATE 54000 on insert.
    const huge = randomBytes(15_000).toString('base64');
    const writes = [
      ...Array.from({ length: 10 }, (_, i) => pgEngine().write('t', storeEvent(`ok-${i}`))),
      pgEngine().write('t', storeEvent('poisoned', huge)),
      pgEngine().write('t', failing),
      ...Array.from({ length: 10 }, (_, i) => pgEngine().write('t', storeEvent(`ok-${10 + i}`))),
    ];
    const settled = await Promise.allSettled(writes);
    const refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [[i, s.reason]] : []));
    assert.deepEqual(
      refused.map(([i]) => i),
      [10, 11],
    );
    assert.ok(refused[0][1] instanceof ContractError, String(refused[0][1]));
    assert.equal(refused[1][1].message, 'refused by the program');
    const stored = await pgEngine().read('t', function* () {
      return (yield { records: { table: 'events', ids: [...Array.from({ length: 20 }, (_, i) => `ok-${i}`), 'poisoned'] } }).records;
    });
    assert.equal(stored.size, 20);
    assert.ok(!stored.has('poisoned'));
    const stamps = [...stored.values()].map((r) => r.stamp);
    assert.equal(new Set(stamps).size, 20, 'every write has its own stamp');
  });

  it('writes of several tenants run side by side, each tenant in its own transactions', async () => {
    const ids = await Promise.all(
      ['a', 'b', 'c'].flatMap((tenant) => Array.from({ length: 5 }, (_, i) => pgEngine().write(tenant, storeEvent(`${tenant}-${i}`)))),
    );
    assert.equal(ids.length, 15);
    for (const tenant of ['a', 'b', 'c']) {
      const stored = await pgEngine().read(tenant, function* () {
        return (yield { records: { table: 'events', ids: ids.filter((id) => id.startsWith(`${tenant}-`)) } }).records;
      });
      assert.equal(stored.size, 5, tenant);
    }
  });
});
