/**
 * Signed inbound events, `POST /customer/events` (authentication.openapi.yaml, "Webhook
 * Signing"): `X-App-Signature` is HMAC-SHA256 of the raw body under the client's signing
 * secret, as a lowercase hex string, with `X-App-Id` (the sender) and `X-App-MerchantId`.
 * A refused event is never stored. Modes: optional (the default: senders with a secret must
 * sign), required (every sender must sign), off (headers ignored).
 * The HMAC is computed here with node:crypto, independently of the server's code.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { IssuedCredentials } from '../src/auth/client-registry.js';
import { addClient, tokenFor } from './support/credentials.js';
import { STORES } from './support/stores.js';
import { useServer, type TestResponse, type TestServer } from './support/test-server.js';

const hmac = (body: string | Buffer, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

interface Sender {
  creds: IssuedCredentials;
  token: string;
}

async function sender(server: TestServer, signingSecret?: 'generate'): Promise<Sender> {
  const creds = await addClient(server, { model: 'merchant', merchants: ['m1'], ...(signingSecret ? { signingSecret } : {}) });
  return { creds, token: await tokenFor(server, creds) };
}

/** POSTs `body` byte for byte; `headers` replaces the defaults it names (undefined removes one). */
function publish(server: TestServer, from: Sender, body: string | Buffer, headers: Record<string, string | undefined> = {}): Promise<TestResponse> {
  const all: Record<string, string | undefined> = {
    authorization: `Bearer ${from.token}`,
    'content-type': 'application/json',
    'x-app-id': from.creds.clientId,
    'x-app-merchantid': 'm1',
    'x-app-signature': from.creds.signingSecret ? hmac(body, from.creds.signingSecret) : undefined,
    ...headers,
  };
  const sent = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  return server.request('POST', '/customer/events', typeof body === 'string' ? body : body.toString('utf8'), sent);
}

/** How many events of this type the sender's merchant holds. */
async function stored(server: TestServer, from: Sender, eventType: string): Promise<number> {
  const res = await server.request('GET', `/customer/events?eventType=${encodeURIComponent(eventType)}`, undefined, { authorization: `Bearer ${from.token}` });
  assert.equal(res.status, 200);
  return res.json.length;
}

const event = (eventType: string) => JSON.stringify({ eventType, occurredAt: '2026-06-01T12:00:00Z', customerId: 'c-sig', data: { n: 1 } });

/** Asserts a 401 UNAUTHORIZED and that nothing of this type was stored. */
async function assertRefused(server: TestServer, from: Sender, res: TestResponse, eventType: string, why: string): Promise<void> {
  assert.equal(res.status, 401, `${why}: ${res.text}`);
  assert.equal(res.json.code, 'UNAUTHORIZED', why);
  assert.equal(await stored(server, from, eventType), 0, `${why}: nothing stored`);
}

for (const kind of STORES) {
  describe(`signed events, mode optional (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { rateLimitPerSecond: 0 } });
    let signer: Sender;
    let plain: Sender;
    before(async () => {
      signer = await sender(server, 'generate');
      plain = await sender(server);
      assert.match(signer.creds.signingSecret ?? '', /.{16,}/, 'the client got a signing secret');
    });

    it('accepts and stores an event signed with lowercase hex HMAC-SHA256 of the body', async () => {
      const body = event('sig.valid');
      const res = await publish(server, signer, body);
      assert.equal(res.status, 202, res.text);
      assert.equal(await stored(server, signer, 'sig.valid'), 1);
    });

    it('refuses a signature made with another key', async () => {
      const body = event('sig.wrong-key');
      await assertRefused(
        server,
        signer,
        await publish(server, signer, body, { 'x-app-signature': hmac(body, 'another-secret-another-secret') }),
        'sig.wrong-key',
        'wrong key',
      );
    });

    it('refuses the signature of another body', async () => {
      const body = event('sig.other-body');
      const other = event('sig.other-body-2');
      await assertRefused(
        server,
        signer,
        await publish(server, signer, body, { 'x-app-signature': hmac(other, signer.creds.signingSecret!) }),
        'sig.other-body',
        'other body',
      );
      assert.equal(await stored(server, signer, 'sig.other-body-2'), 0);
    });

    it('refuses uppercase hex: the spec mandates a lowercased hexadecimal string', async () => {
      const body = event('sig.uppercase');
      const upper = hmac(body, signer.creds.signingSecret!).toUpperCase();
      await assertRefused(server, signer, await publish(server, signer, body, { 'x-app-signature': upper }), 'sig.uppercase', 'uppercase hex');
    });

    it('refuses malformed signatures: missing, empty, truncated, base64, prefixed', async () => {
      const body = event('sig.malformed');
      const good = hmac(body, signer.creds.signingSecret!);
      const variants: Record<string, string | undefined> = {
        missing: undefined,
        empty: '',
        truncated: good.slice(0, 32),
        base64: createHmac('sha256', signer.creds.signingSecret!).update(body).digest('base64'),
        prefixed: `sha256=${good}`,
      };
      for (const [why, signature] of Object.entries(variants)) {
        await assertRefused(server, signer, await publish(server, signer, body, { 'x-app-signature': signature }), 'sig.malformed', why);
      }
    });

    it('refuses a wrong or missing X-App-Id', async () => {
      const body = event('sig.app-id');
      await assertRefused(server, signer, await publish(server, signer, body, { 'x-app-id': plain.creds.clientId }), 'sig.app-id', 'another client id');
      await assertRefused(server, signer, await publish(server, signer, body, { 'x-app-id': undefined }), 'sig.app-id', 'no X-App-Id');
    });

    it('refuses a missing X-App-MerchantId (401), and one naming another merchant (403)', async () => {
      const body = event('sig.merchant');
      await assertRefused(server, signer, await publish(server, signer, body, { 'x-app-merchantid': undefined }), 'sig.merchant', 'no X-App-MerchantId');
      // The header also selects the tenant: a merchant the client is not authorized for is
      // FORBIDDEN before the signature is read (the same rule as every operation).
      const other = await publish(server, signer, body, { 'x-app-merchantid': 'm2' });
      assert.equal(other.status, 403, other.text);
      assert.equal(other.json.code, 'FORBIDDEN');
      assert.equal(await stored(server, signer, 'sig.merchant'), 0);
    });

    it('checks the raw bytes: odd whitespace, key order and non-ASCII text, signed as sent', async () => {
      const body = Buffer.from('\n{ "occurredAt" :"2026-06-01T12:00:00Z",\t"data":{"z":1,  "a":"coração 🍕"},\r\n  "eventType":   "sig.raw"  }\n  ', 'utf8');
      const res = await publish(server, signer, body, { 'x-app-signature': hmac(body, signer.creds.signingSecret!) });
      assert.equal(res.status, 202, res.text);
      assert.equal(await stored(server, signer, 'sig.raw'), 1);
      const body2 = Buffer.from(body.toString('utf8').replace('sig.raw', 'sig.reserialized'), 'utf8');
      const reserialized = JSON.stringify(JSON.parse(body2.toString('utf8')));
      await assertRefused(
        server,
        signer,
        await publish(server, signer, body2, { 'x-app-signature': hmac(reserialized, signer.creds.signingSecret!) }),
        'sig.reserialized',
        'signature of the re-serialized JSON',
      );
    });

    it('accepts an unsigned event from a client without a signing secret', async () => {
      const res = await publish(server, plain, event('sig.unsigned'));
      assert.equal(res.status, 202, res.text);
      assert.equal(await stored(server, plain, 'sig.unsigned'), 1);
    });
  });

  describe(`signed events, mode required (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { signatureMode: 'required', rateLimitPerSecond: 0 } });

    it('refuses every event of a client without a signing secret, and accepts a signed one', async () => {
      const plain = await sender(server);
      await assertRefused(server, plain, await publish(server, plain, event('req.unsigned')), 'req.unsigned', 'no secret registered');
      const signer = await sender(server, 'generate');
      assert.equal((await publish(server, signer, event('req.signed'))).status, 202);
      assert.equal(await stored(server, signer, 'req.signed'), 1);
      const body = event('req.bad');
      await assertRefused(server, signer, await publish(server, signer, body, { 'x-app-signature': hmac(body, 'not-the-secret') }), 'req.bad', 'bad signature');
    });
  });

  describe(`signed events, mode off (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { signatureMode: 'off', rateLimitPerSecond: 0 } });

    it('ignores signature headers, even a bad signature', async () => {
      const signer = await sender(server, 'generate');
      const body = event('off.bad');
      const res = await publish(server, signer, body, { 'x-app-signature': hmac(body, 'not-the-secret'), 'x-app-id': 'someone-else' });
      assert.equal(res.status, 202, res.text);
      assert.equal(await stored(server, signer, 'off.bad'), 1);
      assert.equal((await publish(server, signer, event('off.none'), { 'x-app-signature': undefined })).status, 202);
    });
  });
}
