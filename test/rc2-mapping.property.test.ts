/**
 * The rc.2 <-> seed mappings lose nothing (issue 14, docs/bindings.md): an rc.2 record mapped
 * to the stored seed shape and back is the record sent, and a seed record shown to an rc.2
 * client and sent back is the record stored. Pure functions, so properties over many shapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { customerFromSeed, customerToSeed } from '../src/contract/rc2/mapping/customer-mapping.js';
import type { JsonObject } from '../src/contract/rc2/mapping/json-object.js';
import { leadFromSeed, leadToSeed } from '../src/contract/rc2/mapping/lead-mapping.js';
import { orderFromCanonical, orderToCanonical } from '../src/contract/rc2/mapping/order-mapping.js';
import { reviewFromSeed, reviewToSeed } from '../src/contract/rc2/mapping/review-mapping.js';

const text = fc.string({ minLength: 1, maxLength: 12 });
const date = fc.constantFrom('2026-08-01T10:00:00Z', '2026-08-04T12:30:00.123456Z', '2026-01-02T03:04:05-03:00');
/** Extra fields a record may carry; named so they never collide with a mapped field. */
const extras = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).map((k) => `x_${k}`),
  fc.oneof(text, fc.integer(), fc.boolean()),
  { maxKeys: 2 },
);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** An object without its undefined fields, as JSON would carry it. */
function defined(value: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

const identifier = fc.record({ type: fc.constantFrom('email', 'phone', 'document', 'external_id', 'custom'), value: text });
const contactPoint = fc
  .tuple(fc.record({ type: fc.constantFrom('phone', 'email', 'other'), value: text, label: opt(text) }), extras)
  .map(([c, x]) => ({ ...defined(c), ...x }));

const rc2Customer = fc
  .record({
    id: opt(text),
    merchantId: opt(text),
    identifier,
    externalIds: opt(fc.array(fc.record({ source: text, value: text }), { maxLength: 3 })),
    name: opt(text),
    contacts: opt(fc.array(contactPoint, { maxLength: 5 })),
    birthDate: opt(fc.constantFrom('1990-05-01', '2001-12-31')),
    addresses: opt(fc.array(fc.record({ city: text, country: fc.constant('BR') }), { maxLength: 2 })),
    metadata: opt(fc.dictionary(text, text, { maxKeys: 2 })),
    consents: opt(
      fc.array(
        fc
          .record({
            purpose: text,
            channel: text,
            status: fc.constantFrom('opt_in', 'opt_out', 'legal_consent', 'revoked'),
            grantedAt: opt(date),
            revokedAt: opt(date),
          })
          .map(defined),
        { maxLength: 3 },
      ),
    ),
    createdAt: opt(date),
  })
  .map(defined)
  // Contacts are returned grouped by type (phones, emails, others): the order within a type is kept.
  .map((c) => (Array.isArray(c.contacts) ? { ...c, contacts: groupByType(c.contacts as JsonObject[]) } : c));

function groupByType(points: JsonObject[]): JsonObject[] {
  return ['phone', 'email', 'other'].flatMap((type) => points.filter((p) => p.type === type));
}

const seedCustomer = fc
  .record({
    id: text,
    identifier,
    name: opt(text),
    document: opt(fc.record({ type: fc.constant('CPF'), value: text })),
    demographics: opt(fc.record({ birthDate: opt(fc.constant('1985-01-02')), gender: text }).map(defined)),
    contacts: opt(
      fc
        .record({
          phones: opt(fc.array(fc.record({ number: text, type: opt(text), isPrimary: opt(fc.boolean()) }).map(defined), { minLength: 1, maxLength: 3 })),
          emails: opt(fc.array(fc.record({ email: text, isPrimary: opt(fc.boolean()) }).map(defined), { minLength: 1, maxLength: 3 })),
        })
        .map(defined),
    ),
    externalIds: opt(fc.array(fc.record({ source: text, sourceName: text, key: text, value: text }), { maxLength: 2 })),
    consent: opt(fc.record({ status: fc.constantFrom('opted_in', 'opted_out'), occurredAt: date, eventId: text })),
    updatedAt: opt(date),
  })
  .map(defined)
  .filter((c) => !(c.contacts !== undefined && Object.keys(c.contacts as object).length === 0));

const amount = fc.integer({ min: 0, max: 10_000_000 });
const rc2Order = fc
  .tuple(
    fc.record({
      id: text,
      storeId: opt(text),
      originChannel: opt(fc.constantFrom('own_app', 'marketplace', 'in_store', 'qr_code', 'kiosk', 'delivery', 'takeout', 'other')),
      customer: opt(fc.record({ identifier, externalIds: opt(fc.array(fc.record({ source: text, value: text }), { maxLength: 2 })) }).map(defined)),
      totalAmount: opt(amount),
      currency: opt(fc.constantFrom('BRL', 'USD', 'JPY', 'KWD')),
      items: opt(
        fc.array(fc.record({ sku: opt(text), name: opt(text), quantity: opt(fc.integer({ min: 1, max: 9 })), unitPrice: opt(amount) }).map(defined), {
          maxLength: 3,
        }),
      ),
      metadata: opt(fc.dictionary(text, text, { maxKeys: 2 })),
      createdAt: opt(date),
    }),
    extras,
  )
  .map(([o, x]) => ({ ...defined(o), ...x }));

const ratingValue = fc.oneof(
  fc.integer({ min: -5, max: 10 }),
  fc.double({ min: -10, max: 10, noNaN: true }).filter((d) => !Object.is(d, -0)),
  fc.boolean(),
  text,
);
const rating = fc
  .tuple(
    fc.record({
      method: opt(fc.constantFrom('stars', 'nps', 'binary', 'score', 'other')),
      value: opt(ratingValue),
      scaleMin: opt(fc.integer({ min: 0, max: 1 })),
      scaleMax: opt(fc.integer({ min: 5, max: 10 })),
      isOverall: opt(fc.boolean()),
      category: opt(text),
      question: opt(text),
      comment: opt(text),
    }),
    extras,
  )
  .map(([r, x]) => ({ ...defined(r), ...x }));

const rc2Review = fc
  .record({
    id: text,
    merchantId: opt(text),
    customerIdentifier: opt(identifier),
    orderId: opt(text),
    source: opt(text),
    ratings: fc.array(rating, { minLength: 1, maxLength: 5 }),
    comment: opt(text),
    createdAt: date,
  })
  .map(defined);

function overallOf(review: JsonObject): JsonObject {
  const ratings = review.ratings as JsonObject[];
  return ratings.find((r) => r.isOverall === true) ?? ratings[0];
}

function scoresAsNumber(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
}

const seedReview = fc
  .record({
    reviewId: text,
    reviewType: fc.constantFrom('ORDER', 'MERCHANT_EXPERIENCE', 'EVENT'),
    overallRating: fc
      .record({ ratingStyle: fc.constantFrom('STAR', 'THUMBS_UP_DOWN', 'NPS', 'OTHER'), value: fc.integer({ min: 0, max: 10 }), comment: opt(text) })
      .map(defined),
    questions: opt(
      fc
        .uniqueArray(
          fc
            .record({
              questionId: text,
              question: opt(text),
              ratingStyle: opt(fc.constantFrom('STAR', 'THUMBS_UP_DOWN', 'NPS', 'OTHER')),
              value: opt(fc.integer({ min: 0, max: 10 })),
              answer: opt(text),
              comment: opt(text),
            })
            .map(defined),
          { selector: (q) => q.questionId, minLength: 1, maxLength: 3 },
        )
        .map((qs) => qs),
    ),
    customer: opt(fc.record({ customerId: text, email: opt(text) }).map(defined)),
    subject: opt(fc.record({ orderId: opt(text), merchantId: opt(text) }).map(defined)),
    reviewDate: date,
    source: opt(fc.record({ system: text, channel: opt(text) }).map(defined)),
  })
  .map(defined)
  .filter((r) => !(r.subject !== undefined && Object.keys(r.subject as object).length === 0));

describe('rc.2 <-> seed mappings lose nothing', () => {
  it('customer: rc.2 -> stored -> rc.2 is the customer sent', () => {
    fc.assert(fc.property(rc2Customer, (c) => assert.deepStrictEqual(customerFromSeed(customerToSeed(c)), c)));
  });

  it('customer: stored -> rc.2 -> stored is the customer stored', () => {
    fc.assert(fc.property(seedCustomer, (c) => assert.deepStrictEqual(customerToSeed(customerFromSeed(c)), c)));
  });

  it('lead: rc.2 -> stored -> rc.2 is the lead sent', () => {
    const lead = fc.record({ id: opt(text), name: opt(text), contact: opt(contactPoint), source: opt(text), createdAt: opt(date) }).map(defined);
    fc.assert(fc.property(lead, (l) => assert.deepStrictEqual(leadFromSeed(leadToSeed(l)), l)));
  });

  it('order: rc.2 -> canonical snapshot -> rc.2 is the order sent, amounts exact', () => {
    fc.assert(
      fc.property(rc2Order, fc.uuid(), (o, ref) => {
        const canonical = orderToCanonical(o, ref);
        if (o.customer !== undefined) assert.equal((canonical.customer as JsonObject).id, ref);
        assert.deepStrictEqual(orderFromCanonical(canonical), o);
      }),
    );
  });

  it('review: rc.2 -> stored -> rc.2 is the review sent, ratings in order with their methods and value types', () => {
    fc.assert(
      fc.property(rc2Review, fc.uuid(), (r, ref) => {
        fc.pre(scoresAsNumber(overallOf(r).value));
        const stored = reviewToSeed(r, { customerRef: ref, receivedAt: '2026-08-04T00:00:00.000000Z', pointer: '/items/0' });
        assert.equal(typeof (stored.overallRating as JsonObject).value, 'number', 'the seed needs a numeric overall value');
        assert.deepStrictEqual(reviewFromSeed(stored), r);
      }),
    );
  });

  it('review: stored -> rc.2 -> stored is the review stored', () => {
    fc.assert(
      fc.property(seedReview, (r) => {
        assert.deepStrictEqual(reviewToSeed(reviewFromSeed(r), { receivedAt: 'unused', pointer: '' }), r);
      }),
    );
  });

  it('review: an overall rating without a numeric value is refused, naming its pointer', () => {
    assert.throws(
      () => reviewToSeed({ ratings: [{ method: 'other', value: 'great' }] }, { receivedAt: '2026-08-04T00:00:00Z', pointer: '/items/2' }),
      (error: { details?: string[] }) => error.details?.[0]?.startsWith('/items/2/ratings/0/value:') === true,
    );
  });
});
