/**
 * The conformance kit against odc itself, over HTTP: all green with authentication and
 * signed events on, on both stores; and the rules of the run: undeclared operations are
 * skipped, not failed; without credentials against an instance that declares no
 * authentication, the Bearer checks are skipped with that reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { allChecks } from '../src/conformance/checks/index.js';
import { runConformance, type ConformanceReport } from '../src/conformance/runner.js';
import { operations } from '../src/contract/operations.js';
import { kitOptions, startBrokenServer, type BrokenServer } from './support/broken-server.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const notPassed = (report: ConformanceReport) =>
  report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.outcome} ${r.id}: ${r.message} ${r.expected ?? ''} ${r.got ?? ''}`);

describe('conformance checks are data', () => {
  it('each has a unique dotted id, a level, a quoted rule with its source, and an operation of the seed', () => {
    const ids = allChecks.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    const names = new Set<string>(operations.map((op) => op.operationId));
    for (const check of allChecks) {
      assert.match(check.id, /^[a-z-]+(\.[A-Za-z0-9-]+)+$/, check.id);
      assert.ok(['MUST', 'SHOULD', 'MAY'].includes(check.level), check.id);
      assert.match(check.rule, /".+" \(.+\)/, `${check.id} quotes its rule and names the source`);
      for (const op of [check.operation, ...(check.requires ?? [])]) if (op) assert.ok(names.has(op), `${check.id}: ${op}`);
    }
    for (const op of operations) {
      assert.ok(ids.includes(`operations.${op.operationId}`), `a status/body check for ${op.operationId}`);
      assert.ok(ids.includes(`auth.bearer.${op.operationId}`), `a Bearer check for ${op.operationId}`);
    }
  });
});

for (const kind of STORES) {
  describe(`conformance of odc (${kind.name})`, () => {
    let server: BrokenServer;
    before(async () => {
      server = await startBrokenServer(kind);
    });
    after(async () => {
      await server.stop();
    });

    it('reports all green with auth and signed events on, and says what it left behind', async () => {
      const report = await runConformance(kitOptions(server));
      assert.deepEqual(notPassed(report), []);
      assert.equal(report.ok, true);
      assert.equal(report.results.length, allChecks.length);
      assert.equal(report.declaredOperations.length, 14);
      assert.ok(report.leftBehind.records > 0);
      assert.equal(report.leftBehind.tag, `conformance-${report.runId}`);
    });

    it('runs twice against the same target without collisions (run-scoped keys)', async () => {
      const report = await runConformance({ ...kitOptions(server), only: ['idempotency', 'customers', 'batch'] });
      assert.deepEqual(notPassed(report), []);
      assert.ok(report.results.length > 10);
    });
  });
}

describe('conformance of odc without authentication (development instance)', () => {
  const server = useServer(STORES[0]);

  it('skips the Bearer checks with the reason and still conforms', async () => {
    const report = await runConformance({ baseUrl: server.url });
    const bearer = report.results.filter((r) => r.id.startsWith('auth.bearer.'));
    assert.equal(bearer.length, 14);
    for (const r of bearer) {
      assert.equal(r.outcome, 'skip', r.id);
      assert.match(r.message ?? '', /declares no authentication/);
    }
    assert.ok(report.results.filter((r) => r.id.startsWith('webhooks.')).every((r) => r.outcome === 'skip'));
    assert.deepEqual(
      report.results.filter((r) => r.outcome === 'fail').map((r) => r.id),
      [],
    );
    assert.equal(report.ok, true);
  });
});

describe('operations a target does not declare', () => {
  let server: BrokenServer;
  before(async () => {
    server = await startBrokenServer(STORES[0], 'undeclared');
  });
  after(async () => {
    await server.stop();
  });

  it('are reported as skipped, not failed', async () => {
    const report = await runConformance(kitOptions(server));
    const review = report.results.filter((r) => r.operation === 'getReviewById' || r.id === 'operations.getReviewById');
    assert.ok(review.length >= 3);
    for (const r of review) {
      assert.equal(r.outcome, 'skip', r.id);
      assert.match(r.message ?? '', /does not declare getReviewById/);
    }
    assert.deepEqual(
      report.results.filter((r) => r.outcome === 'fail').map((r) => r.id),
      [],
    );
    assert.equal(report.ok, true);
    assert.equal(report.declaredOperations.includes('getReviewById'), false);
  });
});

describe('docs/conformance.md', () => {
  it('lists every check id with its level', () => {
    const doc = readFileSync(new URL('../docs/conformance.md', import.meta.url), 'utf8');
    for (const check of allChecks) {
      const id = check.id.startsWith('auth.bearer.') ? 'auth.bearer.<operationId> (14)' : check.id;
      assert.ok(doc.includes(`| \`${id}\` | ${check.level} |`), `${check.id} is documented`);
    }
  });
});
