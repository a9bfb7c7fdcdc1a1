/**
 * The verified-token cache of the token service: a token verified once is not verified again
 * while it lives, but never outlives its `exp`, and a token that differs by one character is
 * never taken from it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SecretBox } from '../src/auth/secret-box.js';
import { TokenError, TokenService } from '../src/auth/token-service.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

describe('verified-token cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-tokens-'));
  const store = new SqliteStore({ filename: join(dir, 'odc.db') });
  const box = new SecretBox(randomBytes(32));
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a verified token until its exp, then refuses it as expired', async () => {
    let now = Date.now();
    const tokens = new TokenService(store.auth, box, { issuer: 'odc', audience: 'odc', ttlSeconds: 60, now: () => now });
    await tokens.init();
    const { token } = await tokens.issue('client-1', ['od.crm']);
    assert.equal((await tokens.verify(token)).clientId, 'client-1');
    assert.equal((await tokens.verify(token)).clientId, 'client-1', 'second time, from the cache');
    now += 61_000;
    await assert.rejects(tokens.verify(token), (e: unknown) => e instanceof TokenError && /expired/.test(e.message));
  });

  it('never takes a tampered token from the cache', async () => {
    const tokens = new TokenService(store.auth, box, { issuer: 'odc', audience: 'odc', ttlSeconds: 60 });
    await tokens.init();
    const { token } = await tokens.issue('client-2', ['od.crm']);
    await tokens.verify(token);
    const tampered = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    await assert.rejects(tokens.verify(tampered), TokenError);
  });
});
