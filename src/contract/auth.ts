/**
 * Authentication vocabulary of the Open Delivery protocol (authentication.en.md,
 * authentication.openapi.yaml) as far as the Customer capability uses it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Scopes that grant the Customer capability: `od.crm`, or `od.all` for compatibility. */
export const customerScopes = ['od.crm', 'od.all'] as const;

/** Scopes that grant the privacy operations (docs/contract.md §14): never `od.crm` alone. */
export const privacyScopes = ['od.privacy', 'od.all'] as const;

/** Every scope a client may be registered with. */
export const grantableScopes = [...customerScopes, 'od.privacy'] as const;

/** Model identifiers of the spec, with the discovery manifest's `clientIdGeneration` names. */
export const authModels = {
  application: { model: 'client_credentials_application', clientIdGeneration: 'by_app' },
  merchant: { model: 'client_credentials_merchant', clientIdGeneration: 'by_merchant' },
} as const;

/** Request headers of a signed message (webhook signing). */
export const signatureHeaders = {
  appId: 'x-app-id',
  merchantId: 'x-app-merchantid',
  signature: 'x-app-signature',
} as const;

/** `HMAC-SHA256(body, secret)` as a lowercase hex string: the value of X-App-Signature. */
export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Constant-time check of an X-App-Signature value against the body and secret. */
export function verifyBodySignature(body: Buffer | string, secret: string, signature: string): boolean {
  const expected = Buffer.from(signBody(body, secret), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
