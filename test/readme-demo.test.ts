/**
 * The README's two-process demo, extracted and run as written by bash (only its ports and its
 * data directory are changed, so it cannot collide with anything): the leads pushed to the
 * origin reach the CRM by pull, and when the block ends no server process or port is left.
 * It runs `npx odc`, so it needs the build (test/support/build.ts).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuilt } from './support/build.js';

const ROOT = join(import.meta.dirname, '..');

function demoBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = /<!-- demo:start[^>]*-->\n```sh\n([\s\S]*?)```\n<!-- demo:end -->/.exec(readme);
  assert.ok(match, 'README.md has the demo block between its markers');
  return match[1];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Processes whose command line names the demo's data directory: the servers it started. */
function processesUsing(dir: string): number[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(dir) && !line.includes('ps -eo')).map((line) => Number.parseInt(line.trim(), 10));
}

describe('the README demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-demo-'));
  after(() => {
    for (const pid of processesUsing(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings the leads to the CRM and leaves no process or port behind', { timeout: 300_000 }, async () => {
    ensureBuilt();
    const [origin, crm, hooks] = [await freePort(), await freePort(), await freePort()];
    const script = demoBlock()
      .replaceAll('8081', String(origin))
      .replaceAll('8080', String(crm))
      .replaceAll('9000', String(hooks))
      .replaceAll('data/', `${dir}/`);
    const child = spawn('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const leads = (JSON.parse(readFileSync(join(ROOT, 'examples', 'leads.json'), 'utf8')) as unknown[]).length;
    assert.equal(code, 0, `the block failed:\n${stdout}\n${stderr}`);
    assert.match(stdout, new RegExp(`x-total-count: ${leads}\\b`, 'i'), `the CRM did not get the ${leads} leads:\n${stdout}\n${stderr}`);
    assert.match(stdout, /"subscriptionId"|"id"/, 'webhooks subscriptions lists the subscription');
    // The servers finish their shutdown after the block's `wait`; give them a bounded moment.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (processesUsing(dir).length > 0 || (await portOpen(origin)) || (await portOpen(crm)))) await sleep(100);
    assert.deepEqual(processesUsing(dir), [], 'no server process is left');
    assert.equal(await portOpen(origin), false, 'the origin port is free');
    assert.equal(await portOpen(crm), false, 'the CRM port is free');
  });
});
