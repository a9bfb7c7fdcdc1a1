/**
 * `odc import` is all or nothing per file (src/cli/import-command.ts): a file that fails after
 * some batches committed leaves the merchant empty, and `--replace` swaps a merchant's data for
 * the file's. Stamp buckets stay exact: X-Total-Count under updatedFrom matches the rows.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { importMerchant, IMPORT_BATCH_ROWS } from '../src/cli/import-command.js';
import { transferOf } from '../src/cli/export-command.js';
import { STORES } from './support/stores.js';

const MERCHANT = 'atomic-merchant';
const BASE_STAMP = Date.parse('2026-06-01T00:00:00Z') * 1000;

/** An export file of `n` customers (more than one batch) followed by `tail` lines. */
function exportFile(n: number, tail: string[] = []): Readable {
  const lines = [JSON.stringify({ format: 'odc-export', version: 1, merchant: MERCHANT, exportedAt: '2026-06-02T00:00:00Z', source: 'test' })];
  for (let i = 0; i < n; i += 1) {
    const id = `c-${String(i).padStart(5, '0')}`;
    lines.push(
      JSON.stringify({
        kind: 'customer',
        record: {
          id,
          data: JSON.stringify({ id, name: `n${i}` }),
          created_at: '2026-06-01T00:00:00.000000Z',
          stamp: BASE_STAMP + i * 1_234_567,
          consent: null,
        },
      }),
    );
  }
  return Readable.from([...lines, ...tail].map((l) => `${l}\n`));
}

for (const kind of STORES) {
  describe(`odc import all or nothing (${kind.name})`, () => {
    it('removes what a failed import wrote, refuses a non-empty merchant, and --replace swaps data', { timeout: 60_000 }, async () => {
      const fixture = await kind.create();
      const store = await fixture.open();
      try {
        const transfer = transferOf(store);
        const rows = IMPORT_BATCH_ROWS + 200;
        await assert.rejects(importMerchant(store, exportFile(rows, ['{"kind":"hologram","record":{}}'])), /unknown kind "hologram"/);
        assert.equal(await transfer.hasData(MERCHANT), false, 'the batch committed before the failure was removed');

        assert.equal((await importMerchant(store, exportFile(rows))).rows, rows);
        await assert.rejects(importMerchant(store, exportFile(3)), /already has data/);
        const replaced = await importMerchant(store, exportFile(5), { replace: true });
        assert.equal(replaced.rows, 5);
        const all = await transfer.exportRows(MERCHANT, 'customers', undefined, 100);
        assert.equal(all.length, 5);

        // The buckets count exactly the imported rows: a count of updatedFrom any stamp matches.
        const from = BASE_STAMP + 2 * 1_234_567;
        const list = await store.listCustomers(MERCHANT, { updated: { from } }, { limit: 10, offset: 0 });
        assert.equal(list.total, 3);
        assert.deepEqual(
          list.items.map((item) => JSON.parse(item).id),
          ['c-00002', 'c-00003', 'c-00004'],
        );
      } finally {
        await store.close();
        await fixture.destroy();
      }
    });
  });
}
