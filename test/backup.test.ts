/**
 * `odc backup FILE` under write load: the copy is one committed state of the database (every
 * batch acknowledged before the backup began, then a prefix of the later ones, never half a
 * batch), and restored, i.e. served by a new `odc serve` on the copy, it answers the very
 * records the source answers, byte for byte, over the API.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { addApiClient, fetchToken, serverProcess } from './support/server-process.js';
import { BUILT_CLI } from './support/built-cli.js';

const CLI = BUILT_CLI;
const MERCHANT = 'backup-merchant';
const BATCH_SIZE = 20;

function odc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every customer of a server as the JSON text of each list item, by id, following rel="next". */
async function allCustomers(url: string, token: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let next: string | undefined = `${url}/customers?pageSize=500`; next; ) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT } });
    assert.equal(res.status, 200);
    for (const item of (await res.json()) as Array<{ id: string }>) found.set(item.id, JSON.stringify(item));
    const link = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    next = link ? new URL(link, next).toString() : undefined;
  }
  return found;
}

describe('odc backup (SQLite)', () => {
  it('copies a consistent state under write load, and the copy serves identical records', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-backup-'));
    const database = join(dir, 'live', 'odc.db');
    const secretKeyFile = join(dir, 'secret.key');
    const copy = join(dir, 'backup', 'odc-backup.db');
    const source = serverProcess({ database, secretKeyFile, args: ['--rate-limit', '0'] });
    const restored = serverProcess({ database: copy, secretKeyFile, args: ['--rate-limit', '0'] });
    try {
      const credentials = await addApiClient(database, secretKeyFile, MERCHANT);
      await source.start();
      const token = await fetchToken(source.url, credentials);
      let acknowledged = 0;
      let stop = false;
      const writer = (async () => {
        for (let n = 1; !stop; n += 1) {
          const batch = Array.from({ length: BATCH_SIZE }, (_, i) => ({
            identifier: { type: 'external_id', value: `b${n}-${i}` },
            name: `customer ${i} of b${n}`,
          }));
          const res = await fetch(`${source.url}/customers`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT, 'content-type': 'application/json' },
            body: JSON.stringify(batch),
          });
          assert.equal(res.status, 200, await res.text());
          acknowledged = n;
        }
      })();
      while (acknowledged < 10) await sleep(20);
      const before = acknowledged;
      const backup = await odc(['backup', copy, '--database', database]);
      const during = acknowledged;
      assert.equal(backup.code, 0, backup.stderr);
      assert.match(backup.stderr, new RegExp(`database SQLite ${database}`));
      assert.equal(JSON.parse(backup.stdout).file, copy);
      while (acknowledged < during + 3) await sleep(20);
      stop = true;
      await writer;
      assert.ok(during > before, `the writer kept writing during the backup (${before} -> ${during} batches)`);

      await restored.start();
      const live = await allCustomers(source.url, token);
      const back = await allCustomers(restored.url, await fetchToken(restored.url, credentials));
      const batches = new Map<number, number>();
      for (const [id, text] of back) {
        assert.equal(text, live.get(id), `customer ${id} is served identically by the source and the restored copy`);
        const n = Number(/ of b(\d+)"/.exec(text)?.[1]);
        batches.set(n, (batches.get(n) ?? 0) + 1);
      }
      const last = Math.max(...batches.keys());
      assert.ok(last >= before, `every batch acknowledged before the backup is in it (${last} >= ${before})`);
      assert.ok(last < acknowledged, 'batches written after the backup are not in it');
      for (let n = 1; n <= last; n += 1) assert.equal(batches.get(n), BATCH_SIZE, `batch ${n} is whole in the backup`);
      assert.equal(back.size, last * BATCH_SIZE);

      const again = await odc(['backup', copy, '--database', database]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists: choose a new file/);
    } finally {
      if (restored.running) await restored.kill('SIGTERM');
      if (source.running) await source.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('points PostgreSQL users to pg_dump', async () => {
    const run = await odc(['backup', '/tmp/never-written.db', '--database', 'postgres://postgres@127.0.0.1:5432/whatever']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /back up PostgreSQL with pg_dump/);
  });
});
