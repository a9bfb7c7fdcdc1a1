/**
 * rc.2 Lead <-> seed Lead (docs/bindings.md, "Lead"). The seed's Lead already accepts the
 * committee's ContactPoint object as `contact`, so an rc.2 lead is stored as sent. A seed lead
 * whose `contact` is a plain string is shown to rc.2 clients as a ContactPoint whose type is
 * read from the text (an `@` makes an e-mail, a phone-like text a phone, else other).
 */
import type { JsonObject } from './json-object.js';

const PHONE_LIKE = /^\+?[\d\s().-]{6,}$/;

export function contactPointOf(text: string): JsonObject {
  const type = text.includes('@') ? 'email' : PHONE_LIKE.test(text.trim()) ? 'phone' : 'other';
  return { type, value: text };
}

export function leadToSeed(lead: JsonObject): JsonObject {
  return { ...lead };
}

export function leadFromSeed(lead: JsonObject): JsonObject {
  return typeof lead.contact === 'string' ? { ...lead, contact: contactPointOf(lead.contact) } : lead;
}
