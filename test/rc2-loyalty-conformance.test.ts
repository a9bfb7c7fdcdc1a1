/**
 * The conformance kit's loyalty checks (rc.2 profile, docs/conformance.md "Loyalty"): all pass
 * against odc on both stores once the operator names an account with points and a reward;
 * they skip, saying what they need, without them; and the coupon check fails against a target
 * that answers 200 where 409 is due.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { rc2LoyaltyChecks } from '../src/conformance/checks/rc2-loyalty.js';
import { runConformance, type ConformanceReport } from '../src/conformance/runner.js';
import { BUILT_CLI } from './support/built-cli.js';
import { addClient, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const M = 'm1';
const ADMIN_KEY = 'loyalty-conformance-admin-key-0123';

function odc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUILT_CLI, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const notPassed = (report: ConformanceReport) =>
  report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.outcome} ${r.id}: ${r.message} ${r.expected ?? ''} ${r.got ?? ''}`);

describe('rc.2 loyalty conformance checks are data', () => {
  it('each has a unique rc2.loyalty.* id, a level and a rule quoted from the committee document', () => {
    const ids = rc2LoyaltyChecks.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const check of rc2LoyaltyChecks) {
      assert.match(check.id, /^rc2\.loyalty(\.[A-Za-z0-9-]+)+$/, check.id);
      assert.match(check.rule, /^".+" \(committee Customer 2\.0\.0-rc\.2\)$/, check.id);
    }
  });
});

/**
 * A target that forwards to odc but answers a refused coupon use (409) with 200 and the coupon
 * as "used": the mistake of an implementation that treats every use as idempotent.
 */
async function lenientCouponProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
    const answer = await fetch(upstream + req.url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    let text = await answer.text();
    let status = answer.status;
    const use = req.method === 'POST' && /\/loyalty\/coupons\/[^/]+\/use$/.test(req.url ?? '');
    if (use && status === 409) {
      status = 200;
      text = JSON.stringify({ id: decodeURIComponent((req.url ?? '').split('/').at(-2) ?? ''), status: 'used' });
    }
    res.writeHead(status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const kind of STORES) {
  describe(`rc.2 loyalty conformance of odc (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { adminKey: ADMIN_KEY, rateLimitPerSecond: 0 } });
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await server.request(method, `/admin/merchants/${M}/loyalty${path}`, body, { 'x-admin-key': ADMIN_KEY });
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
      return res.json;
    };
    let token: string;
    let fixture: { accountId: string; rewardId: string };

    before(async () => {
      token = await tokenFor(server, await addClient(server, { merchants: [M], model: 'merchant' }));
      const auth = { authorization: `Bearer ${token}` };
      const customer = await server.request(
        'POST',
        '/od/v2/customers',
        { items: [{ id: 'c-1', identifier: { type: 'email', value: 'ana@example.com' } }] },
        auth,
      );
      assert.equal(customer.status, 202, customer.text);
      const program = await server.request('POST', '/od/v2/loyalty/programs', { items: [{ id: 'clube', name: 'Clube', merchantId: M }] }, auth);
      assert.equal(program.status, 202, program.text);
      await admin('PUT', '/rewards/pizza', { id: 'pizza', programId: 'clube', cost: 300 });
      const account = await admin('POST', '/accounts', { programId: 'clube', customerId: 'c-1' });
      await admin('POST', `/accounts/${account.id}/adjustments`, { amount: 400, key: 'welcome' });
      fixture = { accountId: account.id, rewardId: 'pizza' };
    });

    it('passes every loyalty check with an account and a reward named', async () => {
      const report = await runConformance({ baseUrl: `${server.url}/od/v2`, profile: 'rc2', token, only: ['rc2.loyalty'], loyalty: fixture });
      assert.deepEqual(notPassed(report), []);
      assert.equal(report.results.length, rc2LoyaltyChecks.length);
      assert.equal(report.ok, true);
      const account = await server.request('GET', `/od/v2/loyalty/accounts/${fixture.accountId}`, undefined, { authorization: `Bearer ${token}` });
      assert.equal(account.json.balance, 100, 'one redemption of 300 from 400');
    });

    it('skips the checks that need an account and a reward, saying what they need', async () => {
      const report = await runConformance({ baseUrl: `${server.url}/od/v2`, profile: 'rc2', token, only: ['rc2.loyalty'] });
      const skipped = report.results.filter((r) => r.outcome === 'skip');
      assert.deepEqual(
        skipped.map((r) => r.id),
        [
          'rc2.loyalty.accounts.of-customer',
          'rc2.loyalty.transactions.list',
          'rc2.loyalty.rewards.list',
          'rc2.loyalty.redemption.short-balance',
          'rc2.loyalty.redemption.accepted-with-coupon',
          'rc2.loyalty.coupon-use.idempotent-by-order',
        ],
      );
      for (const r of skipped) assert.match(r.message ?? '', /^skipped: needs --loyalty-account and --loyalty-reward/);
      assert.equal(report.results.filter((r) => r.outcome === 'pass').length, 4);
    });

    it('fails the coupon check against a target answering 200 where 409 is due', async () => {
      await admin('POST', `/accounts/${fixture.accountId}/adjustments`, { amount: 300, key: 'for-the-wrong-target' });
      const proxy = await lenientCouponProxy(server.url);
      try {
        const report = await runConformance({ baseUrl: `${proxy.url}/od/v2`, profile: 'rc2', token, only: ['rc2.loyalty'], loyalty: fixture });
        const failed = report.results.filter((r) => r.outcome === 'fail');
        assert.deepEqual(
          failed.map((r) => r.id),
          ['rc2.loyalty.coupon-use.idempotent-by-order'],
        );
        assert.match(failed[0].message ?? '', /another order/);
        assert.equal(failed[0].exchange?.status, 200);
        assert.equal(report.ok, false);
      } finally {
        await proxy.close();
      }
    });

    it('odc conformance --profile rc2 takes the account and reward by option, both or neither', async () => {
      await admin('POST', `/accounts/${fixture.accountId}/adjustments`, { amount: 300, key: 'for-the-cli' });
      const base = [`${server.url}/od/v2`, '--profile', 'rc2', '--token', token, '--only', 'rc2.loyalty'];
      const run = await odc(['conformance', ...base, '--loyalty-account', fixture.accountId, '--loyalty-reward', fixture.rewardId, '--verbose']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /rc2\.loyalty\.coupon-use\.idempotent-by-order/);
      assert.doesNotMatch(run.stdout, /skipped: needs/);
      const half = await odc(['conformance', ...base, '--loyalty-account', fixture.accountId]);
      assert.equal(half.code, 1);
      assert.match(half.stderr, /--loyalty-account and --loyalty-reward go together: give both/);
    });
  });
}
