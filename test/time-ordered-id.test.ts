import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate, version } from 'uuid';
import { timeOrderedId } from '../src/domain/time-ordered-id.js';

describe('timeOrderedId (docs/contract.md §11.4)', () => {
  it('makes valid UUIDv7s, each later than the one before, none repeated, across pool refills', () => {
    const ids: string[] = [];
    // 20,000 ids: the 4 KiB pool refills ~80 times, and many share a millisecond.
    for (let i = 0; i < 20_000; i += 1) ids.push(timeOrderedId());
    for (const id of ids.slice(0, 50)) {
      assert.ok(validate(id), id);
      assert.equal(version(id), 7);
    }
    for (let i = 1; i < ids.length; i += 1) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} then ${ids[i]}`);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('carries the time it was made in its first 48 bits', () => {
    const before = Date.now();
    const id = timeOrderedId();
    const after = Date.now();
    const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    assert.ok(ms >= before && ms <= after + 1, `${ms} not within ${before}..${after}`);
  });
});
