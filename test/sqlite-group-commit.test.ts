/**
 * The SQLite engine's group commit (src/store/sqlite/sqlite-store.ts): writes queued in one turn
 * share a transaction, but a group stops taking jobs once it has run for `groupSliceMs`, and the
 * rest commit in the next turn (issue 13 §1: four batches of capped customers at once must not
 * hold the event loop together). Counted by the COMMITs the engine ran, not by time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

async function commitsFor(groupSliceMs: number): Promise<{ commits: number; ids: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'odc-group-'));
  const statements: string[] = [];
  const store = new SqliteStore({ filename: join(dir, 'odc.db'), groupSliceMs, trace: (sql) => statements.push(sql) });
  try {
    statements.length = 0;
    const writes = Array.from({ length: 4 }, (_, i) =>
      store.upsertCustomers('t', [{ id: `c${i}`, identifier: { type: 'email', value: `c${i}@example.com` } }]),
    );
    // One of them conflicts (an id held by another customer): it alone is refused.
    writes.push(store.upsertCustomers('t', [{ id: 'c0', identifier: { type: 'email', value: 'c1@example.com' } }]));
    const outcomes = await Promise.allSettled(writes);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
    );
    const page = await store.listCustomers('t', {}, { limit: 10, offset: 0 });
    const ids = page.items.map((text) => (JSON.parse(text) as { id: string }).id);
    return { commits: statements.filter((sql) => /^COMMIT/i.test(sql)).length, ids };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('sqlite group commit', () => {
  it('puts writes of one turn in one transaction when the slice allows', async () => {
    const { commits, ids } = await commitsFor(Number.POSITIVE_INFINITY);
    assert.equal(commits, 1);
    assert.deepEqual(ids, ['c0', 'c1', 'c2', 'c3']);
  });

  it('commits the rest in later turns once a group has used its slice', async () => {
    const { commits, ids } = await commitsFor(0);
    assert.equal(commits, 5, 'a slice of 0 ms takes one job per group');
    assert.deepEqual(ids, ['c0', 'c1', 'c2', 'c3']);
  });
});
