/**
 * Mutations for the ContractValidator properties: each breaks exactly one rule of a valid
 * payload (from support/contract-arbitraries.ts) and names the JSON pointer it breaks. Also the
 * shared validator instance, the run count, `assertNames` (some issue names a pointer) and
 * `mutationProperty` (breaking any one rule always yields an issue at the broken location,
 * under the given base pointer).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContractValidator } from '../../src/contract/validation.js';
import { IDENTIFIER_TYPES, type Doc } from './contract-arbitraries.js';

export const RUNS = { numRuns: 300 };
export const validator = new ContractValidator();

export interface Mutation {
  name: string;
  /** Breaks a copy of `doc` in place; returns the pointer of the broken location. */
  apply(doc: Doc, n: number, s: string): string;
}

/** An index in [0, length] chosen from `n`, and the list (created if absent) to insert at. */
function insertAt(parent: Doc, key: string, n: number, entry: unknown): number {
  const list = Array.isArray(parent[key]) ? parent[key] : (parent[key] = []);
  const i = n % (list.length + 1);
  list.splice(i, 0, entry);
  return i;
}

function objectAt(parent: Doc, key: string): Doc {
  if (typeof parent[key] !== 'object' || parent[key] === null || Array.isArray(parent[key])) parent[key] = {};
  return parent[key];
}

const badIdentifierType = (s: string) => ['PHONE', 'Email', 'cpf', 'externalId', 'external-id', 'phone ', '', s];

export const customerMutations: Mutation[] = [
  { name: 'identifier dropped', apply: (c) => (delete c.identifier, '/identifier') },
  { name: 'identifier not an object', apply: (c, n) => ((c.identifier = ['phone:+55', null, 42, ['phone']][n % 4]), '/identifier') },
  { name: 'identifier.type dropped', apply: (c) => (delete c.identifier.type, '/identifier/type') },
  {
    name: 'identifier.type unknown',
    apply: (c, n, s) => {
      const bad = badIdentifierType(s).filter((t) => !(IDENTIFIER_TYPES as readonly string[]).includes(t));
      c.identifier.type = bad[n % bad.length];
      return '/identifier/type';
    },
  },
  { name: 'identifier.type not a string', apply: (c, n) => ((c.identifier.type = [1, true, null, {}][n % 4]), '/identifier/type') },
  { name: 'identifier.value dropped', apply: (c) => (delete c.identifier.value, '/identifier/value') },
  { name: 'identifier.value empty', apply: (c) => ((c.identifier.value = ''), '/identifier/value') },
  { name: 'identifier.value not a string', apply: (c, n) => ((c.identifier.value = [5511999999999, null, ['x'], { v: 1 }][n % 4]), '/identifier/value') },
  {
    name: 'phone/document identifier without a digit',
    apply: (c, n, s) => {
      c.identifier.type = n % 2 === 0 ? 'phone' : 'document';
      c.identifier.value = s.replace(/\d/g, '') || '+ (--) .';
      return '/identifier/value';
    },
  },
  { name: 'name a number', apply: (c, n) => ((c.name = n), '/name') },
  { name: 'name an object', apply: (c) => ((c.name = { first: 'Maria' }), '/name') },
  { name: 'document a string', apply: (c, _n, s) => ((c.document = s), '/document') },
  { name: 'contacts a string', apply: (c, _n, s) => ((c.contacts = s), '/contacts') },
  { name: 'contacts.emails not an array', apply: (c, _n, s) => ((objectAt(c, 'contacts').emails = s), '/contacts/emails') },
  {
    name: 'contacts.emails[i].email dropped',
    apply: (c, n) => `/contacts/emails/${insertAt(objectAt(c, 'contacts'), 'emails', n, { isPrimary: true })}/email`,
  },
  { name: 'contacts.emails[i].email empty', apply: (c, n) => `/contacts/emails/${insertAt(objectAt(c, 'contacts'), 'emails', n, { email: '' })}/email` },
  {
    name: 'contacts.phones[i].number dropped',
    apply: (c, n) => `/contacts/phones/${insertAt(objectAt(c, 'contacts'), 'phones', n, { type: 'mobile' })}/number`,
  },
  { name: 'externalIds an object', apply: (c) => ((c.externalIds = { source: 'PDV', value: 'C1' }), '/externalIds') },
  { name: 'externalIds[i].source dropped', apply: (c, n) => `/externalIds/${insertAt(c, 'externalIds', n, { key: 'k', value: 'v' })}/source` },
  { name: 'externalIds[i].value empty', apply: (c, n) => `/externalIds/${insertAt(c, 'externalIds', n, { source: 'PDV', value: '' })}/value` },
  { name: 'metadata an array', apply: (c) => ((c.metadata = ['vip']), '/metadata') },
  { name: 'metadata.customTags a string', apply: (c) => ((objectAt(c, 'metadata').customTags = 'vip'), '/metadata/customTags') },
  { name: 'addresses an object', apply: (c) => ((c.addresses = { city: 'São Paulo' }), '/addresses') },
  {
    name: 'addresses[i].coordinates.latitude out of range',
    apply: (c, n) => `/addresses/${insertAt(c, 'addresses', n, { coordinates: { latitude: 90.5 + (n % 100), longitude: 0 } })}/coordinates/latitude`,
  },
  {
    name: 'demographics.birthDate not a date',
    apply: (c, n) => ((objectAt(c, 'demographics').birthDate = ['June 1st', '01/06/1990', '1990-13-01'][n % 3]), '/demographics/birthDate'),
  },
  { name: 'createdAt without offset', apply: (c) => ((c.createdAt = '2026-06-01T12:00:00'), '/createdAt') },
];

export const reviewMutations: Mutation[] = [
  { name: 'reviewType dropped', apply: (r) => (delete r.reviewType, '/reviewType') },
  { name: 'reviewType unknown', apply: (r, n) => ((r.reviewType = ['order', 'DELIVERY', '', 'Order'][n % 4]), '/reviewType') },
  { name: 'overallRating dropped', apply: (r) => (delete r.overallRating, '/overallRating') },
  { name: 'overallRating a number', apply: (r, n) => ((r.overallRating = n), '/overallRating') },
  { name: 'overallRating.ratingStyle dropped', apply: (r) => (delete r.overallRating.ratingStyle, '/overallRating/ratingStyle') },
  {
    name: 'overallRating.ratingStyle unknown',
    apply: (r, n) => ((r.overallRating.ratingStyle = ['star', 'STARS', '5', ''][n % 4]), '/overallRating/ratingStyle'),
  },
  { name: 'overallRating.value dropped', apply: (r) => (delete r.overallRating.value, '/overallRating/value') },
  { name: 'overallRating.value a string', apply: (r, n) => ((r.overallRating.value = String(n)), '/overallRating/value') },
  { name: 'overallRating.value null', apply: (r) => ((r.overallRating.value = null), '/overallRating/value') },
  { name: 'reviewDate dropped', apply: (r) => (delete r.reviewDate, '/reviewDate') },
  { name: 'reviewDate without offset', apply: (r) => ((r.reviewDate = '2026-06-01T12:00:00'), '/reviewDate') },
  { name: 'reviewDate a date only', apply: (r) => ((r.reviewDate = '2026-06-01'), '/reviewDate') },
  { name: 'questions[i].questionId dropped', apply: (r, n) => `/questions/${insertAt(r, 'questions', n, { question: 'Was it hot?' })}/questionId` },
];

export const eventMutations: Mutation[] = [
  { name: 'eventType dropped', apply: (e) => (delete e.eventType, '/eventType') },
  { name: 'eventType empty', apply: (e) => ((e.eventType = ''), '/eventType') },
  { name: 'eventType not a string', apply: (e, n) => ((e.eventType = [n, null, ['ORDER_COMPLETED']][n % 3]), '/eventType') },
  { name: 'occurredAt dropped', apply: (e) => (delete e.occurredAt, '/occurredAt') },
  { name: 'occurredAt without offset', apply: (e) => ((e.occurredAt = '2026-06-01T12:30:00'), '/occurredAt') },
  { name: 'occurredAt not a date-time', apply: (e, n) => ((e.occurredAt = ['yesterday', '2026-06-01', '1717245000'][n % 3]), '/occurredAt') },
];

export const leadMutations: Mutation[] = [
  { name: 'contact a number', apply: (l, n) => ((l.contact = n), '/contact') },
  { name: 'contact an object without value', apply: (l) => ((l.contact = { type: 'email' }), '/contact') },
  { name: 'name a number', apply: (l, n) => ((l.name = n), '/name') },
  { name: 'externalIds[i].source dropped', apply: (l, n) => `/externalIds/${insertAt(l, 'externalIds', n, { value: 'L-1' })}/source` },
];

export const orderMutations: Mutation[] = [
  { name: 'id dropped', apply: (o) => (delete o.id, '/id') },
  { name: 'id a number', apply: (o, n) => ((o.id = n), '/id') },
  { name: 'id empty', apply: (o) => ((o.id = ''), '/id') },
  { name: 'displayId a number (canonical field of the wrong type)', apply: (o, n) => ((o.displayId = n), '/displayId') },
];

/** Asserts that some issue line names `pointer` (exactly, before the colon). */
export function assertNames(issues: string[], pointer: string, what: string): void {
  assert.ok(
    issues.some((line) => line.startsWith(`${pointer}: `)),
    `${what}: expected an issue at ${pointer}, got ${JSON.stringify(issues)}`,
  );
}

export function mutationProperty(kind: Parameters<ContractValidator['check']>[0], arb: fc.Arbitrary<Doc>, mutations: Mutation[]) {
  fc.assert(
    fc.property(
      arb,
      fc.constantFrom(...mutations),
      fc.nat(),
      fc.string({ maxLength: 10 }),
      fc.constantFrom('', '/0', '/items/17'),
      (doc, mutation, n, s, base) => {
        const broken = structuredClone(doc);
        const pointer = mutation.apply(broken, n, s);
        const issues = validator.check(kind, broken, base);
        assert.ok(issues.length > 0, `${mutation.name}: no issue for ${JSON.stringify(broken)}`);
        assertNames(issues, base + pointer, mutation.name);
        for (const line of issues) assert.ok(line.startsWith(`${base}/`) || line.startsWith(`${base}: `), `issue not under ${base || 'the root'}: ${line}`);
      },
    ),
    { numRuns: Math.max(RUNS.numRuns, mutations.length * 25) },
  );
}
