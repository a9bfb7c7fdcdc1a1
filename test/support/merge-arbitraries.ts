/**
 * Generators and path helpers for the customer-enrichment laws (docs/contract.md §5): stored
 * customer documents (null-free, union lists without duplicate keys) and re-sent patches (any
 * optional field may be null, union lists may repeat keys), built from small pools so that
 * merges meet shared fields and colliding keys. The union keys are computed here independently
 * of src/ (email trimmed and lower-cased; phone in E.164 from a table of the pool's numbers;
 * externalIds by source + key), so that a wrong key function in src/ makes the tests fail.
 */
import fc from 'fast-check';
import type { JsonObject } from '../../src/contract/merge.js';

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Plain JSON: ordinary prototypes, no undefined, no -0. */
export function json<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return arb.map((v) => JSON.parse(JSON.stringify(v)) as T);
}

/** Optional value that a patch may also set to null (clearable). */
function maybeNull<T>(arb: fc.Arbitrary<T>, nulls: boolean): fc.Arbitrary<T | null> {
  return nulls ? fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) }) : arb;
}

const shortString = fc.string({ maxLength: 6 });
const smallKey = fc.constantFrom('a', 'b', 'c', 'd');

/** Free-form JSON objects with few, colliding keys, so that merges meet shared fields. */
function freeObject(nulls: boolean): fc.Arbitrary<JsonObject> {
  const leaf = nulls ? fc.oneof(shortString, fc.integer(), fc.boolean(), fc.constant(null)) : fc.oneof(shortString, fc.integer(), fc.boolean());
  const { object } = fc.letrec<{ value: unknown; object: JsonObject }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, fc.array(fc.oneof(shortString, fc.integer()), { maxLength: 3 }), tie('object')),
    object: fc.dictionary(smallKey, tie('value'), { maxKeys: 3 }),
  }));
  return object;
}

export const identifierTypes = ['document', 'phone', 'email', 'external_id', 'custom'] as const;

/** E-mails from a small pool, written with varying case and surrounding spaces. */
const emailText = fc
  .tuple(
    fc.constantFrom('ana@example.com', 'Maria.Silva@Example.com', 'joao@x.org'),
    fc.constantFrom('', ' ', '  '),
    fc.constantFrom('', ' ', '\t'),
    fc.constantFrom('as-is', 'lower', 'upper'),
  )
  .map(([e, before, after, mode]) => before + (mode === 'lower' ? e.toLowerCase() : mode === 'upper' ? e.toUpperCase() : e) + after);

/** Phones from a small pool of digit strings, with or without `+`, with random punctuation. */
const phoneText = fc
  .tuple(
    fc.constantFrom('5511999999999', '11988887777', '5521'),
    fc.constantFrom('', '+', ' +'),
    fc.array(fc.constantFrom('', '', ' ', '-', '(', ')', '.'), { minLength: 13, maxLength: 13 }),
  )
  .map(([digits, plus, seps]) => plus + [...digits].map((d, i) => seps[i] + d).join(''));

function emailEntry(nulls: boolean) {
  return json(fc.record({ email: emailText, isPrimary: maybeNull(fc.boolean(), nulls), label: maybeNull(shortString, nulls) }, { requiredKeys: ['email'] }));
}

function phoneEntry(nulls: boolean) {
  return json(
    fc.record(
      { number: phoneText, type: maybeNull(fc.constantFrom('mobile', 'home'), nulls), isPrimary: maybeNull(fc.boolean(), nulls) },
      { requiredKeys: ['number'] },
    ),
  );
}

function externalIdEntry(nulls: boolean) {
  return json(
    fc.record(
      {
        source: fc.constantFrom('PDV', 'CRM', 'ERP'),
        key: fc.constantFrom('customerCode', 'loyaltyId'),
        sourceName: maybeNull(shortString, nulls),
        value: fc.string({ minLength: 1, maxLength: 6 }),
      },
      { requiredKeys: ['source', 'value'] },
    ),
  );
}

// Union keys, computed independently of src/.
export const emailKey = (e: any): string => String(e.email).trim().toLowerCase();
/**
 * The E.164 form of the pool's numbers as a phone library reads them (Brazil by default):
 * a national number gains +55, a number written with its country code keeps it; too short to
 * be a phone ('5521'), an entry is keyed by its digits with a leading `+` kept.
 */
const E164_OF_POOL: Record<string, { plus: string; bare: string }> = {
  '5511999999999': { plus: '+5511999999999', bare: '+5511999999999' },
  '11988887777': { plus: '+11988887777', bare: '+5511988887777' },
  '5521': { plus: '+5521', bare: '5521' },
};
export const phoneKey = (p: any): string => {
  const t = String(p.number).trim();
  const digits = t.replace(/\D/g, '');
  const known = E164_OF_POOL[digits];
  if (known) return t.startsWith('+') ? known.plus : known.bare;
  return (t.startsWith('+') ? '+' : '') + digits;
};
export const externalIdKey = (x: any): string => `${String(x.source)}|${String(x.key ?? '')}`;

export const UNIONS: Record<string, (entry: any) => string> = {
  externalIds: externalIdKey,
  'contacts.emails': emailKey,
  'contacts.phones': phoneKey,
};

/**
 * A customer document (`nulls: false`, as stored: union lists without duplicate keys) or a
 * re-sent patch (`nulls: true`: any optional field may be null, union lists may repeat keys).
 */
function customerDoc(nulls: boolean): fc.Arbitrary<JsonObject> {
  const list = <T>(entry: fc.Arbitrary<T>, key: (e: T) => string) =>
    nulls ? fc.array(entry, { maxLength: 5 }) : fc.uniqueArray(entry, { maxLength: 5, selector: key });
  return json(
    fc.record(
      {
        identifier: fc.record({ type: fc.constantFrom(...identifierTypes), value: fc.string({ minLength: 1, maxLength: 8 }) }),
        name: maybeNull(shortString, nulls),
        contacts: maybeNull(
          fc.record(
            {
              emails: maybeNull(list(emailEntry(nulls), emailKey), nulls),
              phones: maybeNull(list(phoneEntry(nulls), phoneKey), nulls),
              other: maybeNull(freeObject(nulls), nulls),
            },
            { requiredKeys: [] },
          ),
          nulls,
        ),
        externalIds: maybeNull(list(externalIdEntry(nulls), externalIdKey), nulls),
        addresses: maybeNull(fc.array(fc.record({ city: shortString, street: shortString }, { requiredKeys: [] }), { maxLength: 3 }), nulls),
        demographics: maybeNull(
          fc.record({ gender: maybeNull(shortString, nulls), birthDate: maybeNull(fc.constantFrom('1990-01-02', '2001-12-31'), nulls) }, { requiredKeys: [] }),
          nulls,
        ),
        metadata: maybeNull(
          fc.record(
            {
              restrictions: maybeNull(fc.array(shortString, { maxLength: 3 }), nulls),
              customTags: maybeNull(fc.array(shortString, { maxLength: 3 }), nulls),
              customRules: maybeNull(freeObject(nulls), nulls),
              // Named like a union list, but not at a union path: must be replaced.
              externalIds: maybeNull(fc.array(externalIdEntry(false), { maxLength: 3 }), nulls),
              a: maybeNull(freeObject(nulls), nulls),
            },
            { requiredKeys: [] },
          ),
          nulls,
        ),
        // Fields the contract does not name.
        a: maybeNull(freeObject(nulls), nulls),
        b: maybeNull(fc.oneof(shortString, fc.array(fc.integer(), { maxLength: 3 })), nulls),
      },
      { requiredKeys: nulls ? [] : ['identifier'] },
    ),
  );
}

/** A customer as stored: null-free, union lists without duplicate keys. */
export const storedArb = customerDoc(false);
/** A re-sent patch: nulls allowed anywhere optional, union lists may repeat keys. */
export const patchArb = customerDoc(true);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

export function isPlain(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The value at a dotted path, or undefined when a step is missing or not a plain object. */
export function at(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const step of path.split('.')) {
    if (!isPlain(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

/** True when the patch clears `path` or one of its ancestors with null. */
export function clearedBy(patch: JsonObject, path: string): boolean {
  let cur: unknown = patch;
  for (const step of path.split('.')) {
    if (!isPlain(cur)) return false;
    cur = cur[step];
    if (cur === null) return true;
  }
  return false;
}

/** Which keys a union list holds. */
export function keysOf(list: unknown, key: (e: any) => string): string[] {
  return Array.isArray(list) ? list.map(key) : [];
}
