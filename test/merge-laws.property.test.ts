/**
 * Laws of customer enrichment (docs/contract.md §5), checked with fast-check on generated
 * customers and patches: mergeCustomer (idempotence, omitted fields kept, null clears,
 * field-by-field object merge, replaced scalars and arrays, union lists that never lose an
 * entry nor duplicate a key) and dropNulls (what a first send stores).
 *
 * The generators and the union keys live in support/merge-arbitraries.ts; the keys are computed
 * there independently of src/, so that a wrong key function in src/ makes these tests fail.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dropNulls, mergeCustomer, type JsonObject } from '../src/contract/merge.js';
import { at, clearedBy, emailKey, externalIdKey, isPlain, join, keysOf, patchArb, phoneKey, storedArb, UNIONS } from './support/merge-arbitraries.js';

const RUNS = { numRuns: 400 };

// ---------------------------------------------------------------------------------------------
// mergeCustomer / dropNulls laws
// ---------------------------------------------------------------------------------------------

describe('mergeCustomer laws (docs/contract.md §5)', () => {
  it('is idempotent: merging the same patch twice equals merging it once', () => {
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        const once = mergeCustomer(base, patch);
        assert.deepStrictEqual(mergeCustomer(once, patch), once);
      }),
      RUNS,
    );
  });

  it('keeps every field the patch omits, at every depth of plain objects', () => {
    const check = (base: JsonObject, patch: JsonObject, result: JsonObject, path: string) => {
      for (const key of Object.keys(base)) {
        const p = join(path, key);
        if (!(key in patch)) {
          assert.ok(key in result, `${p} was omitted by the patch but is gone`);
          assert.deepStrictEqual(result[key], base[key], `${p} was omitted by the patch but changed`);
        } else if (isPlain(patch[key]) && isPlain(base[key]) && !(p in UNIONS)) {
          check(base[key] as JsonObject, patch[key] as JsonObject, result[key] as JsonObject, p);
        }
      }
    };
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        check(base, patch, mergeCustomer(base, patch), '');
      }),
      RUNS,
    );
  });

  it('null clears a field, at any depth of plain objects', () => {
    const check = (patch: JsonObject, result: JsonObject, path: string) => {
      for (const [key, value] of Object.entries(patch)) {
        const p = join(path, key);
        if (value === null) assert.ok(!(key in result), `${p} was sent as null but is still there: ${JSON.stringify(result[key])}`);
        else if (isPlain(value) && !(p in UNIONS)) {
          assert.ok(isPlain(result[key]), `${p} was sent as an object but is not one`);
          check(value, result[key] as JsonObject, p);
        }
      }
    };
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        check(patch, mergeCustomer(base, patch), '');
      }),
      RUNS,
    );
  });

  it('merges objects field by field: the result has the old fields plus the sent ones, minus the nulled ones', () => {
    const check = (base: unknown, patch: JsonObject, result: unknown, path: string) => {
      assert.ok(isPlain(result), `${path || '(root)'} should be an object`);
      const old = isPlain(base) ? Object.keys(base) : [];
      const expected = new Set([...old, ...Object.keys(patch)].filter((k) => patch[k] !== null));
      assert.deepStrictEqual(new Set(Object.keys(result)), expected, `fields of ${path || '(root)'}`);
      for (const [key, value] of Object.entries(patch)) {
        const p = join(path, key);
        if (isPlain(value) && !(p in UNIONS)) check(isPlain(base) ? base[key] : undefined, value, result[key], p);
      }
    };
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        check(base, patch, mergeCustomer(base, patch), '');
      }),
      RUNS,
    );
  });

  it('takes the sent value for scalars, and replaces arrays other than the union lists (customTags, addresses, ...)', () => {
    const check = (patch: JsonObject, result: JsonObject, path: string) => {
      for (const [key, value] of Object.entries(patch)) {
        const p = join(path, key);
        if (value === null || p in UNIONS) continue;
        if (isPlain(value)) check(value, result[key] as JsonObject, p);
        else assert.deepStrictEqual(result[key], value, `${p} should be replaced by the sent value`);
      }
    };
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        check(patch, mergeCustomer(base, patch), '');
      }),
      RUNS,
    );
  });

  for (const [path, key] of Object.entries(UNIONS)) {
    it(`${path} is a union: never loses an entry, never duplicates a key`, () => {
      fc.assert(
        fc.property(storedArb, patchArb, (base, patch) => {
          const result = mergeCustomer(base, patch);
          const merged = at(result, path);
          if (clearedBy(patch, path)) {
            assert.equal(merged, undefined, `${path} was cleared with null`);
            return;
          }
          const sent = at(patch, path);
          if (sent === undefined) {
            assert.deepStrictEqual(merged, at(base, path), `${path} was not sent and must stay as it was`);
            return;
          }
          assert.ok(Array.isArray(merged), `${path} should be an array`);
          const keys = keysOf(merged, key);
          assert.equal(new Set(keys).size, keys.length, `${path} has a duplicated key: ${JSON.stringify(keys)}`);
          const expected = new Set([...keysOf(at(base, path), key), ...keysOf(sent, key)]);
          assert.deepStrictEqual(new Set(keys), expected, `${path} keys`);
        }),
        RUNS,
      );
    });
  }

  it('externalIds: a later value for the same source+key replaces the old one; other entries keep theirs', () => {
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        const sent = patch.externalIds;
        fc.pre(Array.isArray(sent));
        const result = mergeCustomer(base, patch).externalIds as any[];
        const old = Array.isArray(base.externalIds) ? (base.externalIds as any[]) : [];
        for (const entry of result) {
          const k = externalIdKey(entry);
          const fromPatch: any[] = (sent as any[]).filter((e) => externalIdKey(e) === k);
          const fromBase: any[] = old.filter((e) => externalIdKey(e) === k);
          const expected: unknown = fromPatch.length > 0 ? fromPatch[fromPatch.length - 1].value : fromBase[fromBase.length - 1].value;
          assert.equal(entry.value, expected, `externalIds ${k}`);
        }
      }),
      RUNS,
    );
  });

  it('a union list never loses a key over a sequence of re-sends that do not clear it', () => {
    const noListNulls = patchArb.map((p) => {
      const copy = structuredClone(p);
      if (copy.externalIds === null) delete copy.externalIds;
      if (copy.contacts === null) delete copy.contacts;
      if (isPlain(copy.contacts)) {
        if (copy.contacts.emails === null) delete copy.contacts.emails;
        if (copy.contacts.phones === null) delete copy.contacts.phones;
      }
      return copy;
    });
    fc.assert(
      fc.property(storedArb, fc.array(noListNulls, { minLength: 1, maxLength: 6 }), (base, patches) => {
        const final = patches.reduce((doc, p) => mergeCustomer(doc, p), base);
        for (const [path, key] of Object.entries(UNIONS)) {
          const everSent = new Set([base, ...patches].flatMap((d) => keysOf(at(d, path), key)));
          const keys = keysOf(at(final, path), key);
          assert.equal(new Set(keys).size, keys.length, `${path} has a duplicated key`);
          assert.deepStrictEqual(new Set(keys), everSent, `${path} keys after ${patches.length} re-sends`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('re-sending the stored document changes nothing', () => {
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        const stored = mergeCustomer(base, patch);
        assert.deepStrictEqual(mergeCustomer(stored, stored), stored);
      }),
      RUNS,
    );
  });

  it('does not modify its inputs', () => {
    fc.assert(
      fc.property(storedArb, patchArb, (base, patch) => {
        const baseBefore = structuredClone(base);
        const patchBefore = structuredClone(patch);
        mergeCustomer(base, patch);
        assert.deepStrictEqual(base, baseBefore, 'base was modified');
        assert.deepStrictEqual(patch, patchBefore, 'patch was modified');
      }),
      RUNS,
    );
  });

  it('merges entries of the same key field by field inside a union list', () => {
    const base = { identifier: { type: 'email', value: 'a@x' }, contacts: { emails: [{ email: 'Ana@Example.com', isPrimary: true, label: 'work' }] } };
    const patch = { contacts: { emails: [{ email: ' ana@example.com ', label: null }, { email: 'bob@example.com' }] } };
    const result = mergeCustomer(base, patch) as any;
    assert.equal(result.contacts.emails.length, 2);
    assert.equal(result.contacts.emails[0].isPrimary, true);
    assert.ok(!('label' in result.contacts.emails[0]), 'null inside an entry clears that field');
    assert.equal(emailKey(result.contacts.emails[0]), 'ana@example.com');
    assert.equal(result.contacts.emails[1].email, 'bob@example.com');
  });

  it('phones are keyed by their E.164 form: punctuation and a written +55 do not matter, another country does', () => {
    const base = { identifier: { type: 'custom', value: 'x' }, contacts: { phones: [{ number: '+55 (11) 99999-9999' }] } };
    const patch = { contacts: { phones: [{ number: '+5511999999999', type: 'mobile' }, { number: '5511999999999' }, { number: '+1 1988887777' }] } };
    const phones = (mergeCustomer(base, patch) as any).contacts.phones as any[];
    assert.deepStrictEqual(phones.map(phoneKey).sort(), ['+11988887777', '+5511999999999']);
    assert.equal(phones.find((p) => phoneKey(p) === '+5511999999999').type, 'mobile');
  });

  it('replaces arrays named like union lists when they are not at a union path', () => {
    const base = { identifier: { type: 'custom', value: 'x' }, metadata: { externalIds: [{ source: 'A', key: 'k', value: '1' }], emails: [{ email: 'a@x' }] } };
    const patch = { metadata: { externalIds: [{ source: 'B', key: 'k', value: '2' }], emails: [{ email: 'b@x' }] } };
    assert.deepStrictEqual(mergeCustomer(base, patch), {
      identifier: { type: 'custom', value: 'x' },
      metadata: { externalIds: [{ source: 'B', key: 'k', value: '2' }], emails: [{ email: 'b@x' }] },
    });
  });
});

describe('dropNulls', () => {
  const hasNull = (v: unknown, path: string): string | undefined => {
    if (!isPlain(v)) return undefined;
    for (const [key, value] of Object.entries(v)) {
      const p = join(path, key);
      if (value === null) return p;
      const inner = p in UNIONS && Array.isArray(value) ? value.map((e, i) => hasNull(e, `${p}[${i}]`)).find(Boolean) : hasNull(value, p);
      if (inner) return inner;
    }
    return undefined;
  };

  it('removes every null field of plain objects and union entries', () => {
    fc.assert(
      fc.property(patchArb, (doc) => {
        const found = hasNull(dropNulls(doc), '');
        assert.equal(found, undefined, `null left at ${found}`);
      }),
      RUNS,
    );
  });

  it('is what a first send stores: mergeCustomer({}, x)', () => {
    fc.assert(
      fc.property(patchArb, (doc) => {
        assert.deepStrictEqual(dropNulls(doc), mergeCustomer({}, doc));
      }),
      RUNS,
    );
  });

  it('is idempotent, and leaves a stored (null-free, deduplicated) document unchanged', () => {
    fc.assert(
      fc.property(patchArb, storedArb, (doc, stored) => {
        const once = dropNulls(doc);
        assert.deepStrictEqual(dropNulls(once), once);
        assert.deepStrictEqual(dropNulls(stored), stored);
      }),
      RUNS,
    );
  });

  it('does not modify its input', () => {
    fc.assert(
      fc.property(patchArb, (doc) => {
        const before = structuredClone(doc);
        dropNulls(doc);
        assert.deepStrictEqual(doc, before);
      }),
      RUNS,
    );
  });
});
