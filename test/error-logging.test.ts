/**
 * Errors reach the log as error objects (`{ err }`), never as `String(error)`, so pino's `err`
 * serializer keeps their type, stack and cause: "fetch failed" alone does not say that the
 * database or the subscriber refused the connection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecretBox } from '../src/auth/secret-box.js';
import type { WebhookStore } from '../src/store/webhook-store.js';
import { WebhookDeliveryWorker } from '../src/sync/webhook-delivery.js';

describe('error logging', () => {
  it('logs a failed webhook delivery round with the error itself, stack and cause included', async () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const store = {
      claimDueDeliveries: async () => {
        throw new Error('the outbox cannot be read', { cause });
      },
    } as unknown as WebhookStore;
    let logged: { message: string; fields?: Record<string, unknown> } | undefined;
    const seen = new Promise<void>((resolve) => {
      const worker = new WebhookDeliveryWorker({
        store,
        secrets: {} as SecretBox,
        appId: 'app',
        pollMs: 60_000,
        log: (message, fields) => {
          logged = { message, fields };
          void worker.stop().then(resolve);
        },
      });
      worker.start();
    });
    await seen;
    assert.equal(logged?.message, 'webhook delivery round failed');
    const err = logged?.fields?.err;
    assert.ok(err instanceof Error, 'the error object, not its text');
    assert.match(err.stack ?? '', /the outbox cannot be read/);
    assert.equal(err.cause, cause);
  });
});
