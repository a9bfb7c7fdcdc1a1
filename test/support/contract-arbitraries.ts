/**
 * Generators mirroring the contract schemas, for the ContractValidator properties: customers,
 * reviews (with their questions), events, leads and lenient orders, each with any optional
 * block, fields a re-send may clear with null, and unknown `x-` fields the contract does not
 * name. Every value they produce is valid by construction; the mutations in
 * support/contract-mutations.ts break one rule at a time.
 */
import fc from 'fast-check';

export type Doc = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Generators mirroring the schemas
// ---------------------------------------------------------------------------------------------

export const IDENTIFIER_TYPES = ['document', 'phone', 'email', 'external_id', 'custom'] as const;
export const REVIEW_TYPES = ['ORDER', 'MERCHANT_EXPERIENCE', 'EVENT'] as const;
export const RATING_STYLES = ['STAR', 'THUMBS_UP_DOWN', 'NPS', 'OTHER'] as const;

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
export const noDigit = fc.string({ minLength: 1, maxLength: 10 }).map((s) => s.replace(/\d/g, '') || '-');

const instant = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
/** RFC 3339 date-time with an offset, with or without fractional seconds. */
const dateTime = fc
  .tuple(instant, fc.constantFrom('Z', '+00:00', '-03:00', '+05:30'), fc.boolean())
  .map(([d, offset, frac]) => d.toISOString().slice(0, frac ? 23 : 19) + offset);
/** The same, without its offset. */
export const localDateTime = instant.map((d) => d.toISOString().slice(0, 19));
const date = instant.map((d) => d.toISOString().slice(0, 10));

/** Fields the contract does not name, with any JSON value. */
const extras = json(
  fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).map((s) => `x-${s}`),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  ),
);

function withExtras<T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(arb, extras).map(([v, x]) => ({ ...x, ...v }));
}

function opt<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: (keyof T)[] = []) {
  return fc.record(fields, { requiredKeys: required as any });
}

const identifier = withExtras(
  fc.oneof(
    fc.record({ type: fc.constant('document'), value: withDigit }),
    // A possible number, Brazilian (country code written or not) or another country's (docs/contract.md §5).
    fc.record({ type: fc.constant('phone'), value: fc.stringMatching(/^(\+55 ?)?\(?[1-9]{2}\)? ?9[0-9]{4}-?[0-9]{4}$|^\+1 ?[2-9][0-9]{2} ?[2-9][0-9]{6}$/) }),
    fc.record({ type: fc.constantFrom('email', 'external_id', 'custom'), value: nonEmpty }),
  ),
);

const externalId = withExtras(opt({ source: nonEmpty, sourceName: clearable(str), key: str, value: nonEmpty }, ['source', 'value']));

export const customerArb: fc.Arbitrary<Doc> = json(
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
              phones: clearable(
                fc.array(withExtras(opt({ number: nonEmpty, type: clearable(str), isPrimary: clearable(fc.boolean()) }, ['number'])), { maxLength: 3 }),
              ),
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

export const questionArb = withExtras(
  opt(
    {
      questionId: nonEmpty,
      question: str,
      ratingStyle: fc.constantFrom(...RATING_STYLES),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      answer: str,
      comment: str,
    },
    ['questionId'],
  ),
);

export const finiteNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

export const reviewArb: fc.Arbitrary<Doc> = json(
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

export const eventArb: fc.Arbitrary<Doc> = json(
  withExtras(
    opt(
      {
        id: nonEmpty,
        eventId: nonEmpty,
        eventType: nonEmpty,
        occurredAt: dateTime,
        customerId: str,
        data: json(fc.dictionary(str, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })),
      },
      ['eventType', 'occurredAt'],
    ),
  ),
);

export const leadArb: fc.Arbitrary<Doc> = json(
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

export const orderArb: fc.Arbitrary<Doc> = json(
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
