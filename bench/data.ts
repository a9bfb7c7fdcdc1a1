/**
 * Realistic payloads for the benchmark: customers shaped like the seed's enriched example
 * (identifier, name, contacts, externalIds, metadata), keyed by a predictable id so reads can
 * address them.
 */

export function customerId(n: number): string {
  return `c-${String(n).padStart(8, '0')}`;
}

export function customer(n: number, variant = 0): Record<string, unknown> {
  return {
    id: customerId(n),
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
export function batchBody(start: number, size: number, variant = 0): string {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < size; i += 1) items.push(customer(start + i, variant));
  return JSON.stringify(items);
}
