/**
 * Throttling of the token endpoint (issue 13 §6).
 *
 * Each credentials check costs a scrypt hash (~50-100 ms of a libuv thread), so a stream of
 * wrong secrets both guesses secrets and starves legitimate clients. Two defences:
 *
 * - failures (wrong secret, unknown or revoked client) are counted per client id and per
 *   address in a fixed window; past the limit, requests for that id or from that address get
 *   429 with Retry-After before any hash is computed;
 * - hash checks in flight are bounded, per address and in all, and a request over the bound
 *   is refused at once (429, Retry-After: 1) instead of queuing, so a client from another
 *   address never waits behind an attacker's checks.
 */

export interface TokenThrottleOptions {
  /** Failures allowed per client id within `windowMs` before 429. */
  failuresPerClient?: number;
  /** Failures allowed per address within `windowMs` before 429. */
  failuresPerAddress?: number;
  windowMs?: number;
  /** Hash checks in flight for one address. */
  concurrentPerAddress?: number;
  /** Hash checks in flight in all. */
  concurrentTotal?: number;
  /** The clock, in ms (tests move it). */
  now?: () => number;
}

export const DEFAULT_TOKEN_THROTTLE = {
  failuresPerClient: 10,
  failuresPerAddress: 30,
  windowMs: 60_000,
  concurrentPerAddress: 4,
  concurrentTotal: 16,
} as const;

/** Keys tracked at most: beyond, the oldest windows are dropped (memory stays bounded). */
const MAX_TRACKED = 10_000;

/** A refusal: the request is not checked; answer 429 with Retry-After seconds. */
export interface Throttled {
  retryAfterSeconds: number;
  reason: string;
}

class FailureWindows {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string, now: number): number {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) return 0;
    return w.count >= this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  fail(key: string, now: number): void {
    const w = this.windows.get(key);
    if (w && now - w.start < this.windowMs) {
      w.count += 1;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= MAX_TRACKED) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(key, { start: now, count: 1 });
  }
}

export class TokenThrottle {
  private readonly byClient: FailureWindows;
  private readonly byAddress: FailureWindows;
  private readonly inFlight = new Map<string, number>();
  private total = 0;
  private readonly options: Required<Omit<TokenThrottleOptions, 'now'>>;
  private readonly now: () => number;

  constructor(options: TokenThrottleOptions = {}) {
    this.options = { ...DEFAULT_TOKEN_THROTTLE, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<
      Omit<TokenThrottleOptions, 'now'>
    >;
    this.now = options.now ?? Date.now;
    this.byClient = new FailureWindows(this.options.failuresPerClient, this.options.windowMs);
    this.byAddress = new FailureWindows(this.options.failuresPerAddress, this.options.windowMs);
  }

  /**
   * Runs `check` (the credentials check) unless the client id or address is throttled or the
   * hash checks in flight are at their bound; counts a failure when `check` answers false.
   */
  async run<T>(clientId: string, address: string, check: () => Promise<T | undefined>): Promise<{ result: T | undefined } | { throttled: Throttled }> {
    const now = this.now();
    const clientWait = this.byClient.blockedFor(clientId, now);
    const addressWait = this.byAddress.blockedFor(address, now);
    if (clientWait > 0 || addressWait > 0)
      return {
        throttled: {
          retryAfterSeconds: Math.max(clientWait, addressWait),
          reason: clientWait > 0 ? 'too many failed attempts for this client_id' : 'too many failed attempts from this address',
        },
      };
    const mine = this.inFlight.get(address) ?? 0;
    if (mine >= this.options.concurrentPerAddress || this.total >= this.options.concurrentTotal)
      return { throttled: { retryAfterSeconds: 1, reason: 'too many credential checks in progress' } };
    this.inFlight.set(address, mine + 1);
    this.total += 1;
    try {
      const result = await check();
      if (result === undefined) {
        this.byClient.fail(clientId, this.now());
        this.byAddress.fail(address, this.now());
      }
      return { result };
    } finally {
      this.total -= 1;
      const left = (this.inFlight.get(address) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(address);
      else this.inFlight.set(address, left);
    }
  }
}
