/**
 * Client management: the admin API (`/admin/clients`, guarded by the admin key, served only
 * when one is configured) and the `odc clients` / `odc keys` commands on a database file.
 * Secrets are shown once and never listed; revocation and rotation bite at once on the
 * token endpoint, and revocation also refuses tokens already issued on this instance.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createAuthService } from '../src/auth/auth-service.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { caller } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';
import { BUILT_CLI } from './support/built-cli.js';

const ADMIN_KEY = 'admin-key-for-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

async function token(server: TestServer, clientId: string, clientSecret: string) {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  return server.request('POST', '/oauth/token', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
}

for (const kind of STORES) {
  describe(`admin API (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { adminKey: ADMIN_KEY, rateLimitPerSecond: 0 } });
    const create = (body: unknown, headers: Record<string, string> = admin) => server.request('POST', '/admin/clients', body, headers);
    const routes: [string, string, unknown][] = [
      ['GET', '/admin/clients', undefined],
      ['POST', '/admin/clients', { name: 'x', merchants: ['m1'] }],
      ['POST', '/admin/clients/some-id/revoke', {}],
      ['POST', '/admin/clients/some-id/rotate-secret', {}],
    ];

    it('answers 401 on every admin route without the key or with a wrong one, and changes nothing', async () => {
      const wrong: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong-key-wrong-key-wrong' },
        { 'x-admin-key': 'wrong-key-wrong-key-wrong' },
        { authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` },
        { authorization: `Bearer ${ADMIN_KEY}x` },
      ];
      for (const [method, path, body] of routes) {
        for (const headers of wrong) {
          const res = await server.request(method, path, body, headers);
          assert.equal(res.status, 401, `${method} ${path} with ${JSON.stringify(Object.keys(headers))}`);
          assert.equal(res.json.code, 'UNAUTHORIZED');
        }
      }
      assert.deepEqual((await server.request('GET', '/admin/clients', undefined, admin)).json, [], 'no client was created');
    });

    it('accepts the key as Authorization: Bearer and as X-Admin-Key', async () => {
      assert.equal((await server.request('GET', '/admin/clients', undefined, admin)).status, 200);
      assert.equal((await server.request('GET', '/admin/clients', undefined, { 'x-admin-key': ADMIN_KEY })).status, 200);
      assert.equal((await create({ name: 'by header', merchants: ['m1'] }, { 'x-admin-key': ADMIN_KEY })).status, 201);
    });

    it('creates a client with 201 and its secret once; the list never shows a secret or hash', async () => {
      const given = 'a-signing-secret-given-by-the-operator';
      const res = await create({ name: 'pos', model: 'application', merchants: ['m1', 'm2'], scopes: ['od.crm'], signingSecret: given });
      assert.equal(res.status, 201);
      const created = res.json;
      assert.equal(typeof created.clientId, 'string');
      assert.match(created.clientSecret, /.{32,}/);
      assert.deepEqual(created.merchants, ['m1', 'm2']);
      assert.equal(created.signsMessages, true);
      assert.equal(created.revokedAt, null);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal((await token(server, created.clientId, created.clientSecret)).status, 200, 'the secret works at /oauth/token');
      const plain = (await create({ name: 'plain', merchants: ['m3'] })).json;
      assert.equal(plain.signingSecret, undefined, 'no signing secret unless asked for');
      assert.equal(plain.signsMessages, false);
      const list = await server.request('GET', '/admin/clients', undefined, admin);
      assert.equal(list.status, 200);
      assert.ok((list.json as any[]).some((c) => c.clientId === created.clientId && c.name === 'pos'));
      for (const secret of [created.clientSecret, given, plain.clientSecret]) assert.ok(!list.text.includes(secret), 'no secret in the list');
      assert.ok(!list.text.includes('scrypt$'), 'no hash in the list');
      for (const c of list.json as any[]) {
        assert.equal(c.clientSecret, undefined);
        assert.equal(c.secretHash, undefined);
        assert.equal(c.signingSecret, undefined);
      }
    });

    it('generates a signing secret on request (signingSecret: "generate"), shown once', async () => {
      const res = await create({ name: 'signer', merchants: ['m1'], signingSecret: 'generate' });
      assert.equal(res.status, 201, res.text);
      assert.match(res.json.clientSecret, /.{32,}/);
      assert.match(res.json.signingSecret, /.{32,}/);
      assert.notEqual(res.json.signingSecret, 'generate');
      assert.equal(res.json.signsMessages, true);
      const list = await server.request('GET', '/admin/clients', undefined, admin);
      assert.ok(!list.text.includes(res.json.signingSecret), 'no signing secret in the list');
      assert.ok(!list.text.includes(res.json.clientSecret), 'no client secret in the list');
    });

    it('refuses invalid client bodies with 400 naming the field, and creates nothing', async () => {
      const before = (await server.request('GET', '/admin/clients', undefined, admin)).json.length;
      const cases: [unknown, RegExp][] = [
        [{ merchants: ['m1'] }, /name/],
        [{ name: '', merchants: ['m1'] }, /name/],
        [{ name: 'x' }, /merchants/],
        [{ name: 'x', merchants: 'm1' }, /merchants/],
        [{ name: 'x', merchants: [1] }, /merchants/],
        [{ name: 'x', merchants: [] }, /merchants/],
        [{ name: 'x', merchants: ['m1'], model: 'tenant' }, /model/],
        [{ name: 'x', merchants: ['m1'], scopes: 'od.crm' }, /scopes/],
        [{ name: 'x', merchants: ['m1'], signingSecret: 'short' }, /signingSecret/],
        [{ name: 'x', model: 'merchant', merchants: ['m1', 'm2'] }, /merchants/],
        [{ name: 'x', merchants: ['m1'], scopes: ['od.orders'] }, /scope/],
        [[], /name/],
      ];
      for (const [body, field] of cases) {
        const res = await create(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.json.code, 'VALIDATION_ERROR', JSON.stringify(body));
        assert.match(`${res.json.message} ${res.json.details.join(' ')}`, field, JSON.stringify(body));
      }
      assert.equal((await server.request('GET', '/admin/clients', undefined, admin)).json.length, before);
    });

    it('revokes a client: no new token, and the token already issued is refused at once', async () => {
      const client = (await create({ name: 'to revoke', model: 'merchant', merchants: ['m9'] })).json;
      const issued = await token(server, client.clientId, client.clientSecret);
      assert.equal(issued.status, 200);
      const as = caller(server, issued.json.access_token);
      assert.equal((await as.get('/customers')).status, 200, 'the token works before revocation');
      const revoked = await server.request('POST', `/admin/clients/${client.clientId}/revoke`, {}, admin);
      assert.equal(revoked.status, 200);
      assert.equal(typeof revoked.json.revokedAt, 'string');
      assert.equal(revoked.json.clientSecret, undefined);
      const again = await token(server, client.clientId, client.clientSecret);
      assert.equal(again.status, 401);
      assert.equal(again.json.error, 'invalid_client');
      const refused = await as.get('/customers');
      assert.equal(refused.status, 401);
      assert.equal(refused.json.code, 'UNAUTHORIZED');
      assert.equal((await as.post('/leads', [{ id: 'after-revoke' }])).status, 401);
      const listed = (await server.request('GET', '/admin/clients', undefined, admin)).json.find((c: any) => c.clientId === client.clientId);
      assert.equal(listed.revokedAt, revoked.json.revokedAt);
    });

    it('rotates a secret: the old one is refused at /oauth/token, the new one works', async () => {
      const client = (await create({ name: 'to rotate', merchants: ['m1'] })).json;
      const rotated = await server.request('POST', `/admin/clients/${client.clientId}/rotate-secret`, {}, admin);
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.json.clientSecret, client.clientSecret);
      const old = await token(server, client.clientId, client.clientSecret);
      assert.equal(old.status, 401);
      assert.equal(old.json.error, 'invalid_client');
      const fresh = await token(server, client.clientId, rotated.json.clientSecret);
      assert.equal(fresh.status, 200);
      assert.equal((await caller(server, fresh.json.access_token).get('/customers')).status, 200);
    });

    it('answers 404 to revoke or rotate an unknown client', async () => {
      for (const action of ['revoke', 'rotate-secret']) {
        const res = await server.request('POST', `/admin/clients/no-such-client/${action}`, {}, admin);
        assert.equal(res.status, 404, action);
        assert.equal(res.json.code, 'NOT_FOUND', action);
      }
    });
  });

  describe(`admin API without an admin key (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: {} });

    it('is not served', async () => {
      for (const headers of [{}, { authorization: 'Bearer anything-at-all-1234' }] as Record<string, string>[]) {
        const list = await server.request('GET', '/admin/clients', undefined, headers);
        assert.equal(list.status, 404);
        assert.equal(list.json.code, 'NOT_FOUND');
        assert.equal((await server.request('POST', '/admin/clients', { name: 'x', merchants: ['m1'] }, headers)).status, 404);
      }
      assert.equal((await server.auth!.clients.list()).length, 0);
    });
  });
}

describe('odc clients and odc keys on a database file', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let dir: string;
  let database: string;
  let keyFile: string;
  const env = { ...process.env };
  for (const name of ['ODC_SECRET_KEY', 'ODC_SECRET_KEY_FILE', 'DATABASE_URL']) delete env[name];

  const odc = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [BUILT_CLI, ...args, '--database', database, '--secret-key-file', keyFile], {
      cwd: root,
      env,
      timeout: 60_000,
    });
    return { text: stdout, json: JSON.parse(stdout) };
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'odc-cli-'));
    database = join(dir, 'odc.db');
    keyFile = join(dir, 'secret.key');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists, revokes and rotates clients and signing keys; the database verifies the secrets', async () => {
    const added = (await odc('clients', 'add', '--name', 'x', '--merchant', 'm1')).json;
    assert.equal(typeof added.clientId, 'string');
    assert.match(added.clientSecret, /.{32,}/);
    assert.deepEqual(added.merchants, ['m1']);

    const list = await odc('clients', 'list');
    assert.ok((list.json as any[]).some((c) => c.clientId === added.clientId && c.name === 'x'));
    assert.ok(!list.text.includes(added.clientSecret), 'no secret in the list');
    assert.ok(!list.text.includes('scrypt$'), 'no hash in the list');

    const revoked = (await odc('clients', 'revoke', added.clientId)).json;
    assert.equal(revoked.clientId, added.clientId);
    assert.equal(typeof revoked.revokedAt, 'string');

    const fresh = (await odc('clients', 'add', '--name', 'y', '--merchant', 'm2')).json;
    const rotated = (await odc('clients', 'rotate-secret', fresh.clientId)).json;
    assert.equal(rotated.clientId, fresh.clientId);
    assert.match(rotated.clientSecret, /.{32,}/);
    assert.notEqual(rotated.clientSecret, fresh.clientSecret);

    const keys = (await odc('keys', 'rotate')).json;
    assert.equal(typeof keys.activeKid, 'string');

    const store = new SqliteStore({ filename: database });
    try {
      const auth = await createAuthService(store, { keyFile });
      assert.ok(await auth.clients.authenticate(fresh.clientId, rotated.clientSecret), 'the rotated secret verifies');
      assert.equal(await auth.clients.authenticate(fresh.clientId, fresh.clientSecret), undefined, 'the old secret does not');
      assert.equal(await auth.clients.authenticate(added.clientId, added.clientSecret), undefined, 'a revoked client does not');
      assert.ok(
        auth.tokens.jwks().keys.some((k) => k.kid === keys.activeKid),
        'the rotated key is published',
      );
      const { token } = await auth.tokens.issue(fresh.clientId, ['od.crm']);
      assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid, keys.activeKid, 'new tokens are signed with the new key');
    } finally {
      await store.close();
    }
  });
});
