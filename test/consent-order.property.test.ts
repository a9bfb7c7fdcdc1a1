/**
 * Consent is the maximum of a TOTAL order over consent events (docs/contract.md §5,
 * src/domain/consent.ts): the state does not depend on the order events arrive in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareConsent, latestConsent, type ConsentState } from '../src/domain/consent.js';

const state = fc.record({
  status: fc.constantFrom<ConsentState['status']>('opted_in', 'opted_out'),
  occurredAt: fc.constantFrom(
    '2026-06-01T12:00:00Z',
    '2026-06-01T12:00:00.000Z',
    '2026-06-01T09:00:00-03:00',
    '2026-06-01T12:00:00.000001Z',
    '2026-06-02T00:00:00Z',
  ),
  eventId: fc.string({ maxLength: 3 }),
});

describe('consent order', () => {
  it('is total: any two distinct events compare unequal, and antisymmetric', () => {
    fc.assert(
      fc.property(state, state, (a, b) => {
        const ab = compareConsent(a, b);
        assert.equal(Math.sign(ab) + Math.sign(compareConsent(b, a)), 0);
        if (ab === 0) assert.equal(a.eventId, b.eventId);
      }),
    );
  });

  it('gives the same state for every arrival order', () => {
    fc.assert(
      fc.property(
        fc
          .array(state, { minLength: 1, maxLength: 8 })
          .chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        ([events, shuffled]) => {
          const a = latestConsent(events) as ConsentState;
          const b = latestConsent(shuffled) as ConsentState;
          assert.equal(compareConsent(a, b), 0);
          assert.equal(a.eventId, b.eventId);
          assert.equal(a.status, b.status);
        },
      ),
    );
  });
});
