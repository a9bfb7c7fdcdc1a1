/**
 * Files and logs (issue 13 §8): the SQLite database, its -wal and -shm, the data directory
 * and the key file are private to the owner; credentials in logged request URLs are redacted.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { loadSecretKey } from '../src/auth/secret-box.js';
import { redactUrl } from '../src/server/log-redaction.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { STORES } from './support/stores.js';
import { startTestServer } from './support/test-server.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('private files', () => {
  const root = mkdtempSync(join(tmpdir(), 'odc-modes-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const previousUmask = process.umask(0o022);
  after(() => process.umask(previousUmask));

  it('creates the data directory 0700 and the database, -wal and -shm 0600', async () => {
    const dir = join(root, 'fresh', 'data');
    const file = join(dir, 'odc.db');
    const store = new SqliteStore({ filename: file });
    try {
      await store.upsertCustomers('t', [{ identifier: { type: 'email', value: 'a@example.com' } }]);
      assert.equal(modeOf(dir).toString(8), '700');
      for (const path of [file, `${file}-wal`, `${file}-shm`]) assert.equal(modeOf(path).toString(8), '600', path);
    } finally {
      await store.close();
    }
  });

  it('tightens a database file left world-readable by an older version', async () => {
    const file = join(root, 'old.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const store = new SqliteStore({ filename: file });
    await store.close();
    assert.equal(modeOf(file).toString(8), '600');
  });

  it('creates the key file directory 0700', () => {
    const dir = join(root, 'keys', 'deep');
    loadSecretKey(join(dir, 'secret.key'), '');
    assert.equal(modeOf(dir).toString(8), '700');
    assert.equal(modeOf(join(dir, 'secret.key')).toString(8), '600');
  });
});

describe('redacted request URLs', () => {
  it('replaces the values of credential parameters and keeps everything else', () => {
    assert.equal(
      redactUrl('/customers?pageSize=5&access_token=abc&client_secret=s3&Password=p&code=c&x-api-key=k&cursor=Zm9v'),
      '/customers?pageSize=5&access_token=[REDACTED]&client_secret=[REDACTED]&Password=[REDACTED]&code=[REDACTED]&x-api-key=[REDACTED]&cursor=Zm9v',
    );
    assert.equal(redactUrl('/oauth/token?%74oken=abc'), '/oauth/token?%74oken=[REDACTED]');
    assert.equal(redactUrl('/customers/a?b'), '/customers/a?b');
    assert.equal(redactUrl('/customers'), '/customers');
  });

  for (const kind of STORES.filter((k) => k.name === 'sqlite')) {
    it('never writes a token or secret of a request URL to the log', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const server = await startTestServer(kind, { logger: { level: 'info', stream } });
      try {
        const res = await server.request('GET', '/customers?pageSize=5&access_token=tok-SECRET-1&client_secret=cs-SECRET-2&token=t-SECRET-3');
        assert.equal(res.status, 200);
      } finally {
        await server.stop();
      }
      const log = lines.join('');
      assert.match(log, /pageSize=5&access_token=\[REDACTED\]/);
      assert.doesNotMatch(log, /SECRET/);
    });
  }
});
