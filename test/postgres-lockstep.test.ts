/**
 * PostgreSQL group transactions run small writes side by side (postgres-lockstep.ts). These
 * programs read what others of their group write, so only the conflict rules keep the
 * answers those of running them one after the other.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyPlan, type RecordRow, type WriteProgram } from '../src/store/engine.js';
import { needsPostgres, usePgEngine } from './support/pg-engine.js';

const row = (id: string, data: string, stamp: number, customerRef = 'c-1'): RecordRow => ({
  id,
  data,
  stamp,
  customer_ref: customerRef,
  event_type: 'X',
  occurred_ms: 0,
});

/** Reads a counter row and writes it back one higher: lost updates show in the total. */
const increment = (id: string): WriteProgram<number> =>
  function* (stamp) {
    const found = (yield { records: { table: 'events', ids: [id] } }).records.get(id);
    const value = found ? Number(found.data) + 1 : 1;
    return { plan: { ...emptyPlan(), records: { table: 'events', rows: [row(id, String(value), stamp())] } }, result: value };
  };

/** Stores a row only if none has its id; refuses otherwise (as a conflict would). */
const createOnce = (id: string, data: string): WriteProgram<string> =>
  function* (stamp) {
    if ((yield { records: { table: 'events', ids: [id] } }).records.has(id)) throw new Error(`${id} exists`);
    return { plan: { ...emptyPlan(), records: { table: 'events', rows: [row(id, data, stamp())] } }, result: data };
  };

describe('PostgreSQL writes side by side', { skip: needsPostgres }, () => {
  const pgEngine = usePgEngine();

  const stored = (tenant: string, ids: string[]) =>
    pgEngine().read(tenant, function* () {
      return (yield { records: { table: 'events', ids } }).records;
    });

  it('loses no update when 40 writes of one group read and write one row', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => pgEngine().write('inc', increment('counter'))));
    assert.deepEqual(
      [...results].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i + 1),
      'each write saw every write before it',
    );
    assert.equal((await stored('inc', ['counter'])).get('counter')?.data, '40');
  });

  it('lets exactly one of 10 writes create a row; the others see it and refuse', async () => {
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => pgEngine().write('once', createOnce('only', `writer-${i}`))));
    const won = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    assert.equal(won.length, 1, JSON.stringify(settled.map((s) => s.status)));
    assert.equal(settled.filter((s) => s.status === 'rejected' && /exists/.test(String(s.reason))).length, 9);
    assert.equal((await stored('once', ['only'])).get('only')?.data, won[0]);
  });

  it('never lets two writes each miss the row the other writes (no write skew)', async () => {
    // Each writes its own row only if the other's is absent: one after the other, exactly one
    // writes. Their rows differ, so only the check of what each read keeps them apart.
    const unlessOther = (mine: string, other: string): WriteProgram<boolean> =>
      function* (stamp) {
        if ((yield { records: { table: 'events', ids: [other] } }).records.has(other)) return { plan: emptyPlan(), result: false };
        return { plan: { ...emptyPlan(), records: { table: 'events', rows: [row(mine, '{}', stamp())] } }, result: true };
      };
    const wrote = await Promise.all([pgEngine().write('skew', unlessOther('left', 'right')), pgEngine().write('skew', unlessOther('right', 'left'))]);
    assert.deepEqual(wrote, [true, false]);
    assert.deepEqual([...(await stored('skew', ['left', 'right'])).keys()], ['left']);
  });

  it('runs again a write that asked an unkeyed look-up after reading what another wrote', async () => {
    // Reads the row (merged with the others), then the audit tail (no key describes it): it is
    // set aside, and must not go on from its stale read once the other write stored the row.
    const readsThenAudits: WriteProgram<boolean> = function* (stamp) {
      const seen = (yield { records: { table: 'events', ids: ['shared'] } }).records.has('shared');
      yield { auditTail: true };
      return { plan: { ...emptyPlan(), records: { table: 'events', rows: [row(`saw-${seen}`, '{}', stamp())] } }, result: seen };
    };
    const [created, seen] = await Promise.all([pgEngine().write('aside', createOnce('shared', 'x')), pgEngine().write('aside', readsThenAudits)]);
    assert.equal(created, 'x');
    assert.equal(seen, true, 'set aside, it runs after the write it conflicted with');
    assert.deepEqual([...(await stored('aside', ['saw-true', 'saw-false'])).keys()], ['saw-true']);
  });

  it('runs a large write on its own after the small ones, and it sees their rows', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `big-${i}`);
    const big: WriteProgram<number> = function* (stamp) {
      const found = (yield { records: { table: 'events', ids } }).records;
      const rows = ids.filter((id) => !found.has(id)).map((id) => row(id, 'big', stamp()));
      return { plan: { ...emptyPlan(), records: { table: 'events', rows } }, result: found.size };
    };
    const [smallA, alreadyThere, smallB] = await Promise.all([
      pgEngine().write('big', createOnce('big-3', 'small')),
      pgEngine().write('big', big),
      pgEngine().write('big', createOnce('big-140', 'small')),
    ]);
    assert.deepEqual([smallA, smallB], ['small', 'small']);
    assert.equal(alreadyThere, 2, 'the large write ran after both small ones');
    const rows = await stored('big', ids);
    assert.equal(rows.size, 150);
    assert.equal(rows.get('big-3')?.data, 'small');
    assert.equal(rows.get('big-140')?.data, 'small');
  });

  it('applies blind writes of one row in the order they came: the last one stays', async () => {
    const put = (data: string): WriteProgram<string> =>
      function* (stamp) {
        yield {}; // a round that reads nothing: the write is blind
        return { plan: { ...emptyPlan(), records: { table: 'events', rows: [row('blind', data, stamp())] } }, result: data };
      };
    assert.deepEqual(await Promise.all(['first', 'second', 'third'].map((d) => pgEngine().write('blind', put(d)))), ['first', 'second', 'third']);
    assert.equal((await stored('blind', ['blind'])).get('blind')?.data, 'third');
  });

  it('gives every write of a merged group its own stamp', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `s-${i}`);
    await Promise.all(ids.map((id) => pgEngine().write('stamps', createOnce(id, id))));
    const stamps = [...(await stored('stamps', ids)).values()].map((r) => Number(r.stamp));
    assert.equal(new Set(stamps).size, 30);
  });
});
