/**
 * Record caps and id/key lengths (docs/contract.md §9, issue 13 §1 and §7): one item over a
 * cap is a 400 naming the field; a merge with stored data over a cap is a 422 LIMIT_EXCEEDED
 * naming the item, field and limit, and nothing is written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { customerDocumentBytes, customerDocumentSizeIssues } from '../src/contract/record-size.js';
import { MAX_CONTACTS_PER_LIST, MAX_CUSTOMER_DOCUMENT_BYTES, MAX_EXTERNAL_IDS, MAX_KEY_LENGTH } from '../src/contract/limits.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const externalIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ source: 'PDV', key: `k${from + i}`, value: `v${from + i}` }));

for (const kind of STORES) {
  describe(`record limits (${kind.name})`, () => {
    const server = useServer(kind);
    const post = (body: unknown) => server.request('POST', '/customers', body);

    it('refuses one item over a list cap with 400 naming the field', async () => {
      const res = await post([{ identifier: { type: 'email', value: 'cap1@example.com' }, externalIds: externalIds(0, MAX_EXTERNAL_IDS + 1) }]);
      assert.equal(res.status, 400);
      assert.equal(res.json.code, 'VALIDATION_ERROR');
      assert.match(res.json.details.join('\n'), /^\/0\/externalIds: must have at most 100 entries/m);
    });

    it('refuses a merge over a cap with 422 LIMIT_EXCEEDED and writes nothing of the batch', async () => {
      const identifier = { type: 'email', value: 'cap2@example.com' };
      assert.equal((await post([{ identifier, externalIds: externalIds(0, 60) }])).status, 200);
      const res = await server.request('POST', '/customers', {
        items: [
          { identifier: { type: 'email', value: 'cap2-other@example.com' }, name: 'not written' },
          { identifier, name: 'changed', externalIds: externalIds(60, 41) },
        ],
      });
      assert.equal(res.status, 422);
      assert.equal(res.json.code, 'LIMIT_EXCEEDED');
      assert.match(res.json.details[0], /^\/items\/1\/externalIds: .*101 entries; at most 100/);
      const stored = await server.request('GET', `/customers/email:${identifier.value}`);
      assert.equal(stored.json.externalIds.length, 60);
      assert.equal(stored.json.name, undefined);
      assert.equal((await server.request('GET', '/customers/email:cap2-other@example.com')).status, 404);
      // Exactly at the cap is accepted.
      assert.equal((await post([{ identifier, externalIds: externalIds(60, 40) }])).status, 200);
    });

    it('counts a batch that names one customer twice as one merge', async () => {
      const identifier = { type: 'email', value: 'cap3@example.com' };
      const phones = (from: number) => Array.from({ length: 15 }, (_, i) => ({ number: `+55119${String(from + i).padStart(8, '0')}` }));
      const res = await post([
        { identifier, contacts: { phones: phones(0) } },
        { identifier, contacts: { phones: phones(100) } },
      ]);
      assert.equal(res.status, 422);
      assert.match(res.json.details[0], new RegExp(`^/1/contacts/phones: .*30 entries; at most ${MAX_CONTACTS_PER_LIST}`));
      assert.equal((await server.request('GET', `/customers/email:${identifier.value}`)).status, 404);
    });

    it('bounds the stored document: 400 for one item, 422 for a merge', async () => {
      const big = 'x'.repeat(MAX_CUSTOMER_DOCUMENT_BYTES);
      const alone = await post([{ identifier: { type: 'email', value: 'cap4@example.com' }, name: big }]);
      assert.equal(alone.status, 400);
      assert.match(alone.json.details[0], /^\/0: the customer document is \d+ bytes/);
      const identifier = { type: 'email', value: 'cap5@example.com' };
      const half = 'y'.repeat(MAX_CUSTOMER_DOCUMENT_BYTES / 2);
      assert.equal((await post([{ identifier, name: half }])).status, 200);
      const merged = await post([{ identifier, metadata: { note: half } }]);
      assert.equal(merged.status, 422);
      assert.equal(merged.json.code, 'LIMIT_EXCEEDED');
      assert.match(merged.json.details[0], /^\/0: the customer document is \d+ bytes/);
    });

    it('refuses ids and keys over 256 characters in bodies, paths and queries with 400', async () => {
      const long = 'a'.repeat(MAX_KEY_LENGTH + 1);
      const ok = 'b'.repeat(MAX_KEY_LENGTH);
      assert.equal((await post([{ id: ok, identifier: { type: 'custom', value: ok } }])).status, 200);
      for (const body of [
        [{ id: long, identifier: { type: 'custom', value: 'k1' } }],
        [{ identifier: { type: 'custom', value: long } }],
        [{ identifier: { type: 'custom', value: 'k2' }, externalIds: [{ source: long, value: 'v' }] }],
      ]) {
        const res = await post(body);
        assert.equal(res.status, 400, JSON.stringify(res.json));
        assert.match(res.json.details.join('\n'), /must have at most 256 characters \(got 257/);
      }
      const event = await server.request('POST', '/customer/events', { id: long, eventType: 'x', occurredAt: '2026-01-01T00:00:00Z' });
      assert.equal(event.status, 400);
      const order = await server.request('POST', '/orders', [{ id: long }]);
      assert.equal(order.status, 400);
      const path = await server.request('GET', `/customers/${long}`);
      assert.equal(path.status, 400);
      assert.match(path.json.details[0], /^id: must have at most 256/);
      const query = await server.request('GET', `/customers?externalId=${long}`);
      assert.equal(query.status, 400);
      assert.match(query.json.details[0], /^externalId: must have at most 256/);
    });
  });
}

describe('customer document size check', () => {
  it('refuses exactly the documents whose stored bytes pass the bound, near it and far from it (property)', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_CUSTOMER_DOCUMENT_BYTES / 4 - 200, max: MAX_CUSTOMER_DOCUMENT_BYTES + 200 }),
        fc.constantFrom('a', 'é', '中', '😀'),
        fc.record({ id: fc.option(text, { nil: undefined }), updatedAt: fc.option(text, { nil: undefined }), name: fc.option(text, { nil: undefined }) }),
        (units, char, extra) => {
          const document: Record<string, unknown> = {
            identifier: { type: 'email', value: 'x@example.com' },
            notes: char.repeat(Math.ceil(units / char.length)),
          };
          for (const [key, value] of Object.entries(extra)) if (value !== undefined) document[key] = value;
          const issues = customerDocumentSizeIssues(document, '/0');
          assert.equal(issues.length > 0, customerDocumentBytes(document) > MAX_CUSTOMER_DOCUMENT_BYTES);
        },
      ),
      { numRuns: 300 },
    );
  });
});
