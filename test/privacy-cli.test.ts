/**
 * `odc privacy export|erase|audit|verify-audit` (docs/contract.md §14.7) on a SQLite file: the
 * commands record both operations, and verify-audit exits 1 naming the entry once an entry
 * of the trail is altered or removed behind odc's back.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { BUILT_CLI } from './support/built-cli.js';

const CLI = BUILT_CLI;

function odc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ODC_SECRET_KEY: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('odc privacy (sqlite file)', () => {
  let dir: string;
  let database: string;
  const on = (...args: string[]) => odc(['privacy', ...args, '-m', 'm-1', '-d', database]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'odc-privacy-cli-'));
    database = join(dir, 'odc.db');
    const store = new SqliteStore({ filename: database });
    await store.upsertCustomers('m-1', [
      { id: 'c-1', identifier: { type: 'email', value: 'ana@example.com' }, name: 'Ana' },
      { id: 'c-2', identifier: { type: 'email', value: 'bia@example.com' }, name: 'Bia' },
    ]);
    await store.close();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exports, erases, lists the trail and verifies it', async () => {
    const exported = await on('export', 'email:ana@example.com');
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(JSON.parse(exported.stdout).customer.name, 'Ana');
    const erased = await on('erase', 'c-1');
    assert.equal(erased.code, 0, erased.stderr);
    assert.equal(JSON.parse(erased.stdout).removed.customers, 1);
    assert.notEqual((await on('export', 'c-1')).code, 0);
    const audit = await on('audit', '--customer', 'c-1');
    assert.deepEqual(
      JSON.parse(audit.stdout).map((e: { action: string; actor: string }) => [e.action, e.actor]),
      [
        ['privacy.export', 'cli'],
        ['privacy.erase', 'cli'],
      ],
    );
    const verified = await on('verify-audit');
    assert.equal(verified.code, 0, verified.stdout);
    assert.deepEqual(JSON.parse(verified.stdout), { entries: 2, intact: true, breaks: [] });
  });

  it('detects an altered entry, then a removed one', async () => {
    const db = new Database(database);
    try {
      db.prepare("UPDATE privacy_audit SET details = '{\"orders\":0}' WHERE tenant = 'm-1' AND seq = 1").run();
      const altered = await on('verify-audit');
      assert.equal(altered.code, 1);
      assert.deepEqual(JSON.parse(altered.stdout).breaks, [{ seq: 1, problem: 'was altered: its hash does not match its content' }]);
      db.prepare("DELETE FROM privacy_audit WHERE tenant = 'm-1' AND seq = 1").run();
      const removed = await on('verify-audit');
      assert.equal(removed.code, 1);
      assert.match(removed.stdout, /missing/);
    } finally {
      db.close();
    }
  });
});
