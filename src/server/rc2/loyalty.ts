/**
 * rc.2 loyalty: the ten operations of the committee's loyalty module over odc's ledger
 * (docs/contract.md §15). Redemptions and coupon use run as one ledger transaction each;
 * every 409 (short balance, suspended account, coupon used for another order, expired or
 * cancelled) comes from the domain rules in src/domain/loyalty/.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ContractError } from '../../contract/errors.js';
import type { Rc2LoyaltyProgram, Rc2LoyaltyRedemptionRequest } from '../../contract/rc2/loyalty.js';
import { rc2Operation, type Rc2OperationId } from '../../contract/rc2/operations.js';
import { accountToRc2, couponToRc2, entryToRc2, programToRc2, rewardToRc2 } from '../../domain/loyalty/loyalty-wire.js';
import { stampToIso } from '../../store/change-clock.js';
import type { AccountRow, CouponRow, EntryRow, ProgramRow, RewardRow } from '../../store/ledger-engine.js';
import type { Store } from '../../store/store.js';
import type { Rc2PluginOptions } from './rc2-binding.js';
import { acceptBatch, pageRequest, parseRc2Query, rc2NotFound, rc2Route, type Rc2Query, sendRc2Page } from './rc2-route.js';

const sendJson = (reply: FastifyReply, body: unknown): FastifyReply => reply.type('application/json; charset=utf-8').send(JSON.stringify(body));

const queryOf = (id: Rc2OperationId, request: FastifyRequest): Rc2Query => parseRc2Query(rc2Operation(id), request.query as Record<string, unknown>);

/** The id of the customer `ref` resolves to (id, external_id value, `<type>:<value>`), if any. */
async function customerIdOf(store: Store, tenant: string, ref: string): Promise<string | undefined> {
  const text = await store.getCustomer(tenant, ref);
  const id = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

/** The optional `Idempotency-Key` header: a redemption retried with the same key debits once. */
function idempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (Array.isArray(key)) throw new ContractError('VALIDATION_ERROR', 'give Idempotency-Key once', ['Idempotency-Key: given more than once']);
  if (key !== undefined && (key.length === 0 || key.length > 256))
    throw new ContractError('VALIDATION_ERROR', 'Idempotency-Key must be 1 to 256 characters', ['Idempotency-Key: 1 to 256 characters']);
  return key;
}

export const rc2LoyaltyRoutes: FastifyPluginAsync<Rc2PluginOptions> = async (app, { validator }) => {
  const ledger = app.store.loyalty;

  rc2Route(app, 'listLoyaltyPrograms', async (request, reply) => {
    const query = queryOf('listLoyaltyPrograms', request);
    const { rows, total } = await ledger.list<ProgramRow>(request.tenant, { table: 'programs' }, pageRequest(query));
    return sendRc2Page(reply, query, rows, total, programToRc2);
  });

  rc2Route(app, 'upsertLoyaltyPrograms', async (request, reply) => {
    const items = validator.readItems('loyaltyProgram', request.body, app.limits.maxBatchItems) as Rc2LoyaltyProgram[];
    return acceptBatch(request, reply, 'loyaltyProgram', items.length, async () => {
      await ledger.upsertPrograms(request.tenant, items);
      return { created: 0, updated: items.length, unchanged: 0 };
    });
  });

  rc2Route(app, 'getLoyaltyProgramById', async (request, reply) => {
    const { programId } = request.params as { programId: string };
    const row = await ledger.getProgram(request.tenant, programId);
    if (!row) throw rc2NotFound('loyalty program', programId);
    return sendJson(reply, programToRc2(row));
  });

  rc2Route(app, 'listCustomerLoyaltyAccounts', async (request, reply) => {
    const { customerId } = request.params as { customerId: string };
    const query = queryOf('listCustomerLoyaltyAccounts', request);
    const id = await customerIdOf(app.store, request.tenant, customerId);
    if (id === undefined) throw rc2NotFound('customer', customerId);
    const programId = query.values.programId as string | undefined;
    const { rows } = await ledger.list<AccountRow>(request.tenant, { table: 'accounts', customerId: id, programId });
    return sendJson(reply, { items: rows.map(accountToRc2) });
  });

  rc2Route(app, 'getLoyaltyAccountById', async (request, reply) => {
    const { accountId } = request.params as { accountId: string };
    const row = await ledger.getAccount(request.tenant, accountId);
    if (!row) throw rc2NotFound('loyalty account', accountId);
    return sendJson(reply, accountToRc2(row));
  });

  rc2Route(app, 'listLoyaltyTransactions', async (request, reply) => {
    const { accountId } = request.params as { accountId: string };
    const query = queryOf('listLoyaltyTransactions', request);
    if (!(await ledger.getAccount(request.tenant, accountId))) throw rc2NotFound('loyalty account', accountId);
    // Stored times are UTC with microseconds, so the bounds compare as text in the same form.
    const bound = (name: string) => (query.values[name] === undefined ? undefined : stampToIso(query.values[name] as number));
    const { rows, total } = await ledger.list<EntryRow>(
      request.tenant,
      { table: 'entries', accountId, occurredFrom: bound('createdFrom'), occurredTo: bound('createdTo') },
      pageRequest(query),
    );
    return sendRc2Page(reply, query, rows, total, entryToRc2);
  });

  rc2Route(app, 'listLoyaltyRewards', async (request, reply) => {
    const query = queryOf('listLoyaltyRewards', request);
    const programId = query.values.programId as string | undefined;
    const { rows, total } = await ledger.list<RewardRow>(request.tenant, { table: 'rewards', programId, activeOnly: true }, pageRequest(query));
    return sendRc2Page(reply, query, rows, total, rewardToRc2);
  });

  rc2Route(app, 'listLoyaltyCoupons', async (request, reply) => {
    const query = queryOf('listLoyaltyCoupons', request);
    const ref = query.values.customerId as string | undefined;
    const customerId = ref === undefined ? undefined : ((await customerIdOf(app.store, request.tenant, ref)) ?? ref);
    const programId = query.values.programId as string | undefined;
    const { rows, total } = await ledger.list<CouponRow>(request.tenant, { table: 'coupons', customerId, programId }, pageRequest(query));
    return sendRc2Page(reply, query, rows, total, couponToRc2);
  });

  rc2Route(app, 'useLoyaltyCoupon', async (request, reply) => {
    const { couponId } = request.params as { couponId: string };
    const body = request.body === undefined || request.body === null ? {} : validator.readBody<{ relatedOrderId?: string }>('loyaltyCouponUse', request.body);
    const { coupon, repeated } = await ledger.useCoupon(request.tenant, couponId, body.relatedOrderId);
    request.log.info({ couponId, relatedOrderId: body.relatedOrderId, repeated }, 'loyalty coupon used');
    return sendJson(reply, couponToRc2(coupon));
  });

  rc2Route(app, 'createLoyaltyRedemption', async (request, reply) => {
    const body = validator.readBody<Rc2LoyaltyRedemptionRequest>('loyaltyRedemption', request.body);
    const key = idempotencyKey(request);
    const redemption = await ledger.redeem(request.tenant, {
      accountId: body.accountId,
      rewardId: body.rewardId,
      quantity: body.quantity ?? 1,
      relatedOrderId: body.relatedOrderId,
      metadata: body.metadata,
      key,
    });
    request.log.info(
      { redemptionId: redemption.transaction.id, couponId: redemption.coupon.id, repeated: redemption.repeated, correlationId: request.id },
      'loyalty redemption committed',
    );
    // correlationId names the redemption (its ledger transaction), which the coupon's metadata.redemptionId carries too.
    return sendJson(reply, { status: 'ACCEPTED', correlationId: redemption.transaction.id });
  });
};
