/**
 * The re-normalization plan (src/domain/identity-renormalization.ts) alone: collisions keep
 * customers apart, a kept old value blocks a new key that would reuse it, refused values stay.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planIdentityRenormalization, type StoredIdentity } from '../src/domain/identity-renormalization.js';

const row = (customerId: string, type: string, value: string, own?: string): StoredIdentity => ({
  tenant: 't',
  type,
  value,
  customerId,
  ownType: own === undefined ? null : type,
  ownValue: own ?? null,
});

/** The identity table after applying a plan: key -> customer. */
function apply(rows: StoredIdentity[]): Map<string, string> {
  const plan = planIdentityRenormalization(rows);
  const table = new Map(rows.map((r) => [`${r.type}|${r.value}`, r.customerId]));
  for (const d of plan.deletes) assert.ok(table.delete(`${d.type}|${d.value}`), `deletes a row that exists: ${d.value}`);
  for (const i of plan.inserts) {
    assert.ok(!table.has(`${i.type}|${i.value}`), `inserts a key that is free: ${i.value}`);
    table.set(`${i.type}|${i.value}`, i.customerId);
  }
  return table;
}

describe('planIdentityRenormalization', () => {
  it('gives a shared new key to the first customer and leaves the other its old value, reported', () => {
    const plan = planIdentityRenormalization([row('b', 'phone', '1199999999'), row('a', 'phone', '+551199999999')]);
    assert.deepEqual(plan.inserts, []);
    assert.deepEqual(plan.deletes, []);
    assert.equal(plan.notes.length, 1);
    assert.match(plan.notes[0], /customer "b" keeps its old value "1199999999"/);
  });

  it('restores letters from the customer own identifier', () => {
    const table = apply([row('a', 'document', '123456', 'ab-123456')]);
    assert.deepEqual([...table], [['document|AB123456', 'a']]);
  });

  it('keeps a value the new rules refuse, with a note', () => {
    const plan = planIdentityRenormalization([row('a', 'phone', '+55119')]);
    assert.deepEqual(plan.deletes, []);
    assert.match(plan.notes[0], /refused by the new rules/);
  });

  it('never loses a customer and never writes a key twice, whatever the stored rows', () => {
    const value = fc.constantFrom('1199999999', '+551199999999', '551199999999', '11999999999', '+5511999999999', '+55119', 'AB123', '123', 'ab123');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('phone', 'document'), value), {
          selector: (r) => `${r[1]}|${r[2]}`,
          maxLength: 8,
        }),
        (tuples) => {
          const rows = tuples.map(([c, type, v]) => row(c, type, v));
          const table = apply(rows);
          const before = new Set(rows.map((r) => r.customerId));
          assert.deepEqual(new Set(table.values()), before, 'every customer keeps at least one identity');
          assert.equal(table.size <= rows.length, true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
