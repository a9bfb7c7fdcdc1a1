/**
 * What `odc loyalty` does, on either target the management commands know: the database
 * itself (the store's ledger, docs/contract.md §15) or a running server's admin API
 * (`--server`, docs/contract.md §15.8). Both answer the same rc.2 shapes (§15.6), so the
 * command prints them the same way whichever target acted.
 */
import { Adjustment, adjustmentSourceKey, ProgramRulesPatch, readAdminBody, RewardPut } from '../contract/loyalty-admin.js';
import { LoyaltyProgram } from '../contract/rc2/loyalty.js';
import type { ExpiryResult, ProgramDocument, RewardDocument } from '../domain/loyalty/loyalty-ledger.js';
import { accountToRc2, entryToRc2, programToRc2, rewardToRc2, couponToRc2 } from '../domain/loyalty/loyalty-wire.js';
import { parseRules, type ProgramRules } from '../domain/loyalty/program-rules.js';
import type { AccountRow, EntryRow, ProgramRow } from '../store/ledger-engine.js';
import type { Store } from '../store/store.js';
import { adminCall, type ServerTarget } from './admin-client.js';

type Json = Record<string, unknown>;

/** An account as rc.2 shapes it (docs/contract.md §15.6). */
export interface AccountView {
  id: string;
  programId: string;
  customerId: string;
  balance: number;
  metadata: { status: string; pointsPending: number; tier?: string };
}

/** A transaction as rc.2 shapes it (docs/contract.md §15.6). */
export interface TransactionView {
  id: string;
  type: string;
  amount: number;
  relatedOrderId?: string;
  occurredAt: string;
  metadata?: Json;
}

export interface ProgramWithRules {
  program: Json;
  rules: ProgramRules;
}

export interface Adjusted {
  transaction: TransactionView;
  account: AccountView;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface LoyaltyOperator {
  programs(page: { offset: number; limit: number }): Promise<Page<ProgramWithRules>>;
  putProgram(program: ProgramDocument): Promise<ProgramWithRules>;
  setRules(programId: string, rules: Partial<ProgramRules>): Promise<ProgramRules>;
  putReward(reward: RewardDocument, active: boolean): Promise<Json>;
  enrol(programId: string, customerRef: string): Promise<AccountView>;
  adjust(accountId: string, adjustment: { amount: number; key: string; reason?: string }): Promise<Adjusted>;
  setStatus(accountId: string, to: 'SUSPENDED' | 'ACTIVE'): Promise<AccountView>;
  cancelCoupon(couponId: string): Promise<Json>;
  accounts(customerRef: string): Promise<Page<AccountView>>;
  transactions(accountId: string, page: { offset: number; limit: number }): Promise<Page<TransactionView>>;
  /** An expiry run (docs/contract.md §15.9) as of `asOf`. */
  expire(asOf: Date): Promise<ExpiryResult>;
}

class NotFound extends Error {}

/**
 * The ledger of an open store; the store is the caller's to close. Inputs are checked with the
 * admin API's own schemas, so both targets refuse the same things with the same messages.
 */
export function databaseOperator(store: Store, tenant: string): LoyaltyOperator {
  const ledger = store.loyalty;
  const customerId = async (ref: string): Promise<string> => {
    const text = await store.getCustomer(tenant, ref);
    const id = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id;
    if (typeof id !== 'string') throw new NotFound(`no customer of merchant ${tenant} matches ${ref}`);
    return id;
  };
  const account = (row: AccountRow) => accountToRc2(row) as unknown as AccountView;
  const transaction = (row: EntryRow) => entryToRc2(row) as unknown as TransactionView;
  const withRules = (row: ProgramRow): ProgramWithRules => ({ program: programToRc2(row), rules: parseRules(row.rules) });
  return {
    async programs(page) {
      const { rows, total } = await ledger.list<ProgramRow>(tenant, { table: 'programs' }, page);
      return { items: rows.map(withRules), total };
    },
    async putProgram(program) {
      const [row] = await ledger.upsertPrograms(tenant, [readAdminBody(LoyaltyProgram, program)]);
      return withRules(row);
    },
    setRules: (programId, rules) => ledger.setProgramRules(tenant, programId, readAdminBody(ProgramRulesPatch, rules)),
    async putReward(reward, active) {
      const { active: _active, ...checked } = readAdminBody(RewardPut, { ...reward, active });
      return rewardToRc2(await ledger.putReward(tenant, checked, active));
    },
    enrol: async (programId, ref) => account(await ledger.enrol(tenant, programId, await customerId(ref))),
    async adjust(accountId, adjustment) {
      const { amount, key, reason } = readAdminBody(Adjustment, adjustment);
      const metadata = reason === undefined ? undefined : { reason };
      const posted = await ledger.post(tenant, accountId, { type: 'adjust', amount, sourceKey: adjustmentSourceKey(key), metadata });
      return { transaction: transaction(posted.entry), account: account(posted.account) };
    },
    setStatus: async (accountId, to) => account(await ledger.setStatus(tenant, accountId, to)),
    cancelCoupon: async (couponId) => couponToRc2(await ledger.cancelCoupon(tenant, couponId)),
    async accounts(ref) {
      const { rows, total } = await ledger.list<AccountRow>(tenant, { table: 'accounts', customerId: await customerId(ref) });
      return { items: rows.map(account), total };
    },
    async transactions(accountId, page) {
      if (!(await ledger.getAccount(tenant, accountId))) throw new NotFound(`no account ${accountId} in merchant ${tenant}`);
      const { rows, total } = await ledger.list<EntryRow>(tenant, { table: 'entries', accountId }, page);
      return { items: rows.map(transaction), total };
    },
    expire: (asOf) => ledger.runExpiry(tenant, asOf),
  };
}

/** The admin API of a running server (`--server URL` and the admin key). */
export function serverOperator(target: ServerTarget & { server: string }, tenant: string): LoyaltyOperator {
  const base = `/admin/merchants/${encodeURIComponent(tenant)}/loyalty`;
  const call = <T>(method: string, path: string, body?: unknown) => adminCall(target, method, `${base}${path}`, body) as Promise<T>;
  const id = encodeURIComponent;
  return {
    programs: (page) => call('GET', `/programs?offset=${page.offset}&limit=${page.limit}`),
    putProgram: (program) => call('PUT', `/programs/${id(program.id)}`, program),
    setRules: (programId, rules) => call('PUT', `/programs/${id(programId)}/rules`, rules),
    putReward: (reward, active) => call('PUT', `/rewards/${id(reward.id)}`, { ...reward, active }),
    enrol: (programId, customerId) => call('POST', '/accounts', { programId, customerId }),
    adjust: (accountId, adjustment) => call('POST', `/accounts/${id(accountId)}/adjustments`, adjustment),
    setStatus: (accountId, to) => call('POST', `/accounts/${id(accountId)}/${to === 'SUSPENDED' ? 'suspend' : 'reactivate'}`),
    cancelCoupon: (couponId) => call('POST', `/coupons/${id(couponId)}/cancel`),
    accounts: (ref) => call('GET', `/accounts?customerId=${id(ref)}`),
    transactions: (accountId, page) => call('GET', `/accounts/${id(accountId)}/transactions?offset=${page.offset}&limit=${page.limit}`),
    expire: (asOf) => call('POST', '/expiry-runs', { asOf: asOf.toISOString() }),
  };
}
