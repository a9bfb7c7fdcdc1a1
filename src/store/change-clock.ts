/**
 * Change stamps: microseconds since the epoch, strictly increasing within a store.
 *
 * Lists are ordered by (stamp, id) and `updatedFrom` filters on the stamp. Because every
 * write takes a stamp greater than any issued before, a record changed after a client read a
 * page always sorts after that page's cursor: cursor walks never skip it (docs/contract.md
 * §2). Seeded from the largest stamp on disk, so a clock that moved back across a restart
 * cannot break the order.
 */
export class ChangeClock {
  private last: number;

  constructor(largestStampOnDisk = 0) {
    this.last = largestStampOnDisk;
  }

  /** Takes a stamp another process wrote into account, so the next one is greater. */
  observe(stamp: number): void {
    if (stamp > this.last) this.last = stamp;
  }

  /** The last stamp handed out. */
  get current(): number {
    return this.last;
  }

  next(): number {
    const now = Date.now() * 1000;
    this.last = now > this.last ? now : this.last + 1;
    return this.last;
  }
}

/**
 * The RFC 3339 time a stamp stands for, to the microsecond, so that `updatedAt` orders records
 * exactly as lists do (docs/contract.md §2: by updatedAt, then id).
 */
export function stampToIso(stamp: number): string {
  const second = Math.floor(stamp / 1_000_000);
  // A page of a list renders stamps from the same second: format that second once.
  if (second !== isoCache.second) {
    isoCache.second = second;
    isoCache.prefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const fraction = String(stamp - second * 1_000_000);
  return `${isoCache.prefix}${'000000'.slice(fraction.length)}${fraction}Z`;
}

/** The last second stampToIso formatted, as `YYYY-MM-DDTHH:MM:SS.`. */
const isoCache = { second: Number.NaN, prefix: '' };

/** An inclusive microsecond range as the inclusive millisecond range of a ms column. */
export function millisRange(range: { from?: number; to?: number } | undefined): { from?: number; to?: number } | undefined {
  if (!range) return undefined;
  return {
    from: range.from === undefined ? undefined : Math.ceil(range.from / 1000),
    to: range.to === undefined ? undefined : Math.floor(range.to / 1000),
  };
}
