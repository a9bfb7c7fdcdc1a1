/**
 * The kit fails where it should: against odc with one deliberate break per mode
 * (test/support/broken-server.ts), it reports the specific check ids that break catches, and
 * a broken MUST makes the run non-conforming. Breaks are in the HTTP layer, so the store does
 * not matter: SQLite only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { operations } from '../src/contract/operations.js';
import { runConformance, type ConformanceReport } from '../src/conformance/runner.js';
import { kitOptions, startBrokenServer, type BrokenMode, type BrokenServer } from './support/broken-server.js';
import { STORES } from './support/stores.js';

const sqlite = STORES.find((s) => s.name === 'sqlite') ?? STORES[0];

interface Expectation {
  /** Checks that must fail. */
  caught: string[];
  /** Whether the run must still conform (only SHOULDs broken). */
  conforms: boolean;
}

const expectations: Record<Exclude<BrokenMode, 'undeclared'>, Expectation> = {
  'wrong-status': { caught: ['operations.upsertOrders', 'discovery.declares-only-what-works'], conforms: false },
  'accepts-missing-identifier': { caught: ['customers.upsert.requires-identifier', 'batch.customers.all-or-nothing'], conforms: false },
  'no-auth': { caught: operations.map((op) => `auth.bearer.${op.operationId}`), conforms: false },
  'duplicate-events': { caught: ['idempotency.events.same-id-stored-once', 'idempotency.events.same-content-stored-once'], conforms: false },
  overclaims: { caught: ['operations.getReviewById', 'discovery.declares-only-what-works'], conforms: false },
  'no-pagination-headers': { caught: ['pagination.total-count-header', 'pagination.link-next'], conforms: true },
};

const failedIds = (report: ConformanceReport) => report.results.filter((r) => r.outcome === 'fail').map((r) => r.id);

for (const [mode, expected] of Object.entries(expectations) as [BrokenMode, Expectation][]) {
  describe(`conformance kit against a broken server: ${mode}`, () => {
    let server: BrokenServer;
    before(async () => {
      server = await startBrokenServer(sqlite, mode);
    });
    after(async () => {
      await server.stop();
    });

    it(`catches it (${expected.caught.slice(0, 2).join(', ')}${expected.caught.length > 2 ? ', ...' : ''})`, async () => {
      const report = await runConformance(kitOptions(server));
      const failed = failedIds(report);
      for (const id of expected.caught) assert.ok(failed.includes(id), `${id} should fail; failed: ${failed.join(', ')}`);
      assert.equal(report.ok, expected.conforms, `ok=${report.ok}; failed: ${failed.join(', ')}`);
      const evidence = report.results.find((r) => r.id === expected.caught[0])!;
      assert.ok(evidence.expected && evidence.got, 'a failure says what was expected and what came');
      assert.ok(evidence.exchange?.url.startsWith(server.url), 'and shows the exchange');
    });
  });
}
