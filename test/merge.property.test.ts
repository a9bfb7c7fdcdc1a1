/**
 * Laws of customer enrichment (contract-decisions §5), checked with fast-check on generated
 * customers and patches, and unit tests of the identity rules (normalization, typed references,
 * event keys).
 *
 * The union keys are computed here independently of src/ (email trimmed and lower-cased;
 * phone reduced to digits keeping a leading `+`; externalIds by source + key), so that a
 * wrong key function in src/ makes these tests fail.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { dropNulls, mergeCustomer, type JsonObject } from '../src/contract/merge.js';
import { eventKey, normalizeEventType, normalizeIdentifierValue, splitTypedReference } from '../src/contract/identity.js';

const RUNS = { numRuns: 400 };

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Plain JSON: ordinary prototypes, no undefined, no -0. */
function json<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return arb.map((v) => JSON.parse(JSON.stringify(v)) as T);
}

/** Optional value that a patch may also set to null (clearable). */
function maybeNull<T>(arb: fc.Arbitrary<T>, nulls: boolean): fc.Arbitrary<T | null> {
  return nulls ? fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) }) : arb;
}

const shortString = fc.string({ maxLength: 6 });
const smallKey = fc.constantFrom('a', 'b', 'c', 'd');

/** Free-form JSON objects with few, colliding keys, so that merges meet shared fields. */
function freeObject(nulls: boolean): fc.Arbitrary<JsonObject> {
  const leaf = nulls
    ? fc.oneof(shortString, fc.integer(), fc.boolean(), fc.constant(null))
    : fc.oneof(shortString, fc.integer(), fc.boolean());
  const { object } = fc.letrec<{ value: unknown; object: JsonObject }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, fc.array(fc.oneof(shortString, fc.integer()), { maxLength: 3 }), tie('object')),
    object: fc.dictionary(smallKey, tie('value'), { maxKeys: 3 }),
  }));
  return object;
}

const identifierTypes = ['document', 'phone', 'email', 'external_id', 'custom'] as const;

/** E-mails from a small pool, written with varying case and surrounding spaces. */
const emailText = fc
  .tuple(
    fc.constantFrom('ana@example.com', 'Maria.Silva@Example.com', 'joao@x.org'),
    fc.constantFrom('', ' ', '  '),
    fc.constantFrom('', ' ', '\t'),
    fc.constantFrom('as-is', 'lower', 'upper'),
  )
  .map(([e, before, after, mode]) => before + (mode === 'lower' ? e.toLowerCase() : mode === 'upper' ? e.toUpperCase() : e) + after);

/** Phones from a small pool of digit strings, with or without `+`, with random punctuation. */
const phoneText = fc
  .tuple(
    fc.constantFrom('5511999999999', '11988887777', '5521'),
    fc.constantFrom('', '+', ' +'),
    fc.array(fc.constantFrom('', '', ' ', '-', '(', ')', '.'), { minLength: 13, maxLength: 13 }),
  )
  .map(([digits, plus, seps]) => plus + [...digits].map((d, i) => seps[i] + d).join(''));

function emailEntry(nulls: boolean) {
  return json(fc.record({ email: emailText, isPrimary: maybeNull(fc.boolean(), nulls), label: maybeNull(shortString, nulls) }, { requiredKeys: ['email'] }));
}

function phoneEntry(nulls: boolean) {
  return json(
    fc.record({ number: phoneText, type: maybeNull(fc.constantFrom('mobile', 'home'), nulls), isPrimary: maybeNull(fc.boolean(), nulls) }, { requiredKeys: ['number'] }),
  );
}

function externalIdEntry(nulls: boolean) {
  return json(
    fc.record(
      {
        source: fc.constantFrom('PDV', 'CRM', 'ERP'),
        key: fc.constantFrom('customerCode', 'loyaltyId'),
        sourceName: maybeNull(shortString, nulls),
        value: fc.string({ minLength: 1, maxLength: 6 }),
      },
      { requiredKeys: ['source', 'value'] },
    ),
  );
}

// Union keys, computed independently of src/.
const emailKey = (e: any): string => String(e.email).trim().toLowerCase();
const phoneKey = (p: any): string => {
  const t = String(p.number).trim();
  return (t.startsWith('+') ? '+' : '') + t.replace(/\D/g, '');
};
const externalIdKey = (x: any): string => `${String(x.source)}|${String(x.key ?? '')}`;

const UNIONS: Record<string, (entry: any) => string> = {
  externalIds: externalIdKey,
  'contacts.emails': emailKey,
  'contacts.phones': phoneKey,
};

/**
 * A customer document (`nulls: false`, as stored: union lists without duplicate keys) or a
 * re-sent patch (`nulls: true`: any optional field may be null, union lists may repeat keys).
 */
function customerDoc(nulls: boolean): fc.Arbitrary<JsonObject> {
  const list = <T>(entry: fc.Arbitrary<T>, key: (e: T) => string) =>
    nulls ? fc.array(entry, { maxLength: 5 }) : fc.uniqueArray(entry, { maxLength: 5, selector: key });
  return json(
    fc.record(
      {
        identifier: fc.record({ type: fc.constantFrom(...identifierTypes), value: fc.string({ minLength: 1, maxLength: 8 }) }),
        name: maybeNull(shortString, nulls),
        contacts: maybeNull(
          fc.record(
            {
              emails: maybeNull(list(emailEntry(nulls), emailKey), nulls),
              phones: maybeNull(list(phoneEntry(nulls), phoneKey), nulls),
              other: maybeNull(freeObject(nulls), nulls),
            },
            { requiredKeys: [] },
          ),
          nulls,
        ),
        externalIds: maybeNull(list(externalIdEntry(nulls), externalIdKey), nulls),
        addresses: maybeNull(fc.array(fc.record({ city: shortString, street: shortString }, { requiredKeys: [] }), { maxLength: 3 }), nulls),
        demographics: maybeNull(fc.record({ gender: maybeNull(shortString, nulls), birthDate: maybeNull(fc.constantFrom('1990-01-02', '2001-12-31'), nulls) }, { requiredKeys: [] }), nulls),
        metadata: maybeNull(
          fc.record(
            {
              restrictions: maybeNull(fc.array(shortString, { maxLength: 3 }), nulls),
              customTags: maybeNull(fc.array(shortString, { maxLength: 3 }), nulls),
              customRules: maybeNull(freeObject(nulls), nulls),
              // Named like a union list, but not at a union path: must be replaced.
              externalIds: maybeNull(fc.array(externalIdEntry(false), { maxLength: 3 }), nulls),
              a: maybeNull(freeObject(nulls), nulls),
            },
            { requiredKeys: [] },
          ),
          nulls,
        ),
        // Fields the contract does not name.
        a: maybeNull(freeObject(nulls), nulls),
        b: maybeNull(fc.oneof(shortString, fc.array(fc.integer(), { maxLength: 3 })), nulls),
      },
      { requiredKeys: nulls ? [] : ['identifier'] },
    ),
  );
}

const storedArb = customerDoc(false);
const patchArb = customerDoc(true);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isPlain(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The value at a dotted path, or undefined when a step is missing or not a plain object. */
function at(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const step of path.split('.')) {
    if (!isPlain(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

/** True when the patch clears `path` or one of its ancestors with null. */
function clearedBy(patch: JsonObject, path: string): boolean {
  let cur: unknown = patch;
  for (const step of path.split('.')) {
    if (!isPlain(cur)) return false;
    cur = cur[step];
    if (cur === null) return true;
  }
  return false;
}

/** Which keys a union list holds. */
function keysOf(list: unknown, key: (e: any) => string): string[] {
  return Array.isArray(list) ? list.map(key) : [];
}

// ---------------------------------------------------------------------------------------------
// mergeCustomer / dropNulls laws
// ---------------------------------------------------------------------------------------------

describe('mergeCustomer laws (contract-decisions §5)', () => {
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

  it('phones with and without a leading + are different keys; punctuation is not', () => {
    const base = { identifier: { type: 'custom', value: 'x' }, contacts: { phones: [{ number: '+55 (11) 99999-9999' }] } };
    const patch = { contacts: { phones: [{ number: '+5511999999999', type: 'mobile' }, { number: '5511999999999' }] } };
    const phones = (mergeCustomer(base, patch) as any).contacts.phones as any[];
    assert.deepStrictEqual(phones.map(phoneKey).sort(), ['+5511999999999', '5511999999999']);
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

// ---------------------------------------------------------------------------------------------
// Identity rules
// ---------------------------------------------------------------------------------------------

describe('normalizeIdentifierValue', () => {
  it('email: trimmed and lower-cased', () => {
    assert.equal(normalizeIdentifierValue('email', '  Maria.Silva@Example.COM \t'), 'maria.silva@example.com');
    assert.equal(normalizeIdentifierValue('email', 'ana@example.com'), 'ana@example.com');
  });

  it('phone: digits only, keeping a leading +', () => {
    assert.equal(normalizeIdentifierValue('phone', '+55 (11) 99999-9999'), '+5511999999999');
    assert.equal(normalizeIdentifierValue('phone', '  +55 11 99999.9999 '), '+5511999999999');
    assert.equal(normalizeIdentifierValue('phone', '(11) 99999-9999'), '11999999999');
    assert.equal(normalizeIdentifierValue('phone', '55+11'), '5511');
  });

  it('document: digits only', () => {
    assert.equal(normalizeIdentifierValue('document', '123.456.789-09'), '12345678909');
    assert.equal(normalizeIdentifierValue('document', ' 11.222.333/0001-81 '), '11222333000181');
  });

  it('phone or document with no digit: undefined', () => {
    for (const type of ['phone', 'document']) {
      for (const value of ['', ' ', '+', '---', '(  )', 'abc', '+ - .']) {
        assert.equal(normalizeIdentifierValue(type, value), undefined, `${type} ${JSON.stringify(value)}`);
      }
    }
  });

  it('external_id and custom: unchanged', () => {
    for (const type of ['external_id', 'custom']) {
      for (const value of ['crm:customer:93821', '  Mixed Case  ', '+55 (11) 9', 'ABC@Example.com']) {
        assert.equal(normalizeIdentifierValue(type, value), value, `${type} ${JSON.stringify(value)}`);
      }
    }
  });

  it('phone: any defined result is +?digits, equals the digits of the input, and is a fixed point', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (value) => {
        const n = normalizeIdentifierValue('phone', value);
        const digits = value.replace(/\D/g, '');
        if (digits === '') return assert.equal(n, undefined);
        assert.match(n!, /^\+?\d+$/);
        assert.equal(n!.replace('+', ''), digits);
        assert.equal(n!.startsWith('+'), value.trim().startsWith('+'));
        assert.equal(normalizeIdentifierValue('phone', n!), n);
      }),
      RUNS,
    );
  });

  it('email: a fixed point, insensitive to case and surrounding whitespace', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom('', ' ', '\t', '\n '), (value, pad) => {
        const n = normalizeIdentifierValue('email', value)!;
        assert.equal(normalizeIdentifierValue('email', n), n);
        assert.equal(normalizeIdentifierValue('email', pad + value.toUpperCase() + pad), normalizeIdentifierValue('email', value.toLowerCase()));
      }),
      RUNS,
    );
  });
});

describe('normalizeEventType', () => {
  it('compares case-insensitively with . and _ alike', () => {
    const forms = ['customer.opted_out', 'CUSTOMER_OPTED_OUT', 'Customer.Opted.Out', 'customer_opted.out'];
    const normalized = new Set(forms.map(normalizeEventType));
    assert.equal(normalized.size, 1, [...normalized].join(' | '));
    assert.notEqual(normalizeEventType('customer.opted_out'), normalizeEventType('customer.opted_in'));
    assert.equal(normalizeEventType('ORDER_COMPLETED'), normalizeEventType('order.completed'));
  });

  it('any change of case or of . for _ gives the same normalized type', () => {
    const typeName = fc.array(fc.constantFrom('a', 'b', 'Z', 'x', '1', '.', '_'), { minLength: 1, maxLength: 16 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(typeName, fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), (name, flips) => {
        const variant = [...name]
          .map((c, i) => (!flips[i] ? c : c === '.' ? '_' : c === '_' ? '.' : c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
          .join('');
        assert.equal(normalizeEventType(variant), normalizeEventType(name));
      }),
      RUNS,
    );
  });
});

describe('splitTypedReference', () => {
  it('splits at the first colon', () => {
    assert.deepStrictEqual(splitTypedReference('external_id:crm:customer:93821'), { type: 'external_id', value: 'crm:customer:93821' });
    assert.deepStrictEqual(splitTypedReference('phone:+5511999999999'), { type: 'phone', value: '+5511999999999' });
    assert.deepStrictEqual(splitTypedReference('email:maria.silva@example.com'), { type: 'email', value: 'maria.silva@example.com' });
  });

  it('unknown or missing type: undefined', () => {
    for (const ref of ['crm:customer:93821', 'cpf:123', 'unknown:x', 'no-colon', ':phone', 'PHONE:+55']) {
      assert.equal(splitTypedReference(ref), undefined, ref);
    }
  });

  it('round-trips <type>:<value> for every type and any value, colons included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...identifierTypes), fc.string({ minLength: 1, maxLength: 20 }), fc.boolean(), (type, value, colon) => {
        const v = colon ? `${value}:${value}` : value;
        assert.deepStrictEqual(splitTypedReference(`${type}:${v}`), { type, value: v });
      }),
      RUNS,
    );
  });

  it('a prefix that is not one of the five types: undefined', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }).filter((s) => !s.includes(':') && !(identifierTypes as readonly string[]).includes(s)),
        fc.string({ maxLength: 12 }),
        (prefix, value) => {
          assert.equal(splitTypedReference(`${prefix}:${value}`), undefined);
        },
      ),
      RUNS,
    );
  });
});

describe('eventKey', () => {
  const base = { eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:30:00Z', customerId: 'cust-001', data: { orderId: 'ord-001', totalAmount: 7990, currency: 'BRL' } };

  it('is the id when given, else the eventId', () => {
    assert.equal(eventKey({ ...base, id: 'evt-1' }), 'evt-1');
    assert.equal(eventKey({ ...base, eventId: 'evt-2' }), 'evt-2');
    assert.equal(eventKey({ ...base, id: 'evt-1', eventId: 'evt-2' }), 'evt-1');
  });

  it('without id or eventId, a hash: a non-empty string that depends on eventType, occurredAt, customerId and data', () => {
    const key = eventKey(base);
    assert.equal(typeof key, 'string');
    assert.ok(key.length > 0);
    assert.equal(eventKey(structuredClone(base)), key);
    assert.notEqual(eventKey({ ...base, eventType: 'ORDER_CANCELLED' }), key);
    assert.notEqual(eventKey({ ...base, occurredAt: '2026-06-01T12:31:00Z' }), key);
    assert.notEqual(eventKey({ ...base, customerId: 'cust-002' }), key);
    const { customerId: _c, ...noCustomer } = base;
    assert.notEqual(eventKey(noCustomer), key);
    assert.notEqual(eventKey({ ...base, data: { ...base.data, totalAmount: 7991 } }), key);
  });

  /** A copy with the keys of every object in reverse order. */
  const reversed = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(reversed);
    if (!isPlain(v)) return v;
    return Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reversed(v[k])]));
  };
  /** A copy with the keys of every object sorted. */
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (!isPlain(v)) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  };

  const dataArb = json(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })) as fc.Arbitrary<JsonObject>;
  const eventArb = json(
    fc.record(
      { eventType: fc.string({ minLength: 1, maxLength: 10 }), occurredAt: fc.constantFrom('2026-06-01T12:30:00Z', '2026-06-01T09:30:00-03:00'), customerId: fc.string({ maxLength: 6 }), data: dataArb },
      { requiredKeys: ['eventType', 'occurredAt'] },
    ),
  );

  it('is stable under the key order of objects, at every level', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const key = eventKey(event);
        assert.equal(eventKey(reversed(event) as typeof event), key);
        assert.equal(eventKey(sorted(event) as typeof event), key);
      }),
      RUNS,
    );
  });

  it('differs when data differs', () => {
    fc.assert(
      fc.property(eventArb, dataArb, (event, other) => {
        fc.pre(!isDeepStrictEqual(event.data, other));
        assert.notEqual(eventKey({ ...event, data: other }), eventKey(event));
      }),
      RUNS,
    );
  });
});
