/**
 * The operator's side of loyalty (docs/contract.md §15.8), under the admin API's guard: the
 * reward catalog, program rules, enrolment, manual adjustment, suspension and reactivation,
 * coupon cancellation and the expiry run, per merchant (`/admin/merchants/{merchantId}/loyalty/...`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { Adjustment, Enrolment, ExpiryRun, ProgramRulesPatch, readAdminBody, RewardPut } from '../contract/loyalty-admin.js';
import { ContractError } from '../contract/errors.js';
import { accountToRc2, couponToRc2, entryToRc2, rewardToRc2 } from '../domain/loyalty/loyalty-wire.js';

type Params = { merchantId: string; programId?: string; rewardId?: string; accountId?: string; couponId?: string };

const BASE = '/admin/merchants/:merchantId/loyalty';

export const loyaltyAdminRoutes: FastifyPluginAsync = async (app) => {
  const ledger = app.store.loyalty;

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
    const text = await app.store.getCustomer(merchantId, customerId);
    const id = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id;
    if (typeof id !== 'string') throw new ContractError('NOT_FOUND', `no customer matches ${JSON.stringify(customerId)}`, ['/customerId: not found']);
    return reply.code(201).send(accountToRc2(await ledger.enrol(merchantId, programId, id)));
  });

  app.post(`${BASE}/accounts/:accountId/adjustments`, async (request, reply) => {
    const { merchantId, accountId } = request.params as Params;
    const body = readAdminBody(Adjustment, request.body);
    const result = await ledger.post(merchantId, accountId as string, {
      type: 'adjust',
      amount: body.amount,
      sourceKey: `adjust:${body.key}`,
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
