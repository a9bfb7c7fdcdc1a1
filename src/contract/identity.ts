/**
 * Identity rules: how values are compared, and how keys are derived when a payload has none
 * (docs/contract.md §5). Pure functions, shared by every store so both compare alike.
 */
import { createHash } from 'node:crypto';
import { identifierTypes, type IdentifierType } from './customer.js';

/**
 * The comparison form of an identifier value: e-mail trimmed and lower-cased; phone and
 * document reduced to digits, phone keeping a leading `+`; other types as sent.
 * Returns `undefined` when a phone or document keeps no digit, which the contract refuses.
 */
export function normalizeIdentifierValue(type: string, value: string): string | undefined {
  switch (type) {
    case 'email':
      return value.trim().toLowerCase();
    case 'phone': {
      const trimmed = value.trim();
      const digits = trimmed.replace(/\D+/g, '');
      if (digits === '') return undefined;
      return trimmed.startsWith('+') ? `+${digits}` : digits;
    }
    case 'document': {
      const digits = value.replace(/\D+/g, '');
      return digits === '' ? undefined : digits;
    }
    default:
      return value;
  }
}

/** The key of an e-mail entry in `contacts.emails`. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The key of a phone entry in `contacts.phones`: its digits, with a leading `+` kept. */
export function normalizePhone(phone: string): string {
  return normalizeIdentifierValue('phone', phone) ?? phone.trim();
}

export function isIdentifierType(type: string): type is IdentifierType {
  return (identifierTypes as readonly string[]).includes(type);
}

/**
 * Splits the `<type>:<value>` form of a customer reference at its first colon
 * (docs/contract.md §5), or returns undefined when the prefix is not an identifier type.
 */
export function splitTypedReference(ref: string): { type: IdentifierType; value: string } | undefined {
  const colon = ref.indexOf(':');
  if (colon <= 0) return undefined;
  const type = ref.slice(0, colon);
  const value = ref.slice(colon + 1);
  if (!isIdentifierType(type) || value === '') return undefined;
  return { type, value };
}

/**
 * Event type names are compared case-insensitively with `.` and `_` alike, so that
 * `customer.opted_out` and `CUSTOMER_OPTED_OUT` are one type.
 */
export function normalizeEventType(eventType: string): string {
  return eventType.trim().toLowerCase().replace(/\./g, '_');
}

export const OPT_OUT_EVENT = normalizeEventType('customer.opted_out');
export const OPT_IN_EVENT = normalizeEventType('customer.opted_in');

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** A short, stable key derived from content, for records sent without their own key. */
export function contentKey(prefix: string, value: unknown): string {
  return `${prefix}_${createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 27)}`;
}

/**
 * The idempotency key of an event: `id`, else `eventId`, else a hash of
 * `(eventType, occurredAt, customerId, data)` (docs/contract.md §5).
 */
export function eventKey(event: { id?: string; eventId?: string; eventType: string; occurredAt: string; customerId?: string; data?: unknown }): string {
  if (event.id) return event.id;
  if (event.eventId) return event.eventId;
  return contentKey('evt', [event.eventType, event.occurredAt, event.customerId ?? null, event.data ?? null]);
}
