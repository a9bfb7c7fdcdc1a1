/**
 * Delivers the webhook outbox: every due delivery is POSTed to its subscriber with
 * `X-App-Id` (this server's appId), `X-App-MerchantId` (the tenant) and `X-App-Signature`
 * (lowercase hex HMAC-SHA256 of the body with the subscriber's secret), as the authentication
 * spec's webhook signing says. A 2xx marks it delivered; anything else is retried with
 * exponential backoff and jitter, and after the last attempt it is dead (the dead-letter
 * list, re-driven with `odc webhooks retry`). Deliveries are claimed with a lease, so a
 * restart or a second instance delivers each at least once.
 *
 * A subscriber is untrusted (docs/hostile-input.md, "Hostile peers"): its reply is drained up
 * to a few KB only, within the timeout; a reply larger than that, one too slow, or a redirect
 * (never followed) does not count as delivered. Before each attempt the URL is checked again
 * against the target rules (webhook-targets.ts), as its name may now resolve elsewhere.
 */
import { outboundRequest, responseCaps } from '../client/outbound-request.js';
import { backoffMs } from '../client/retry.js';
import { signBody } from '../contract/auth.js';
import type { SecretBox } from '../auth/secret-box.js';
import type { WebhookDelivery, WebhookStore } from '../store/webhook-store.js';
import { webhookTargetProblem, withoutCredentials, type WebhookTargetRules } from './webhook-targets.js';

export interface DeliveryWorkerOptions {
  store: WebhookStore;
  secrets: SecretBox;
  appId: string;
  /** Attempts before a delivery is dead (default 8). */
  maxAttempts?: number;
  /** First retry delay in ms (default 1 s), doubled per attempt, capped at maxDelayMs (1 h). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often to look for due deliveries, in ms (default 1 s). */
  pollMs?: number;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Deliver to loopback, private and link-local targets too (explicit; tests on loopback need it). */
  allowPrivateTargets?: boolean;
  /** Host name resolution for the target check (default: the system resolver). */
  resolve?: WebhookTargetRules['resolve'];
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

const LEASE_MS = 60_000;
const BATCH = 32;

/** The wait before the next attempt: the client's backoff (retry.ts), one policy for every retry odc makes. */
export function nextDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return backoffMs(attempt, { baseDelayMs: baseMs, maxDelayMs: maxMs }, random);
}

export class WebhookDeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: DeliveryWorkerOptions) {}

  start(): void {
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        // Keep going while there is work; then wait a poll interval.
        while (!this.stopped && (await this.runOnce()) === BATCH);
      } catch (error) {
        this.options.log?.('webhook delivery round failed', { err: error });
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 1_000);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round: claims due deliveries and attempts each once. Returns how many it claimed. */
  runOnce(): Promise<number> {
    this.running = (async () => {
      const due = await this.options.store.claimDueDeliveries(Date.now(), LEASE_MS, BATCH);
      await Promise.all(due.map((delivery) => this.attempt(delivery)));
      return due.length;
    })();
    return this.running;
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const { store, secrets } = this.options;
    let failure: string | undefined;
    let thrown: unknown;
    try {
      const subscription = await store.getSubscription(delivery.subscriptionId);
      const unsafe = subscription
        ? await webhookTargetProblem(delivery.url, { allowPrivateTargets: this.options.allowPrivateTargets, resolve: this.options.resolve })
        : undefined;
      if (!subscription) failure = 'subscription removed';
      else if (unsafe) failure = `target refused: ${unsafe}`;
      else {
        const response = await outboundRequest(delivery.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-app-id': this.options.appId,
            'x-app-merchantid': delivery.tenant,
            'x-app-signature': signBody(delivery.body, secrets.decrypt(subscription.secret)),
            'x-odc-delivery-id': String(delivery.id),
            'x-odc-event-id': delivery.eventId,
          },
          body: delivery.body,
          fetch: this.options.fetch,
          timeoutMs: this.options.timeoutMs ?? 10_000,
          maxBytes: responseCaps.webhookReply,
          redirects: 'none',
        });
        if (!response.ok) failure = `HTTP ${response.status}`;
      }
    } catch (error) {
      thrown = error;
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (failure === undefined) {
      await store.markDelivered(delivery.id, new Date().toISOString());
      return;
    }
    const attempt = delivery.attempts + 1;
    const dead = attempt >= (this.options.maxAttempts ?? 8) || failure === 'subscription removed';
    const wait = nextDelay(attempt, this.options.baseDelayMs ?? 1_000, this.options.maxDelayMs ?? 3_600_000);
    await store.markFailed(delivery.id, failure, Date.now() + wait, dead);
    this.options.log?.(dead ? 'webhook delivery dead' : 'webhook delivery failed, will retry', {
      id: delivery.id,
      url: withoutCredentials(delivery.url),
      attempt,
      failure,
      // The error itself, so the log keeps its stack and cause (fetch's "fetch failed" hides ECONNREFUSED there).
      ...(thrown === undefined ? {} : { err: thrown }),
    });
  }
}
