/**
 * `odc loyalty` (docs/contract.md §15.8) as a process (the built CLI): on the database of each
 * store, and on a running server through its admin API (`--server`). Readable tables by
 * default, rc.2 shapes with `--json`, errors that name the fix, the database named on stderr.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILT_CLI } from './support/built-cli.js';
import { serverProcess, type ServerProcess } from './support/server-process.js';
import { STORES, type StoreFixture } from './support/stores.js';

const M = 'm1';
const ADMIN_KEY = 'loyalty-cli-admin-key-0123456789';
const env: NodeJS.ProcessEnv = { ...process.env, ODC_SECRET_KEY: '' };
for (const name of ['ODC_ADMIN_KEY', 'ODC_ADMIN_KEY_FILE', 'ODC_SERVER', 'DATABASE_URL']) delete env[name];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

function odc(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUILT_CLI, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {}
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
    });
  });
}

/** Runs and requires exit 0, showing stderr otherwise. */
async function ok(args: string[]): Promise<Run> {
  const run = await odc(args);
  assert.equal(run.code, 0, `odc ${args.join(' ')}\n${run.stderr}`);
  return run;
}

/** The operator's session every target goes through; `target` are the flags naming it. */
function operatorSession(target: () => string[], programFile: () => string) {
  const loyalty = (...args: string[]) => ['loyalty', ...args, '-m', M, ...target()];
  let account: string;

  it('registers a program from a file, sets its rules and lists it with them', async () => {
    const put = await ok(loyalty('programs', 'put', programFile()));
    assert.match(put.stdout, /^PROGRAM\s+NAME\s+ENROLMENT/);
    assert.match(put.stdout, /clube\s+Clube Pizza\s+explicit\s+1\s+-\s+-\s+-$/m);
    const rules = await ok(
      loyalty(
        'programs',
        'rules',
        'clube',
        '--enrolment',
        'automatic',
        '--points-per-unit',
        '2',
        '--coupon-validity-days',
        '30',
        '--tiers',
        'Silver:500,Gold:2000',
        '--json',
      ),
    );
    assert.deepEqual(rules.json, {
      enrolment: 'automatic',
      pointsPerCurrencyUnit: 2,
      couponValidityDays: 30,
      pointsExpireAfterDays: null,
      tiers: [
        { name: 'Silver', minPoints: 500 },
        { name: 'Gold', minPoints: 2000 },
      ],
    });
    const listed = await ok(loyalty('programs', '--json'));
    assert.deepEqual(listed.json.items, [{ program: { id: 'clube', name: 'Clube Pizza', merchantId: M }, rules: rules.json }]);
    assert.match((await ok(loyalty('programs'))).stdout, /clube\s+Clube Pizza\s+automatic\s+2\s+30\s+-\s+Silver:500,Gold:2000/);
    const badTiers = await odc(loyalty('programs', 'rules', 'clube', '--tiers', 'Silver'));
    assert.equal(badTiers.code, 1);
    assert.match(badTiers.stderr, /--tiers takes NAME:MINPOINTS pairs/);
    // No tiers for the rest of the session: they would add tier_change entries to the transactions shown.
    assert.equal((await ok(loyalty('programs', 'rules', 'clube', '--tiers', 'none', '--json'))).json.tiers, null);
  });

  it('adds a reward, enrols a customer by any reference, adjusts once per key', async () => {
    const reward = await ok(loyalty('rewards', 'put', 'pizza', '--program', 'clube', '--cost', '300', '--name', 'Pizza', '--json'));
    assert.deepEqual(reward.json, { id: 'pizza', programId: 'clube', cost: 300, name: 'Pizza' });
    const enrolled = await ok(loyalty('enrol', '--program', 'clube', '--customer', 'email:ana@example.com', '--json'));
    assert.equal(enrolled.json.customerId, 'c-1');
    assert.equal(enrolled.json.metadata.status, 'ENROLLED');
    account = enrolled.json.id;
    const again = await ok(loyalty('enrol', '--program', 'clube', '--customer', 'c-1', '--json'));
    assert.equal(again.json.id, account, 'enrolling again answers the same account');

    const adjusted = await ok(loyalty('adjust', account, '--amount', '500', '--key', 'welcome', '--reason', 'welcome bonus', '--json'));
    assert.equal(adjusted.json.account.balance, 500);
    assert.deepEqual(adjusted.json.transaction.metadata, { reason: 'welcome bonus' });
    const repeated = await ok(loyalty('adjust', account, '--amount', '500', '--key', 'welcome', '--json'));
    assert.equal(repeated.json.account.balance, 500, 'the same key adjusts once');
    const debit = await ok(loyalty('adjust', account, '--amount=-120', '--key', 'fix-1'));
    assert.match(debit.stdout, /adjust\s+-120/);
    assert.match(debit.stdout, /380/);
  });

  it('refuses a debit past the balance and names what is missing with the fix', async () => {
    const overdraw = await odc(loyalty('adjust', account, '--amount=-1000', '--key', 'too-much'));
    assert.equal(overdraw.code, 1);
    assert.match(overdraw.stderr, /CONFLICT|balance/i);
    const unknownProgram = await odc(loyalty('enrol', '--program', 'nope', '--customer', 'c-1'));
    assert.equal(unknownProgram.code, 1);
    assert.match(unknownProgram.stderr, /no program nope[\s\S]*fix: register the program first: odc loyalty programs put FILE/);
    const unknownAccount = await odc(loyalty('transactions', 'no-such-account'));
    assert.equal(unknownAccount.code, 1);
    assert.match(unknownAccount.stderr, /fix: find the account's id with: odc loyalty accounts --customer REF/);
    const unknownCustomer = await odc(loyalty('accounts', '--customer', 'email:nobody@example.com'));
    assert.equal(unknownCustomer.code, 1);
    assert.match(unknownCustomer.stderr, /nobody@example\.com[\s\S]*fix: the customer must be stored first/);
    const negativeCost = await odc(loyalty('rewards', 'put', 'bad', '--program', 'clube', '--cost=-5'));
    assert.equal(negativeCost.code, 1);
    assert.match(negativeCost.stderr, /VALIDATION_ERROR|invalid body[\s\S]*\/cost/);
    const noRule = await odc(loyalty('programs', 'rules', 'clube'));
    assert.equal(noRule.code, 1);
    assert.match(noRule.stderr, /give at least one rule/);
  });

  it('suspends and reactivates; shows accounts and transactions as tables', async () => {
    assert.equal((await ok(loyalty('suspend', account, '--json'))).json.metadata.status, 'SUSPENDED');
    assert.match((await ok(loyalty('accounts', '--customer', 'c-1'))).stdout, new RegExp(`${account}\\s+clube\\s+c-1\\s+SUSPENDED\\s+380\\s+0`));
    assert.equal((await ok(loyalty('reactivate', account, '--json'))).json.metadata.status, 'ACTIVE');
    const transactions = await ok(loyalty('transactions', account));
    const lines = transactions.stdout.trim().split('\n');
    assert.match(lines[0], /^OCCURRED AT\s+TYPE\s+AMOUNT\s+ORDER\s+TRANSACTION$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).slice(1, 3)),
      [
        ['adjust', '500'],
        ['adjust', '-120'],
      ],
    );
    const paged = await ok(loyalty('transactions', account, '--limit', '1'));
    assert.match(paged.stdout, /1 of 2 shown; the next page: --offset 1/);
    const json = await ok(loyalty('transactions', account, '--json'));
    assert.equal(json.json.total, 2);
  });

  it('runs expiry as of a time: points past pointsExpireAfterDays expire once', async () => {
    await ok(loyalty('programs', 'rules', 'clube', '--points-expire-after-days', '1'));
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const run = await ok(loyalty('expire', '--as-of', future, '--json'));
    assert.deepEqual(run.json, { accounts: 1, expiredPoints: 380, expiredCoupons: 0 });
    const again = await ok(loyalty('expire', '--as-of', future));
    assert.match(again.stdout, /^accounts\s+0$/m);
    const [account] = (await ok(loyalty('accounts', '--customer', 'c-1', '--json'))).json.items;
    assert.equal(account.balance, 0);
    await ok(loyalty('programs', 'rules', 'clube', '--points-expire-after-days', 'none'));
    const badTime = await odc(loyalty('expire', '--as-of', 'tomorrow'));
    assert.equal(badTime.code, 1);
    assert.match(badTime.stderr, /--as-of must be an ISO 8601 time/);
  });

  return { account: () => account };
}

const programJson = JSON.stringify({ items: [{ id: 'clube', name: 'Clube Pizza', merchantId: M }] });

for (const kind of STORES) {
  describe(`odc loyalty on the database (${kind.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-loyalty-cli-'));
    let fixture: StoreFixture;
    before(async () => {
      writeFileSync(join(dir, 'programs.json'), programJson);
      fixture = await kind.create();
      const store = await fixture.open();
      try {
        await store.upsertCustomers(M, [{ id: 'c-1', identifier: { type: 'email', value: 'ana@example.com' }, name: 'Ana' }]);
      } finally {
        await store.close();
      }
    });
    after(async () => {
      await fixture?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    const session = operatorSession(
      () => ['-d', fixture.location],
      () => join(dir, 'programs.json'),
    );

    it('names the database on stderr and cancels a coupon; cancelling again changes nothing', async () => {
      const store = await fixture.open();
      let couponId: string;
      try {
        await store.loyalty.post(M, session.account(), { type: 'adjust', amount: 300, sourceKey: 'adjust:for-a-coupon' });
        const redemption = await store.loyalty.redeem(M, { accountId: session.account(), rewardId: 'pizza', quantity: 1 });
        couponId = redemption.coupon.id;
      } finally {
        await store.close();
      }
      const cancelled = await ok(['loyalty', 'coupons', 'cancel', couponId, '-m', M, '-d', fixture.location, '--json']);
      assert.equal(cancelled.json.status, 'cancelled');
      assert.match(cancelled.stderr, /^odc: database /m);
      const table = await ok(['loyalty', 'coupons', 'cancel', couponId, '-m', M, '-d', fixture.location]);
      assert.match(table.stdout, /^status\s+cancelled$/m);
    });
  });
}

describe('odc loyalty --server (admin API)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-loyalty-cli-server-'));
  const keyFile = join(dir, 'admin-key');
  let server: ServerProcess;
  before(async () => {
    writeFileSync(keyFile, `${ADMIN_KEY}\n`);
    writeFileSync(join(dir, 'programs.json'), programJson);
    const database = join(dir, 'served.db');
    const { SqliteStore } = await import('../src/store/sqlite/sqlite-store.js');
    const store = new SqliteStore({ filename: database });
    await store.upsertCustomers(M, [{ id: 'c-1', identifier: { type: 'email', value: 'ana@example.com' }, name: 'Ana' }]);
    await store.close();
    server = serverProcess({ database, secretKeyFile: join(dir, 'secret.key'), args: ['--admin-key-file', keyFile] });
    await server.start();
  });
  after(async () => {
    if (server?.running) await server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  operatorSession(
    () => ['--server', server.url, '--admin-key-file', keyFile],
    () => join(dir, 'programs.json'),
  );

  it('says which server it acts on and opens no database', async () => {
    const run = await ok(['loyalty', 'programs', '-m', M, '--server', server.url, '--admin-key-file', keyFile]);
    assert.match(run.stderr, new RegExp(`odc: server ${server.url}`));
    assert.doesNotMatch(run.stderr, /odc: database/);
    const wrongKey = await odc(['loyalty', 'programs', '-m', M, '--server', server.url, '--admin-key', 'not-the-key-0123456789']);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /401.*the admin key is not that server's/);
  });
});
