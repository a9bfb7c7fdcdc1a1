/**
 * Re-normalization of stored identities to the rules of docs/contract.md §5 (issue 13 §5).
 *
 * Identities were stored in the old comparison form: phone and document reduced to digits
 * (letters, extensions and the country code of a national number lost), no Unicode
 * normalization. Each stored value is recomputed: from the customer's own identifier as last
 * sent when the row is that identifier (so the letters of `AB123456` come back), else from
 * the stored value itself. Where two customers would now share one identity, the first (by
 * customer id) gets it and the others keep their old value: both stay apart, and the collision
 * is reported instead of being merged silently. A value the new rules refuse keeps its row.
 */
import { normalizeIdentifierValue } from '../contract/identity.js';

/** The comparison form before issue 13, frozen here to recognise which row is a customer's own identifier. */
export function legacyNormalizeIdentifierValue(type: string, value: string): string | undefined {
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

export interface StoredIdentity {
  tenant: string;
  type: string;
  value: string;
  customerId: string;
  /** The customer's own identifier as last sent (`data.identifier`), when known. */
  ownType?: string | null;
  ownValue?: string | null;
}

export interface IdentityKey {
  tenant: string;
  type: string;
  value: string;
}

export interface RenormalizationPlan {
  /** Rows to remove (their old key). */
  deletes: IdentityKey[];
  /** Rows to add in the new form. */
  inserts: (IdentityKey & { customerId: string })[];
  /** One line per collision or refused value, for the log. */
  notes: string[];
}

const keyOf = (k: IdentityKey) => `${k.tenant}\u0000${k.type}\u0000${k.value}`;

/** The new value of one stored row, or undefined when the new rules refuse it. */
function renormalized(row: StoredIdentity): string | undefined {
  if (row.ownType === row.type && typeof row.ownValue === 'string' && legacyNormalizeIdentifierValue(row.type, row.ownValue) === row.value) {
    const fromOwn = normalizeIdentifierValue(row.type, row.ownValue);
    if (fromOwn !== undefined) return fromOwn;
  }
  return normalizeIdentifierValue(row.type, row.value);
}

export function planIdentityRenormalization(rows: readonly StoredIdentity[]): RenormalizationPlan {
  const notes: string[] = [];
  /** Keys that stay as they are, and their customer. */
  const unchanged = new Map<string, string>();
  const wanted = new Map<string, { key: IdentityKey; rows: StoredIdentity[] }>();
  for (const row of rows) {
    const value = renormalized(row);
    if (value === undefined) {
      notes.push(
        `identity kept as stored: tenant ${JSON.stringify(row.tenant)}, ${row.type} ${JSON.stringify(row.value)} of customer ${JSON.stringify(row.customerId)} is refused by the new rules`,
      );
      unchanged.set(keyOf(row), row.customerId);
      continue;
    }
    if (value === row.value) {
      unchanged.set(keyOf(row), row.customerId);
      continue;
    }
    const key = { tenant: row.tenant, type: row.type, value };
    const entry = wanted.get(keyOf(key)) ?? { key, rows: [] };
    entry.rows.push(row);
    wanted.set(keyOf(key), entry);
  }

  // Owner of each new key; rows that lose a collision keep their old value, which may in turn
  // be the new key of another group: that group then keeps its old values too, until stable.
  const groups = [...wanted.values()].map(({ key, rows: candidates }) => {
    const holder = unchanged.get(keyOf(key));
    const owner = holder ?? [...candidates].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))[0].customerId;
    return { key, candidates, owner, held: holder !== undefined, kept: false };
  });
  const keptKeys = new Set<string>();
  const keep = (row: StoredIdentity) => keptKeys.add(keyOf(row));
  for (const g of groups) for (const row of g.candidates) if (row.customerId !== g.owner) keep(row);
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of groups) {
      if (g.kept || g.held || !keptKeys.has(keyOf(g.key))) continue;
      g.kept = true;
      changed = true;
      for (const row of g.candidates) if (row.customerId === g.owner) keep(row);
    }
  }

  const deletes: IdentityKey[] = [];
  const inserts: RenormalizationPlan['inserts'] = [];
  for (const g of groups) {
    for (const row of g.candidates) {
      if (row.customerId !== g.owner || g.kept) {
        const holder = g.kept ? 'a value another customer keeps' : `customer ${JSON.stringify(g.owner)}`;
        notes.push(
          `identity collision: tenant ${JSON.stringify(row.tenant)}, ${row.type} ${JSON.stringify(g.key.value)} is ${holder}; customer ${JSON.stringify(row.customerId)} keeps its old value ${JSON.stringify(row.value)} and stays a separate customer`,
        );
        continue;
      }
      deletes.push({ tenant: row.tenant, type: row.type, value: row.value });
    }
    if (!g.held && !g.kept) inserts.push({ ...g.key, customerId: g.owner });
  }
  return { deletes, inserts, notes };
}
