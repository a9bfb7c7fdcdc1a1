/**
 * Properties of ContractValidator (contract-decisions §3 and §4): every payload built to the
 * contract passes, whatever optional blocks and unknown fields it carries; breaking one rule
 * always yields an issue whose JSON pointer names the broken place, with a reason a person can
 * act on; a batch lists every bad item.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContractError } from '../src/contract/errors.js';
import { ContractValidator } from '../src/contract/validation.js';

const RUNS = { numRuns: 300 };
const validator = new ContractValidator();

type Doc = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Generators mirroring the schemas
// ---------------------------------------------------------------------------------------------

const IDENTIFIER_TYPES = ['document', 'phone', 'email', 'external_id', 'custom'] as const;
const REVIEW_TYPES = ['ORDER', 'MERCHANT_EXPERIENCE', 'EVENT'] as const;
const RATING_STYLES = ['STAR', 'THUMBS_UP_DOWN', 'NPS', 'OTHER'] as const;

function json<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return arb.map((v) => JSON.parse(JSON.stringify(v)) as T);
}

/** A field a re-send may clear: its value or null. */
function clearable<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) });
}

const str = fc.string({ maxLength: 12 });
const nonEmpty = fc.string({ minLength: 1, maxLength: 12 });
const withDigit = fc.tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 9 }), fc.string({ maxLength: 6 })).map(([a, d, b]) => `${a}${d}${b}`);
const noDigit = fc.string({ minLength: 1, maxLength: 10 }).map((s) => s.replace(/\d/g, '') || '-');

const instant = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
/** RFC 3339 date-time with an offset, with or without fractional seconds. */
const dateTime = fc
  .tuple(instant, fc.constantFrom('Z', '+00:00', '-03:00', '+05:30'), fc.boolean())
  .map(([d, offset, frac]) => d.toISOString().slice(0, frac ? 23 : 19) + offset);
/** The same, without its offset. */
const localDateTime = instant.map((d) => d.toISOString().slice(0, 19));
const date = instant.map((d) => d.toISOString().slice(0, 10));

/** Fields the contract does not name, with any JSON value. */
const extras = json(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).map((s) => `x-${s}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));

function withExtras<T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(arb, extras).map(([v, x]) => ({ ...x, ...v }));
}

function opt<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: (keyof T)[] = []) {
  return fc.record(fields, { requiredKeys: required as any });
}

const identifier = withExtras(
  fc.oneof(
    fc.record({ type: fc.constantFrom('phone', 'document'), value: withDigit }),
    fc.record({ type: fc.constantFrom('email', 'external_id', 'custom'), value: nonEmpty }),
  ),
);

const externalId = withExtras(opt({ source: nonEmpty, sourceName: clearable(str), key: str, value: nonEmpty }, ['source', 'value']));

const customerArb: fc.Arbitrary<Doc> = json(
  withExtras(
    opt(
      {
        id: nonEmpty,
        identifier,
        name: clearable(str),
        document: clearable(withExtras(opt({ type: clearable(fc.constantFrom('CPF', 'CNPJ')), value: clearable(str) }))),
        contacts: clearable(
          withExtras(
            opt({
              phones: clearable(fc.array(withExtras(opt({ number: nonEmpty, type: clearable(str), isPrimary: clearable(fc.boolean()) }, ['number'])), { maxLength: 3 })),
              emails: clearable(fc.array(withExtras(opt({ email: nonEmpty, isPrimary: clearable(fc.boolean()) }, ['email'])), { maxLength: 3 })),
            }),
          ),
        ),
        demographics: clearable(withExtras(opt({ birthDate: clearable(date), gender: clearable(str) }))),
        addresses: clearable(
          fc.array(
            withExtras(
              opt({
                type: clearable(str),
                street: clearable(str),
                number: clearable(str),
                complement: clearable(str),
                neighborhood: clearable(str),
                city: clearable(str),
                state: clearable(str),
                postalCode: clearable(str),
                country: clearable(str),
                coordinates: clearable(
                  fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) }),
                ),
              }),
            ),
            { maxLength: 3 },
          ),
        ),
        externalIds: clearable(fc.array(externalId, { maxLength: 4 })),
        metadata: clearable(
          withExtras(
            opt({
              restrictions: clearable(fc.array(str, { maxLength: 3 })),
              customRules: clearable(json(fc.dictionary(str, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }))),
              customTags: clearable(fc.array(str, { maxLength: 3 })),
            }),
          ),
        ),
        createdAt: clearable(dateTime),
      },
      ['identifier'],
    ),
  ),
);

const questionArb = withExtras(
  opt(
    { questionId: nonEmpty, question: str, ratingStyle: fc.constantFrom(...RATING_STYLES), value: fc.double({ noNaN: true, noDefaultInfinity: true }), answer: str, comment: str },
    ['questionId'],
  ),
);

const finiteNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

const reviewArb: fc.Arbitrary<Doc> = json(
  withExtras(
    opt(
      {
        reviewId: nonEmpty,
        reviewType: fc.constantFrom(...REVIEW_TYPES),
        overallRating: withExtras(opt({ ratingStyle: fc.constantFrom(...RATING_STYLES), value: finiteNumber, comment: str }, ['ratingStyle', 'value'])),
        questions: fc.uniqueArray(questionArb, { maxLength: 5, selector: (q) => q.questionId }),
        customer: withExtras(opt({ customerId: str })),
        subject: withExtras(opt({ orderId: str, merchantId: str })),
        reviewDate: dateTime,
        source: extras,
      },
      ['reviewType', 'overallRating', 'reviewDate'],
    ),
  ),
);

const eventArb: fc.Arbitrary<Doc> = json(
  withExtras(
    opt(
      { id: nonEmpty, eventId: nonEmpty, eventType: nonEmpty, occurredAt: dateTime, customerId: str, data: json(fc.dictionary(str, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })) },
      ['eventType', 'occurredAt'],
    ),
  ),
);

const leadArb: fc.Arbitrary<Doc> = json(
  withExtras(
    opt({
      id: nonEmpty,
      name: str,
      contact: fc.oneof(str, withExtras(opt({ type: fc.constantFrom('phone', 'email', 'other'), value: nonEmpty }, ['value']))),
      externalIds: fc.array(externalId, { maxLength: 3 }),
      source: str,
      metadata: extras,
      createdAt: dateTime,
    }),
  ),
);

const orderArb: fc.Arbitrary<Doc> = json(
  withExtras(
    opt(
      {
        id: nonEmpty,
        displayId: str,
        type: str,
        createdAt: str,
        customer: opt({ id: str, name: str }),
        sendPreparing: fc.boolean(),
        extraInfo: str,
      },
      ['id'],
    ),
  ),
);

// ---------------------------------------------------------------------------------------------
// Mutations: each breaks exactly one rule and names the pointer it breaks
// ---------------------------------------------------------------------------------------------

interface Mutation {
  name: string;
  /** Breaks a copy of `doc` in place; returns the pointer of the broken location. */
  apply(doc: Doc, n: number, s: string): string;
}

/** An index in [0, length] chosen from `n`, and the list (created if absent) to insert at. */
function insertAt(parent: Doc, key: string, n: number, entry: unknown): number {
  const list = Array.isArray(parent[key]) ? parent[key] : (parent[key] = []);
  const i = n % (list.length + 1);
  list.splice(i, 0, entry);
  return i;
}

function objectAt(parent: Doc, key: string): Doc {
  if (typeof parent[key] !== 'object' || parent[key] === null || Array.isArray(parent[key])) parent[key] = {};
  return parent[key];
}

const badIdentifierType = (s: string) => ['PHONE', 'Email', 'cpf', 'externalId', 'external-id', 'phone ', '', s];

const customerMutations: Mutation[] = [
  { name: 'identifier dropped', apply: (c) => (delete c.identifier, '/identifier') },
  { name: 'identifier not an object', apply: (c, n) => ((c.identifier = ['phone:+55', null, 42, ['phone']][n % 4]), '/identifier') },
  { name: 'identifier.type dropped', apply: (c) => (delete c.identifier.type, '/identifier/type') },
  {
    name: 'identifier.type unknown',
    apply: (c, n, s) => {
      const bad = badIdentifierType(s).filter((t) => !(IDENTIFIER_TYPES as readonly string[]).includes(t));
      c.identifier.type = bad[n % bad.length];
      return '/identifier/type';
    },
  },
  { name: 'identifier.type not a string', apply: (c, n) => ((c.identifier.type = [1, true, null, {}][n % 4]), '/identifier/type') },
  { name: 'identifier.value dropped', apply: (c) => (delete c.identifier.value, '/identifier/value') },
  { name: 'identifier.value empty', apply: (c) => ((c.identifier.value = ''), '/identifier/value') },
  { name: 'identifier.value not a string', apply: (c, n) => ((c.identifier.value = [5511999999999, null, ['x'], { v: 1 }][n % 4]), '/identifier/value') },
  {
    name: 'phone/document identifier without a digit',
    apply: (c, n, s) => {
      c.identifier.type = n % 2 === 0 ? 'phone' : 'document';
      c.identifier.value = s.replace(/\d/g, '') || '+ (--) .';
      return '/identifier/value';
    },
  },
  { name: 'name a number', apply: (c, n) => ((c.name = n), '/name') },
  { name: 'name an object', apply: (c) => ((c.name = { first: 'Maria' }), '/name') },
  { name: 'document a string', apply: (c, _n, s) => ((c.document = s), '/document') },
  { name: 'contacts a string', apply: (c, _n, s) => ((c.contacts = s), '/contacts') },
  { name: 'contacts.emails not an array', apply: (c, _n, s) => ((objectAt(c, 'contacts').emails = s), '/contacts/emails') },
  { name: 'contacts.emails[i].email dropped', apply: (c, n) => `/contacts/emails/${insertAt(objectAt(c, 'contacts'), 'emails', n, { isPrimary: true })}/email` },
  { name: 'contacts.emails[i].email empty', apply: (c, n) => `/contacts/emails/${insertAt(objectAt(c, 'contacts'), 'emails', n, { email: '' })}/email` },
  { name: 'contacts.phones[i].number dropped', apply: (c, n) => `/contacts/phones/${insertAt(objectAt(c, 'contacts'), 'phones', n, { type: 'mobile' })}/number` },
  { name: 'externalIds an object', apply: (c) => ((c.externalIds = { source: 'PDV', value: 'C1' }), '/externalIds') },
  { name: 'externalIds[i].source dropped', apply: (c, n) => `/externalIds/${insertAt(c, 'externalIds', n, { key: 'k', value: 'v' })}/source` },
  { name: 'externalIds[i].value empty', apply: (c, n) => `/externalIds/${insertAt(c, 'externalIds', n, { source: 'PDV', value: '' })}/value` },
  { name: 'metadata an array', apply: (c) => ((c.metadata = ['vip']), '/metadata') },
  { name: 'metadata.customTags a string', apply: (c) => ((objectAt(c, 'metadata').customTags = 'vip'), '/metadata/customTags') },
  { name: 'addresses an object', apply: (c) => ((c.addresses = { city: 'São Paulo' }), '/addresses') },
  {
    name: 'addresses[i].coordinates.latitude out of range',
    apply: (c, n) => `/addresses/${insertAt(c, 'addresses', n, { coordinates: { latitude: 90.5 + (n % 100), longitude: 0 } })}/coordinates/latitude`,
  },
  { name: 'demographics.birthDate not a date', apply: (c, n) => ((objectAt(c, 'demographics').birthDate = ['June 1st', '01/06/1990', '1990-13-01'][n % 3]), '/demographics/birthDate') },
  { name: 'createdAt without offset', apply: (c) => ((c.createdAt = '2026-06-01T12:00:00'), '/createdAt') },
];

const reviewMutations: Mutation[] = [
  { name: 'reviewType dropped', apply: (r) => (delete r.reviewType, '/reviewType') },
  { name: 'reviewType unknown', apply: (r, n) => ((r.reviewType = ['order', 'DELIVERY', '', 'Order'][n % 4]), '/reviewType') },
  { name: 'overallRating dropped', apply: (r) => (delete r.overallRating, '/overallRating') },
  { name: 'overallRating a number', apply: (r, n) => ((r.overallRating = n), '/overallRating') },
  { name: 'overallRating.ratingStyle dropped', apply: (r) => (delete r.overallRating.ratingStyle, '/overallRating/ratingStyle') },
  { name: 'overallRating.ratingStyle unknown', apply: (r, n) => ((r.overallRating.ratingStyle = ['star', 'STARS', '5', ''][n % 4]), '/overallRating/ratingStyle') },
  { name: 'overallRating.value dropped', apply: (r) => (delete r.overallRating.value, '/overallRating/value') },
  { name: 'overallRating.value a string', apply: (r, n) => ((r.overallRating.value = String(n)), '/overallRating/value') },
  { name: 'overallRating.value null', apply: (r) => ((r.overallRating.value = null), '/overallRating/value') },
  { name: 'reviewDate dropped', apply: (r) => (delete r.reviewDate, '/reviewDate') },
  { name: 'reviewDate without offset', apply: (r) => ((r.reviewDate = '2026-06-01T12:00:00'), '/reviewDate') },
  { name: 'reviewDate a date only', apply: (r) => ((r.reviewDate = '2026-06-01'), '/reviewDate') },
  { name: 'questions[i].questionId dropped', apply: (r, n) => `/questions/${insertAt(r, 'questions', n, { question: 'Was it hot?' })}/questionId` },
];

const eventMutations: Mutation[] = [
  { name: 'eventType dropped', apply: (e) => (delete e.eventType, '/eventType') },
  { name: 'eventType empty', apply: (e) => ((e.eventType = ''), '/eventType') },
  { name: 'eventType not a string', apply: (e, n) => ((e.eventType = [n, null, ['ORDER_COMPLETED']][n % 3]), '/eventType') },
  { name: 'occurredAt dropped', apply: (e) => (delete e.occurredAt, '/occurredAt') },
  { name: 'occurredAt without offset', apply: (e) => ((e.occurredAt = '2026-06-01T12:30:00'), '/occurredAt') },
  { name: 'occurredAt not a date-time', apply: (e, n) => ((e.occurredAt = ['yesterday', '2026-06-01', '1717245000'][n % 3]), '/occurredAt') },
];

const leadMutations: Mutation[] = [
  { name: 'contact a number', apply: (l, n) => ((l.contact = n), '/contact') },
  { name: 'contact an object without value', apply: (l) => ((l.contact = { type: 'email' }), '/contact') },
  { name: 'name a number', apply: (l, n) => ((l.name = n), '/name') },
  { name: 'externalIds[i].source dropped', apply: (l, n) => `/externalIds/${insertAt(l, 'externalIds', n, { value: 'L-1' })}/source` },
];

const orderMutations: Mutation[] = [
  { name: 'id dropped', apply: (o) => (delete o.id, '/id') },
  { name: 'id a number', apply: (o, n) => ((o.id = n), '/id') },
  { name: 'id empty', apply: (o) => ((o.id = ''), '/id') },
  { name: 'displayId a number (canonical field of the wrong type)', apply: (o, n) => ((o.displayId = n), '/displayId') },
];

/** Asserts that some issue line names `pointer` (exactly, before the colon). */
function assertNames(issues: string[], pointer: string, what: string): void {
  assert.ok(
    issues.some((line) => line.startsWith(`${pointer}: `)),
    `${what}: expected an issue at ${pointer}, got ${JSON.stringify(issues)}`,
  );
}

function mutationProperty(kind: Parameters<ContractValidator['check']>[0], arb: fc.Arbitrary<Doc>, mutations: Mutation[]) {
  fc.assert(
    fc.property(arb, fc.constantFrom(...mutations), fc.nat(), fc.string({ maxLength: 10 }), fc.constantFrom('', '/0', '/items/17'), (doc, mutation, n, s, base) => {
      const broken = structuredClone(doc);
      const pointer = mutation.apply(broken, n, s);
      const issues = validator.check(kind, broken, base);
      assert.ok(issues.length > 0, `${mutation.name}: no issue for ${JSON.stringify(broken)}`);
      assertNames(issues, base + pointer, mutation.name);
      for (const line of issues) assert.ok(line.startsWith(`${base}/`) || line.startsWith(`${base}: `), `issue not under ${base || 'the root'}: ${line}`);
    }),
    { numRuns: Math.max(RUNS.numRuns, mutations.length * 25) },
  );
}

// ---------------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------------

describe('ContractValidator: customer', () => {
  it('accepts every customer built to the schema, with any optional blocks and unknown fields', () => {
    fc.assert(
      fc.property(customerArb, (c) => {
        assert.deepStrictEqual(validator.check('customer', c), [], JSON.stringify(c));
      }),
      RUNS,
    );
  });

  it('accepts the minimal customer: an identifier alone, of each type', () => {
    for (const type of IDENTIFIER_TYPES) {
      assert.deepStrictEqual(validator.check('customer', { identifier: { type, value: type === 'phone' || type === 'document' ? '123' : 'x' } }), [], type);
    }
  });

  it('breaking one rule always yields an issue at the broken location', () => {
    mutationProperty('customer', customerArb, customerMutations);
  });

  it('a phone or document identifier with no digit is refused; any non-empty value of the other types is accepted', () => {
    fc.assert(
      fc.property(customerArb, noDigit, (c, value) => {
        for (const type of ['phone', 'document']) {
          const issues = validator.check('customer', { ...c, identifier: { type, value } });
          assertNames(issues, '/identifier/value', `${type} ${JSON.stringify(value)}`);
          assert.ok(issues.some((l) => /digit/i.test(l)), `the reason should say a digit is needed: ${issues}`);
        }
        for (const type of ['email', 'external_id', 'custom']) {
          assert.deepStrictEqual(validator.check('customer', { ...c, identifier: { type, value } }), [], type);
        }
      }),
      RUNS,
    );
  });

  it('messages are actionable: an unknown type lists the five allowed values and what was sent', () => {
    const issues = validator.check('customer', { identifier: { type: 'cpf', value: '123' } });
    const line = issues.find((l) => l.startsWith('/identifier/type: '));
    assert.ok(line, JSON.stringify(issues));
    for (const allowed of IDENTIFIER_TYPES) assert.ok(line.includes(allowed), `${line} should list ${allowed}`);
    assert.ok(line.includes('cpf'), `${line} should show the value sent`);
  });

  it('messages are actionable: required, type, empty and format say what is expected', () => {
    const missing = validator.check('customer', {});
    assert.ok(missing.some((l) => l.startsWith('/identifier: ') && /required/i.test(l)), JSON.stringify(missing));
    const wrongType = validator.check('customer', { identifier: { type: 'email', value: 'a@x' }, name: 42 });
    assert.ok(wrongType.some((l) => l.startsWith('/name: ') && l.includes('string') && l.includes('number')), JSON.stringify(wrongType));
    const empty = validator.check('customer', { identifier: { type: 'email', value: '' } });
    assert.ok(empty.some((l) => l.startsWith('/identifier/value: ') && /empty|at least/i.test(l)), JSON.stringify(empty));
    const format = validator.check('customer', { identifier: { type: 'email', value: 'a@x' }, createdAt: '2026-06-01T12:00:00' });
    assert.ok(format.some((l) => l.startsWith('/createdAt: ') && /RFC 3339/.test(l)), JSON.stringify(format));
  });
});

// ---------------------------------------------------------------------------------------------
// Reviews
// ---------------------------------------------------------------------------------------------

describe('ContractValidator: review', () => {
  it('accepts every review built to the schema, with any optional blocks and unknown fields', () => {
    fc.assert(
      fc.property(reviewArb, (r) => {
        assert.deepStrictEqual(validator.check('review', r), [], JSON.stringify(r));
      }),
      RUNS,
    );
  });

  for (const [pointer, drop] of [
    ['/reviewType', (r: Doc) => delete r.reviewType],
    ['/overallRating/ratingStyle', (r: Doc) => delete r.overallRating.ratingStyle],
    ['/overallRating/value', (r: Doc) => delete r.overallRating.value],
    ['/reviewDate', (r: Doc) => delete r.reviewDate],
  ] as const) {
    it(`dropping ${pointer} yields an issue at ${pointer}`, () => {
      fc.assert(
        fc.property(reviewArb, (r) => {
          const broken = structuredClone(r);
          drop(broken);
          const issues = validator.check('review', broken);
          assertNames(issues, pointer, `without ${pointer}`);
          assert.ok(issues.some((l) => l.startsWith(`${pointer}: `) && /required/i.test(l)), JSON.stringify(issues));
        }),
        RUNS,
      );
    });
  }

  it('breaking one rule always yields an issue at the broken location', () => {
    mutationProperty('review', reviewArb, reviewMutations);
  });

  it('refuses a reviewDate without offset, e.g. 2026-06-01T12:00:00', () => {
    fc.assert(
      fc.property(reviewArb, localDateTime, (r, local) => {
        const issues = validator.check('review', { ...r, reviewDate: local });
        assertNames(issues, '/reviewDate', local);
        assert.ok(issues.some((l) => /RFC 3339/.test(l)), JSON.stringify(issues));
      }),
      RUNS,
    );
    assertNames(validator.check('review', { reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: 4 }, reviewDate: '2026-06-01T12:00:00' }), '/reviewDate', 'seed date without Z');
  });

  it('accepts any finite number as overallRating.value (no range invented)', () => {
    fc.assert(
      fc.property(reviewArb, finiteNumber, fc.constantFrom(...RATING_STYLES), (r, value, style) => {
        const review = { ...r, overallRating: { ...r.overallRating, ratingStyle: style, value } };
        assert.deepStrictEqual(validator.check('review', review), [], `value ${value} with ${style}`);
      }),
      RUNS,
    );
    for (const value of [-1, 0, 0.5, 5, 6, 10, 11, 100, -100, 1e9, Number.MAX_VALUE, -Number.MAX_VALUE]) {
      assert.deepStrictEqual(validator.check('review', { reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value }, reviewDate: '2026-06-01T12:00:00Z' }), [], String(value));
    }
  });

  it('refuses a duplicated questions[].questionId, pointing at a duplicate', () => {
    fc.assert(
      fc.property(reviewArb, fc.uniqueArray(questionArb, { minLength: 2, maxLength: 6, selector: (q) => q.questionId }), fc.nat(), fc.nat(), (r, questions, a, b) => {
        const qs = structuredClone(questions);
        const j = 1 + (b % (qs.length - 1));
        const i = a % j;
        qs[j].questionId = qs[i].questionId;
        const issues = validator.check('review', { ...r, questions: qs });
        assert.ok(
          issues.some((l) => l.startsWith(`/questions/${j}/questionId: `) || l.startsWith(`/questions/${i}/questionId: `)),
          `duplicate of /questions/${i} at /questions/${j}: ${JSON.stringify(issues)}`,
        );
        assert.ok(issues.some((l) => /unique|duplicate/i.test(l)), JSON.stringify(issues));
      }),
      RUNS,
    );
  });

  it('messages are actionable: unknown reviewType and ratingStyle list the allowed values', () => {
    const issues = validator.check('review', { reviewType: 'DELIVERY', overallRating: { ratingStyle: 'STARS', value: 4 }, reviewDate: '2026-06-01T12:00:00Z' });
    const type = issues.find((l) => l.startsWith('/reviewType: '));
    const style = issues.find((l) => l.startsWith('/overallRating/ratingStyle: '));
    assert.ok(type && style, JSON.stringify(issues));
    for (const v of REVIEW_TYPES) assert.ok(type.includes(v), `${type} should list ${v}`);
    for (const v of RATING_STYLES) assert.ok(style.includes(v), `${style} should list ${v}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Events, leads, orders
// ---------------------------------------------------------------------------------------------

describe('ContractValidator: event', () => {
  it('accepts every event with eventType and occurredAt, with any optional fields and unknown fields', () => {
    fc.assert(
      fc.property(eventArb, (e) => {
        assert.deepStrictEqual(validator.check('event', e), [], JSON.stringify(e));
      }),
      RUNS,
    );
  });

  it('requires eventType and occurredAt (RFC 3339)', () => {
    mutationProperty('event', eventArb, eventMutations);
  });
});

describe('ContractValidator: lead', () => {
  it('accepts {} (no field is required)', () => {
    assert.deepStrictEqual(validator.check('lead', {}), []);
  });

  it('accepts contact as a string and as an object', () => {
    assert.deepStrictEqual(validator.check('lead', { contact: 'ana.souza@example.com' }), []);
    assert.deepStrictEqual(validator.check('lead', { contact: { type: 'email', value: 'ana.souza@example.com' } }), []);
  });

  it('accepts every lead built to the schema, with unknown fields', () => {
    fc.assert(
      fc.property(leadArb, (l) => {
        assert.deepStrictEqual(validator.check('lead', l), [], JSON.stringify(l));
      }),
      RUNS,
    );
  });

  it('breaking one rule always yields an issue at the broken location', () => {
    mutationProperty('lead', leadArb, leadMutations);
  });
});

describe('ContractValidator: order (lenient default)', () => {
  it('requires only a string id', () => {
    assert.deepStrictEqual(validator.check('order', { id: 'ord-001' }), []);
    assert.deepStrictEqual(validator.check('order', { id: 'ord-001', status: 'CONFIRMED', customer: { id: 'cust-001' } }), []);
    assertNames(validator.check('order', {}), '/id', 'order without id');
  });

  it('accepts any partial snapshot with a string id, canonical fields of the right type and unknown fields', () => {
    fc.assert(
      fc.property(orderArb, (o) => {
        assert.deepStrictEqual(validator.check('order', o), [], JSON.stringify(o));
      }),
      RUNS,
    );
  });

  it('breaking the id or the type of a canonical field yields an issue at it', () => {
    mutationProperty('order', orderArb, orderMutations);
  });
});

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

describe('ContractValidator: assertItems (batch, all or nothing)', () => {
  const batchArb = fc.array(
    fc.tuple(customerArb, fc.option(fc.constantFrom(...customerMutations), { freq: 3 }), fc.nat(), fc.string({ maxLength: 6 })),
    { minLength: 1, maxLength: 12 },
  );

  for (const prefix of ['', '/items']) {
    it(`lists every bad index and only those${prefix ? ', under /items for the wrapped form' : ''}`, () => {
      fc.assert(
        fc.property(batchArb, (rows) => {
          const bad = new Map<number, string>();
          const items = rows.map(([c, mutation, n, s], index) => {
            if (!mutation) return c;
            const broken = structuredClone(c);
            bad.set(index, mutation.apply(broken, n, s));
            return broken;
          });
          if (bad.size === 0) {
            assert.deepStrictEqual(validator.assertItems('customer', items, prefix), items);
            return;
          }
          let thrown: unknown;
          try {
            validator.assertItems('customer', items, prefix);
          } catch (error) {
            thrown = error;
          }
          assert.ok(thrown instanceof ContractError, `expected a ContractError for bad items ${[...bad.keys()]}`);
          assert.equal(thrown.code, 'VALIDATION_ERROR');
          assert.ok(thrown.message.length > 0);
          const indexPattern = new RegExp(`^${prefix.replace('/', '\\/')}\\/(\\d+)[/:]`);
          const listed = new Set<number>();
          for (const line of thrown.details) {
            const m = indexPattern.exec(line);
            assert.ok(m, `detail not under ${prefix}/<index>: ${line}`);
            listed.add(Number(m[1]));
          }
          assert.deepStrictEqual([...listed].sort((a, b) => a - b), [...bad.keys()].sort((a, b) => a - b), 'indices listed');
          for (const [index, pointer] of bad) assertNames(thrown.details, `${prefix}/${index}${pointer}`, `item ${index}`);
        }),
        RUNS,
      );
    });
  }
});
