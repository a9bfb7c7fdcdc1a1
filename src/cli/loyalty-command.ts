/**
 * `odc loyalty`: the operator's side of the loyalty ledger (docs/contract.md §15.8) on the
 * command line, on a database (`--database`, named on stderr) or on a running server through
 * its admin API (`--server URL`), as `odc clients` and `odc webhooks` do. Readable tables by
 * default, the rc.2 shapes with `--json`.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ContractError } from '../contract/errors.js';
import type { ProgramDocument } from '../domain/loyalty/loyalty-ledger.js';
import type { ProgramRules, Tier } from '../domain/loyalty/program-rules.js';
import type { ServerTarget } from './admin-client.js';
import { withServerOptions } from './admin-client.js';
import { type AccountView, databaseOperator, type LoyaltyOperator, type ProgramWithRules, serverOperator, type TransactionView } from './loyalty-operator.js';
import { databaseOption, openNamedStore } from './store-options.js';
import { type Column, renderRecord, renderTable } from './text-table.js';

type Opts = ServerTarget & { database: string; merchant: string; json?: boolean };

/** What to try next after a ledger error, by what was missing or refused. */
const FIXES: [RegExp, string][] = [
  [/no program /, 'register the program first: odc loyalty programs put FILE'],
  [/no customer /, 'the customer must be stored first (any reference: id, external id value, <type>:<value>)'],
  [/no account /, "find the account's id with: odc loyalty accounts --customer REF"],
  [/no reward /, 'add the reward to that program: odc loyalty rewards put ID --program P --cost N'],
  [/no coupon /, 'coupon ids are listed by GET /od/v2/loyalty/coupons?customerId=REF'],
];

function explained(error: unknown): unknown {
  const message = error instanceof ContractError ? `${error.message}${error.details.length ? ` (${error.details.join('; ')})` : ''}` : undefined;
  const text = message ?? (error instanceof Error ? error.message : String(error));
  const fix = FIXES.find(([pattern]) => pattern.test(text))?.[1];
  if (message === undefined && fix === undefined) return error;
  return new Error(fix ? `${text}\n  fix: ${fix}` : text);
}

/** Runs `act` on the operator of the target the options name, closing a database afterwards. */
async function withOperator<T>(opts: Opts, act: (operator: LoyaltyOperator) => Promise<T>): Promise<T> {
  try {
    if (opts.server) return await act(serverOperator({ ...opts, server: opts.server }, opts.merchant));
    const store = await openNamedStore(opts);
    try {
      return await act(databaseOperator(store, opts.merchant));
    } finally {
      await store.close();
    }
  } catch (error) {
    throw explained(error);
  }
}

const write = (text: string) => process.stdout.write(`${text}\n`);

/** `--json`: the answer as is; otherwise the readable form. */
function show<T>(opts: Opts, value: T, readable: (value: T) => string): void {
  write(opts.json ? JSON.stringify(value, null, 2) : readable(value));
}

const wholeNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number, got ${value}`);
  return n;
};

const programColumns: Column<ProgramWithRules>[] = [
  { header: 'PROGRAM', cell: (p) => String(p.program.id) },
  { header: 'NAME', cell: (p) => String(p.program.name ?? '') },
  { header: 'ENROLMENT', cell: (p) => p.rules.enrolment },
  { header: 'POINTS/UNIT', cell: (p) => p.rules.pointsPerCurrencyUnit, right: true },
  { header: 'COUPON DAYS', cell: (p) => p.rules.couponValidityDays ?? '-', right: true },
  { header: 'EXPIRE DAYS', cell: (p) => p.rules.pointsExpireAfterDays ?? '-', right: true },
  { header: 'TIERS', cell: (p) => p.rules.tiers?.map((t) => `${t.name}:${t.minPoints}`).join(',') || '-' },
];

const accountColumns: Column<AccountView>[] = [
  { header: 'ACCOUNT', cell: (a) => a.id },
  { header: 'PROGRAM', cell: (a) => a.programId },
  { header: 'CUSTOMER', cell: (a) => a.customerId },
  { header: 'STATUS', cell: (a) => a.metadata.status },
  { header: 'BALANCE', cell: (a) => a.balance, right: true },
  { header: 'PENDING', cell: (a) => a.metadata.pointsPending, right: true },
  { header: 'TIER', cell: (a) => a.metadata.tier ?? '-' },
];

const transactionColumns: Column<TransactionView>[] = [
  { header: 'OCCURRED AT', cell: (t) => t.occurredAt },
  { header: 'TYPE', cell: (t) => t.type },
  { header: 'AMOUNT', cell: (t) => t.amount, right: true },
  { header: 'ORDER', cell: (t) => t.relatedOrderId ?? '-' },
  { header: 'TRANSACTION', cell: (t) => t.id },
];

const pageFooter = (shown: number, offset: number, total: number) =>
  total > offset + shown ? `\n${shown} of ${total} shown; the next page: --offset ${offset + shown}` : '';

/** `Silver:500,Gold:2000` as rc tiers; `none` clears them. */
function parseTiers(value: string): Tier[] | 'none' {
  if (value === 'none') return value;
  return value.split(',').map((part) => {
    const match = /^(.+):(\d+)$/.exec(part.trim());
    if (!match) throw new Error(`--tiers takes NAME:MINPOINTS pairs separated by commas (e.g. Silver:500,Gold:2000) or 'none'; got ${part}`);
    return { name: match[1], minPoints: Number(match[2]) };
  });
}

function readProgramFile(file: string): ProgramDocument[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file}: not a JSON file (${error instanceof Error ? error.message : String(error)}); give one program {"id", "name", ...}, a list, or {"items": [...]}`,
    );
  }
  const items: unknown[] = Array.isArray(parsed)
    ? parsed
    : Array.isArray((parsed as { items?: unknown })?.items)
      ? (parsed as { items: unknown[] }).items
      : [parsed];
  for (const [i, item] of items.entries())
    if (typeof (item as ProgramDocument)?.id !== 'string' || typeof (item as ProgramDocument)?.name !== 'string')
      throw new Error(`${file}: program ${i} needs a string "id" and "name" (rc.2 LoyaltyProgram)`);
  return items as ProgramDocument[];
}

export function loyaltyCommand(): Command {
  const loyalty = new Command('loyalty').description(
    "the loyalty ledger's operator side (docs/contract.md §15.8): programs, rewards, enrolment, adjustments, on a database or a running server (--server)",
  );
  const common = (c: Command) =>
    withServerOptions(
      c
        .addOption(databaseOption())
        .requiredOption('-m, --merchant <id>', 'the merchant (tenant)')
        .option('--json', 'print the answer as JSON (rc.2 shapes) instead of a table'),
    );
  const page = (c: Command) =>
    c.option('--offset <n>', 'skip this many', wholeNumber('--offset'), 0).option('--limit <n>', 'at most this many (1 to 1000)', wholeNumber('--limit'), 100);

  const programs = loyalty.command('programs').description('loyalty programs: list (default), put FILE, rules PROGRAM');
  common(page(programs.command('list', { isDefault: true }).description("list the merchant's programs with their rules"))).action(async (opts) => {
    const answer = await withOperator(opts, (o) => o.programs({ offset: opts.offset, limit: opts.limit }));
    show(opts, answer, (a) => renderTable(programColumns, a.items) + pageFooter(a.items.length, opts.offset, a.total));
  });
  common(
    programs.command('put <file>').description('register or replace programs from a JSON file (rc.2 LoyaltyProgram, a list or {items}; - reads stdin)'),
  ).action(async (file: string, opts) => {
    const items = readProgramFile(file);
    const answers = await withOperator(opts, async (o) => {
      const out: ProgramWithRules[] = [];
      for (const item of items) out.push(await o.putProgram(item));
      return out;
    });
    show(opts, answers, (a) => renderTable(programColumns, a));
  });
  common(
    programs
      .command('rules <programId>')
      .description("set some of a program's rules, keeping the others; prints all of them")
      .addOption(new Option('--enrolment <mode>', 'explicit: by enrolment only; automatic: also on a first completed order').choices(['explicit', 'automatic']))
      .option('--points-per-unit <n>', 'points per whole currency unit of an order', (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new Error(`--points-per-unit must be a number ≥ 0, got ${v}`);
        return n;
      })
      .option('--coupon-validity-days <days>', "days a redemption's coupon stays valid, or 'none'", (v) =>
        v === 'none' ? v : wholeNumber('--coupon-validity-days')(v),
      )
      .option('--points-expire-after-days <days>', "points expire this many days after their credit (FIFO), or 'none'", (v) =>
        v === 'none' ? v : wholeNumber('--points-expire-after-days')(v),
      )
      .option('--tiers <list>', "tiers by lifetime points, e.g. Silver:500,Gold:2000, or 'none'", parseTiers),
  ).action(async (programId: string, opts) => {
    const patch: Partial<ProgramRules> = {};
    // commander turns a parser's null into '', so 'none' stays a word until here.
    const orNull = <T>(value: T | 'none'): T | null => (value === 'none' ? null : value);
    if (opts.pointsExpireAfterDays !== undefined) patch.pointsExpireAfterDays = orNull(opts.pointsExpireAfterDays);
    if (opts.tiers !== undefined) patch.tiers = orNull(opts.tiers);
    if (opts.enrolment !== undefined) patch.enrolment = opts.enrolment;
    if (opts.pointsPerUnit !== undefined) patch.pointsPerCurrencyUnit = opts.pointsPerUnit;
    if (opts.couponValidityDays !== undefined) patch.couponValidityDays = orNull(opts.couponValidityDays);
    if (Object.keys(patch).length === 0)
      throw new Error('give at least one rule: --enrolment, --points-per-unit, --coupon-validity-days, --points-expire-after-days or --tiers');
    const rules = await withOperator(opts, (o) => o.setRules(programId, patch));
    show(opts, rules, (r) => renderRecord({ program: programId, ...r }));
  });

  const rewards = loyalty.command('rewards').description("a program's reward catalog");
  common(
    rewards
      .command('put <rewardId>')
      .description('add or replace a reward')
      .requiredOption('--program <id>', 'the program it belongs to')
      .requiredOption('--cost <points>', 'its cost in points', wholeNumber('--cost'))
      .option('--name <name>', 'its display name')
      .option('--inactive', 'keep it out of the catalog (not listed, not redeemable)'),
  ).action(async (rewardId: string, opts) => {
    const reward = {
      id: rewardId,
      programId: opts.program as string,
      cost: opts.cost as number,
      ...(opts.name === undefined ? {} : { name: opts.name as string }),
    };
    const answer = await withOperator(opts, (o) => o.putReward(reward, !opts.inactive));
    show(opts, answer, (r) => renderRecord({ ...r, active: !opts.inactive }));
  });

  common(
    loyalty
      .command('enrol')
      .description('open an account for a customer in a program (enrolling again shows the same account)')
      .requiredOption('--program <id>', 'the program')
      .requiredOption('--customer <ref>', 'the customer: id, external id value or <type>:<value>'),
  ).action(async (opts) => {
    const account = await withOperator(opts, (o) => o.enrol(opts.program, opts.customer));
    show(opts, account, (a) => renderTable(accountColumns, [a]));
  });

  common(
    loyalty
      .command('adjust <accountId>')
      .description('credit (+) or debit (-) points by hand, once per --key')
      .requiredOption('--amount <points>', 'signed whole points, e.g. 50 or --amount=-20', wholeNumber('--amount'))
      .requiredOption('--key <key>', 'idempotency key: the same key adjusts once')
      .option('--reason <text>', 'why, kept with the transaction'),
  ).action(async (accountId: string, opts) => {
    const answer = await withOperator(opts, (o) => o.adjust(accountId, { amount: opts.amount, key: opts.key, reason: opts.reason }));
    show(opts, answer, (a) => `${renderTable(transactionColumns, [a.transaction])}\n\n${renderTable(accountColumns, [a.account])}`);
  });

  for (const [name, to, what] of [
    ['suspend', 'SUSPENDED', 'stop earning, redeeming and coupon use on an account (reading stays allowed)'],
    ['reactivate', 'ACTIVE', 'allow a suspended account again'],
  ] as const) {
    common(loyalty.command(`${name} <accountId>`).description(what)).action(async (accountId: string, opts) => {
      const account = await withOperator(opts, (o) => o.setStatus(accountId, to));
      show(opts, account, (a) => renderTable(accountColumns, [a]));
    });
  }

  const coupons = loyalty.command('coupons').description('coupons issued by redemptions');
  common(coupons.command('cancel <couponId>').description('cancel a coupon not used yet')).action(async (couponId: string, opts) => {
    const coupon = await withOperator(opts, (o) => o.cancelCoupon(couponId));
    show(opts, coupon, renderRecord);
  });

  common(
    loyalty
      .command('accounts')
      .description("a customer's accounts, one per program")
      .requiredOption('--customer <ref>', 'the customer: id, external id value or <type>:<value>'),
  ).action(async (opts) => {
    const answer = await withOperator(opts, (o) => o.accounts(opts.customer));
    show(opts, answer, (a) => renderTable(accountColumns, a.items));
  });

  common(page(loyalty.command('transactions <accountId>').description("an account's transactions, oldest first"))).action(async (accountId: string, opts) => {
    const answer = await withOperator(opts, (o) => o.transactions(accountId, { offset: opts.offset, limit: opts.limit }));
    show(opts, answer, (a) => renderTable(transactionColumns, a.items) + pageFooter(a.items.length, opts.offset, a.total));
  });

  common(
    loyalty
      .command('expire')
      .description('run point and coupon expiry for the merchant now (or as of a time)')
      .option('--as-of <iso>', 'expire as if it were this time (ISO 8601)', (v) => {
        const at = new Date(v);
        if (Number.isNaN(at.getTime())) throw new Error(`--as-of must be an ISO 8601 time, e.g. 2026-12-31T23:59:59Z; got ${v}`);
        return at;
      }),
  ).action(async (opts) => {
    const run = await withOperator(opts, (o) => o.expire(opts.asOf ?? new Date()));
    show(opts, run, (r) => renderRecord({ ...r }));
  });

  return loyalty;
}
