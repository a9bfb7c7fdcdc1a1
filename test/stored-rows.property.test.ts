/**
 * Rendering stored rows as text (src/domain/wire.ts, src/store/change-clock.ts) gives exactly
 * what parsing the document, adding the server's fields and stringifying would: the
 * reference here is written the slow, obvious way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stampToIso } from '../src/store/change-clock.js';
import { renderCustomer, renderWithUpdatedAt } from '../src/domain/wire.js';

/** Microseconds since the epoch, to a 6-digit fraction, via BigInt arithmetic (no shortcuts). */
function referenceIso(stamp: number): string {
  const ms = Math.floor(stamp / 1000);
  const micros = BigInt(stamp) % 1000n;
  return `${new Date(ms).toISOString().slice(0, 23)}${micros.toString().padStart(3, '0')}Z`;
}

const stampArb = fc.integer({ min: 0, max: 4_102_444_800_000_000 }); // up to 2100
// Integer-like keys are left out: a JS object (the reference) moves them first.
const docArb = fc.dictionary(
  fc.string({ minLength: 1 }).filter((k) => !['id', 'createdAt', 'updatedAt', 'consent'].includes(k) && !/^(0|[1-9][0-9]*)$/.test(k)),
  fc.jsonValue(),
  { maxKeys: 5 },
);

describe('stored-row rendering', () => {
  it('stampToIso formats every stamp to the microsecond, also across repeated seconds', () => {
    fc.assert(
      fc.property(fc.array(stampArb, { minLength: 1, maxLength: 20 }), fc.nat({ max: 999_999 }), (stamps, delta) => {
        for (const s of stamps) {
          assert.equal(stampToIso(s), referenceIso(s));
          assert.equal(stampToIso(s + delta), referenceIso(s + delta));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a customer renders as its document with id first and createdAt, updatedAt, consent last', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        docArb,
        fc.option(fc.string()),
        stampArb,
        fc.option(fc.record({ status: fc.constantFrom('opted_in', 'opted_out') }), { nil: null }),
        (id, doc, created, stamp, consent) => {
          const rendered = renderCustomer({ id, data: JSON.stringify(doc), created_at: created, stamp, consent: consent && JSON.stringify(consent) });
          const expected: Record<string, unknown> = { id, ...doc };
          if (created !== null) expected.createdAt = created;
          expected.updatedAt = referenceIso(stamp);
          if (consent) expected.consent = consent;
          assert.equal(rendered, JSON.stringify(expected));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leads and orders render with createdAt (when kept) and updatedAt after their fields', () => {
    fc.assert(
      fc.property(docArb, fc.option(fc.string(), { nil: undefined }), stampArb, (doc, created, stamp) => {
        const rendered = renderWithUpdatedAt({ id: 'x', data: JSON.stringify(doc), created_at: created, stamp });
        assert.equal(rendered, JSON.stringify({ ...doc, ...(created === undefined ? {} : { createdAt: created }), updatedAt: referenceIso(stamp) }));
      }),
      { numRuns: 500 },
    );
  });
});
