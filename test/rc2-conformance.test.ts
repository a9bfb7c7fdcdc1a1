/**
 * The conformance kit's rc.2 profile: checks as data, all green against odc's /od/v2 with
 * authentication on, and failing where a target does not speak rc.2 (odc's seed binding).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { rc2Checks } from '../src/conformance/checks/rc2.js';
import { rc2LoyaltyChecks } from '../src/conformance/checks/rc2-loyalty.js';
import { runConformance, type ConformanceReport } from '../src/conformance/runner.js';
import { addClient } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const notPassed = (report: ConformanceReport) =>
  report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.outcome} ${r.id}: ${r.message} ${r.expected ?? ''} ${r.got ?? ''}`);

describe('rc.2 conformance checks are data', () => {
  it('each has a unique rc2.* id, a level and a rule quoted from the committee document', () => {
    const ids = rc2Checks.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const check of rc2Checks) {
      assert.match(check.id, /^rc2(\.[A-Za-z0-9-]+)+$/, check.id);
      assert.ok(['MUST', 'SHOULD', 'MAY'].includes(check.level), check.id);
      assert.match(check.rule, /^".+" \(committee Customer 2\.0\.0-rc\.2\)$/, check.id);
    }
  });
});

for (const kind of STORES) {
  describe(`rc.2 conformance of odc (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    let credentials: { clientId: string; clientSecret: string };
    before(async () => {
      credentials = await addClient(server, { merchants: ['m1'], model: 'merchant' });
    });

    it('passes every rc.2 check at /od/v2, and says what it left behind', async () => {
      const report = await runConformance({ baseUrl: `${server.url}/od/v2`, profile: 'rc2', ...credentials, tokenUrl: `${server.url}/oauth/token` });
      // The loyalty checks that redeem need an account and a reward (test/rc2-loyalty-conformance.test.ts gives them).
      assert.deepEqual(
        notPassed(report).filter((line) => !line.includes('skipped: needs --loyalty-account')),
        [],
      );
      assert.equal(report.results.length, rc2Checks.length + rc2LoyaltyChecks.length);
      assert.ok(report.leftBehind.records > 0);
      assert.equal(report.ok, true);
    });

    it('fails the rc.2 checks against the seed binding, which answers other shapes', async () => {
      const report = await runConformance({ baseUrl: server.url, profile: 'rc2', ...credentials, tokenUrl: `${server.url}/oauth/token` });
      assert.equal(report.ok, false);
      const failed = report.results.filter((r) => r.outcome === 'fail').map((r) => r.id);
      assert.ok(failed.includes('rc2.upsertCustomers.accepted'), JSON.stringify(failed));
    });
  });
}
