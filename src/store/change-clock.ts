/**
 * Change stamps: microseconds since the epoch, strictly increasing within a store.
 *
 * Lists are ordered by (stamp, id) and `updatedFrom` filters on the stamp. Because every
 * write takes a stamp greater than any issued before, a record changed after a client read a
 * page always sorts after that page's cursor: cursor walks never skip it (contract-decisions
 * §2). Seeded from the largest stamp on disk, so a clock that moved back across a restart
 * cannot break the order.
 */
export class ChangeClock {
  private last: number;

  constructor(largestStampOnDisk = 0) {
    this.last = largestStampOnDisk;
  }

  next(): number {
    const now = Date.now() * 1000;
    this.last = now > this.last ? now : this.last + 1;
    return this.last;
  }
}

/** The RFC 3339 time a stamp stands for, to millisecond precision. */
export function stampToIso(stamp: number): string {
  return new Date(Math.floor(stamp / 1000)).toISOString();
}

/** The smallest and largest stamps inside an inclusive millisecond range. */
export function stampRange(range: { from?: number; to?: number } | undefined): { from?: number; to?: number } | undefined {
  if (!range) return undefined;
  return {
    from: range.from === undefined ? undefined : range.from * 1000,
    to: range.to === undefined ? undefined : range.to * 1000 + 999,
  };
}
