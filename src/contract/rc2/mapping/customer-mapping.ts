/**
 * rc.2 Customer <-> seed Customer, field by field (docs/bindings.md, "Customer").
 *
 * - `birthDate` <-> `demographics.birthDate`; the rest of `demographics` (gender) travels
 *   as `demographics` in the rc.2 view.
 * - `contacts[]` (ContactPoint) <-> `contacts.phones[]` / `contacts.emails[]` /
 *   `contacts.others[]`; a seed phone's `type` label travels as `label`, and any other key
 *   of a contact entry as itself.
 * - `consents[]`, `merchantId`, and every field the seed has no place for are kept as sent
 *   (the seed's Customer keeps unknown fields, docs/contract.md §3); seed-only fields
 *   (`document`, `consent`, `externalIds[].key`...) pass into the rc.2 view unchanged.
 * Both directions are pure and inverse to each other on what they accept.
 */
import { isPlainObject, objectAt, put, rest, type JsonObject } from './json-object.js';

const CONTACT_LISTS = ['phones', 'emails', 'others'] as const;

function contactToSeed(point: JsonObject): { list: (typeof CONTACT_LISTS)[number]; entry: JsonObject } {
  const { type, value, label, ...others } = point;
  switch (type) {
    case 'phone': {
      const entry: JsonObject = { number: value };
      put(entry, 'type', label);
      return { list: 'phones', entry: { ...entry, ...others } };
    }
    case 'email':
      return { list: 'emails', entry: { email: value, ...(label === undefined ? {} : { label }), ...others } };
    default: {
      const entry: JsonObject = { value };
      put(entry, 'type', label);
      return { list: 'others', entry: { ...entry, ...others } };
    }
  }
}

/** rc.2 `contacts[]` (and a `contactsExtra` object from a seed record) -> seed `contacts`. */
export function contactsToSeed(points: unknown, extra: unknown): JsonObject {
  const lists: Record<string, JsonObject[]> = {};
  if (Array.isArray(points))
    for (const point of points) {
      if (!isPlainObject(point)) continue;
      const { list, entry } = contactToSeed(point);
      lists[list] ??= [];
      lists[list].push(entry);
    }
  return { ...objectAt(extra), ...lists };
}

/** Seed `contacts` -> rc.2 `contacts[]` (phones, then emails, then others) and what is left. */
export function contactsFromSeed(contacts: JsonObject): { points: JsonObject[]; extra: JsonObject | undefined } {
  const points: JsonObject[] = [];
  for (const phone of Array.isArray(contacts.phones) ? contacts.phones : []) {
    if (!isPlainObject(phone)) continue;
    const { number, type, ...others } = phone;
    const point: JsonObject = { type: 'phone', value: number };
    put(point, 'label', type);
    points.push({ ...point, ...others });
  }
  for (const email of Array.isArray(contacts.emails) ? contacts.emails : []) {
    if (!isPlainObject(email)) continue;
    const { email: address, ...others } = email;
    points.push({ type: 'email', value: address, ...others });
  }
  for (const other of Array.isArray(contacts.others) ? contacts.others : []) {
    if (!isPlainObject(other)) continue;
    const { value, type, ...others } = other;
    const point: JsonObject = { type: 'other', value };
    put(point, 'label', type);
    points.push({ ...point, ...others });
  }
  return { points, extra: rest(contacts, CONTACT_LISTS) };
}

/** An rc.2 Customer as the seed's Customer, keys in the order received. */
export function customerToSeed(customer: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(customer)) {
    switch (key) {
      case 'birthDate':
      case 'demographics': {
        if ('demographics' in out) break;
        const demographics = { ...objectAt(customer.demographics) };
        put(demographics, 'birthDate', customer.birthDate);
        out.demographics = demographics;
        break;
      }
      case 'contacts':
      case 'contactsExtra':
        if ('contacts' in out) break;
        out.contacts = contactsToSeed(customer.contacts, customer.contactsExtra);
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

/** A stored (seed) Customer as the rc.2 Customer, keys in the stored order. */
export function customerFromSeed(customer: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(customer)) {
    if (key === 'demographics' && isPlainObject(value)) {
      put(out, 'birthDate', typeof value.birthDate === 'string' ? value.birthDate : undefined);
      const remaining = rest(value, typeof value.birthDate === 'string' ? ['birthDate'] : []);
      put(out, 'demographics', remaining);
    } else if (key === 'contacts' && isPlainObject(value)) {
      const { points, extra } = contactsFromSeed(value);
      out.contacts = points;
      put(out, 'contactsExtra', extra);
    } else {
      out[key] = value;
    }
  }
  return out;
}
