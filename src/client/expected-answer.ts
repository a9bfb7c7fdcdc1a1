/**
 * One call as both typed clients make it: send, renew the token once on a 401 when the client
 * holds credentials, answer the expected status, else throw an OdcError that carries the
 * server's Retry-After; 429, 503 and network errors are retried by the policy.
 */
import { OdcError } from './client-errors.js';
import type { OutboundResponse } from './outbound-request.js';
import { retryAfterMs, type RetryPolicy, withRetries } from './retry.js';
import type { TokenProvider } from './token-provider.js';

export interface ExpectedAnswerOptions {
  retry: RetryPolicy;
  /** Renewed once on a 401; only when the client can fetch a new token (client credentials). */
  renewable?: TokenProvider;
  onRetry?: (error: unknown, waitMs: number) => void;
}

export function expectAnswer(send: () => Promise<OutboundResponse>, status: number, options: ExpectedAnswerOptions): Promise<OutboundResponse> {
  let renewed = false;
  return withRetries(
    options.retry,
    async () => {
      let response = await send();
      if (response.status === 401 && options.renewable && !renewed) {
        renewed = true;
        options.renewable.invalidate();
        response = await send();
      }
      if (response.status === status) return response;
      const error = await OdcError.from(response);
      Object.assign(error, { retryAfterMs: retryAfterMs(response.headers.get('retry-after')) });
      throw error;
    },
    options.onRetry,
  );
}
