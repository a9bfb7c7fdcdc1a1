/**
 * The customer-module operations (ten) and the loyalty-module operations (ten, docs/contract.md §15) of the committee's 2.0.0-rc.2 document, with its
 * operation ids, paths, statuses and query filters: the one table the rc.2 routes, its
 * OpenAPI document and discovery are built from (docs/bindings.md).
 */
import type { TSchema } from '@sinclair/typebox';
import { CustomerListResponse, CustomerUpsertRequest } from './customer.js';
import { LeadListResponse, LeadUpsertRequest } from './lead.js';
import { Order, OrderListResponse, OrderUpsertRequest } from './order.js';
import {
  LoyaltyAccount,
  LoyaltyAccountListResponse,
  LoyaltyCoupon,
  LoyaltyCouponListResponse,
  LoyaltyCouponUseRequest,
  LoyaltyProgram,
  LoyaltyProgramListResponse,
  LoyaltyProgramUpsertRequest,
  LoyaltyRedemptionRequest,
  LoyaltyRewardListResponse,
  LoyaltyTransactionListResponse,
} from './loyalty.js';
import { Review, ReviewListResponse, ReviewUpsertRequest } from './review.js';

export type Rc2QueryKind = 'string' | 'identifierType' | 'originChannel' | 'date-time' | 'page' | 'pageSize';

export interface Rc2QueryParam {
  readonly name: string;
  readonly kind: Rc2QueryKind;
  readonly description: string;
}

export interface Rc2Operation {
  readonly operationId: Rc2OperationId;
  readonly method: 'GET' | 'POST';
  /** Relative to the binding's base path, with `{param}` placeholders. */
  readonly path: string;
  readonly status: 200 | 202;
  readonly tag: 'Customers' | 'Leads' | 'Orders' | 'Reviews' | 'Loyalty';
  readonly summary: string;
  readonly request?: TSchema;
  /** The committee makes this body optional (useLoyaltyCoupon). */
  readonly requestOptional?: boolean;
  /** The success body; writes answer AsyncAcceptedResponse. */
  readonly response?: TSchema;
  readonly query: readonly Rc2QueryParam[];
  /** Whether the committee declares 409 (every write) and 404 (every read by id). */
  readonly conflict: boolean;
  readonly notFound: boolean;
}

export type Rc2OperationId =
  | 'listCustomers'
  | 'upsertCustomers'
  | 'listLeads'
  | 'upsertLeads'
  | 'listOrders'
  | 'upsertOrders'
  | 'getOrderById'
  | 'listReviews'
  | 'createReviews'
  | 'getReviewById'
  | 'listLoyaltyPrograms'
  | 'upsertLoyaltyPrograms'
  | 'getLoyaltyProgramById'
  | 'listCustomerLoyaltyAccounts'
  | 'getLoyaltyAccountById'
  | 'listLoyaltyTransactions'
  | 'listLoyaltyRewards'
  | 'listLoyaltyCoupons'
  | 'useLoyaltyCoupon'
  | 'createLoyaltyRedemption';

const q = (name: string, kind: Rc2QueryKind, description: string): Rc2QueryParam => ({ name, kind, description });

const merchantId = q('merchantId', 'string', 'The merchant whose records are read (selects the tenant, as X-App-MerchantId does).');
const identifierType = q('customerIdentifierType', 'identifierType', "Type of the customer's identifier (document, phone, email, external_id, custom).");
const identifierValue = q('customerIdentifierValue', 'string', "Value of the customer's identifier, compared in normalized form.");
const created = [
  q('createdFrom', 'date-time', 'Created at or after this RFC 3339 time.'),
  q('createdTo', 'date-time', 'Created at or before this RFC 3339 time.'),
];
const updated = [
  q('updatedFrom', 'date-time', 'Last changed by this server at or after this RFC 3339 time.'),
  q('updatedTo', 'date-time', 'Last changed by this server at or before this RFC 3339 time.'),
];
const paging = [q('page', 'page', 'Page number, from 1 (default 1).'), q('pageSize', 'pageSize', 'Items per page, 1 to 500 (default 50).')];

const list = { method: 'GET', status: 200, conflict: false, notFound: false } as const;
const write = { method: 'POST', status: 202, query: [], conflict: true, notFound: false } as const;
const byId = { method: 'GET', status: 200, query: [], conflict: false, notFound: true } as const;

export const rc2Operations: readonly Rc2Operation[] = [
  {
    ...list,
    operationId: 'listCustomers',
    path: '/customers',
    tag: 'Customers',
    summary: 'List and query customers with filters.',
    response: CustomerListResponse,
    query: [
      merchantId,
      identifierType,
      identifierValue,
      q('externalId', 'string', 'Matches any externalIds[].value or an external_id identifier value.'),
      ...updated,
      ...paging,
    ],
  },
  {
    ...write,
    operationId: 'upsertCustomers',
    path: '/customers',
    tag: 'Customers',
    summary: 'Import or synchronize customers in batch.',
    request: CustomerUpsertRequest,
  },
  {
    ...list,
    operationId: 'listLeads',
    path: '/leads',
    tag: 'Leads',
    summary: 'List leads with filters.',
    response: LeadListResponse,
    query: [...updated, ...paging],
  },
  { ...write, operationId: 'upsertLeads', path: '/leads', tag: 'Leads', summary: 'Import or synchronize leads in batch.', request: LeadUpsertRequest },
  {
    ...list,
    operationId: 'listOrders',
    path: '/orders',
    tag: 'Orders',
    summary: 'Query orders for CRM use.',
    response: OrderListResponse,
    query: [
      identifierType,
      identifierValue,
      q('storeId', 'string', 'Orders placed at this store (merchant.id of the snapshot).'),
      q('originChannel', 'originChannel', 'Orders from this channel.'),
      ...created,
      ...updated,
      ...paging,
    ],
  },
  { ...write, operationId: 'upsertOrders', path: '/orders', tag: 'Orders', summary: 'Import or synchronize orders in batch.', request: OrderUpsertRequest },
  { ...byId, operationId: 'getOrderById', path: '/orders/{orderId}', tag: 'Orders', summary: 'Query one order.', response: Order },
  {
    ...list,
    operationId: 'listReviews',
    path: '/reviews',
    tag: 'Reviews',
    summary: 'List reviews with filters.',
    response: ReviewListResponse,
    query: [merchantId, identifierType, identifierValue, q('orderId', 'string', 'Reviews of this order.'), ...created, ...paging],
  },
  { ...write, operationId: 'createReviews', path: '/reviews', tag: 'Reviews', summary: 'Submit reviews in batch.', request: ReviewUpsertRequest },
  { ...byId, operationId: 'getReviewById', path: '/reviews/{reviewId}', tag: 'Reviews', summary: 'Query one review.', response: Review },
  ...loyaltyOperations(),
];

export function rc2Operation(operationId: Rc2OperationId): Rc2Operation {
  const op = rc2Operations.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`unknown rc.2 operation ${operationId}`);
  return op;
}

/** The loyalty module (docs/contract.md §15), at the committee's paths. */
function loyaltyOperations(): Rc2Operation[] {
  const tag = 'Loyalty';
  const programId = q('programId', 'string', 'Only this loyalty program.');
  return [
    {
      ...list,
      tag,
      operationId: 'listLoyaltyPrograms',
      path: '/loyalty/programs',
      summary: 'List loyalty programs.',
      response: LoyaltyProgramListResponse,
      query: [merchantId, ...paging],
    },
    {
      ...write,
      tag,
      operationId: 'upsertLoyaltyPrograms',
      path: '/loyalty/programs',
      summary: 'Register or synchronize loyalty programs in batch.',
      request: LoyaltyProgramUpsertRequest,
    },
    {
      ...byId,
      tag,
      operationId: 'getLoyaltyProgramById',
      path: '/loyalty/programs/{programId}',
      summary: 'Query one loyalty program.',
      response: LoyaltyProgram,
    },
    {
      ...list,
      tag,
      notFound: true,
      operationId: 'listCustomerLoyaltyAccounts',
      path: '/customers/{customerId}/loyalty-accounts',
      summary: "A customer's loyalty accounts (404 when no customer resolves from customerId).",
      response: LoyaltyAccountListResponse,
      query: [programId],
    },
    {
      ...byId,
      tag,
      operationId: 'getLoyaltyAccountById',
      path: '/loyalty/accounts/{accountId}',
      summary: 'Query one loyalty account.',
      response: LoyaltyAccount,
    },
    {
      ...list,
      tag,
      notFound: true,
      operationId: 'listLoyaltyTransactions',
      path: '/loyalty/accounts/{accountId}/transactions',
      summary: "An account's transactions, oldest first.",
      response: LoyaltyTransactionListResponse,
      query: [...created, ...paging],
    },
    {
      ...list,
      tag,
      operationId: 'listLoyaltyRewards',
      path: '/loyalty/rewards',
      summary: 'The catalog of rewards.',
      response: LoyaltyRewardListResponse,
      query: [programId, ...paging],
    },
    {
      ...list,
      tag,
      operationId: 'listLoyaltyCoupons',
      path: '/loyalty/coupons',
      summary: 'Coupons issued by redemptions.',
      response: LoyaltyCouponListResponse,
      query: [merchantId, programId, q('customerId', 'string', 'Only coupons of this customer.'), ...paging],
    },
    {
      method: 'POST',
      status: 200,
      query: [],
      conflict: true,
      notFound: true,
      tag,
      operationId: 'useLoyaltyCoupon',
      path: '/loyalty/coupons/{couponId}/use',
      summary: 'Consume a coupon; idempotent by (coupon, relatedOrderId).',
      request: LoyaltyCouponUseRequest,
      requestOptional: true,
      response: LoyaltyCoupon,
    },
    {
      ...write,
      tag,
      operationId: 'createLoyaltyRedemption',
      path: '/loyalty/redemptions',
      summary: 'Redeem a reward: checks the balance (409 when short), debits cost × quantity, issues a coupon.',
      request: LoyaltyRedemptionRequest,
    },
  ];
}
