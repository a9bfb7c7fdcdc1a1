/**
 * Identity rules: how values are compared, and how keys are derived when a payload has none
 * (docs/contract.md §5). Pure functions, shared by every store so both compare alike.
 */
import { createHash } from 'node:crypto';
import { ParseError, parsePhoneNumberWithError } from 'libphonenumber-js';
import { identifierTypes, type IdentifierType } from './customer.js';

/** Default region of phone numbers written without a country code (docs/contract.md §5). */
export const DEFAULT_PHONE_REGION = 'BR';

/** Why an identifier value cannot be compared, or undefined when it can. */
export type IdentifierProblem = string;

type Normalized = { value: string } | { problem: IdentifierProblem };

/** Unicode decimal digits of any script (full-width, Arabic-Indic...) as ASCII where NFKC maps them. */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => d.normalize('NFKC'));
}

/** libphonenumber-js's parse errors, in words a sender can act on. */
const PHONE_PARSE_PROBLEMS: Record<string, string> = {
  NOT_A_NUMBER: 'is not a phone number: it has no digits to read',
  INVALID_COUNTRY: 'is not a phone number: its country code is unknown (write +<country code> or a Brazilian number)',
  TOO_SHORT: 'is not a possible phone number: too few digits',
  TOO_LONG: 'is not a possible phone number: too many digits',
  INVALID_LENGTH: 'is not a possible phone number: wrong number of digits',
};

/**
 * A phone number in E.164, read with libphonenumber-js (Brazil when no country code is
 * given); an extension is kept apart as `;ext=N`, so `+5511999999999;ext=99` is another
 * identity than `+5511999999999`. An impossible number (wrong length for its country) has no
 * comparison form: merging on it would join people who share a fragment.
 */
function normalizePhoneValue(text: string): Normalized {
  let known = phoneForms.get(text);
  if (!known) {
    known = parsePhoneValue(text);
    if (phoneForms.size >= PHONE_FORMS_KEPT) phoneForms.clear();
    phoneForms.set(text, known);
  }
  return known;
}

/**
 * Phone forms already worked out, by text: parsing is the costliest normalization, and a
 * re-sent customer's 20 phones are parsed again to key the merge of docs/contract.md §5.8 on
 * every re-send (issue 13 §1). The function is pure, so a bounded memo changes no answer.
 */
const phoneForms = new Map<string, Normalized>();
const PHONE_FORMS_KEPT = 10_000;

function parsePhoneValue(text: string): Normalized {
  try {
    const parsed = parsePhoneNumberWithError(text, { defaultCountry: DEFAULT_PHONE_REGION });
    if (!parsed.isPossible()) return { problem: `is not a possible phone number for country code +${parsed.countryCallingCode}: wrong number of digits` };
    return { value: parsed.ext ? `${parsed.number};ext=${parsed.ext}` : parsed.number };
  } catch (error) {
    return { problem: PHONE_PARSE_PROBLEMS[error instanceof ParseError ? error.message : ''] ?? 'is not a phone number' };
  }
}

function normalize(type: string, value: string): Normalized {
  // NFC and trim before anything else: "josé" typed as e + U+0301 is the same text as é.
  const text = value.normalize('NFC').trim();
  switch (type) {
    case 'email':
      return { value: text.toLowerCase() };
    case 'phone':
      return normalizePhoneValue(text);
    case 'document': {
      // Letters are part of a document number (passports, RG with letters): AB123456 is not XY123456.
      const kept = asciiDigits(text)
        .toUpperCase()
        .replace(/[^\p{L}\p{N}]+/gu, '');
      return /\p{Nd}/u.test(kept) ? { value: kept } : { problem: 'must contain at least one digit' };
    }
    default:
      return { value: text };
  }
}

/**
 * The comparison form of an identifier value (docs/contract.md §5): every value NFC-normalized
 * and trimmed; e-mail lower-cased; phone in E.164 with any extension kept apart; document
 * upper-cased with letters and digits kept; external_id and custom as sent (case kept).
 * Returns `undefined` for a value the contract refuses (see identifierValueProblem).
 */
export function normalizeIdentifierValue(type: string, value: string): string | undefined {
  const result = normalize(type, value);
  return 'value' in result ? result.value : undefined;
}

/** Why the contract refuses this identifier value (400 naming the field), or undefined. */
export function identifierValueProblem(type: string, value: string): IdentifierProblem | undefined {
  const result = normalize(type, value);
  return 'problem' in result ? result.problem : undefined;
}

/** The key of an e-mail entry in `contacts.emails`. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/**
 * The key of a phone entry in `contacts.phones`: its E.164 form; a number that is not a
 * possible phone (contact entries are kept, not refused) is keyed by its digits, a leading
 * `+` kept, else by its NFC-trimmed text.
 */
export function normalizePhone(phone: string): string {
  const e164 = normalizeIdentifierValue('phone', phone);
  if (e164 !== undefined) return e164;
  const text = asciiDigits(phone.normalize('NFC').trim());
  const digits = text.replace(/\D+/g, '');
  if (digits === '') return text;
  return text.startsWith('+') ? `+${digits}` : digits;
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
