/**
 * List bodies rendered in slices (src/server/page-body.ts, issue 13 §1): the bytes are exactly
 * those of one JSON.stringify, but no slice renders more than about RENDER_SLICE_BYTES before
 * the event loop turns. Counted in chunks and turns, not in time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RENDER_SLICE_BYTES, renderJsonArray } from '../src/server/page-body.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const text = (body: { chunks: Buffer[] }) => Buffer.concat(body.chunks).toString('utf8');

describe('page bodies in slices', () => {
  it('renders what JSON.stringify of the whole page renders', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 30 }), fc.integer({ min: 1, max: 200 }), async (items, slice) => {
        const body = await renderJsonArray('{"items":[', items, (item) => ({ ...item, seen: true }), '],"total":7}', slice);
        const expected = JSON.stringify({ items: items.map((item) => ({ ...item, seen: true })), total: 7 });
        assert.equal(text(body), expected);
        assert.equal(body.bytes, Buffer.byteLength(expected));
      }),
    );
  });

  it('lets the event loop turn at least once per slice of rendered bytes', async () => {
    // 40 records of 100 KB: 4 MB in all, about 16 slices of 256 KiB.
    const items = Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, note: 'x'.repeat(100_000) }));
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const body = await renderJsonArray('[', items, (item) => item, ']');
    ticking = false;
    const largest = Math.max(...body.chunks.map((c) => c.length));
    assert.ok(largest < RENDER_SLICE_BYTES + 100_100, `a chunk of ${largest} bytes`);
    assert.ok(body.chunks.length >= Math.floor(body.bytes / (RENDER_SLICE_BYTES + 100_100)), `${body.chunks.length} chunks for ${body.bytes} bytes`);
    assert.ok(turns >= body.chunks.length - 1, `${turns} turns of the loop for ${body.chunks.length} chunks`);
  });
});

for (const kind of STORES) {
  describe(`rc.2 pages larger than a slice (${kind.name})`, () => {
    const server = useServer(kind, { bodyLimit: 16 * 1024 * 1024 });

    it('sends every record with an exact Content-Length', async () => {
      const leads = Array.from({ length: 6 }, (_, i) => ({ id: `big-${i}`, name: `${i}`.repeat(300_000) }));
      assert.equal((await server.request('POST', '/leads', leads)).status, 200);
      const page = await server.request('GET', '/od/v2/leads?pageSize=10');
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-length'), String(Buffer.byteLength(page.text)));
      assert.deepEqual(
        page.json.items.map((l: { id: string }) => l.id),
        leads.map((l) => l.id),
      );
      assert.equal(page.json.total, 6);
      assert.equal(page.json.pageSize, 10);
    });
  });
}
