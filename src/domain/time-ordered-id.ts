/**
 * Time-ordered ids (UUIDv7) for everything the server names (docs/contract.md §11.4).
 *
 * The `uuid` package draws 16 fresh bytes from `crypto.getRandomValues` for every id, which
 * cost ~10 µs each in a profile of a POS batch: 14 % of the store's CPU for 1,000 new
 * customers. Here the random bits come from a pool filled 4 KiB at a time (the same CSPRNG),
 * and the timestamp and counter follow the package's own monotonic rule (RFC 9562 §6.2,
 * method 1: a counter seeded randomly each millisecond), so ids made in one process still sort
 * in the order they were made.
 */
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;
let lastMs = -Infinity;
let seq = 0;

function randomBytes16(): Uint8Array {
  if (used + 16 > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, used + 16);
  used += 16;
  return bytes;
}

/** A new UUIDv7: later than every one this process made before. */
export function timeOrderedId(): string {
  const random = randomBytes16();
  const now = Date.now();
  if (now > lastMs) {
    // The package's seed: 31 random bits, so the counter has room before it overflows.
    seq = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
    lastMs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs += 1;
  }
  return v7({ random, msecs: lastMs, seq });
}
