/**
 * What a check sees while it runs: the target, the run's payloads and fixtures, the target's
 * discovery document, and helpers that call an operation by its seed name and walk lists.
 *
 * Fixtures (one customer, order, review, lead, event per run) are written once, on first use,
 * and shared; a fixture that cannot be written makes the checks that need it skip, since the
 * operation's own check reports the failure.
 */
import { linkTarget } from '../client/link-header.js';
import { requireSameOrigin } from '../client/outbound-request.js';
import { ContractValidator, type ResourceKind } from '../contract/validation.js';
import { operation, operations, type OperationId } from '../contract/operations.js';
import { skip, type CheckResult } from './check.js';
import type { Exchange, HttpTarget, RequestOptions } from './http-target.js';
import { Payloads, type Json } from './payloads.js';

export type FixtureName = 'customer' | 'lead' | 'order' | 'review' | 'event';

export interface Discovery {
  url: string;
  exchange: Exchange;
  manifest: Record<string, any> | undefined;
}

export interface CallOptions extends RequestOptions {
  /** Values of `{param}` placeholders of the operation's path. */
  params?: Record<string, string>;
}

export interface WalkResult {
  items: unknown[];
  exchanges: Exchange[];
  /** True when the walk stopped at its page limit, not at the end of the list. */
  truncated: boolean;
}

/** Items a write op carries: a batch counts its items, a single object counts one. */
function itemCount(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  const items = (body as { items?: unknown })?.items;
  return Array.isArray(items) ? items.length : 1;
}

/** The `rel="next"` target of an RFC 8288 Link header, if any (as written; the one shared parser). */
export function nextLink(link: string | null): string | undefined {
  return linkTarget(link, 'next');
}

export class RunContext {
  readonly payloads: Payloads;
  readonly validator = new ContractValidator();
  /** Records the run wrote and could not remove (the contract has no DELETE). */
  written = 0;
  /** The account and reward the operator gave for the rc.2 loyalty checks (checks/rc2-loyalty.ts). */
  loyaltyFixture?: { accountId: string; rewardId: string };
  private readonly fixtures = new Map<FixtureName, Promise<Json>>();
  private readonly results = new Map<string, CheckResult>();
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly target: HttpTarget,
    readonly runId: string,
    readonly discovery: Discovery,
    /** Operations the target declares; all 14 when it publishes no discovery document. */
    readonly declared: ReadonlySet<OperationId>,
  ) {
    this.payloads = new Payloads(runId);
  }

  get manifest(): Record<string, any> | undefined {
    return this.discovery.manifest;
  }

  /** The discovery's `authentication` block, when it declares one. */
  get authentication(): Record<string, any> | undefined {
    return this.manifest?.authentication;
  }

  recordResult(result: CheckResult): void {
    this.results.set(result.id, result);
  }

  resultOf(id: string): CheckResult | undefined {
    return this.results.get(id);
  }

  /** The path of an operation with its placeholders filled (percent-encoded). */
  pathOf(operationId: OperationId, params: Record<string, string> = {}): string {
    return operation(operationId).path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${operationId}: no value for {${name}}`);
      return encodeURIComponent(value);
    });
  }

  /** Calls an operation by its seed name; counts what a successful write left behind. */
  async call(operationId: OperationId, options: CallOptions = {}): Promise<Exchange> {
    const op = operation(operationId);
    const exchange = await this.target.request(op.method, this.pathOf(operationId, options.params), options);
    if (op.method === 'POST' && exchange.status >= 200 && exchange.status < 300 && (options.body !== undefined || options.rawBody !== undefined)) {
      this.written += itemCount(options.body ?? safeParse(options.rawBody));
    }
    return exchange;
  }

  /** Writes and requires a 2xx, else skips the calling check: a prerequisite, not the subject. */
  async mustWrite(operationId: OperationId, body: unknown, what: string, options: CallOptions = {}): Promise<Exchange> {
    const exchange = await this.call(operationId, { ...options, body, sign: operationId === 'publishCustomerEvent' });
    if (exchange.status < 200 || exchange.status >= 300) skip(`prerequisite failed: writing ${what} with ${operationId} answered ${exchange.status}`);
    return exchange;
  }

  /** A shared record of this run, written on first use. */
  fixture(name: FixtureName): Promise<Json> {
    let pending = this.fixtures.get(name);
    if (!pending) {
      pending = this.makeFixture(name);
      this.fixtures.set(name, pending);
    }
    return pending;
  }

  private async makeFixture(name: FixtureName): Promise<Json> {
    const p = this.payloads;
    const customerKey = p.key('customer');
    switch (name) {
      case 'customer': {
        const body = p.customer('customer');
        await this.mustWrite('upsertCustomer', [body], 'the fixture customer');
        return body;
      }
      case 'lead': {
        const body = p.lead('lead');
        await this.mustWrite('upsertLead', [body], 'the fixture lead');
        return body;
      }
      case 'order': {
        await this.fixture('customer');
        const body = p.order('order', customerKey);
        await this.mustWrite('upsertOrders', [body], 'the fixture order');
        return body;
      }
      case 'review': {
        await this.fixture('customer');
        const body = p.review('review', customerKey);
        await this.mustWrite('createReview', body, 'the fixture review');
        return body;
      }
      case 'event': {
        const body = p.event('event', customerKey);
        await this.mustWrite('publishCustomerEvent', body, 'the fixture event');
        return body;
      }
    }
  }

  /** Data several checks share (written once per run); a failure is shared too. */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let pending = this.memos.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = make();
      this.memos.set(key, pending);
    }
    return pending;
  }

  /** The problems of a returned record against the contract's schema of its kind. */
  problemsOf(kind: ResourceKind, value: unknown, base = ''): string[] {
    return this.validator.check(kind, value, base);
  }

  /**
   * Walks a list: follows `Link rel="next"`, else asks `page+1` while pages come back full.
   * Stops at `maxPages` (reported as truncated) or when `until` is satisfied.
   */
  async walk(
    operationId: OperationId,
    options: CallOptions & { pageSize?: number; maxPages?: number; until?: (items: unknown[]) => boolean } = {},
  ): Promise<WalkResult> {
    const pageSize = options.pageSize ?? 100;
    const maxPages = options.maxPages ?? 50;
    const items: unknown[] = [];
    const exchanges: Exchange[] = [];
    let exchange = await this.call(operationId, { ...options, query: { ...options.query, pageSize: String(pageSize) } });
    let page = 1;
    for (;;) {
      exchanges.push(exchange);
      if (exchange.status !== 200 || !Array.isArray(exchange.json)) return { items, exchanges, truncated: false };
      items.push(...exchange.json);
      if (options.until?.(items)) return { items, exchanges, truncated: false };
      const next = nextLink(exchange.headers.get('link'));
      const full = exchange.json.length >= pageSize;
      if (!next && !full) return { items, exchanges, truncated: false };
      if (page >= maxPages) return { items, exchanges, truncated: true };
      page += 1;
      exchange = next
        ? // The token goes with the request: a next link on another origin is refused, not followed.
          await this.target.request('GET', requireSameOrigin(next, exchange.url, `the Link rel="next" of ${exchange.url}`), { ...options, query: undefined })
        : await this.call(operationId, { ...options, query: { ...options.query, pageSize: String(pageSize), page: String(page) } });
      if (exchange.json !== undefined && Array.isArray(exchange.json) && exchange.json.length === 0) {
        exchanges.push(exchange);
        return { items, exchanges, truncated: false };
      }
    }
  }
}

function safeParse(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const allOperationIds: readonly OperationId[] = operations.map((op) => op.operationId);
