/**
 * Properties of ContractValidator for reviews, events, leads and lenient orders
 * (docs/contract.md §3 and §4): every payload built to the contract passes, whatever optional
 * blocks and unknown fields it carries; breaking one rule always yields an issue whose JSON
 * pointer names the broken place, with a reason a person can act on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  eventArb,
  finiteNumber,
  leadArb,
  localDateTime,
  orderArb,
  questionArb,
  RATING_STYLES,
  REVIEW_TYPES,
  reviewArb,
  type Doc,
} from './support/contract-arbitraries.js';
import {
  assertNames,
  eventMutations,
  leadMutations,
  mutationProperty,
  orderMutations,
  reviewMutations,
  RUNS,
  validator,
} from './support/contract-mutations.js';

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
          assert.ok(
            issues.some((l) => l.startsWith(`${pointer}: `) && /required/i.test(l)),
            JSON.stringify(issues),
          );
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
        assert.ok(
          issues.some((l) => /RFC 3339/.test(l)),
          JSON.stringify(issues),
        );
      }),
      RUNS,
    );
    assertNames(
      validator.check('review', { reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: 4 }, reviewDate: '2026-06-01T12:00:00' }),
      '/reviewDate',
      'seed date without Z',
    );
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
      assert.deepStrictEqual(
        validator.check('review', { reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value }, reviewDate: '2026-06-01T12:00:00Z' }),
        [],
        String(value),
      );
    }
  });

  it('refuses a duplicated questions[].questionId, pointing at a duplicate', () => {
    fc.assert(
      fc.property(
        reviewArb,
        fc.uniqueArray(questionArb, { minLength: 2, maxLength: 6, selector: (q) => q.questionId }),
        fc.nat(),
        fc.nat(),
        (r, questions, a, b) => {
          const qs = structuredClone(questions);
          const j = 1 + (b % (qs.length - 1));
          const i = a % j;
          qs[j].questionId = qs[i].questionId;
          const issues = validator.check('review', { ...r, questions: qs });
          assert.ok(
            issues.some((l) => l.startsWith(`/questions/${j}/questionId: `) || l.startsWith(`/questions/${i}/questionId: `)),
            `duplicate of /questions/${i} at /questions/${j}: ${JSON.stringify(issues)}`,
          );
          assert.ok(
            issues.some((l) => /unique|duplicate/i.test(l)),
            JSON.stringify(issues),
          );
        },
      ),
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
