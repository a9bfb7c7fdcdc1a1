/**
 * The pull engine: copies customers, leads, orders, reviews and events from an Origin Platform
 * (any server of the seed's GET operations) into a local tenant, through the Store interface.
 *
 * Records go through the same ContractValidator as pushed ones; an invalid record (or one whose
 * id belongs to another local customer) is skipped and reported, never allowed to block the
 * rest. The store ignores server-owned fields (`updatedAt`, `consent`) and keeps a customer's
 * `id`, so ids stay stable across systems.
 *
 * Resuming. A page is committed first, then its checkpoint (pull-checkpoints.ts) is saved, so a
 * crash or SIGKILL re-pulls at most one page; every write is an idempotent upsert, so nothing is
 * duplicated. How a run picks up where the last one stopped depends on the resource:
 *  - customers, leads, orders: by `updatedFrom` = the largest `updatedAt` committed. The filter
 *    is inclusive, so the boundary record comes again (harmlessly, as "unchanged"); records
 *    changed at the origin since then come again with their new time.
 *  - reviews, events: the seed gives no filter on change time (`createdFrom` is reviewDate,
 *    `occurredFrom` is occurredAt, and either may lie in the past when the record arrives), so
 *    filtering on them could skip late arrivals. Instead the engine stores the query of the next
 *    `Link rel="next"` page, or at the end of a walk the query of the last page read, and starts
 *    there. This is exact when the link carries a keyset `cursor` (odc's do: "after this change
 *    stamp and id", so new and changed records sort after it); then re-reading the last page is
 *    the only repetition. When the origin's links are page numbers, positions move as data
 *    changes, so nothing is stored and every run re-walks from the start (idempotent, slower).
 * Within a run every resource follows `rel="next"` links, and the next page is fetched while
 * the current one is written. An abort (Ctrl-C) stops after the current page and its
 * checkpoint are committed; a page in flight is dropped unwritten.
 *
 * Hostile origins (docs/hostile-input.md, "Hostile peers"). A walk always ends: a `rel="next"`
 * that leads back to a page already read (a cycle of any length) stops the resource, and so do
 * more pages than the first page's `X-Total-Count` allows (every page but the last carries at
 * least one record); the reason is reported in `stopped`. Invalid items (a `null` included) are
 * skipped and counted while the checkpoint still advances. The `updatedFrom` checkpoint comes
 * from accepted records only and never passes the origin's own clock (its `Date` header), so a
 * record dated in the far future cannot freeze incremental pulls. Reads are bounded and links
 * and redirects stay on the origin (the client, src/client/outbound-request.ts).
 *
 * Limit: pulled records are upserts, which enrich (docs/contract.md §5): a field the origin
 * removed from a record stays in the local copy.
 */
import { OdcError } from '../client/client-errors.js';
import type { OdcClient, Page, Query } from '../client/odc-client.js';
import type { ContractValidator, ResourceKind } from '../contract/validation.js';
import { parseDateTime } from '../contract/date-time.js';
import { StoreConflictError, type Store, type WriteSummary } from '../store/store.js';
import { loadCheckpoint, PULL_RESOURCES, saveCheckpoint, type PullCheckpoint, type PullResource } from './pull-checkpoints.js';

export { PULL_RESOURCES, type PullResource } from './pull-checkpoints.js';

type Item = Record<string, unknown>;

export interface ResourceSummary {
  resource: PullResource;
  pages: number;
  /** Records received from the origin in this run (a boundary record re-read counts again). */
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Records skipped: invalid, or in conflict with local data. */
  rejected: number;
  /** The first reasons for rejection, `<resource> <key>: <pointer>: <reason>`. */
  rejections: string[];
  /** X-Total-Count of the first page, when it counts what this run reads (not after a stored cursor). */
  expected?: number;
  /** Whether the walk reached the last page (false when aborted, failed or stopped). */
  complete: boolean;
  /** Why the walk was stopped before the origin's last page: a link cycle, or more pages than X-Total-Count allows. */
  stopped?: string;
  elapsedMs: number;
}

export interface PullSummary {
  resources: ResourceSummary[];
  received: number;
  elapsedMs: number;
  /** Stopped by the signal before every resource was walked to its end. */
  aborted: boolean;
}

export interface PullOptions {
  client: OdcClient;
  store: Store;
  /** The local tenant (merchant) the records are written to. */
  tenant: string;
  /** Identifies the source in checkpoint names (see sourceKeyOf). */
  sourceKey: string;
  resources?: readonly PullResource[];
  validator: ContractValidator;
  /** Items per page asked of the origin (default 500, the contract's maximum). */
  pageSize?: number;
  /** Ignore stored checkpoints and walk everything again (they are still updated). */
  full?: boolean;
  /** Called when a resource starts ('start'), after each committed page ('page') and at its end ('done'). */
  onProgress?: (summary: ResourceSummary, phase: 'start' | 'page' | 'done') => void;
  signal?: AbortSignal;
}

const MAX_REJECTIONS_LISTED = 20;

interface ResourceSpec {
  kind: ResourceKind;
  mode: 'updatedFrom' | 'keyset';
  list(client: OdcClient, query: Query): Promise<Page<unknown>>;
  write(store: Store, tenant: string, items: Item[]): Promise<WriteSummary>;
}

const specs: Record<PullResource, ResourceSpec> = {
  customers: { kind: 'customer', mode: 'updatedFrom', list: (c, q) => c.listCustomers(q), write: (s, t, items) => s.upsertCustomers(t, items as never) },
  leads: { kind: 'lead', mode: 'updatedFrom', list: (c, q) => c.listLeads(q), write: (s, t, items) => s.upsertLeads(t, items as never) },
  orders: { kind: 'order', mode: 'updatedFrom', list: (c, q) => c.listOrders(q), write: (s, t, items) => s.upsertOrders(t, items as never) },
  reviews: { kind: 'review', mode: 'keyset', list: (c, q) => c.listReviews(q), write: (s, t, items) => s.upsertReviews(t, items as never) },
  events: { kind: 'event', mode: 'keyset', list: (c, q) => c.listCustomerEvents(q), write: (s, t, items) => s.publishEvents(t, items as never) },
};

/** Pulls each resource once, to the end of its list or until aborted. */
export async function pullOnce(options: PullOptions): Promise<PullSummary> {
  const started = Date.now();
  const resources: ResourceSummary[] = [];
  for (const resource of options.resources ?? PULL_RESOURCES) {
    if (options.signal?.aborted) break;
    resources.push(await pullResource(options, resource));
  }
  return {
    resources,
    received: resources.reduce((n, r) => n + r.received, 0),
    elapsedMs: Date.now() - started,
    aborted: resources.length < (options.resources ?? PULL_RESOURCES).length || resources.some((r) => !r.complete && r.stopped === undefined),
  };
}

export interface WatchOptions extends PullOptions {
  intervalMs: number;
  /** The signal that ends the watch (required: a watch runs until it fires). */
  signal: AbortSignal;
  onCycle?: (summary: PullSummary, cycle: number) => void;
  /** A failed cycle (origin down, say) is reported here and tried again after the interval. */
  onError?: (error: unknown, cycle: number) => void;
}

/** Pulls, waits `intervalMs`, and pulls again, until the signal fires. */
export async function watch(options: WatchOptions): Promise<void> {
  for (let cycle = 1; !options.signal.aborted; cycle += 1) {
    try {
      options.onCycle?.(await pullOnce(options), cycle);
    } catch (error) {
      if (options.signal.aborted) return;
      options.onError?.(error, cycle);
    }
    await sleep(options.intervalMs, options.signal);
  }
}

async function pullResource(options: PullOptions, resource: PullResource): Promise<ResourceSummary> {
  const spec = specs[resource];
  const { store, tenant, sourceKey, signal } = options;
  const started = Date.now();
  const summary: ResourceSummary = {
    resource,
    pages: 0,
    received: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejections: [],
    complete: false,
    elapsedMs: 0,
  };
  const stored = options.full ? undefined : await loadCheckpoint(store, tenant, sourceKey, resource);
  const checkpoint: Omit<PullCheckpoint, 'savedAt'> = { updatedFrom: stored?.updatedFrom, resume: stored?.resume };
  const pageSize = String(options.pageSize ?? 500);

  let query: Query;
  if (spec.mode === 'updatedFrom') query = { pageSize, updatedFrom: checkpoint.updatedFrom };
  else query = checkpoint.resume ? { ...checkpoint.resume } : { pageSize };
  let countsWhatIsRead = spec.mode === 'updatedFrom' || !checkpoint.resume;
  options.onProgress?.(summary, 'start');

  const fetchPage = (q: Query) => {
    const pending = spec.list(options.client, q);
    pending.catch(() => undefined); // a prefetch dropped on abort must not become an unhandled rejection
    return pending;
  };
  let pending = fetchPage(query);
  if (!countsWhatIsRead) {
    // A stored cursor the origin no longer accepts (its data was reset, say) is a 400: walk from the start.
    pending = pending.catch((error: unknown) => {
      if (!(error instanceof OdcError && error.status === 400)) throw error;
      query = { pageSize };
      countsWhatIsRead = true;
      return fetchPage(query);
    });
  }
  // Every query read in this walk: a next link back to one of them is a cycle (A → B → A, or longer).
  const seen = new Set<string>([queryKey(query)]);
  let firstTotal: number | undefined;
  for (;;) {
    const page = await untilAborted(pending, signal);
    if (page === ABORTED) break;
    const items = pageItems(page, resource);
    if (summary.pages === 0) {
      if (countsWhatIsRead) summary.expected = page.total;
      // Every page but the last holds at least one record: more pages than the total + 1 is a runaway walk.
      firstTotal = page.declaredTotal;
    }
    const nextQuery = page.next ? queryOf(page.next) : undefined;
    const loops = nextQuery !== undefined && sameQuery(nextQuery, query);
    const cycle = nextQuery !== undefined && !loops && seen.has(queryKey(nextQuery));
    const overLimit = nextQuery !== undefined && firstTotal !== undefined && summary.pages + 1 >= firstTotal + 1;
    const follow = nextQuery !== undefined && !loops && !cycle && !overLimit;
    if (follow) pending = fetchPage(nextQuery);

    const accepted = await commitPage(options, spec, items, summary);
    if (spec.mode === 'updatedFrom') checkpoint.updatedFrom = latestUpdatedAt(accepted, checkpoint.updatedFrom, originNow(page.date));
    else checkpoint.resume = keysetQuery(follow ? nextQuery : query);
    await saveCheckpoint(store, tenant, sourceKey, resource, checkpoint);
    summary.pages += 1;
    summary.received += items.length;
    summary.elapsedMs = Date.now() - started;
    options.onProgress?.(summary, 'page');

    if (cycle) summary.stopped = `the origin's Link rel="next" leads back to a page already read (a link cycle) after ${summary.pages} pages; stopped there`;
    else if (overLimit)
      summary.stopped = `the origin sent ${summary.pages} pages and still links to another, more than its X-Total-Count (${firstTotal}) allows; stopped there`;
    if (!follow) {
      summary.complete = summary.stopped === undefined;
      break;
    }
    if (signal?.aborted) break;
    query = nextQuery;
    seen.add(queryKey(query));
  }
  summary.elapsedMs = Date.now() - started;
  options.onProgress?.(summary, 'done');
  return summary;
}

/** Validates a page, writes the valid records in one transaction, counts what happened, and returns the records accepted. */
async function commitPage(options: PullOptions, spec: ResourceSpec, items: unknown[], summary: ResourceSummary): Promise<Item[]> {
  let valid: Item[] = [];
  items.forEach((item, index) => {
    const issues = options.validator.check(spec.kind, item);
    if (issues.length === 0) valid.push(item as Item);
    else reject(summary, keyOf(item, index), issues);
  });
  // A conflict (an id that is another local customer's) refuses the whole batch: drop the
  // items it names and write the rest. Each round removes at least one item.
  while (valid.length > 0) {
    try {
      const written = await spec.write(options.store, options.tenant, valid);
      summary.created += written.created;
      summary.updated += written.updated;
      summary.unchanged += written.unchanged;
      return valid;
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      const bad = new Set(error.details.map((line) => Number(/^\/(\d+)\//.exec(line)?.[1])).filter((i) => Number.isInteger(i) && i < valid.length));
      if (bad.size === 0) throw error;
      for (const i of bad)
        reject(
          summary,
          keyOf(valid[i], i),
          error.details.filter((line) => line.startsWith(`/${i}/`)),
        );
      valid = valid.filter((_, i) => !bad.has(i));
    }
  }
  return valid;
}

function reject(summary: ResourceSummary, key: string, issues: string[]): void {
  summary.rejected += 1;
  if (summary.rejections.length < MAX_REJECTIONS_LISTED) summary.rejections.push(`${summary.resource} ${key}: ${issues.slice(0, 3).join('; ')}`);
}

function keyOf(item: unknown, index: number): string {
  const doc = (typeof item === 'object' && item !== null ? item : {}) as Item;
  const key = doc.id ?? doc.reviewId ?? doc.eventId;
  return typeof key === 'string' ? JSON.stringify(key) : `(item ${index} of its page)`;
}

/** The page's records: a bare array, as the seed says, or tolerantly the committee's `{items}`. */
function pageItems(page: Page<unknown>, resource: PullResource): unknown[] {
  const body = page.items as unknown;
  if (Array.isArray(body)) return body;
  const wrapped = (body as { items?: unknown } | null)?.items;
  if (Array.isArray(wrapped)) return wrapped;
  throw new Error(`the origin's ${resource} list is not a JSON array`);
}

/**
 * The largest `updatedAt` among the accepted records and the previous checkpoint, compared as
 * instants (epoch µs), but never past `ceiling` (the origin's clock): a record dated in the future would
 * otherwise move `updatedFrom` past every later change.
 */
function latestUpdatedAt(items: Item[], previous: string | undefined, ceiling: number): string | undefined {
  let best = previous;
  let bestTime = previous === undefined ? -Infinity : (parseDateTime(previous) ?? -Infinity);
  for (const item of items) {
    const value = item.updatedAt;
    if (typeof value !== 'string') continue;
    const time = parseDateTime(value);
    if (time !== undefined && time > bestTime) {
      best = value;
      bestTime = time;
    }
  }
  return bestTime > ceiling ? isoMicros(ceiling) : best;
}

/** An epoch-microsecond instant as RFC 3339 with 6 fractional digits. */
function isoMicros(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString().replace('Z', `${String(micros % 1000).padStart(3, '0')}Z`);
}

/**
 * The latest instant the origin's clock can have shown when it answered, in epoch microseconds
 * (as parseDateTime): its `Date` header has whole seconds, so the true time is below Date + 1 s.
 * This machine's clock when the header is absent or unreadable.
 */
function originNow(date: string | undefined): number {
  const time = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(time) ? Date.now() * 1000 : (time + 1000) * 1000 - 1;
}

/** A query as one comparable string, the order of its parameters ignored. */
function queryKey(query: Query): string {
  return JSON.stringify(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** The query parameters of a link, to ask for it through the typed client. */
function queryOf(url: string): Query {
  return Object.fromEntries(new URL(url).searchParams);
}

function sameQuery(a: Query, b: Query): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== undefined || b[k] !== undefined));
  return [...keys].every((k) => String(a[k]) === String(b[k]));
}

/** The query worth storing to resume from: only a keyset position (a `cursor`) stays valid as data changes. */
function keysetQuery(query: Query): Record<string, string> | undefined {
  if (query.cursor === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

const ABORTED = Symbol('aborted');

/** The promise's outcome, or ABORTED as soon as the signal fires (the promise is left to settle unobserved). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

/** Waits `ms`, or less if the signal fires. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
