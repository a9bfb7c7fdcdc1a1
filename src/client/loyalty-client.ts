/**
 * A typed client of the rc.2 loyalty module (docs/contract.md §15): one method per committee
 * operation, paths, methods and statuses from the rc.2 operations table, shapes from the
 * rc.2 schemas. Same transport rules as OdcClient (bounded reads, retries with backoff, one
 * token renewal on 401).
 *
 * @example
 *   const loyalty = new LoyaltyClient({ baseUrl: 'https://crm.example.com/od/v2', token, merchantId: 'm1' });
 *   const { correlationId } = await loyalty.createLoyaltyRedemption({ accountId, rewardId: 'pizza' }, { idempotencyKey: 'cart-42' });
 */
import type { Static } from '@sinclair/typebox';
import { v7 } from 'uuid';
import type {
  LoyaltyAccount,
  LoyaltyAccountListResponse,
  LoyaltyCoupon,
  LoyaltyCouponListResponse,
  LoyaltyProgram,
  LoyaltyProgramListResponse,
  LoyaltyRedemptionRequest,
  LoyaltyRewardListResponse,
  LoyaltyTransactionListResponse,
} from '../contract/rc2/loyalty.js';
import { rc2Operation, type Rc2OperationId } from '../contract/rc2/operations.js';
import { expectAnswer } from './expected-answer.js';
import { outboundRequest, responseCaps, type OutboundResponse } from './outbound-request.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';
import { clientCredentials, staticToken, type ClientCredentials, type TokenProvider } from './token-provider.js';

export interface LoyaltyClientOptions {
  /** Base URL of the rc.2 binding, e.g. https://crm.example.com/od/v2. */
  baseUrl: string;
  token?: string;
  credentials?: ClientCredentials;
  /** Sent as X-App-MerchantId on every call (application-model clients). */
  merchantId?: string;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

type PageQuery = { page?: number; pageSize?: number };
type Accepted = { status: 'ACCEPTED'; correlationId: string };

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export class LoyaltyClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly tokens: TokenProvider | undefined;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: LoyaltyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.tokens = options.credentials
      ? clientCredentials(options.credentials, this.baseUrl, this.fetch)
      : options.token
        ? staticToken(options.token)
        : undefined;
  }

  listLoyaltyPrograms(query: PageQuery = {}): Promise<Static<typeof LoyaltyProgramListResponse>> {
    return this.json('listLoyaltyPrograms', { query });
  }
  upsertLoyaltyPrograms(items: Static<typeof LoyaltyProgram>[]): Promise<Accepted> {
    return this.json('upsertLoyaltyPrograms', { body: { items } });
  }
  getLoyaltyProgramById(programId: string): Promise<Static<typeof LoyaltyProgram>> {
    return this.json('getLoyaltyProgramById', { params: { programId } });
  }
  listCustomerLoyaltyAccounts(customerId: string, query: { programId?: string } = {}): Promise<Static<typeof LoyaltyAccountListResponse>> {
    return this.json('listCustomerLoyaltyAccounts', { params: { customerId }, query });
  }
  getLoyaltyAccountById(accountId: string): Promise<Static<typeof LoyaltyAccount>> {
    return this.json('getLoyaltyAccountById', { params: { accountId } });
  }
  listLoyaltyTransactions(
    accountId: string,
    query: PageQuery & { createdFrom?: string; createdTo?: string } = {},
  ): Promise<Static<typeof LoyaltyTransactionListResponse>> {
    return this.json('listLoyaltyTransactions', { params: { accountId }, query });
  }
  listLoyaltyRewards(query: PageQuery & { programId?: string } = {}): Promise<Static<typeof LoyaltyRewardListResponse>> {
    return this.json('listLoyaltyRewards', { query });
  }
  listLoyaltyCoupons(query: PageQuery & { programId?: string; customerId?: string } = {}): Promise<Static<typeof LoyaltyCouponListResponse>> {
    return this.json('listLoyaltyCoupons', { query });
  }
  /** Idempotent by (coupon, relatedOrderId): the same order again answers the current state. */
  useLoyaltyCoupon(couponId: string, relatedOrderId?: string): Promise<Static<typeof LoyaltyCoupon>> {
    return this.json('useLoyaltyCoupon', { params: { couponId }, body: relatedOrderId === undefined ? {} : { relatedOrderId } });
  }
  /**
   * `correlationId` is the redemption id. Every call carries an Idempotency-Key (a new one when
   * none is given), so the client's own retries never debit twice (docs/contract.md §15.3).
   */
  createLoyaltyRedemption(request: Static<typeof LoyaltyRedemptionRequest>, options: { idempotencyKey?: string } = {}): Promise<Accepted> {
    return this.json('createLoyaltyRedemption', { body: request, headers: { 'idempotency-key': options.idempotencyKey ?? v7() } });
  }

  private async json<T>(operationId: Rc2OperationId, call: Call): Promise<T> {
    return (await (await this.request(operationId, call)).json()) as T;
  }

  /** One call with retries; resolves once the status is the operation's (see OdcClient.request). */
  private request(operationId: Rc2OperationId, call: Call): Promise<OutboundResponse> {
    const op = rc2Operation(operationId);
    const url = new URL(this.baseUrl + op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? '')));
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const send = async (): Promise<OutboundResponse> => {
      const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (this.tokens) headers.authorization = `Bearer ${await this.tokens.token()}`;
      if (this.options.merchantId) headers['x-app-merchantid'] = this.options.merchantId;
      return outboundRequest(url.toString(), {
        method: op.method,
        headers,
        body,
        fetch: this.fetch,
        timeoutMs: this.options.timeoutMs ?? 60_000,
        maxBytes: responseCaps.listPage,
      });
    };
    return expectAnswer(send, op.status, { retry: this.retry, renewable: this.options.credentials ? this.tokens : undefined });
  }
}
