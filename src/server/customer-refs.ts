/**
 * The `customerId` filter of orders, reviews and events matches the value as given and every
 * id the customer it names resolves to (its id and external_id values), so a client may
 * filter by whichever reference it holds.
 */
import type { Store } from '../store/store.js';

export async function customerRefsFor(store: Store, tenant: string, value: string | number | undefined): Promise<string[] | undefined> {
  if (value === undefined) return undefined;
  const ref = String(value);
  return (await store.resolveCustomerRefs(tenant, ref)) ?? [ref];
}
