/**
 * The typed client of the Customer capability: one method per operation of the seed, types
 * from src/contract, paths and statuses from the operations table (nothing restated here).
 *
 * It takes a `fetch`, so the same client drives a real server or an in-process one in tests.
 * Tokens come from a fixed value or from client credentials (cached, refreshed before expiry);
 * failures that may pass are retried with backoff (retry.ts); lists come as pages or as async
 * iterators that follow `Link rel="next"` cursors.
 *
 * With `contract: 'rc2'` the same methods speak the committee's 2.0.0-rc.2 binding at the base
 * URL (docs/bindings.md): `{items}` batches answered 202, paged `{items, page, pageSize, total}`
 * lists walked by page number, records mapped to and from the seed's shapes (rc2-wire.ts), so
 * callers always see seed records. Operations rc.2 lacks (events, a customer by id, a
 * customer's reviews) throw. `detectContract()` reads the peer's discovery.
 *
 * @example
 *   const odc = new OdcClient({ baseUrl: 'https://crm.example.com', credentials: { clientId, clientSecret }, merchantId: 'store-1' });
 *   await odc.upsertCustomers([{ identifier: { type: 'phone', value: '+5511999999999' } }]);
 *   for await (const customer of odc.iterateCustomers({ updatedFrom: '2026-06-01T00:00:00Z' })) console.log(customer.id);
 */
import type { Customer } from '../contract/customer.js';
import type { CustomerEvent } from '../contract/event.js';
import type { Lead } from '../contract/lead.js';
import { operation, type OperationId } from '../contract/operations.js';
import { rc2Operation } from '../contract/rc2/operations.js';
import type { Review } from '../contract/review.js';
import { OdcError } from './client-errors.js';
import { expectAnswer } from './expected-answer.js';
import { linkTarget } from './link-header.js';
import { OutboundError, outboundRequest, requireSameOrigin, responseCaps, type OutboundResponse } from './outbound-request.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';
import { contractFromDiscovery, itemsToSeed, rc2NextPage, rc2Wire, readRc2ListBody, type ContractName, type Rc2Resource } from './rc2-wire.js';
import { clientCredentials, staticToken, type ClientCredentials, type TokenProvider } from './token-provider.js';

/** A stored customer as the server returns it: with its id and server-owned fields. */
export type StoredCustomer = Customer & { id: string; updatedAt: string; createdAt?: string };
export type Order = { id: string } & Record<string, unknown>;
export type Query = Record<string, string | number | undefined>;

export interface Page<T> {
  items: T[];
  /** X-Total-Count: records matching the filters across all pages. */
  total: number;
  /** X-Total-Count as the server sent it, when it sent a whole number (absent otherwise). */
  declaredTotal?: number;
  /** The `rel="next"` URL, absent on the last page; always on the origin that answered. */
  next?: string;
  /** The server's `Date` header: its clock when it answered (pull bounds checkpoints by it). */
  date?: string;
}

export interface OdcClientOptions {
  /** Base URL of the Customer endpoints, e.g. https://crm.example.com or .../v2. */
  baseUrl: string;
  token?: string;
  credentials?: ClientCredentials;
  /** Sent as X-App-MerchantId on every call (application-model clients). */
  merchantId?: string;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  onRetry?: (error: unknown, waitMs: number) => void;
  /** Per-request timeout in ms, connection to last byte (default 60 s). */
  timeoutMs?: number;
  /** Largest list page read, in bytes after decompression (default 16 MiB). */
  maxPageBytes?: number;
  /** The contract the base URL speaks (default seed); see detectContract(). */
  contract?: ContractName;
}

/** What a call needs of its operation: method, path and success status, from either contract's table. */
interface Endpoint {
  method: string;
  path: string;
  status: number;
}

interface Call {
  params?: Record<string, string>;
  query?: Query;
  body?: unknown;
  /** A full URL (from a Link header) instead of the operation's path. */
  url?: string;
  /** A list page: read with the page cap rather than the record cap. */
  list?: boolean;
}

export class OdcClient {
  readonly baseUrl: string;
  readonly contract: ContractName;
  private readonly fetch: typeof fetch;
  private readonly tokens: TokenProvider | undefined;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: OdcClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.contract = options.contract ?? 'seed';
    this.fetch = options.fetch ?? globalThis.fetch;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.tokens = options.credentials
      ? clientCredentials(options.credentials, this.baseUrl, this.fetch)
      : options.token
        ? staticToken(options.token)
        : undefined;
  }

  listCustomers(query: Query = {}): Promise<Page<StoredCustomer>> {
    return this.page('listCustomers', { query });
  }
  iterateCustomers(query: Query = {}): AsyncGenerator<StoredCustomer> {
    return this.iterate('listCustomers', { query });
  }
  upsertCustomers(customers: Customer[]): Promise<void> {
    return this.send('upsertCustomer', { body: customers });
  }
  getCustomerById(id: string): Promise<StoredCustomer> {
    return this.json('getCustomerById', { params: { id } });
  }
  listLeads(query: Query = {}): Promise<Page<Lead>> {
    return this.page('listLeads', { query });
  }
  iterateLeads(query: Query = {}): AsyncGenerator<Lead> {
    return this.iterate('listLeads', { query });
  }
  upsertLeads(leads: Lead[]): Promise<void> {
    return this.send('upsertLead', { body: leads });
  }
  listOrders(query: Query = {}): Promise<Page<Order>> {
    return this.page('listOrders', { query });
  }
  iterateOrders(query: Query = {}): AsyncGenerator<Order> {
    return this.iterate('listOrders', { query });
  }
  upsertOrders(orders: Order[]): Promise<void> {
    return this.send('upsertOrders', { body: orders });
  }
  getOrderById(id: string): Promise<Order> {
    return this.json('getOrderById', { params: { id } });
  }
  listReviews(query: Query = {}): Promise<Page<Review>> {
    return this.page('listReviews', { query });
  }
  iterateReviews(query: Query = {}): AsyncGenerator<Review> {
    return this.iterate('listReviews', { query });
  }
  createReview(review: Review): Promise<void> {
    return this.send('createReview', { body: review });
  }
  listCustomerReviews(customerId: string, query: Query = {}): Promise<Page<Review>> {
    return this.page('listCustomerReviews', { params: { customerId }, query });
  }
  getReviewById(id: string): Promise<Review> {
    return this.json('getReviewById', { params: { id } });
  }
  publishCustomerEvent(event: CustomerEvent): Promise<void> {
    return this.send('publishCustomerEvent', { body: event });
  }
  listCustomerEvents(query: Query = {}): Promise<Page<CustomerEvent>> {
    return this.page('listCustomerEvents', { query });
  }
  iterateCustomerEvents(query: Query = {}): AsyncGenerator<CustomerEvent> {
    return this.iterate('listCustomerEvents', { query });
  }

  /**
   * The contract the peer's discovery declares for this base URL (docs/bindings.md,
   * "Discovery"), or undefined when the manifest is missing or declares no binding there.
   */
  async detectContract(): Promise<ContractName | undefined> {
    try {
      return contractFromDiscovery(await this.discovery(), this.baseUrl);
    } catch (error) {
      if (error instanceof OdcError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * The page after `page` (its `rel="next"` link), or undefined on the last page. Works for
   * every list operation: the link carries the operation's path and filters.
   */
  async nextPage<T>(page: Page<T>): Promise<Page<T> | undefined> {
    if (!page.next) return undefined;
    const next = requireSameOrigin(page.next, this.baseUrl, 'a Link rel="next"');
    const path = new URL(next).pathname;
    if (this.contract === 'rc2') {
      const resource = (Object.keys(rc2Wire) as Rc2Resource[]).find((r) => path.endsWith(rc2Operation(rc2Wire[r].list).path)) ?? 'customers';
      return this.rc2Page<T>(resource, { url: next });
    }
    const op = (['listCustomers', 'listLeads', 'listOrders', 'listReviews', 'listCustomerEvents', 'listCustomerReviews'] as const).find((id) =>
      new RegExp(`${operation(id).path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
    );
    return this.page<T>(op ?? 'listCustomers', { url: next });
  }

  /** The server's discovery manifest (public; no token sent). */
  async discovery(): Promise<Record<string, unknown>> {
    const response = await outboundRequest(new URL('/.well-known/opendelivery', this.baseUrl), {
      headers: { accept: 'application/json' },
      fetch: this.fetch,
      timeoutMs: this.options.timeoutMs ?? 60_000,
      maxBytes: responseCaps.document,
    });
    if (!response.ok) throw await OdcError.from(response);
    return (await response.json()) as Record<string, unknown>;
  }

  private urlOf(op: Endpoint, call: Call): string {
    if (call.url) return call.url;
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? ''));
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /**
   * One call with retries; resolves with the answer once its status is the operation's. A 401
   * with client credentials renews the token once and sends again, inside the same attempt: an
   * expired or rotated token is not a failure worth a backoff.
   */
  private request(op: Endpoint, call: Call): Promise<OutboundResponse> {
    const url = this.urlOf(op, call);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const maxBytes = call.list ? (this.options.maxPageBytes ?? responseCaps.listPage) : responseCaps.record;
    const send = async (): Promise<OutboundResponse> => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (this.tokens) headers.authorization = `Bearer ${await this.tokens.token()}`;
      if (this.options.merchantId) headers['x-app-merchantid'] = this.options.merchantId;
      return outboundRequest(url, { method: op.method, headers, body, fetch: this.fetch, timeoutMs: this.options.timeoutMs ?? 60_000, maxBytes });
    };
    return expectAnswer(send, op.status, {
      retry: this.retry,
      renewable: this.options.credentials ? this.tokens : undefined,
      onRetry: this.options.onRetry,
    });
  }

  private async send(operationId: OperationId, call: Call): Promise<void> {
    const rc2 = this.rc2Equivalent(operationId);
    if (!rc2) {
      await this.request(operation(operationId), call);
      return;
    }
    // rc.2 writes are `{items}` batches answered 202; the seed's createReview sends one review.
    const records = (Array.isArray(call.body) ? call.body : [call.body]) as Record<string, unknown>[];
    const wire = rc2Wire[rc2.resource];
    await this.request(rc2Operation(wire.write), { body: { items: records.map(wire.fromSeed) } });
  }

  private async json<T>(operationId: OperationId, call: Call): Promise<T> {
    const rc2 = this.rc2Equivalent(operationId);
    if (!rc2) return (await (await this.request(operation(operationId), call)).json()) as T;
    const byId = rc2.resource === 'orders' ? 'getOrderById' : 'getReviewById';
    const params = { [byId === 'getOrderById' ? 'orderId' : 'reviewId']: call.params?.id ?? '' };
    const record = await (await this.request(rc2Operation(byId), { params })).json();
    return rc2Wire[rc2.resource].toSeed(record as Record<string, unknown>) as T;
  }

  /**
   * The rc.2 resource a seed operation stands for when this client speaks rc.2; undefined when
   * it speaks the seed. An operation the rc.2 customer module lacks throws.
   */
  private rc2Equivalent(operationId: OperationId): { resource: Rc2Resource } | undefined {
    if (this.contract !== 'rc2') return undefined;
    const resource = rc2Resources[operationId];
    if (!resource) throw new Error(`${operationId} has no counterpart in the rc.2 binding (docs/bindings.md); ${this.baseUrl} speaks rc.2`);
    return { resource };
  }

  private async rc2Page<T>(resource: Rc2Resource, call: Call): Promise<Page<T>> {
    const wire = rc2Wire[resource];
    const response = await this.request(rc2Operation(wire.list), { ...call, list: true });
    const body = readRc2ListBody(await response.json(), response.url);
    const next = rc2NextPage(response.url, body);
    return {
      items: itemsToSeed(body.items, wire) as T[],
      total: body.total,
      declaredTotal: body.total,
      next: next === undefined ? undefined : requireSameOrigin(next, response.url, `the next page of ${response.url}`),
      date: response.headers.get('date') ?? undefined,
    };
  }

  private async page<T>(operationId: OperationId, call: Call): Promise<Page<T>> {
    const rc2 = this.rc2Equivalent(operationId);
    if (rc2) return this.rc2Page<T>(rc2.resource, call);
    const response = await this.request(operation(operationId), { ...call, list: true });
    const items = (await response.json()) as T[];
    const link = nextLink(response.headers.get('link'), response.url);
    // A token goes with the next request: never to an origin other than the one that answered.
    const next = link === undefined ? undefined : requireSameOrigin(link, response.url, `the Link rel="next" of ${response.url}`);
    const header = response.headers.get('x-total-count');
    const declaredTotal = header !== null && /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
    const total = declaredTotal ?? (Array.isArray(items) ? items.length : 0);
    return { items, total, declaredTotal, next, date: response.headers.get('date') ?? undefined };
  }

  private async *iterate<T>(operationId: OperationId, call: Call): AsyncGenerator<T> {
    let page = await this.page<T>(operationId, call);
    const seen = new Set<string>();
    for (;;) {
      yield* page.items;
      if (!page.next) return;
      // A link cycle (A → B → A) would walk forever: a page already read ends the walk with an error.
      if (seen.has(page.next))
        throw new OutboundError(page.next, 'cycle', `the list's Link rel="next" leads back to ${page.next}, a page already read (a link cycle)`);
      seen.add(page.next);
      page = await this.page<T>(operationId, { url: page.next });
    }
  }
}

/** The seed operations the rc.2 customer module has a counterpart for, by resource. */
const rc2Resources: Partial<Record<OperationId, Rc2Resource>> = {
  listCustomers: 'customers',
  upsertCustomer: 'customers',
  listLeads: 'leads',
  upsertLead: 'leads',
  listOrders: 'orders',
  upsertOrders: 'orders',
  getOrderById: 'orders',
  listReviews: 'reviews',
  createReview: 'reviews',
  getReviewById: 'reviews',
};

/** The absolute URL of `rel="next"` in an RFC 8288 Link header, resolved against `base`. */
export function nextLink(header: string | null, base: string): string | undefined {
  return linkTarget(header, 'next', base);
}
