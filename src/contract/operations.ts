/**
 * The 14 operations of the seed's traceability matrix, with the paths and statuses of
 * docs/contract.md §1 and the REST binding's alias paths.
 *
 * This table is the one place an operation is described: the server registers its routes
 * from it, the OpenAPI document is generated from it, and discovery will declare from it.
 */
import type { ResourceKind } from './validation.js';
import type { ListOperationId } from './queries.js';

export type HttpMethod = 'GET' | 'POST';

export interface OperationDefinition {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** Path of the seed, with `{param}` placeholders. */
  readonly path: string;
  /** Paths of the REST binding page that reach the same handler. */
  readonly aliases: readonly string[];
  readonly status: 200 | 201 | 202;
  readonly resource: ResourceKind;
  /** What the body carries: a batch (bare array or {items}), one object, or nothing. */
  readonly request: 'batch' | 'one' | 'none';
  /** What the answer carries: a list, one object, or no body. */
  readonly response: 'list' | 'one' | 'none';
  readonly summary: string;
  readonly tag: string;
}

export const operations = [
  {
    operationId: 'listCustomers',
    method: 'GET',
    path: '/customers',
    aliases: [],
    status: 200,
    resource: 'customer',
    request: 'none',
    response: 'list',
    tag: 'Customers',
    summary: 'Retrieve customers from the source system, with filters and pagination.',
  },
  {
    operationId: 'upsertCustomer',
    method: 'POST',
    path: '/customers',
    aliases: [],
    status: 200,
    resource: 'customer',
    request: 'batch',
    response: 'none',
    tag: 'Customers',
    summary: 'Ingest, create or enrich customers in one all-or-nothing batch.',
  },
  {
    operationId: 'getCustomerById',
    method: 'GET',
    path: '/customers/{id}',
    aliases: [],
    status: 200,
    resource: 'customer',
    request: 'none',
    response: 'one',
    tag: 'Customers',
    summary: 'Retrieve one customer by id, external_id identifier value, or <type>:<value>.',
  },
  {
    operationId: 'listLeads',
    method: 'GET',
    path: '/leads',
    aliases: ['/customers/leads'],
    status: 200,
    resource: 'lead',
    request: 'none',
    response: 'list',
    tag: 'Leads',
    summary: 'Retrieve leads.',
  },
  {
    operationId: 'upsertLead',
    method: 'POST',
    path: '/leads',
    aliases: ['/customers/leads'],
    status: 200,
    resource: 'lead',
    request: 'batch',
    response: 'none',
    tag: 'Leads',
    summary: 'Ingest, create or update leads in one all-or-nothing batch.',
  },
  {
    operationId: 'listOrders',
    method: 'GET',
    path: '/orders',
    aliases: ['/customers/orders'],
    status: 200,
    resource: 'order',
    request: 'none',
    response: 'list',
    tag: 'Orders',
    summary: 'Retrieve customer-context orders.',
  },
  {
    operationId: 'upsertOrders',
    method: 'POST',
    path: '/orders',
    aliases: ['/customers/orders'],
    status: 201,
    resource: 'order',
    request: 'batch',
    response: 'none',
    tag: 'Orders',
    summary: 'Push order snapshots in one all-or-nothing batch.',
  },
  {
    operationId: 'getOrderById',
    method: 'GET',
    path: '/orders/{id}',
    aliases: ['/customers/orders/{id}'],
    status: 200,
    resource: 'order',
    request: 'none',
    response: 'one',
    tag: 'Orders',
    summary: 'Retrieve one order by id.',
  },
  {
    operationId: 'listReviews',
    method: 'GET',
    path: '/reviews',
    aliases: ['/customers/reviews'],
    status: 200,
    resource: 'review',
    request: 'none',
    response: 'list',
    tag: 'Reviews',
    summary: 'Retrieve reviews.',
  },
  {
    operationId: 'createReview',
    method: 'POST',
    path: '/reviews',
    aliases: ['/customers/reviews'],
    status: 201,
    resource: 'review',
    request: 'one',
    response: 'none',
    tag: 'Reviews',
    summary: 'Send one review; a re-send with the same reviewId updates it.',
  },
  {
    operationId: 'listCustomerReviews',
    method: 'GET',
    path: '/customers/{customerId}/reviews',
    aliases: [],
    status: 200,
    resource: 'review',
    request: 'none',
    response: 'list',
    tag: 'Reviews',
    summary: "Retrieve a customer's reviews.",
  },
  {
    operationId: 'getReviewById',
    method: 'GET',
    path: '/reviews/{id}',
    aliases: [],
    status: 200,
    resource: 'review',
    request: 'none',
    response: 'one',
    tag: 'Reviews',
    summary: 'Retrieve one review by reviewId.',
  },
  {
    operationId: 'listCustomerEvents',
    method: 'GET',
    path: '/customer/events',
    aliases: [],
    status: 200,
    resource: 'event',
    request: 'none',
    response: 'list',
    tag: 'CustomerEvents',
    summary: 'Retrieve customer event history.',
  },
  {
    operationId: 'publishCustomerEvent',
    method: 'POST',
    path: '/customer/events',
    aliases: [],
    status: 202,
    resource: 'event',
    request: 'one',
    response: 'none',
    tag: 'CustomerEvents',
    summary: 'Send one customer-focused event; duplicates are accepted and stored once.',
  },
] as const satisfies readonly OperationDefinition[];

export type OperationId = (typeof operations)[number]['operationId'];

export function operation(operationId: OperationId): OperationDefinition {
  const found = operations.find((op) => op.operationId === operationId);
  if (!found) throw new Error(`unknown operation ${operationId}`);
  return found;
}

/** Every path an operation answers on: the seed's, then the binding's aliases. */
export function pathsOf(op: OperationDefinition): string[] {
  return [op.path, ...op.aliases];
}

export function isListOperation(operationId: string): operationId is ListOperationId {
  return operations.some((op) => op.operationId === operationId && op.response === 'list');
}
