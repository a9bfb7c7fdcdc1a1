/**
 * List bodies are bounded to 1 MiB (docs/contract.md §9.4): a page stops early, with at least
 * one item, and `Link rel="next"` continues after the last item sent, so a walk still returns
 * every record once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PAGE_BYTES } from '../src/domain/wire.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`list pages bounded in bytes (${kind.name})`, () => {
    const server = useServer(kind, { bodyLimit: 16 * 1024 * 1024 });

    it('stops a page before the bound and continues after its last item', async () => {
      // Six leads of about 0.27 of the bound: three fit, a fourth would not.
      const leads = Array.from({ length: 6 }, (_, i) => ({ id: `big-${i}`, name: String(i).repeat(Math.floor(MAX_PAGE_BYTES * 0.27)) }));
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

    it('sends a record larger than the bound alone, and says whether more follow', async () => {
      // Rows are read only up to the bound (the engine's data budget): the row after the
      // oversized one is still seen, so the page links on; after the last one it does not.
      const leads = [
        { id: 'huge-0', name: 'a'.repeat(MAX_PAGE_BYTES + 10) },
        { id: 'huge-1', name: 'b'.repeat(MAX_PAGE_BYTES + 10) },
      ];
      for (const lead of leads) assert.equal((await server.request('POST', '/leads', [lead])).status, 200);
      const first = await server.request('GET', '/leads?pageSize=500');
      const firstIds = first.json.map((l: { id: string }) => l.id);
      assert.ok(firstIds.length >= 1);
      let next = /<([^>]+)>;\s*rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
      const seen = [...firstIds];
      while (next) {
        const page = await server.request('GET', next);
        assert.equal(page.status, 200);
        if (page.json.some((l: { name: string }) => l.name.length > MAX_PAGE_BYTES)) assert.equal(page.json.length, 1, 'an oversized record travels alone');
        seen.push(...page.json.map((l: { id: string }) => l.id));
        next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
      }
      assert.deepEqual(seen.slice(-2), ['huge-0', 'huge-1']);
      assert.equal(new Set(seen).size, seen.length, 'no record twice');
    });
  });
}
