/**
 * Tokens of an external identity provider: verified against its JWKS (served here by a small
 * loopback server), accepted for clients registered in odc, which keep the merchant
 * authorizations (the spec keeps them out of the token).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { addClient, caller } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { startTestServer } from './support/test-server.js';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'odc-api';

for (const kind of STORES) {
  describe(`external issuer (${kind.name})`, () => {
    let idp: Server;
    let signingKey: CryptoKey;
    let server: Awaited<ReturnType<typeof startTestServer>>;

    before(async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      signingKey = privateKey;
      const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] });
      idp = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
      await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
      const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks`;
      server = await startTestServer(kind, { withAuth: { external: { jwksUrl, issuer: ISSUER, audience: AUDIENCE } } });
    });
    after(async () => {
      await server.stop();
      await new Promise((resolve) => idp.close(resolve));
    });

    const idpToken = (claims: Record<string, unknown>, audience = AUDIENCE) =>
      new SignJWT({ scope: 'od.crm', ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(signingKey);

    it('accepts a token of the external issuer for a registered client, scoped to its merchants', async () => {
      await addClient(server, { clientId: 'idp-client', merchants: ['m-ext'] });
      const token = await idpToken({ azp: 'idp-client' });
      const api = caller(server, token);
      assert.equal((await api.post('/customers', [{ identifier: { type: 'custom', value: 'ext' } }])).status, 200);
      assert.equal((await api.get('/customers/custom:ext')).status, 200);
      assert.equal((await api.get('/customers', { 'x-app-merchantid': 'm-other' })).status, 403);
    });

    it('refuses an unregistered client (403), a wrong audience (401) and a token it did not sign (401)', async () => {
      const unregistered = await caller(server, await idpToken({ client_id: 'stranger' })).get('/customers');
      assert.equal(unregistered.status, 403);
      const audience = await caller(server, await idpToken({ azp: 'idp-client' }, 'other-api')).get('/customers');
      assert.equal(audience.status, 401);
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ azp: 'idp-client', scope: 'od.crm' })
        .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(privateKey);
      assert.equal((await caller(server, forged).get('/customers')).status, 401);
    });
  });
}
