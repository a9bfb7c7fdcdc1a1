/**
 * `odc conformance` as a vendor runs it: a child process of the CLI, its exit code, the
 * readable report on stdout (no colour when not a terminal), and the --json and --junit files
 * for CI. Against odc (exit 0) and against a server that breaks a MUST (exit 1).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBrokenServer, type BrokenServer } from './support/broken-server.js';
import { STORES } from './support/stores.js';
import { BUILT_CLI } from './support/built-cli.js';

const CLI = BUILT_CLI;
const sqlite = STORES.find((s) => s.name === 'sqlite') ?? STORES[0];

function odc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '' }, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function credentialArgs(server: BrokenServer): string[] {
  const c = server.credentials;
  return ['--client-id', c.clientId, '--client-secret', c.clientSecret, '--merchant', server.merchantId, '--signing-secret', c.signingSecret!];
}

describe('odc conformance (CLI)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'odc-conformance-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('against odc', () => {
    let server: BrokenServer;
    before(async () => {
      server = await startBrokenServer(sqlite);
    });
    after(() => server.stop());

    it('exits 0, prints a grouped plain report, and writes --json and --junit', async () => {
      const json = join(dir, 'green.json');
      const junit = join(dir, 'green.xml');
      const run = await odc(['conformance', server.url, ...credentialArgs(server), '--json', json, '--junit', junit]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^Conformance of http:\/\/127\.0\.0\.1:\d+ \(run \w+\)/);
      assert.match(run.stdout, /^operations {2}14 of 14 without failure$/m);
      assert.match(run.stdout, /CONFORMS: no MUST failed/);
      assert.match(run.stdout, /Left behind: \d+ records tagged conformance-\w+/);
      assert.doesNotMatch(run.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
      const report = JSON.parse(readFileSync(json, 'utf8'));
      assert.equal(report.format, 'odc-conformance/1');
      assert.equal(report.ok, true);
      assert.equal(report.counts.fail, 0);
      const xml = readFileSync(junit, 'utf8');
      assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
      assert.equal((xml.match(/<testcase /g) ?? []).length, report.results.length);
      assert.doesNotMatch(xml, /<failure /);
    });

    it('stops on refused credentials with a message and exit code 2, not a verdict', async () => {
      const c = server.credentials;
      const wrong = await odc(['conformance', server.url, '--client-id', c.clientId, '--client-secret', 'not-the-secret', '--merchant', server.merchantId]);
      assert.equal(wrong.code, 2, wrong.stdout + wrong.stderr);
      assert.match(wrong.stderr, /token refused by http:\/\/127\.0\.0\.1:\d+\/oauth\/token .*--client-id and --client-secret/);
      assert.doesNotMatch(wrong.stdout, /CONFORM/);
      const badToken = await odc(['conformance', server.url, '--token', 'not.a.token', '--merchant', server.merchantId]);
      assert.equal(badToken.code, 2, badToken.stdout + badToken.stderr);
      assert.match(badToken.stderr, /token refused by the target \(GET .* answered 401\)/);
      const none = await odc(['conformance', server.url]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /no credentials: give --client-id and --client-secret/);
    });
  });

  describe('against a server that answers 200 where the contract says 201', () => {
    let server: BrokenServer;
    before(async () => {
      server = await startBrokenServer(sqlite, 'wrong-status');
    });
    after(() => server.stop());

    it('exits 1 and names the failed check with expected and got, in every output', async () => {
      const json = join(dir, 'broken.json');
      const junit = join(dir, 'broken.xml');
      const run = await odc(['conformance', server.url, ...credentialArgs(server), '--only', 'operations', 'discovery', '--json', json, '--junit', junit]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /FAIL MUST {3}operations\.upsertOrders/);
      assert.match(run.stdout, /expected: 201\n\s+got: {6}200/);
      assert.match(run.stdout, /DOES NOT CONFORM: 2 MUST check\(s\) failed/);
      const report = JSON.parse(readFileSync(json, 'utf8'));
      assert.deepEqual(
        report.results.filter((r: { outcome: string }) => r.outcome === 'fail').map((r: { id: string }) => r.id),
        ['operations.upsertOrders', 'discovery.declares-only-what-works'],
      );
      const xml = readFileSync(junit, 'utf8');
      assert.match(
        xml,
        /<testcase classname="conformance.operations" name="operations.upsertOrders \[MUST\]"[^>]*>\n\s+<failure message="POST \/orders with one order: unexpected status" type="MUST">/,
      );
    });
  });

  it('exits non-zero with a message when the target cannot be reached', async () => {
    const run = await odc(['conformance', 'http://127.0.0.1:9/', '--token', 'x']);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
