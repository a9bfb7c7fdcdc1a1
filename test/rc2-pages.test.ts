/**
 * An rc.2 page is whole even when the store stops a page early (its body bound): rc.2 clients
 * count pages, so page 2 must start where page 1 ended, never skip what a bound cut.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPage } from '../src/server/rc2/rc2-route.js';
import type { PageRequest, PageResult } from '../src/store/store.js';

const records = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, stamp: i }));

/** A store list that never returns more than `cut` records per call, as a byte bound would. */
function boundedStore(cut: number) {
  const calls: PageRequest[] = [];
  const read = async (page: PageRequest): Promise<PageResult> => {
    calls.push(page);
    const start = page.after ? records.findIndex((r) => r.stamp === page.after?.stamp) + 1 : page.offset;
    const slice = records.slice(start, start + Math.min(page.limit, cut));
    const last = slice.at(-1);
    return {
      items: slice.map((r) => JSON.stringify({ id: r.id })),
      total: records.length,
      last: last && { stamp: last.stamp, id: last.id },
      hasMore: start + slice.length < records.length,
    };
  };
  return { read, calls };
}

describe('rc.2 pages', () => {
  it('fills a page the store cut short, continuing after its last record', async () => {
    const store = boundedStore(3);
    const { items, total } = await readPage(store.read, { values: {}, page: 2, pageSize: 4 });
    assert.deepEqual(
      items.map((r) => r.id),
      ['r4', 'r5', 'r6', 'r7'],
    );
    assert.equal(total, 10);
    assert.equal(store.calls.length, 2);
  });

  it('stops at the end of the list', async () => {
    const { items } = await readPage(boundedStore(3).read, { values: {}, page: 3, pageSize: 4 });
    assert.deepEqual(
      items.map((r) => r.id),
      ['r8', 'r9'],
    );
  });

  it('reads once when the store is not cut', async () => {
    const store = boundedStore(100);
    const { items } = await readPage(store.read, { values: {}, page: 1, pageSize: 5 });
    assert.equal(items.length, 5);
    assert.equal(store.calls.length, 1);
  });
});
