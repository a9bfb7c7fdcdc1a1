/**
 * What the typed client needs to speak the committee's 2.0.0-rc.2 binding (docs/bindings.md)
 * instead of the seed: which rc.2 operation stands for a seed call, how records are mapped
 * each way (the binding's own mapping, src/contract/rc2/mapping), how a paged
 * `{items, page, pageSize, total}` list continues, and which contract a peer speaks at a base
 * URL according to its discovery manifest (`capabilities.customer.bindings`).
 *
 * The client always hands its callers seed-shaped records, so pull, push and every other user
 * work unchanged whatever the peer speaks.
 */
import { customerFromSeed, customerToSeed } from '../contract/rc2/mapping/customer-mapping.js';
import { isPlainObject, type JsonObject } from '../contract/rc2/mapping/json-object.js';
import { leadFromSeed, leadToSeed } from '../contract/rc2/mapping/lead-mapping.js';
import { orderFromCanonical, orderToCanonical } from '../contract/rc2/mapping/order-mapping.js';
import { reviewFromSeed, reviewToSeed } from '../contract/rc2/mapping/review-mapping.js';
import type { Rc2OperationId } from '../contract/rc2/operations.js';

/** The contract a peer's Customer endpoints speak. */
export type ContractName = 'seed' | 'rc2';
export const contractNames: readonly ContractName[] = ['seed', 'rc2'];

export type Rc2Resource = 'customers' | 'leads' | 'orders' | 'reviews';

interface Rc2ResourceWire {
  list: Rc2OperationId;
  write: Rc2OperationId;
  /** An rc.2 record as the seed's (what odc's rc.2 binding stores). */
  toSeed(record: JsonObject): JsonObject;
  /** A seed record as rc.2's. */
  fromSeed(record: JsonObject): JsonObject;
}

/**
 * The customer an order or review names, as its reference: `<type>:<value>` of its identifier,
 * as odc's rc.2 binding stores it when no local customer holds the identifier (docs/bindings.md,
 * "Order"), so the seed's customerId filters find the record by that reference.
 */
function identifierRef(identifier: unknown): string | undefined {
  return isPlainObject(identifier) && typeof identifier.type === 'string' && typeof identifier.value === 'string'
    ? `${identifier.type}:${identifier.value}`
    : undefined;
}

export const rc2Wire: Record<Rc2Resource, Rc2ResourceWire> = {
  customers: { list: 'listCustomers', write: 'upsertCustomers', toSeed: customerToSeed, fromSeed: customerFromSeed },
  leads: { list: 'listLeads', write: 'upsertLeads', toSeed: leadToSeed, fromSeed: leadFromSeed },
  orders: {
    list: 'listOrders',
    write: 'upsertOrders',
    toSeed: (order) => orderToCanonical(order, identifierRef(isPlainObject(order.customer) ? order.customer.identifier : undefined)),
    fromSeed: orderFromCanonical,
  },
  reviews: {
    list: 'listReviews',
    write: 'createReviews',
    toSeed: (review) =>
      reviewToSeed(review, {
        customerRef: identifierRef(review.customerIdentifier),
        // An rc.2 origin always sends createdAt (the binding assigns it); this is the fallback.
        receivedAt: typeof review.createdAt === 'string' ? review.createdAt : new Date().toISOString(),
        pointer: '',
      }),
    fromSeed: reviewFromSeed,
  },
};

/**
 * The seed form of each item of an rc.2 list page. An item the mapping cannot read (not an
 * object, or a review without a usable overall rating) comes as `null`, which the callers'
 * validation rejects and reports (pull counts it as rejected) instead of failing the page.
 */
export function itemsToSeed(items: unknown[], wire: Rc2ResourceWire): unknown[] {
  return items.map((item) => {
    if (!isPlainObject(item)) return null;
    try {
      const record = wire.toSeed(item);
      // The origin's change time, which pull's updatedFrom checkpoint is made of; the mapping
      // drops it where a write would (the store sets its own), a read must keep it.
      if (record.updatedAt === undefined && item.updatedAt !== undefined) record.updatedAt = item.updatedAt;
      return record;
    } catch {
      return null;
    }
  });
}

/** The body of an rc.2 list page, checked for the fields the client relies on. */
export interface Rc2ListBody {
  items: unknown[];
  page: number;
  pageSize: number;
  total: number;
}

export function readRc2ListBody(body: unknown, url: string): Rc2ListBody {
  const b = (isPlainObject(body) ? body : {}) as Partial<Record<keyof Rc2ListBody, unknown>>;
  const whole = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(b.items) || !whole(b.page) || !whole(b.pageSize) || !whole(b.total))
    throw new Error(`the rc.2 list at ${url} is not {items, page, pageSize, total} (docs/bindings.md, "Lists")`);
  return { items: b.items, page: b.page, pageSize: b.pageSize, total: b.total };
}

/**
 * The URL of the page after this one, or undefined on the last: rc.2 lists carry no link, so
 * the client asks for `page + 1` of the same request while the pages read so far hold fewer
 * records than `total`. An empty page always ends the walk, so a `total` that lies cannot make
 * it endless; the URL is the answered one, so it stays on the same origin.
 */
export function rc2NextPage(answeredUrl: string, body: Rc2ListBody): string | undefined {
  if (body.items.length === 0 || body.page < 1 || body.page * body.pageSize >= body.total) return undefined;
  const next = new URL(answeredUrl);
  next.searchParams.set('page', String(body.page + 1));
  if (!next.searchParams.has('pageSize')) next.searchParams.set('pageSize', String(body.pageSize));
  return next.toString();
}

/**
 * The contract the discovery manifest declares for the binding at `baseUrl`, or undefined when
 * it declares none there (an older odc, another server): `capabilities.customer.bindings[]`,
 * matched by path, since the manifest's origin follows the Host the peer was reached by.
 */
export function contractFromDiscovery(manifest: unknown, baseUrl: string): ContractName | undefined {
  const capabilities = isPlainObject(manifest) && isPlainObject(manifest.capabilities) ? manifest.capabilities : {};
  const customer = isPlainObject(capabilities.customer) ? capabilities.customer : {};
  const bindings = Array.isArray(customer.bindings) ? customer.bindings : [];
  const pathOf = (url: string) => new URL(url).pathname.replace(/\/+$/, '');
  const wanted = pathOf(baseUrl);
  for (const binding of bindings) {
    if (!isPlainObject(binding) || typeof binding.endpoint !== 'string' || !contractNames.includes(binding.contract as ContractName)) continue;
    let path: string;
    try {
      path = pathOf(new URL(binding.endpoint, baseUrl).toString());
    } catch {
      continue;
    }
    if (path === wanted) return binding.contract as ContractName;
  }
  return undefined;
}
