/**
 * The token endpoint and Bearer checks: every Customer operation needs a valid token, and
 * each way a token can be wrong is refused with 401 and WWW-Authenticate (or 403 for a
 * missing scope). Attacks are built with jose against the server's real keys.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { SecretBox } from '../src/auth/secret-box.js';
import { addClient, caller, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';

/** Signs claims with the server's active private key, as only the server could. */
async function forge(server: TestServer, claims: Record<string, unknown>, options: { exp?: string; aud?: string; iss?: string } = {}): Promise<string> {
  const [record] = (await server.store.auth.listSigningKeys()).filter((k) => k.retiredAt === null);
  const box = new SecretBox(server.secretKey);
  const key = await importJWK(JSON.parse(box.decrypt(record.privateKey)) as JWK, 'EdDSA');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: record.kid })
    .setIssuer(options.iss ?? 'odc')
    .setAudience(options.aud ?? 'odc')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '1h')
    .sign(key);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

for (const kind of STORES) {
  describe(`token endpoint (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: {} });

    it('issues a bearer JWT for client credentials, form-encoded, JSON or HTTP Basic', async () => {
      const creds = await addClient(server, { merchants: ['m1'] });
      const form = await server.request(
        'POST',
        '/oauth/token',
        `grant_type=client_credentials&client_id=${creds.clientId}&client_secret=${creds.clientSecret}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
      assert.equal(form.status, 200);
      assert.equal(form.json.token_type, 'bearer');
      assert.equal(form.json.expires_in, 3600);
      assert.equal(form.json.expiresIn, 3600);
      assert.equal(form.json.scope, 'od.crm');
      assert.equal(form.headers.get('cache-control'), 'no-store');
      assert.equal(form.json.access_token.split('.').length, 3);
      const json = await server.request('POST', '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
      });
      assert.equal(json.status, 200);
      const basic = await server.request('POST', '/oauth/token', 'grant_type=client_credentials', {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`,
      });
      assert.equal(basic.status, 200);
      assert.equal((await caller(server, basic.json.access_token).get('/customers')).status, 200);
    });

    it('refuses wrong credentials, grants and scopes with OAuth and contract error fields', async () => {
      const creds = await addClient(server, { merchants: ['m1'] });
      const wrong = await server.request('POST', '/oauth/token', { grant_type: 'client_credentials', client_id: creds.clientId, client_secret: 'nope' });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error, 'invalid_client');
      assert.equal(wrong.json.code, 'UNAUTHORIZED');
      const unknown = await server.request('POST', '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: 'nobody',
        client_secret: creds.clientSecret,
      });
      assert.equal(unknown.status, 401);
      const grant = await server.request('POST', '/oauth/token', { grant_type: 'password', client_id: creds.clientId, client_secret: creds.clientSecret });
      assert.equal(grant.status, 400);
      assert.equal(grant.json.error, 'unsupported_grant_type');
      const scope = await server.request('POST', '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
        scope: 'od.all',
      });
      assert.equal(scope.status, 400);
      assert.equal(scope.json.error, 'invalid_scope');
      const missing = await server.request('POST', '/oauth/token', { grant_type: 'client_credentials' });
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error, 'invalid_request');
    });

    it('answers 401 with WWW-Authenticate for every way a token can be wrong', async () => {
      const creds = await addClient(server, { merchants: ['m1'] });
      const good = await tokenFor(server, creds);
      const [header, payload] = good.split('.');
      const claims = { client_id: creds.clientId, sub: creds.clientId, scope: 'od.crm' };
      const { privateKey: stranger } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;
      const attacks: Record<string, string | undefined> = {
        missing: undefined,
        'not bearer': `Basic ${Buffer.from('a:b').toString('base64')}`,
        'bearer without token': 'Bearer ',
        garbage: 'Bearer not-a-jwt',
        expired: `Bearer ${await forge(server, claims, { exp: '-1m' })}`,
        'wrong key': `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid }).setIssuer('odc').setAudience('odc').setExpirationTime('1h').sign(stranger)}`,
        'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
        'alg HS256 keyed with the public key': `Bearer ${await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid })
          .setIssuer('odc')
          .setAudience('odc')
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(JSON.stringify(server.auth!.tokens.jwks().keys[0])))}`,
        'wrong audience': `Bearer ${await forge(server, claims, { aud: 'someone-else' })}`,
        'wrong issuer': `Bearer ${await forge(server, claims, { iss: 'https://evil.example' })}`,
        'tampered payload': `Bearer ${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'od.all' })}.${good.split('.')[2]}`,
        'unknown client': `Bearer ${await forge(server, { client_id: 'ghost', scope: 'od.crm' })}`,
      };
      for (const [attack, authorization] of Object.entries(attacks)) {
        const res = await server.request('GET', '/customers', undefined, authorization === undefined ? {} : { authorization });
        assert.equal(res.status, 401, attack);
        assert.equal(res.json.code, 'UNAUTHORIZED', attack);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="odc"/, attack);
      }
      assert.equal((await caller(server, good).get('/customers')).status, 200, 'the genuine token works');
    });

    it('answers 403 insufficient_scope for a valid token without od.crm or od.all', async () => {
      const creds = await addClient(server, { merchants: ['m1'] });
      const token = await forge(server, { client_id: creds.clientId, scope: 'od.orders od.menu' });
      const res = await caller(server, token).post('/customers', [{ identifier: { type: 'custom', value: 'x' } }]);
      assert.equal(res.status, 403);
      assert.equal(res.json.code, 'FORBIDDEN');
      assert.match(res.headers.get('www-authenticate') ?? '', /insufficient_scope/);
      const all = await forge(server, { client_id: creds.clientId, scope: 'od.all' });
      assert.equal((await caller(server, all).get('/customers')).status, 200);
    });

    it('refuses an issued token as soon as its client is revoked', async () => {
      const creds = await addClient(server, { merchants: ['m1'] });
      const token = await tokenFor(server, creds);
      assert.equal((await caller(server, token).get('/leads')).status, 200);
      await server.auth!.clients.revoke(creds.clientId);
      const res = await caller(server, token).get('/leads');
      assert.equal(res.status, 401);
      assert.match(res.json.message, /revoked/);
      const renewed = await server.request('POST', '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
      });
      assert.equal(renewed.status, 401);
    });

    it('keeps tokens of a rotated key valid, signs new ones with the new key, and publishes both', async () => {
      const creds = await addClient(server, { merchants: ['m1'] });
      const before = await tokenFor(server, creds);
      const kid = await server.auth!.tokens.rotate();
      const after = await tokenFor(server, creds);
      assert.equal(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid, kid);
      assert.equal((await caller(server, before).get('/customers')).status, 200);
      assert.equal((await caller(server, after).get('/customers')).status, 200);
      const jwks = await server.request('GET', '/.well-known/jwks.json');
      assert.ok(jwks.json.keys.some((k: { kid: string }) => k.kid === kid));
      assert.ok(jwks.json.keys.length >= 2);
      assert.ok(
        jwks.json.keys.every((k: Record<string, unknown>) => k.d === undefined),
        'no private part',
      );
    });

    it('requires a token on every operation, and keeps the keys across a restart', async () => {
      const creds = await addClient(server, { merchants: ['m1'] });
      const token = await tokenFor(server, creds);
      await server.restart();
      assert.equal((await caller(server, token).get('/customers')).status, 200, 'tokens survive a restart');
      for (const [method, path] of [
        ['GET', '/customers'],
        ['POST', '/customers'],
        ['GET', '/customers/x'],
        ['GET', '/leads'],
        ['POST', '/customers/leads'],
        ['GET', '/orders/x'],
        ['POST', '/orders'],
        ['GET', '/reviews'],
        ['POST', '/reviews'],
        ['GET', '/customers/x/reviews'],
        ['GET', '/reviews/x'],
        ['GET', '/customer/events'],
        ['POST', '/customer/events'],
      ]) {
        const res = await server.request(method, path, method === 'POST' ? [] : undefined);
        assert.equal(res.status, 401, `${method} ${path}`);
      }
    });
  });
}
