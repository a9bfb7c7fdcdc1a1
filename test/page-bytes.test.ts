/**
 * List bodies are bounded to 4 MiB (docs/contract.md §9, "Limits"): a page stops early, with
 * at least one item, and `Link rel="next"` continues after the last item sent, so a walk
 * still returns every record once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PAGE_BYTES } from '../src/domain/wire.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`list pages bounded in bytes (${kind.name})`, () => {
    const server = useServer(kind, { bodyLimit: 16 * 1024 * 1024 });

    it('stops a page before 4 MiB and continues after its last item', async () => {
      // Six leads of about 1.1 MB: three fit in 4 MiB, a fourth would not.
      const leads = Array.from({ length: 6 }, (_, i) => ({ id: `big-${i}`, name: String(i).repeat(1_100_000) }));
      assert.equal((await server.request('POST', '/leads', leads)).status, 200);

      const first = await server.request('GET', '/leads?pageSize=10');
      assert.equal(first.status, 200);
      assert.ok(Buffer.byteLength(first.text) <= MAX_PAGE_BYTES, `the body has ${Buffer.byteLength(first.text)} bytes`);
      assert.equal(first.json.length, 3);
      assert.equal(first.headers.get('x-total-count'), '6');
      const next = /<([^>]+)>;\s*rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
      assert.ok(next, 'a shortened page links to the rest');

      const second = await server.request('GET', next);
      assert.equal(second.status, 200);
      assert.deepEqual(
        [...first.json, ...second.json].map((l: { id: string }) => l.id).sort(),
        leads.map((l) => l.id),
      );
      assert.equal(/rel="next"/.test(second.headers.get('link') ?? ''), false);
    });
  });
}
