/**
 * Signed inbound events (authentication spec, "Webhook Signing"): `POST /customer/events`
 * from a sender whose secret is known must carry `X-App-Id` (the sender's client id),
 * `X-App-MerchantId` (the merchant the request acts for) and `X-App-Signature`, the
 * lowercase hex HMAC-SHA256 of the raw body, compared in constant time. A bad signature is a
 * 401 and nothing is stored.
 *
 * Modes: `required` (every event is signed, and a sender without a registered secret is
 * refused), `optional` (events of senders with a registered secret must be signed; others
 * pass), `off` (headers ignored).
 */
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { signatureHeaders, verifyBodySignature } from '../contract/auth.js';
import { ContractError } from '../contract/errors.js';

function refused(message: string): ContractError {
  return new ContractError('UNAUTHORIZED', message, [], {
    'www-authenticate': 'Signature realm="odc", headers="X-App-Id X-App-MerchantId", algorithm="hmac-sha256"',
  });
}

export async function verifyEventSignature(auth: AuthService | undefined, request: FastifyRequest): Promise<void> {
  if (!auth || auth.signatureMode === 'off') return;
  const client = request.clientId ? await auth.clients.lookup(request.clientId) : undefined;
  const secret = client ? auth.clients.signingSecretOf(client) : undefined;
  if (!secret) {
    if (auth.signatureMode === 'required') refusedNoSecret();
    return;
  }
  const appId = request.headers[signatureHeaders.appId];
  const merchantId = request.headers[signatureHeaders.merchantId];
  const signature = request.headers[signatureHeaders.signature];
  if (typeof signature !== 'string' || signature === '') throw refused('this sender signs its events: send X-App-Signature, the hex HMAC-SHA256 of the body');
  if (appId !== request.clientId) throw refused('X-App-Id must be the client id of the credentials');
  if (merchantId !== request.tenant) throw refused('X-App-MerchantId must name the merchant the request acts for');
  if (!verifyBodySignature(request.rawBody ?? Buffer.alloc(0), secret, signature.trim())) throw refused('X-App-Signature does not match the body');

  function refusedNoSecret(): never {
    throw refused('signed events are required and no signing secret is registered for this client');
  }
}
