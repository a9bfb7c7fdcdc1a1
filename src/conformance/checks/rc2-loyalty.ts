/**
 * The rc.2 profile's loyalty checks (docs/conformance.md "Loyalty"): the committee's loyalty
 * module, declared under `customer` in discovery, against a target's rc.2 base URL.
 *
 * The kit writes what rc.2 lets any client write (a program, through upsertLoyaltyPrograms).
 * The rest (an account with points, a reward of its program) is the host's business (the
 * committee's guide leaves enrolment, catalogs and earning to it), so the operator names them
 * with `--loyalty-account` and `--loyalty-reward`; without them those checks skip, saying so.
 * The redemption checks spend the reward's cost once from that account.
 */
import { rc2Operation, type Rc2OperationId } from '../../contract/rc2/operations.js';
import { Rc2Validator, type Rc2Resource } from '../../contract/rc2/validation.js';
import { type Check, fail, skip } from '../check.js';
import type { RunContext } from '../context.js';
import { expectJsonType, expectStatus } from '../expect.js';
import type { Exchange, RequestOptions } from '../http-target.js';
import { expectAccepted, expectError, expectPage } from './rc2.js';

const rc2 = (text: string) => `"${text}" (committee Customer 2.0.0-rc.2)`;
const validator = new Rc2Validator();

type Json = Record<string, any>;

/** What the operator gives the kit: an account with points and an active reward of its program. */
export interface LoyaltyFixtureIds {
  accountId: string;
  rewardId: string;
}

const NEEDS_FIXTURE = 'skipped: needs --loyalty-account and --loyalty-reward (an account with points and an active reward of its program)';

function tagged(ctx: RunContext, what: string): string {
  return `conformance-${ctx.runId}-loyalty-${what}`;
}

/**
 * Whether the target declares the operation: the rc.2 binding's `supportedOperations` under
 * `customer` when the discovery has one, else the customer capability's own list; every
 * operation when there is no discovery document.
 */
function declares(ctx: RunContext, operationId: Rc2OperationId): boolean {
  const customer = ctx.manifest?.capabilities?.customer;
  if (!customer) return true;
  const binding = Array.isArray(customer.bindings) ? customer.bindings.find((b: Json) => b?.contract === 'rc2') : undefined;
  const declaring = binding ?? customer;
  const supported: unknown = declaring.supportedOperations;
  const unsupported: unknown[] = Array.isArray(declaring.unsupportedOperations) ? declaring.unsupportedOperations : [];
  return Array.isArray(supported) && supported.includes(operationId) && !unsupported.includes(operationId);
}

async function call(ctx: RunContext, operationId: Rc2OperationId, options: RequestOptions & { params?: Record<string, string> } = {}): Promise<Exchange> {
  if (!declares(ctx, operationId)) skip(`the target's discovery does not declare ${operationId}`);
  const op = rc2Operation(operationId);
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ''));
  const exchange = await ctx.target.request(op.method as 'GET' | 'POST', path, options);
  const items = (options.body as { items?: unknown[] } | undefined)?.items;
  if (op.method === 'POST' && exchange.status === 202 && Array.isArray(items)) ctx.written += items.length;
  return exchange;
}

/** A 200 JSON body valid as `kind`. */
function expectRecord(exchange: Exchange, kind: Rc2Resource, what: string): Json {
  expectStatus(exchange, 200, what);
  expectJsonType(exchange, what);
  const problems = validator.problems(kind, exchange.json);
  if (problems.length > 0) fail(`${what}: not a valid rc.2 ${kind}`, kind, problems.slice(0, 3).join('; '), exchange);
  return exchange.json as Json;
}

function fixtureIds(ctx: RunContext): LoyaltyFixtureIds {
  return ctx.loyaltyFixture ?? skip(NEEDS_FIXTURE);
}

/** The fixture's account and reward as the target answers them now. */
async function accountAndReward(ctx: RunContext): Promise<{ account: Json; reward: Json; accountExchange: Exchange }> {
  const ids = fixtureIds(ctx);
  const accountExchange = await call(ctx, 'getLoyaltyAccountById', { params: { accountId: ids.accountId } });
  if (accountExchange.status !== 200) skip(`prerequisite failed: GET /loyalty/accounts/${ids.accountId} answered ${accountExchange.status}`);
  const account = accountExchange.json as Json;
  const rewards = await call(ctx, 'listLoyaltyRewards', { query: { programId: String(account.programId), pageSize: '100' } });
  const reward = rewards.status === 200 ? ((rewards.json as Json).items as Json[] | undefined)?.find((r) => r.id === ids.rewardId) : undefined;
  if (!reward) skip(`prerequisite failed: reward ${ids.rewardId} is not among the active rewards of program ${account.programId}`);
  if (!Number.isInteger(account.balance) || !Number.isInteger(reward.cost) || reward.cost <= 0)
    skip('prerequisite failed: the account balance and the reward cost must be whole points (cost > 0)');
  return { account, reward, accountExchange };
}

async function balanceOf(ctx: RunContext, accountId: string): Promise<number> {
  const exchange = await call(ctx, 'getLoyaltyAccountById', { params: { accountId } });
  return Number((expectRecord(exchange, 'loyaltyAccount', 'GET /loyalty/accounts/{accountId}') as Json).balance);
}

/** The coupon the kit's one redemption issued, shared by the coupon checks. */
function redeemedCoupon(ctx: RunContext): Promise<Json> {
  return ctx.memo('loyalty-coupon', async () => {
    const { account, reward } = await accountAndReward(ctx);
    if (account.balance < reward.cost) skip(`prerequisite failed: the account holds ${account.balance} points, the reward costs ${reward.cost}; credit it`);
    const couponsOf = async () => {
      const exchange = await call(ctx, 'listLoyaltyCoupons', {
        query: { customerId: String(account.customerId), programId: String(account.programId), pageSize: '100' },
      });
      return { exchange, items: expectPage(exchange, 'loyaltyCoupon', 'GET /loyalty/coupons?customerId=') };
    };
    const before = new Set((await couponsOf()).items.map((c) => c.id));
    const redemption = await call(ctx, 'createLoyaltyRedemption', {
      body: { accountId: account.id, rewardId: reward.id, quantity: 1 },
      headers: { 'idempotency-key': tagged(ctx, 'redemption') },
    });
    expectAccepted(redemption, 'POST /loyalty/redemptions');
    ctx.written += 1;
    const after = await balanceOf(ctx, account.id);
    if (after !== account.balance - reward.cost)
      fail('the accepted redemption did not debit its cost once', `balance ${account.balance - reward.cost}`, `balance ${after}`, redemption);
    const { exchange, items } = await couponsOf();
    const issued = items.filter((c) => !before.has(c.id));
    if (issued.length !== 1)
      fail('the accepted redemption did not issue one coupon', 'one new coupon for the customer', `${issued.length} new coupons`, exchange);
    return issued[0];
  });
}

export const rc2LoyaltyChecks: Check[] = [
  {
    id: 'rc2.loyalty.programs.upsert-get-list',
    level: 'MUST',
    rule: rc2('POST /loyalty/programs 202; GET /loyalty/programs/{programId} 200 LoyaltyProgram; GET /loyalty/programs 200 LoyaltyProgramListResponse'),
    async run(ctx) {
      const program = { id: tagged(ctx, 'program'), name: 'Conformance program', ownerType: 'store', status: 'active' };
      expectAccepted(await call(ctx, 'upsertLoyaltyPrograms', { body: { items: [program] } }), 'POST /loyalty/programs');
      const got = expectRecord(
        await call(ctx, 'getLoyaltyProgramById', { params: { programId: program.id } }),
        'loyaltyProgram',
        'GET /loyalty/programs/{programId}',
      );
      for (const [field, value] of Object.entries(program))
        if (got[field] !== value) fail(`the program read back differs in ${field}`, JSON.stringify(value), JSON.stringify(got[field]));
      expectPage(await call(ctx, 'listLoyaltyPrograms', { query: { pageSize: '10' } }), 'loyaltyProgram', 'GET /loyalty/programs');
    },
  },
  {
    id: 'rc2.loyalty.programs.not-found',
    level: 'MUST',
    rule: rc2('GET /loyalty/programs/{programId} | 404 NotFound ErrorResponse'),
    async run(ctx) {
      expectError(await call(ctx, 'getLoyaltyProgramById', { params: { programId: tagged(ctx, 'no-such-program') } }), 404, 'GET /loyalty/programs/{unknown}');
    },
  },
  {
    id: 'rc2.loyalty.accounts.not-found',
    level: 'MUST',
    rule: rc2('GET /loyalty/accounts/{accountId} | 404 NotFound ErrorResponse'),
    async run(ctx) {
      const unknown = tagged(ctx, 'no-such-account');
      expectError(await call(ctx, 'getLoyaltyAccountById', { params: { accountId: unknown } }), 404, 'GET /loyalty/accounts/{unknown}');
      expectError(await call(ctx, 'listLoyaltyTransactions', { params: { accountId: unknown } }), 404, 'GET /loyalty/accounts/{unknown}/transactions');
      const redemption = await call(ctx, 'createLoyaltyRedemption', { body: { accountId: unknown, rewardId: tagged(ctx, 'no-such-reward') } });
      expectError(redemption, 404, 'POST /loyalty/redemptions for an unknown account');
    },
  },
  {
    id: 'rc2.loyalty.accounts.of-customer',
    level: 'MUST',
    rule: rc2("GET /customers/{customerId}/loyalty-accounts 200 LoyaltyAccountListResponse: a customer's loyalty accounts"),
    async run(ctx) {
      const { account, accountExchange } = await accountAndReward(ctx);
      expectRecord(accountExchange, 'loyaltyAccount', 'GET /loyalty/accounts/{accountId}');
      const exchange = await call(ctx, 'listCustomerLoyaltyAccounts', { params: { customerId: String(account.customerId) } });
      expectStatus(exchange, 200, 'GET /customers/{customerId}/loyalty-accounts');
      const items = (exchange.json as Json | undefined)?.items;
      if (!Array.isArray(items)) fail('not a LoyaltyAccountListResponse', '{items: [...]}', exchange.text.slice(0, 120), exchange);
      const problems = items.flatMap((item: unknown, i: number) => validator.problems('loyaltyAccount', item, `/items/${i}`));
      if (problems.length > 0) fail('items are not valid rc.2 LoyaltyAccounts', 'LoyaltyAccount[]', problems.slice(0, 3).join('; '), exchange);
      if (!items.some((a: Json) => a.id === account.id))
        fail("the account is not among its customer's accounts", account.id, `${items.length} accounts`, exchange);
    },
  },
  {
    id: 'rc2.loyalty.transactions.list',
    level: 'MUST',
    rule: rc2('GET /loyalty/accounts/{accountId}/transactions 200 LoyaltyTransactionListResponse'),
    async run(ctx) {
      const { account } = await accountAndReward(ctx);
      const items = expectPage(
        await call(ctx, 'listLoyaltyTransactions', { params: { accountId: account.id }, query: { pageSize: '100' } }),
        'loyaltyTransaction',
        'GET /loyalty/accounts/{accountId}/transactions',
      );
      const other = items.find((t) => t.accountId !== undefined && t.accountId !== account.id);
      if (other) fail('a transaction of another account is listed', account.id, String(other.accountId));
    },
  },
  {
    id: 'rc2.loyalty.rewards.list',
    level: 'MUST',
    rule: rc2('GET /loyalty/rewards?programId= 200 LoyaltyRewardListResponse'),
    async run(ctx) {
      const { account } = await accountAndReward(ctx);
      const items = expectPage(
        await call(ctx, 'listLoyaltyRewards', { query: { programId: String(account.programId), pageSize: '100' } }),
        'loyaltyReward',
        'GET /loyalty/rewards?programId=',
      );
      const other = items.find((r) => r.programId !== account.programId);
      if (other) fail('programId does not select the rewards', String(account.programId), String(other.programId));
    },
  },
  {
    id: 'rc2.loyalty.redemption.short-balance',
    level: 'MUST',
    rule: rc2('POST /loyalty/redemptions | 409 Conflict: insufficient points; the balance is checked before acceptance'),
    async run(ctx) {
      const { account, reward } = await accountAndReward(ctx);
      const quantity = Math.floor(account.balance / reward.cost) + 1;
      if (quantity > 1000) skip(`the account holds too many points to ask for more than it has within quantity 1000 (balance ${account.balance})`);
      const exchange = await call(ctx, 'createLoyaltyRedemption', { body: { accountId: account.id, rewardId: reward.id, quantity } });
      expectError(exchange, 409, `POST /loyalty/redemptions of ${quantity} × ${reward.cost} points from a balance of ${account.balance}`);
      const after = await balanceOf(ctx, account.id);
      if (after !== account.balance) fail('a refused redemption changed the balance', String(account.balance), String(after), exchange);
    },
  },
  {
    id: 'rc2.loyalty.redemption.accepted-with-coupon',
    level: 'MUST',
    rule: rc2('POST /loyalty/redemptions 202 AsyncAcceptedResponse: debits the points and issues a LoyaltyCoupon'),
    async run(ctx) {
      const coupon = await redeemedCoupon(ctx);
      if (coupon.status !== 'available') fail('a new coupon is not available', 'available', String(coupon.status));
    },
  },
  {
    id: 'rc2.loyalty.coupon-use.idempotent-by-order',
    level: 'MUST',
    rule: rc2('POST /loyalty/coupons/{couponId}/use 200 LoyaltyCoupon: idempotent by (coupon, relatedOrderId); 409 when already used'),
    async run(ctx) {
      const coupon = await redeemedCoupon(ctx);
      const use = (relatedOrderId: string) => call(ctx, 'useLoyaltyCoupon', { params: { couponId: String(coupon.id) }, body: { relatedOrderId } });
      const order = tagged(ctx, 'order');
      const first = expectRecord(await use(order), 'loyaltyCoupon', 'POST /loyalty/coupons/{couponId}/use');
      if (first.status !== 'used') fail('a used coupon is not "used"', 'used', String(first.status));
      const again = await use(order);
      const repeated = expectRecord(again, 'loyaltyCoupon', 'the same use again (same order)');
      if (repeated.status !== 'used') fail('the same use again changed the coupon', 'used', String(repeated.status), again);
      expectError(await use(tagged(ctx, 'another-order')), 409, 'POST /loyalty/coupons/{couponId}/use for another order');
    },
  },
  {
    id: 'rc2.loyalty.coupon-use.not-found',
    level: 'SHOULD',
    rule: rc2('POST /loyalty/coupons/{couponId}/use | 404 NotFound ErrorResponse'),
    async run(ctx) {
      const exchange = await call(ctx, 'useLoyaltyCoupon', {
        params: { couponId: tagged(ctx, 'no-such-coupon') },
        body: { relatedOrderId: tagged(ctx, 'order') },
      });
      expectError(exchange, 404, 'POST /loyalty/coupons/{unknown}/use');
    },
  },
];
