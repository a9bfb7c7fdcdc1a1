/**
 * Tokens die with the secret that obtained them (issue 13 §9): after `odc clients
 * rotate-secret`, tokens issued before are refused, as after a revocation, so a leaked secret
 * cannot leave a working token behind for the rest of its lifetime.
 *
 * Each token carries the client's `secretUpdatedAt` at issuance (claim SECRET_STAMP_CLAIM); a
 * token whose stamp differs from the client's current one predates a rotation. Tokens issued
 * without the claim are compared by `iat` (seconds) with the rotation time.
 */
import type { JWTPayload } from 'jose';
import type { ClientRecord } from '../store/auth-store.js';

/** Private claim: the secret version (its `secretUpdatedAt`) the token was issued under. */
export const SECRET_STAMP_CLAIM = 'odc_sv';

/** The claims to put in a token issued to this client. */
export function secretStampClaims(client: Pick<ClientRecord, 'secretUpdatedAt'>): Record<string, string> {
  return { [SECRET_STAMP_CLAIM]: client.secretUpdatedAt };
}

/** True when the token was issued under a secret the client has since rotated. */
export function predatesSecretRotation(payload: JWTPayload, client: Pick<ClientRecord, 'secretUpdatedAt'>): boolean {
  const stamp = payload[SECRET_STAMP_CLAIM];
  if (typeof stamp === 'string') return stamp !== client.secretUpdatedAt;
  const rotatedAt = Date.parse(client.secretUpdatedAt);
  return typeof payload.iat === 'number' && Number.isFinite(rotatedAt) && payload.iat < Math.floor(rotatedAt / 1000);
}
