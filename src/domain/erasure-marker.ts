/**
 * Erasure markers (docs/contract.md §14): what is kept of an erased person is, per
 * identifier, a keyed hash (HMAC-SHA256 under a key derived from the server's secret key) of
 * its normalized form: no plain data, yet a later write bringing the same identifier is
 * recognized and, by default, refused with 409 SUBJECT_ERASED.
 */
import { createHmac } from 'node:crypto';
import type { Customer } from '../contract/customer.js';
import type { ExternalIdKey, IdentityKey } from '../store/engine.js';
import { normalizedOrUndefined } from './customer-resolution.js';

/** What a write of an erased person's identifiers does: `refuse` (default) or `accept` as a new person. */
export type AfterErasure = 'refuse' | 'accept';

export interface PrivacySettings {
  /** 32 bytes derived from the server's secret key; never the key itself. */
  markerKey: Buffer;
  afterErasure: AfterErasure;
}

const mac = (key: Buffer, parts: string[]): string => createHmac('sha256', key).update(JSON.stringify(parts)).digest('base64url');

export const identityMarker = (key: Buffer, identity: IdentityKey): string => mac(key, ['identity', identity.type, identity.value]);
export const externalIdMarker = (key: Buffer, e: ExternalIdKey): string => mac(key, ['externalId', e.source, e.key, e.value]);
/** The audit trail names a person by this keyed hash of the customer id, so it survives erasure without keeping it (§14). */
/** The purpose the marker key is derived under from the instance secret key (SecretBox.deriveKey). */
export const MARKER_KEY_PURPOSE = 'erasure-markers';

export const subjectMarker = (key: Buffer, customerId: string): string => mac(key, ['customer', customerId]);

/** The identifiers of one payload a marker may name: its identifier and its external ids. */
export function payloadMarkers(key: Buffer, customer: Customer): string[] {
  const out: string[] = [];
  const value = normalizedOrUndefined(customer.identifier.type, customer.identifier.value);
  if (value !== undefined) out.push(identityMarker(key, { type: customer.identifier.type, value }));
  for (const e of customer.externalIds ?? []) out.push(externalIdMarker(key, { source: e.source, key: e.key ?? '', value: e.value }));
  return out;
}

/**
 * Thrown when a write brings identifiers of an erased person and the server refuses them
 * (§14); answered 409 SUBJECT_ERASED with one `<pointer>: ...` line per item.
 */
export class SubjectErasedError extends Error {
  constructor(readonly details: string[]) {
    super(`${details.length} item(s) name a person whose data was erased; nothing was written`);
    this.name = 'SubjectErasedError';
  }
}
