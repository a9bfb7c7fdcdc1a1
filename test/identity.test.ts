/**
 * Unit and property tests of the identity rules (src/contract/identity.ts): normalization of
 * identifier values (docs/contract.md §5: NFC and trim first; email lower-cased; phone in E.164
 * with extensions apart; document upper-cased, letters and digits kept), normalized event types, typed references `<type>:<value>`, and
 * event keys (the id, else the eventId, else a hash stable under key order).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { JsonObject } from '../src/contract/merge.js';
import { eventKey, identifierValueProblem, normalizeEventType, normalizeIdentifierValue, splitTypedReference } from '../src/contract/identity.js';
import { identifierTypes, isPlain, json } from './support/merge-arbitraries.js';

const RUNS = { numRuns: 400 };

describe('normalizeIdentifierValue', () => {
  it('email: NFC, trimmed and lower-cased', () => {
    assert.equal(normalizeIdentifierValue('email', '  Maria.Silva@Example.COM \t'), 'maria.silva@example.com');
    assert.equal(normalizeIdentifierValue('email', 'ana@example.com'), 'ana@example.com');
    assert.equal(normalizeIdentifierValue('email', 'jose\u0301@example.com'), normalizeIdentifierValue('email', 'jos\u00e9@example.com'));
  });

  it('phone: E.164 through libphonenumber-js, Brazil by default, extension kept apart', () => {
    assert.equal(normalizeIdentifierValue('phone', '+55 (11) 99999-9999'), '+5511999999999');
    assert.equal(normalizeIdentifierValue('phone', '  +55 11 99999.9999 '), '+5511999999999');
    assert.equal(normalizeIdentifierValue('phone', '(11) 99999-9999'), '+5511999999999');
    assert.equal(normalizeIdentifierValue('phone', '+1 202 555 0101'), '+12025550101');
    assert.equal(normalizeIdentifierValue('phone', '+55 11 9999-99\uff19\uff19 ext 99'), '+551199999999;ext=99');
    assert.notEqual(normalizeIdentifierValue('phone', '+55 11 9999-99\uff19\uff19 ext 99'), normalizeIdentifierValue('phone', '+55 11 9999-9999'));
    assert.equal(normalizeIdentifierValue('phone', '+5511999999999;ext=99'), '+5511999999999;ext=99');
  });

  it('phone: an impossible number has no form, and the refusal says why', () => {
    for (const value of ['+55119', '999', '55+11', 'call me', '+( ) -']) {
      assert.equal(normalizeIdentifierValue('phone', value), undefined, value);
      assert.match(identifierValueProblem('phone', value) ?? '', /not a (possible )?phone number/, value);
    }
  });

  it('document: upper-cased, letters and digits kept, the rest dropped', () => {
    assert.equal(normalizeIdentifierValue('document', '123.456.789-09'), '12345678909');
    assert.equal(normalizeIdentifierValue('document', ' 11.222.333/0001-81 '), '11222333000181');
    assert.equal(normalizeIdentifierValue('document', 'ab-123.456'), 'AB123456');
    assert.notEqual(normalizeIdentifierValue('document', 'AB123456'), normalizeIdentifierValue('document', 'XY123456'));
    assert.equal(normalizeIdentifierValue('document', '\uff11\uff12\uff13'), '123');
  });

  it('document with no digit: undefined', () => {
    for (const value of ['', ' ', '+', '---', '(  )', 'abc', '+ - .']) {
      assert.equal(normalizeIdentifierValue('document', value), undefined, JSON.stringify(value));
      assert.equal(identifierValueProblem('document', value), 'must contain at least one digit');
    }
  });

  it('external_id and custom: NFC and trimmed, case kept', () => {
    for (const type of ['external_id', 'custom']) {
      for (const value of ['crm:customer:93821', 'Mixed Case', '+55 (11) 9', 'ABC@Example.com']) {
        assert.equal(normalizeIdentifierValue(type, value), value, `${type} ${JSON.stringify(value)}`);
        assert.equal(normalizeIdentifierValue(type, `  ${value}\t`), value);
      }
      assert.equal(normalizeIdentifierValue(type, 'Jose\u0301'), 'Jos\u00e9');
    }
  });

  const anyText = fc.string({ unit: 'binary', maxLength: 24 });
  const fullWidth = (text: string) => text.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

  it('every type: idempotent (a normalized value is its own normal form)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...identifierTypes), fc.oneof(anyText, fc.stringMatching(/^\+?[0-9 ()-]{6,16}$/)), (type, value) => {
        const n = normalizeIdentifierValue(type, value);
        if (n !== undefined) assert.equal(normalizeIdentifierValue(type, n), n);
      }),
      RUNS,
    );
  });

  it('every type: NFC and NFD spellings, and surrounding whitespace, normalize alike', () => {
    fc.assert(
      fc.property(fc.constantFrom(...identifierTypes), anyText, fc.constantFrom('', ' ', '\t', '\n '), (type, value, pad) => {
        const nfc = normalizeIdentifierValue(type, value.normalize('NFC'));
        assert.equal(normalizeIdentifierValue(type, pad + value.normalize('NFD') + pad), nfc);
      }),
      RUNS,
    );
  });

  it('phone and document: full-width digits read as their ASCII digits', () => {
    fc.assert(
      fc.property(fc.constantFrom('phone', 'document'), fc.stringMatching(/^\+?[0-9A-Z .()-]{1,16}$/), (type, value) => {
        assert.equal(normalizeIdentifierValue(type, fullWidth(value)), normalizeIdentifierValue(type, value));
      }),
      RUNS,
    );
  });

  it('document: letters are kept, so documents that differ in a letter never merge', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{1,3}[0-9]{1,9}$/), fc.stringMatching(/^[A-Z]$/), (doc, letter) => {
        fc.pre(doc[0] !== letter);
        const other = letter + doc.slice(1);
        assert.notEqual(normalizeIdentifierValue('document', other), normalizeIdentifierValue('document', doc));
        assert.equal(normalizeIdentifierValue('document', doc.toLowerCase()), doc);
      }),
      RUNS,
    );
  });

  it('phone: a defined result is E.164 (with an optional extension); an extension never merges into the number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{7,12}$/), fc.integer({ min: 1, max: 9999 }), (digits, ext) => {
        const n = normalizeIdentifierValue('phone', `+${digits}`);
        if (n === undefined) return;
        assert.match(n, /^\+[1-9][0-9]{6,14}$/);
        const withExt = normalizeIdentifierValue('phone', `+${digits} ext ${ext}`);
        assert.equal(withExt, `${n};ext=${ext}`);
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
  const base = {
    eventType: 'ORDER_COMPLETED',
    occurredAt: '2026-06-01T12:30:00Z',
    customerId: 'cust-001',
    data: { orderId: 'ord-001', totalAmount: 7990, currency: 'BRL' },
  };

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
    return Object.fromEntries(
      Object.keys(v)
        .reverse()
        .map((k) => [k, reversed(v[k])]),
    );
  };
  /** A copy with the keys of every object sorted. */
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (!isPlain(v)) return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted(v[k])]),
    );
  };

  const dataArb = json(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })) as fc.Arbitrary<JsonObject>;
  const eventArb = json(
    fc.record(
      {
        eventType: fc.string({ minLength: 1, maxLength: 10 }),
        occurredAt: fc.constantFrom('2026-06-01T12:30:00Z', '2026-06-01T09:30:00-03:00'),
        customerId: fc.string({ maxLength: 6 }),
        data: dataArb,
      },
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
