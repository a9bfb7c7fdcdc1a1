/**
 * Retries with exponential backoff and full jitter, honouring `Retry-After`, for the failures
 * that may pass: 429, 502, 503, 504 and network errors. A 4xx that will fail again is not
 * retried. Every odc write is idempotent (upserts by key, events by id), so retrying a POST
 * cannot duplicate data.
 */
import { OdcError } from './client-errors.js';
import { OutboundError } from './outbound-request.js';

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** First backoff ceiling in ms (default 200); doubles each attempt. */
  baseDelayMs: number;
  /** Largest wait in ms (default 20 s). */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 };

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Full jitter: a random wait below a ceiling that doubles per attempt. The one backoff of odc (client, pull, push, webhooks). */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it succeeds, fails for good, or the attempts run out. */
export async function withRetries<T>(policy: RetryPolicy, attempt: (n: number) => Promise<T>, onRetry?: (error: unknown, waitMs: number) => void): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      const retryable =
        error instanceof OdcError || error instanceof OutboundError
          ? error.retryable
          : error instanceof TypeError || (error as { code?: string }).code === 'ECONNRESET';
      if (!retryable || n >= policy.attempts) throw error;
      const hinted = error instanceof OdcError ? (error as OdcError & { retryAfterMs?: number }).retryAfterMs : undefined;
      const wait = Math.min(policy.maxDelayMs, hinted ?? backoffMs(n, policy));
      onRetry?.(error, wait);
      await sleep(wait);
    }
  }
}
