/**
 * The customer upsert algorithm of docs/contract.md §5, shared by every store.
 *
 * A store supplies lookups of what is stored (identities, external ids, customers); the plan
 * walks the batch in order, keeping what earlier items created or changed in an overlay so a
 * batch that names one customer twice merges into one record, and returns the writes: the
 * customers to insert or update, the identities to add, the external ids to resynchronise.
 * Each customer written takes one change stamp (the first time the batch touches it); a
 * server-assigned `createdAt` is that stamp's time, to the microsecond. Server-made ids are
 * time-ordered UUIDv7.
 */
import { timeOrderedId } from './time-ordered-id.js';
import type { Customer } from '../contract/customer.js';
import type { ConsentState } from './consent.js';
import { normalizeIdentifierValue } from '../contract/identity.js';
import { dropNulls, mergeCustomer, type JsonObject } from '../contract/merge.js';
import { stampToIso } from '../store/change-clock.js';
import type { WriteSummary } from '../store/store.js';
import { assertCustomerWithinLimits } from './record-limits.js';
import { withoutKeys } from './wire.js';

/** Fields the server owns: never stored in the document, always rendered from columns. */
export const CUSTOMER_SERVER_FIELDS = ['id', 'updatedAt', 'consent'] as const;

export interface StoredCustomer {
  id: string;
  data: JsonObject;
  /** The document as stored (JSON text), when known: an unchanged re-send is told by it. */
  text?: string;
  createdAt: string | null;
  consent: ConsentState | null;
  /** The stored row's stamp, undefined for a customer the batch created. */
  stamp?: number;
}

export interface CustomerLookups {
  identity(type: string, value: string): string | undefined;
  externalId(source: string, key: string, value: string): string | undefined;
  customer(id: string): StoredCustomer | undefined;
}

export interface CustomerWrite {
  id: string;
  data: JsonObject;
  /** `data` as JSON text, made once: the size check, the comparison and the row all use it. */
  text: string;
  createdAt: string | null;
  stamp: number;
  isNew: boolean;
  /** Refs that consent events sent before the customer existed may use (new customers only). */
  consentRefs: string[];
}

export interface CustomerUpsertPlan {
  conflicts: string[];
  /** Final state of each customer written, in first-touched order. */
  writes: CustomerWrite[];
  identities: { type: string; value: string; customerId: string }[];
  summary: WriteSummary;
}

export function externalIdsOf(data: JsonObject): { source: string; key: string; value: string }[] {
  const list = Array.isArray(data.externalIds) ? (data.externalIds as JsonObject[]) : [];
  return list.map((e) => ({ source: String(e.source), key: String(e.key ?? ''), value: String(e.value) }));
}

type ExternalIdRow = { source: string; key: string; value: string; customerId: string };

/**
 * The external-id rows a customer's write changes: the keys its new document holds and the
 * stored one did not, and the reverse (docs/contract.md §5.8: a new `value` for a known
 * `source` + `key` is one of each). The rows mirror the stored document, so an unchanged key is
 * left alone: a re-send at the cap of 100 rewrites none of them.
 */
export function externalIdChanges(customerId: string, before: JsonObject | undefined, after: JsonObject): { added: ExternalIdRow[]; removed: ExternalIdRow[] } {
  const keyOf = (e: { source: string; key: string; value: string }) => `${e.source}\u0000${e.key}\u0000${e.value}`;
  const stored = before ? externalIdsOf(before) : [];
  const next = externalIdsOf(after);
  const storedKeys = new Set(stored.map(keyOf));
  const nextKeys = new Set(next.map(keyOf));
  return {
    added: next.filter((e) => !storedKeys.has(keyOf(e))).map((e) => ({ ...e, customerId })),
    removed: stored.filter((e) => !nextKeys.has(keyOf(e))).map((e) => ({ ...e, customerId })),
  };
}

export function planCustomerUpsert(customers: Customer[], stored: CustomerLookups, stamp: () => number): CustomerUpsertPlan {
  const overlay = new Map<string, CustomerWrite>();
  const addedIdentities = new Map<string, string>();
  const identities: CustomerUpsertPlan['identities'] = [];
  const conflicts: string[] = [];
  const summary: WriteSummary = { created: 0, updated: 0, unchanged: 0 };
  const externalOverlay = new Map<string, string>();

  // A new customer's identity is looked up twice (to match, then before adding it): ask the store once.
  const storedIdentities = new Map<string, string | undefined>();
  const identityOf = (type: string, value: string) => {
    const key = `${type}\u0000${value}`;
    const added = addedIdentities.get(key);
    if (added !== undefined) return added;
    if (!storedIdentities.has(key)) storedIdentities.set(key, stored.identity(type, value));
    return storedIdentities.get(key);
  };
  const externalOf = (source: string, key: string, value: string) =>
    externalOverlay.get(`${source}\u0000${key}\u0000${value}`) ?? stored.externalId(source, key, value);
  const customerOf = (id: string): StoredCustomer | undefined => {
    const written = overlay.get(id);
    return written ? { id, data: written.data, text: written.text, createdAt: written.createdAt, consent: null, stamp: written.stamp } : stored.customer(id);
  };
  const record = (write: CustomerWrite) => {
    overlay.set(write.id, write);
    for (const e of externalIdsOf(write.data)) externalOverlay.set(`${e.source}\u0000${e.key}\u0000${e.value}`, write.id);
  };
  const addIdentity = (type: string, value: string, customerId: string) => {
    const key = `${type}\u0000${value}`;
    if (identityOf(type, value) !== undefined) return false;
    addedIdentities.set(key, customerId);
    identities.push({ type, value, customerId });
    return true;
  };

  customers.forEach((customer, index) => {
    const { type, value } = customer.identifier;
    const norm = normalizeIdentifierValue(type, value) as string;
    let matchedBy: 'identifier' | 'externalId' | 'id' | undefined;
    let existingId = identityOf(type, norm);
    if (existingId) matchedBy = 'identifier';
    for (const ext of existingId ? [] : (customer.externalIds ?? [])) {
      existingId = externalOf(ext.source, ext.key ?? '', ext.value);
      if (existingId) {
        matchedBy = 'externalId';
        break;
      }
    }
    if (!existingId && customer.id && customerOf(customer.id)) {
      existingId = customer.id;
      matchedBy = 'id';
    }
    if (existingId && customer.id && customer.id !== existingId && customerOf(customer.id)) {
      conflicts.push(`/${index}/id: "${customer.id}" belongs to another customer than the one this ${matchedBy} matches ("${existingId}")`);
      return;
    }

    const patch = withoutKeys(customer as JsonObject, CUSTOMER_SERVER_FIELDS);
    if (!existingId) {
      const id = customer.id ?? timeOrderedId();
      const data = dropNulls(patch);
      const at = stamp();
      record({
        id,
        data,
        text: JSON.stringify(data),
        createdAt: data.createdAt === undefined ? stampToIso(at) : null,
        stamp: at,
        isNew: true,
        consentRefs: [...new Set([id, `${type}:${value}`, `${type}:${norm}`, ...(type === 'external_id' ? [value] : [])])],
      });
      addIdentity(type, norm, id);
      summary.created += 1;
      return;
    }

    const before = customerOf(existingId) as StoredCustomer;
    // Matched through another key: the stored identifier stays, the new one becomes an identity.
    if (matchedBy !== 'identifier') delete patch.identifier;
    const merged = mergeCustomer(before.data, patch);
    const text = JSON.stringify(merged);
    assertCustomerWithinLimits(merged, `/${index}`, text);
    const newIdentity = addIdentity(type, norm, existingId);
    // docs/contract.md §5.9: the stored text is the JSON the domain wrote, so equal text is an
    // unchanged document without serializing the stored one again (only a change pays for it).
    if (text === before.text || text === JSON.stringify(before.data)) {
      summary[newIdentity ? 'updated' : 'unchanged'] += 1;
      return;
    }
    const previous = overlay.get(existingId);
    const at = previous?.stamp ?? stamp();
    record({
      id: existingId,
      data: merged,
      text,
      createdAt: merged.createdAt === undefined ? (before.createdAt ?? stampToIso(at)) : null,
      stamp: at,
      isNew: previous?.isNew ?? false,
      consentRefs: previous?.consentRefs ?? [],
    });
    summary.updated += 1;
  });

  return { conflicts, writes: [...overlay.values()], identities, summary };
}
