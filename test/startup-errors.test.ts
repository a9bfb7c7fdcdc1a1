/**
 * Start-up failures name the fix: each case runs the real CLI and checks the message says
 * which flag, path or database is at fault and what to do, and that every command that opens
 * a database says which one on stderr.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PG_ADMIN_URL, STORES } from './support/stores.js';
import { BUILT_CLI } from './support/built-cli.js';

const CLI = BUILT_CLI;
const baseEnv = { ...process.env };
for (const name of ['ODC_SECRET_KEY', 'ODC_SECRET_KEY_FILE', 'DATABASE_URL', 'PORT', 'ODC_ADMIN_KEY']) delete baseEnv[name];

function odc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...baseEnv, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('start-up errors that name the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-startup-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a port in use names --port and PORT', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const run = await odc(['serve', '--port', String(port), '--database', join(dir, 'port', 'odc.db')]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`port ${port} is already in use on 127\\.0\\.0\\.1.*--port or PORT`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('an odd database path gives the path and the reason', async () => {
    const cases: Array<[string, RegExp]> = [
      [dir, /cannot open the SQLite database .*: the path is a directory, not a file/],
      [join(dir, 'a-file', 'odc.db'), /a parent of the path is a file, not a directory/],
      [join(dir, 'junk.db'), /the file exists but is not a SQLite database/],
    ];
    writeFileSync(join(dir, 'a-file'), 'x');
    writeFileSync(join(dir, 'junk.db'), 'not sqlite at all, not at all, not at all, not at all, not at all, not at all, not at all');
    for (const [database, reason] of cases) {
      const run = await odc(['clients', 'list', '--database', database, '--secret-key-file', join(dir, 'k')]);
      assert.equal(run.code, 1, database);
      assert.ok(run.stderr.includes(`odc: database SQLite ${database}\n`), `names the database first: ${run.stderr}`);
      assert.ok(run.stderr.includes(database), 'gives the path');
      assert.match(run.stderr, reason);
      assert.match(run.stderr, /--database \/ DATABASE_URL/);
    }
  });

  it('a secret key that does not match the database says so, instead of an AES-GCM error', async () => {
    const database = join(dir, 'keyed', 'odc.db');
    mkdirSync(join(dir, 'keyed'));
    const made = await odc(['clients', 'add', '--name', 'x', '--merchant', 'm', '--database', database, '--secret-key-file', join(dir, 'key-a')]);
    assert.equal(made.code, 0, made.stderr);
    const wrong = await odc(['clients', 'list', '--database', database], { ODC_SECRET_KEY: randomBytes(32).toString('base64') });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /the instance key \(ODC_SECRET_KEY\) does not match the database SQLite .*keyed\/odc\.db/);
    assert.doesNotMatch(wrong.stderr, /Unsupported state/);
  });

  it('PostgreSQL requires ODC_SECRET_KEY (or --secret-key-file) rather than making a key file per directory', async () => {
    const run = await odc(['clients', 'list', '--database', 'postgres://postgres@127.0.0.1:5432/odc_never_opened']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /on PostgreSQL the instance key must be given.*ODC_SECRET_KEY/);
  });

  it('a PostgreSQL database that does not exist hints at createdb', {
    skip: !STORES.some((s) => s.name === 'postgres') && 'PostgreSQL not in ODC_TEST_STORES',
  }, async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/odc_missing_${randomBytes(4).toString('hex')}`;
    const run = await odc(['clients', 'list', '--database', url.toString()], { ODC_SECRET_KEY: randomBytes(32).toString('base64') });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /PostgreSQL database "odc_missing_\w+" does not exist on .*: create it first \(createdb -h \S+ odc_missing_\w+\)/);
  });
});
