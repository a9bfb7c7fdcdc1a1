/**
 * Which customer a reference names (docs/contract.md §5), written once: in order, the
 * customer whose id it is, the customer holding it as an `external_id` identifier value, then
 * the customer holding the identity of its `<type>:<value>` form (value normalized). Used by
 * GET /customers/{id}, by the `customerId` filters, and by consent events.
 */
import { normalizeIdentifierValue, splitTypedReference } from '../contract/identity.js';
import { identityKey, type CustomerRow, type IdentityKey, type LookupRequest, type LookupResult } from '../store/engine.js';

/** The comparison form of a value, or undefined when the value cannot be one of that type. */
export function normalizedOrUndefined(type: string, value: string): string | undefined {
  try {
    return normalizeIdentifierValue(type, value);
  } catch {
    return undefined;
  }
}

/** The identities a reference may name a customer by, in resolution order after its id. */
function identityCandidates(ref: string): IdentityKey[] {
  const out: IdentityKey[] = [{ type: 'external_id', value: ref }];
  const typed = splitTypedReference(ref);
  const norm = typed && normalizedOrUndefined(typed.type, typed.value);
  if (typed && norm !== undefined) out.push({ type: typed.type, value: norm });
  return out;
}

/**
 * Resolves every reference of `refs` in at most three look-up rounds whatever their number:
 * the references as ids first; only those that name no customer are looked up as identities,
 * then the customers those point to. Most references of a GET are ids: they cost one point
 * read (the identity probe a hit does not need was a third of a GET's store time), and a
 * reference by identifier costs the same rounds as before on PostgreSQL, whose client sends
 * one query at a time either way.
 */
export function* resolveCustomers(refs: readonly string[]): Generator<LookupRequest, Map<string, CustomerRow>, LookupResult> {
  const out = new Map<string, CustomerRow>();
  if (refs.length === 0) return out;
  const unique = [...new Set(refs)];
  const first = yield { customers: unique };
  const misses: string[] = [];
  for (const ref of unique) {
    const direct = first.customers.get(ref);
    if (direct) out.set(ref, direct);
    else misses.push(ref);
  }
  if (misses.length === 0) return out;
  const second = yield { identities: misses.flatMap(identityCandidates) };
  const viaIdentity = new Map<string, string>();
  for (const ref of misses) {
    for (const candidate of identityCandidates(ref)) {
      const id = second.identities.get(identityKey(candidate.type, candidate.value));
      if (id !== undefined) {
        viaIdentity.set(ref, id);
        break;
      }
    }
  }
  if (viaIdentity.size === 0) return out;
  const missing = [...new Set(viaIdentity.values())].filter((id) => !first.customers.has(id));
  const third = missing.length > 0 ? yield { customers: missing } : undefined;
  for (const [ref, id] of viaIdentity) {
    const row = first.customers.get(id) ?? third?.customers.get(id);
    if (row) out.set(ref, row);
  }
  return out;
}

/**
 * The references a customer is known by in other records: the reference as given, its id and
 * its external_id identifier values (what orders, reviews and events may name it by).
 */
export function* customerRefs(ref: string): Generator<LookupRequest, string[] | undefined, LookupResult> {
  const row = (yield* resolveCustomers([ref])).get(ref);
  if (!row) return undefined;
  const found = yield { identitiesOf: [row.id] };
  const externals = (found.identitiesOf.get(row.id) ?? []).filter((i) => i.type === 'external_id').map((i) => i.value);
  return [...new Set([ref, row.id, ...externals])];
}
