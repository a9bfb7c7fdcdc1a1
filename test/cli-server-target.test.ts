/**
 * `--server URL`: the management commands act on the running server through its admin API,
 * whatever database it uses, and say so on stderr; a wrong admin key is a clear error.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchToken, serverProcess, type ServerProcess } from './support/server-process.js';
import { BUILT_CLI } from './support/built-cli.js';

const CLI = BUILT_CLI;
const ADMIN_KEY = 'admin-key-of-the-cli-test-0123456789';
const env = { ...process.env };
for (const name of ['ODC_ADMIN_KEY', 'ODC_ADMIN_KEY_FILE', 'ODC_SERVER', 'DATABASE_URL']) delete env[name];

function odc(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {}
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
    });
  });
}

describe('management commands with --server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-server-target-'));
  const keyFile = join(dir, 'admin-key');
  let server: ServerProcess;
  before(async () => {
    writeFileSync(keyFile, `${ADMIN_KEY}\n`);
    server = serverProcess({ database: join(dir, 'served', 'odc.db'), secretKeyFile: join(dir, 'secret.key'), args: ['--admin-key-file', keyFile] });
    await server.start();
  });
  after(async () => {
    if (server.running) await server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('clients add creates a client on the running server, whose secret then works there', async () => {
    const run = await odc(['clients', 'add', '--name', 'remote', '--merchant', 'm1', '--server', server.url, '--admin-key-file', keyFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`odc: server ${server.url}`));
    assert.doesNotMatch(run.stderr, /odc: database/, 'no database file is opened');
    assert.equal(typeof (await fetchToken(server.url, run.json)), 'string');
    const listed = await odc(['clients', 'list', '--server', server.url, '--admin-key-file', keyFile]);
    assert.ok(listed.json.some((c: { clientId: string }) => c.clientId === run.json.clientId));
  });

  it('webhooks add, subscriptions, deliveries and remove; keys rotate', async () => {
    const remote = ['--server', server.url, '--admin-key-file', keyFile];
    const added = await odc(['webhooks', 'add', '--merchant', 'm1', '--url', 'http://127.0.0.1:9/hooks', '--allow-private-target', ...remote]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.json.secret, /.{16,}/);
    const subscriptions = await odc(['webhooks', 'subscriptions', '--merchant', 'm1', ...remote]);
    assert.deepEqual(
      subscriptions.json.map((s: { id: string }) => s.id),
      [added.json.id],
    );
    assert.ok(!subscriptions.stdout.includes(added.json.secret), 'no secret in the list');
    const deliveries = await odc(['webhooks', 'deliveries', '--status', 'dead', ...remote]);
    assert.deepEqual(deliveries.json, []);
    const removed = await odc(['webhooks', 'remove', added.json.id, ...remote]);
    assert.deepEqual(removed.json, { removed: true });
    const rotated = await odc(['keys', 'rotate', ...remote]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.ok(rotated.json.keys.includes(rotated.json.activeKid));
  });

  it('odc wait exits 0 once the server is ready, and 1 with the last failure on timeout', async () => {
    const ready = await odc(['wait', server.url, '--timeout', '30']);
    assert.equal(ready.code, 0, ready.stderr);
    const closed = await odc(['wait', 'http://127.0.0.1:1', '--timeout', '0.5']);
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /odc wait: http:\/\/127\.0\.0\.1:1 not ready within 0\.5 s \(last: .*readyz/);
  });

  it('a wrong or missing admin key is refused with a message', async () => {
    const wrong = await odc(['clients', 'list', '--server', server.url, '--admin-key', 'not-the-admin-key-at-all']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /answered 401 .*the admin key is not that server's/);
    const missing = await odc(['clients', 'list', '--server', server.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--server needs the admin key/);
  });
});
