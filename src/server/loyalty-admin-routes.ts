/**
 * The operator's side of loyalty (docs/contract.md §15.8), under the admin API's guard: the
 * reward catalog, program rules, enrolment, manual adjustment, suspension and reactivation,
 * and coupon cancellation and the expiry run, per merchant (`/admin/merchants/{merchantId}/loyalty/...`);
 * and the reads `odc loyalty --server` shows (programs with their rules, a customer's accounts,
 * an account's transactions), which the rc.2 reads give only to a client with a token.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Adjustment, adjustmentSourceKey, Enrolment, ExpiryRun, ProgramRulesPatch, readAdminBody, RewardPut } from '../contract/loyalty-admin.js';
import { ContractError } from '../contract/errors.js';
import { LoyaltyProgram } from '../contract/rc2/loyalty.js';
import { parseRules } from '../domain/loyalty/program-rules.js';
import { accountToRc2, couponToRc2, entryToRc2, programToRc2, rewardToRc2 } from '../domain/loyalty/loyalty-wire.js';
import type { AccountRow, EntryRow, ProgramRow } from '../store/ledger-engine.js';
import type { Store } from '../store/store.js';

type Params = { merchantId: string; programId?: string; rewardId?: string; accountId?: string; couponId?: string };

const BASE = '/admin/merchants/:merchantId/loyalty';

/** The id of the customer `ref` names (any reference of docs/contract.md §5), or a 404. */
async function customerIdOf(store: Store, tenant: string, ref: string): Promise<string> {
  const text = await store.getCustomer(tenant, ref);
  const id = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id;
  if (typeof id !== 'string') throw new ContractError('NOT_FOUND', `no customer matches ${JSON.stringify(ref)}`, ['/customerId: not found']);
  return id;
}

/** `?offset=&limit=` of the admin reads: limit 1 to 1000 (default 500). */
function pageOf(query: unknown): { offset: number; limit: number } {
  const q = (query ?? {}) as Record<string, string | undefined>;
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  const limit = q.limit === undefined ? 500 : Number(q.limit);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new ContractError('VALIDATION_ERROR', 'offset must be a whole number ≥ 0 and limit 1 to 1000', ['offset, limit: out of range']);
  return { offset, limit };
}

export const loyaltyAdminRoutes: FastifyPluginAsync = async (app) => {
  const ledger = app.store.loyalty;

  app.get(`${BASE}/programs`, async (request) => {
    const { merchantId } = request.params as Params;
    const { rows, total } = await ledger.list<ProgramRow>(merchantId, { table: 'programs' }, pageOf(request.query));
    return { items: rows.map((row) => ({ program: programToRc2(row), rules: parseRules(row.rules) })), total };
  });

  /** The same as rc.2's upsertLoyaltyPrograms for one program, for the operator without a client token. */
  app.put(`${BASE}/programs/:programId`, async (request) => {
    const { merchantId, programId } = request.params as Params;
    const program = readAdminBody(LoyaltyProgram, request.body);
    if (program.id !== programId) throw new ContractError('VALIDATION_ERROR', 'the body names another program', ['/id: must equal the path id']);
    const [row] = await ledger.upsertPrograms(merchantId, [program]);
    return { program: programToRc2(row), rules: parseRules(row.rules) };
  });

  app.get(`${BASE}/accounts`, async (request) => {
    const { merchantId } = request.params as Params;
    const { customerId } = (request.query ?? {}) as { customerId?: string };
    if (typeof customerId !== 'string' || customerId === '')
      throw new ContractError('VALIDATION_ERROR', 'name the customer: ?customerId=<id or reference>', ['customerId: is required']);
    const id = await customerIdOf(app.store, merchantId, customerId);
    const { rows, total } = await ledger.list<AccountRow>(merchantId, { table: 'accounts', customerId: id }, pageOf(request.query));
    return { items: rows.map(accountToRc2), total };
  });

  app.get(`${BASE}/accounts/:accountId/transactions`, async (request) => {
    const { merchantId, accountId } = request.params as Params;
    if (!(await ledger.getAccount(merchantId, accountId as string))) throw new ContractError('NOT_FOUND', `no account ${accountId}`, ['/accountId: not found']);
    const { rows, total } = await ledger.list<EntryRow>(merchantId, { table: 'entries', accountId: accountId as string }, pageOf(request.query));
    return { items: rows.map(entryToRc2), total };
  });

  app.put(`${BASE}/programs/:programId/rules`, async (request) => {
    const { merchantId, programId } = request.params as Params;
    return ledger.setProgramRules(merchantId, programId as string, readAdminBody(ProgramRulesPatch, request.body));
  });

  app.put(`${BASE}/rewards/:rewardId`, async (request) => {
    const { merchantId, rewardId } = request.params as Params;
    const { active, ...reward } = readAdminBody(RewardPut, request.body);
    if (reward.id !== rewardId) throw new ContractError('VALIDATION_ERROR', 'the body names another reward', ['/id: must equal the path id']);
    return rewardToRc2(await ledger.putReward(merchantId, reward, active ?? true));
  });

  app.post(`${BASE}/accounts`, async (request, reply) => {
    const { merchantId } = request.params as Params;
    const { programId, customerId } = readAdminBody(Enrolment, request.body);
    const id = await customerIdOf(app.store, merchantId, customerId);
    return reply.code(201).send(accountToRc2(await ledger.enrol(merchantId, programId, id)));
  });

  app.post(`${BASE}/accounts/:accountId/adjustments`, async (request, reply) => {
    const { merchantId, accountId } = request.params as Params;
    const body = readAdminBody(Adjustment, request.body);
    const result = await ledger.post(merchantId, accountId as string, {
      type: 'adjust',
      amount: body.amount,
      sourceKey: adjustmentSourceKey(body.key),
      metadata: body.reason === undefined ? undefined : { reason: body.reason },
    });
    return reply.code(result.repeated ? 200 : 201).send({ transaction: entryToRc2(result.entry), account: accountToRc2(result.account) });
  });

  app.post(`${BASE}/accounts/:accountId/suspend`, async (request) => {
    const { merchantId, accountId } = request.params as Params;
    return accountToRc2(await ledger.setStatus(merchantId, accountId as string, 'SUSPENDED'));
  });

  app.post(`${BASE}/accounts/:accountId/reactivate`, async (request) => {
    const { merchantId, accountId } = request.params as Params;
    return accountToRc2(await ledger.setStatus(merchantId, accountId as string, 'ACTIVE'));
  });

  app.post(`${BASE}/coupons/:couponId/cancel`, async (request) => {
    const { merchantId, couponId } = request.params as Params;
    return couponToRc2(await ledger.cancelCoupon(merchantId, couponId as string));
  });

  // The operator's expiry run, now or as of a given time (docs/contract.md §15.9).
  app.post(`${BASE}/expiry-runs`, async (request) => {
    const { merchantId } = request.params as Params;
    const body = request.body === undefined || request.body === null ? {} : readAdminBody(ExpiryRun, request.body);
    return ledger.runExpiry(merchantId, body.asOf === undefined ? new Date() : new Date(body.asOf));
  });
};
