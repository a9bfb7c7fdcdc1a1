/**
 * Realistic payloads for the benchmark: customers shaped like the seed's enriched example
 * (identifier, name, contacts, externalIds, metadata). Two shapes of the same customer `n`:
 *
 * - `pos`: as a POS sends it, without `id`; the server names the customer (a UUIDv7,
 *   docs/contract.md §5.5) and finds it again by its identifier (§5.4). The bench's main shape.
 * - `ids`: with a predictable `id` (`c-00000001`), so reads could address it without asking.
 */

export type Shape = 'pos' | 'ids';

export function customerId(n: number): string {
  return `c-${String(n).padStart(8, '0')}`;
}

/** The identifier of customer `n`, as `<type>:<value>` (the ceilings' key, and a reference odc resolves, §5.6). */
export function identifierKey(n: number): string {
  return `external_id:crm:customer:${n}`;
}

export function customer(n: number, variant = 0, shape: Shape = 'ids'): Record<string, unknown> {
  return {
    ...(shape === 'ids' ? { id: customerId(n) } : {}),
    identifier: { type: 'external_id', value: `crm:customer:${n}` },
    name: `Customer ${n}${variant ? ` v${variant}` : ''}`,
    contacts: {
      emails: [{ email: `customer${n}@example.com`, isPrimary: true }],
      phones: [{ number: `+5511${String(900000000 + (n % 99999999)).padStart(9, '0')}`, type: 'mobile' }],
    },
    externalIds: [{ source: 'PDV', sourceName: 'PDV Loja Centro', key: 'customerCode', value: `C${n}` }],
    metadata: { customTags: n % 7 === 0 ? ['vip'] : ['regular'], customRules: { requiresManualReview: n % 11 === 0 }, tier: variant },
  };
}

/** `size` customers from `start`, as the JSON text of one batch. */
export function batchBody(start: number, size: number, variant = 0, shape: Shape = 'ids'): string {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < size; i += 1) items.push(customer(start + i, variant, shape));
  return JSON.stringify(items);
}

/** `size` new customers from `start` as a POS sends them, without `id`. */
export function posBatchBody(start: number, size: number): string {
  return batchBody(start, size, 0, 'pos');
}

/**
 * One batch as a POS re-pushing its day sends it: half new customers from `newStart`, a
 * quarter re-sent unchanged and a quarter re-sent with changed fields, picked from the
 * `stored` customers already sent (deterministically from `seed`).
 */
export function mixedBatchBody(newStart: number, size: number, stored: number, seed: number, shape: Shape = 'ids'): string {
  const items: Record<string, unknown>[] = [];
  const fresh = size >> 1;
  for (let i = 0; i < fresh; i += 1) items.push(customer(newStart + i, 0, shape));
  let state = (seed * 2654435761) >>> 0 || 1;
  const seen = new Set<number>();
  for (let i = fresh; i < size; i += 1) {
    let n: number;
    do {
      state = (state * 1664525 + 1013904223) >>> 0;
      n = state % stored;
    } while (seen.has(n));
    seen.add(n);
    items.push(customer(n, i % 2 === 0 ? 0 : 1 + (seed % 5), shape));
  }
  return JSON.stringify(items);
}
