/**
 * Memory against a 2 GiB peer, measured from outside: `odc pull` and `odc serve --pull-from`
 * run as child processes against an origin whose list pages are 2 GiB (plain, and a gzip
 * bomb), and their resident set size is sampled from /proc while they work. Each must stay
 * under 300 MB and say clearly what it refused. (Before bounded reads, pull reached 3.8 GB
 * and crashed; the server 2–4 GB on every pull interval.) The peaks are printed as test
 * diagnostics, for the note.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GB, hostilePeer, sampleRss, sendHuge, type HostilePeer } from './support/hostile-peer.js';
import { serverProcess } from './support/server-process.js';
import { STORES, type StoreFixture } from './support/stores.js';

const ROOT = join(import.meta.dirname, '..');
const MB = 1024 * 1024;
const LIMIT = 300 * MB;

/** Runs `odc pull` as a child against `from`, sampling its RSS; resolves with exit code, output and peak RSS. */
function pullProcess(from: string, database: string): Promise<{ code: number | null; output: string; peak: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/pull-cli.ts', 'pull', '--from', from, '--token', 't', '--resources', 'customers', '--database', database, '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const rss = sampleRss(child.pid as number);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output, peak: rss.stop() })));
}

for (const kind of STORES) {
  describe(`RSS against a 2 GiB peer (${kind.name})`, () => {
    let origin: HostilePeer;
    let fixture: StoreFixture;
    let gzip = false;
    before(async () => {
      fixture = await kind.create();
      origin = await hostilePeer((req, res) =>
        req.url?.startsWith('/customers') ? sendHuge(res, { bytes: 2 * GB, gzip, peer: origin }) : res.writeHead(404).end(),
      );
    });
    after(async () => {
      await origin.close();
      await fixture.destroy();
    });

    for (const variant of ['plain', 'gzip bomb'] as const) {
      it(`odc pull ends with a clear error and stays under 300 MB (${variant})`, { timeout: 120_000 }, async (t) => {
        gzip = variant === 'gzip bomb';
        origin.hugeBytesSent = 0;
        const { code, output, peak } = await pullProcess(origin.url, fixture.location);
        t.diagnostic(`odc pull peak RSS against a 2 GiB ${variant} list page (${kind.name}): ${Math.round(peak / MB)} MB`);
        assert.equal(code, 1, output);
        assert.match(output, /\/customers\?.* is larger than 16777216 bytes/);
        assert.ok(peak > 0 && peak < LIMIT, `peak RSS ${Math.round(peak / MB)} MB`);
        assert.ok(origin.hugeBytesSent < 512 * MB, `${Math.round(origin.hugeBytesSent / MB)} MiB generated`);
      });
    }

    it('odc serve --pull-from stays under 300 MB over several pull intervals, logging the refusal', { timeout: 120_000 }, async (t) => {
      gzip = false;
      origin.requests.length = 0;
      const dir = mkdtempSync(join(tmpdir(), 'odc-rss-'));
      const server = serverProcess({
        database: kind.name === 'sqlite' ? join(dir, 'odc.db') : fixture.location,
        secretKeyFile: join(dir, 'instance.key'),
        args: ['--pull-from', origin.url, '--pull-token', 't', '--pull-interval', '1'],
      });
      try {
        await server.start();
        const rss = sampleRss(server.pid as number);
        await server.waitForLine((line) => /larger than 16777216 bytes/.test(line));
        // Three list pages of 2 GiB offered (one per interval): memory must not grow with each.
        while (origin.requests.filter((r) => r.url.startsWith('/customers')).length < 3) await server.waitForLine((line) => /pull: cycle failed/.test(line));
        const peak = rss.stop();
        t.diagnostic(`odc serve --pull-from peak RSS over 3 pulls of a 2 GiB list page (${kind.name}): ${Math.round(peak / MB)} MB`);
        assert.ok(peak > 0 && peak < LIMIT, `peak RSS ${Math.round(peak / MB)} MB`);
      } finally {
        await server.kill('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
