/**
 * Where `odc pull` stands with each source: one small JSON setting per (local tenant, source,
 * resource), kept in the target database itself (`store.auth` settings).
 *
 * Keeping the checkpoint beside the records it describes is what makes a pull resumable: the
 * engine saves it only after the page it covers has committed, so after a crash the stored
 * checkpoint is never ahead of the data (at worst one page behind, and re-pulling a page is an
 * idempotent upsert). Both live in one database, so even a power cut on a `normal`-sync SQLite
 * file loses them in order.
 */
import type { Store } from '../store/store.js';

/** The resources a pull can copy, in the order it copies them (customers before their events). */
export const PULL_RESOURCES = ['customers', 'leads', 'orders', 'reviews', 'events'] as const;
export type PullResource = (typeof PULL_RESOURCES)[number];

export interface PullCheckpoint {
  /** customers, leads, orders: the largest `updatedAt` committed locally; the next run asks `updatedFrom` it. */
  updatedFrom?: string;
  /** reviews, events: the query of the keyset page to read next (from a `Link rel="next"`, or the last page read). */
  resume?: Record<string, string>;
  /** When this checkpoint was written (for people reading the settings). */
  savedAt: string;
}

/**
 * Identifies a source: its base URL (without a trailing slash) and the merchant asked for there.
 * Two pulls of one origin for two merchants keep separate checkpoints.
 */
export function sourceKeyOf(baseUrl: string, sourceMerchant?: string): string {
  return `${baseUrl.replace(/\/+$/, '')}#${sourceMerchant ?? ''}`;
}

export function checkpointName(tenant: string, sourceKey: string, resource: PullResource): string {
  return `pull:${tenant}:${sourceKey}:${resource}`;
}

export async function loadCheckpoint(store: Store, tenant: string, sourceKey: string, resource: PullResource): Promise<PullCheckpoint | undefined> {
  const raw = await store.auth.getSetting(checkpointName(tenant, sourceKey, resource));
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as PullCheckpoint;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    // An unreadable checkpoint only costs a full re-walk, which is idempotent.
    return undefined;
  }
}

export async function saveCheckpoint(
  store: Store,
  tenant: string,
  sourceKey: string,
  resource: PullResource,
  checkpoint: Omit<PullCheckpoint, 'savedAt'>,
): Promise<void> {
  const value: PullCheckpoint = { ...checkpoint, savedAt: new Date().toISOString() };
  await store.auth.setSetting(checkpointName(tenant, sourceKey, resource), JSON.stringify(value));
}

/** Parses `customers,leads` (or `all`) into resources, in pull order; throws on an unknown name. */
export function parseResources(list: string): PullResource[] {
  const names = list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0 || names.includes('all')) return [...PULL_RESOURCES];
  for (const name of names) {
    if (!(PULL_RESOURCES as readonly string[]).includes(name)) throw new Error(`unknown resource "${name}"; use ${PULL_RESOURCES.join(', ')}`);
  }
  return PULL_RESOURCES.filter((r) => names.includes(r));
}
