/**
 * The parts of running several write programs of one transaction side by side ("in lockstep"):
 * their look-up rounds merged into one request, the one answer split back so each program sees
 * exactly what its own request would have returned, and the keys each program read and wrote,
 * so that a program whose reads an earlier program's writes could have changed is run again
 * on its own. An engine whose every statement is a round trip (PostgreSQL) pays one round per
 * group instead of one per write; the answers are those of running the programs one after the
 * other (docs/contract.md §7.4: a write is applied whole, as if alone).
 *
 * Nothing here decides a rule of the contract: it only moves look-up requests and answers.
 */
import {
  emptyPlan,
  emptyPrivacyResult,
  externalIdKey,
  identityKey,
  type LookupRequest,
  type LookupResult,
  type RecordTable,
  type WritePlan,
} from './engine.js';

/**
 * The kinds of look-up whose answer is a function of keys a plan names when it writes them.
 * Any other kind (an audit tail, a person's records by reference, every lead, ...) reads rows
 * no key set describes, so its program runs on its own.
 */
const KEYED_KINDS = new Set<keyof LookupRequest>([
  'customers',
  'identities',
  'externalIds',
  'identitiesOf',
  'eventsByCustomer',
  'records',
  'subscriptions',
  'anyErasureMarker',
  'erasureMarkers',
]);

/** Whether a request may be merged with others: every kind it asks is keyed. */
export function isKeyedRequest(request: LookupRequest): boolean {
  for (const kind of Object.keys(request) as (keyof LookupRequest)[]) {
    const value = request[kind];
    if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) continue;
    if (!KEYED_KINDS.has(kind)) return false;
  }
  return true;
}

/** How many keys a request asks: a program whose first request asks more runs on its own. */
export function requestSize(request: LookupRequest): number {
  return (
    (request.customers?.length ?? 0) +
    (request.identities?.length ?? 0) +
    (request.externalIds?.length ?? 0) +
    (request.identitiesOf?.length ?? 0) +
    (request.eventsByCustomer?.refs.length ?? 0) +
    (request.records?.ids.length ?? 0) +
    (request.erasureMarkers?.length ?? 0)
  );
}

/**
 * Requests that can share one look-up: one record table and one set of event types per
 * request shape, so requests are merged only within a bucket of this key.
 */
export const mergeBucket = (request: LookupRequest): string => `${request.records?.table ?? ''}\u0000${request.eventsByCustomer?.eventTypes.join(',') ?? ''}`;

/** One request asking everything the requests of one bucket ask, each key once. */
export function mergeRequests(requests: readonly LookupRequest[]): LookupRequest {
  const customers = new Set<string>();
  const identitiesOf = new Set<string>();
  const refs = new Set<string>();
  const ids = new Set<string>();
  const markers = new Set<string>();
  const identities = new Map<string, { type: string; value: string }>();
  const externals = new Map<string, { source: string; key: string; value: string }>();
  const merged: LookupRequest = {};
  for (const r of requests) {
    for (const id of r.customers ?? []) customers.add(id);
    for (const k of r.identities ?? []) identities.set(identityKey(k.type, k.value), k);
    for (const k of r.externalIds ?? []) externals.set(externalIdKey(k.source, k.key, k.value), k);
    for (const id of r.identitiesOf ?? []) identitiesOf.add(id);
    for (const ref of r.eventsByCustomer?.refs ?? []) refs.add(ref);
    for (const id of r.records?.ids ?? []) ids.add(id);
    for (const m of r.erasureMarkers ?? []) markers.add(m);
    // One bucket (mergeBucket): every request names the same table and event types.
    if (r.records) merged.records = { table: r.records.table, ids: [] };
    if (r.eventsByCustomer) merged.eventsByCustomer = { refs: [], eventTypes: r.eventsByCustomer.eventTypes };
    if (r.subscriptions) merged.subscriptions = true;
    if (r.anyErasureMarker) merged.anyErasureMarker = true;
  }
  if (customers.size > 0) merged.customers = [...customers];
  if (identities.size > 0) merged.identities = [...identities.values()];
  if (externals.size > 0) merged.externalIds = [...externals.values()];
  if (identitiesOf.size > 0) merged.identitiesOf = [...identitiesOf];
  if (merged.eventsByCustomer) merged.eventsByCustomer.refs = [...refs];
  if (merged.records) merged.records.ids = [...ids];
  if (markers.size > 0) merged.erasureMarkers = [...markers];
  return merged;
}

function pick<V>(from: Map<string, V>, keys: Iterable<string>): Map<string, V> {
  const out = new Map<string, V>();
  for (const key of keys) {
    const value = from.get(key);
    if (value !== undefined) out.set(key, value);
  }
  return out;
}

/**
 * What `request` alone would have returned, cut from the answer to a merged request that
 * included it: the same entries, rows in the same order, and nothing it did not ask.
 */
export function splitResult(merged: LookupResult, request: LookupRequest): LookupResult {
  const refs = new Set(request.eventsByCustomer?.refs ?? []);
  const markers = new Set(request.erasureMarkers ?? []);
  return {
    ...emptyPrivacyResult(),
    customers: pick(merged.customers, request.customers ?? []),
    identities: pick(
      merged.identities,
      (request.identities ?? []).map((k) => identityKey(k.type, k.value)),
    ),
    externalIds: pick(
      merged.externalIds,
      (request.externalIds ?? []).map((k) => externalIdKey(k.source, k.key, k.value)),
    ),
    identitiesOf: pick(merged.identitiesOf, request.identitiesOf ?? []),
    eventsByCustomer: refs.size > 0 ? merged.eventsByCustomer.filter((row) => refs.has(row.customer_ref)) : [],
    records: pick(merged.records, request.records?.ids ?? []),
    subscriptions: request.subscriptions ? merged.subscriptions : [],
    anyErasureMarker: request.anyErasureMarker ? merged.anyErasureMarker : false,
    erasureMarkers: new Set([...merged.erasureMarkers].filter((m) => markers.has(m))),
  };
}

/** Keys of what a request read (subscriptions and markers: no grouped plan writes them). */
export function readKeys(request: LookupRequest): string[] {
  const keys: string[] = [];
  for (const id of request.customers ?? []) keys.push(`c\u0000${id}`);
  for (const k of request.identities ?? []) keys.push(`i\u0000${identityKey(k.type, k.value)}`);
  for (const k of request.externalIds ?? []) keys.push(`x\u0000${externalIdKey(k.source, k.key, k.value)}`);
  for (const id of request.identitiesOf ?? []) keys.push(`o\u0000${id}`);
  for (const ref of request.eventsByCustomer?.refs ?? []) keys.push(`e\u0000${ref}`);
  const records = request.records;
  for (const id of records?.ids ?? []) keys.push(`r\u0000${records?.table}\u0000${id}`);
  return keys;
}

/**
 * Keys of what a plan writes, in the terms of readKeys: `rows`, the rows themselves (two plans
 * writing one row must not be merged), and `found`, what else now answers differently (an
 * identity is found among its customer's identities, an event under its customer reference).
 * Undefined when the plan has a part no key describes (an erasure, audit entries): such a
 * program runs on its own.
 */
export function writeKeys(plan: WritePlan): { rows: string[]; found: string[] } | undefined {
  if (plan.erase || (plan.audit && plan.audit.length > 0)) return undefined;
  const rows: string[] = [];
  const found: string[] = [];
  for (const c of plan.customers) rows.push(`c\u0000${c.id}`);
  for (const k of plan.identities) {
    rows.push(`i\u0000${identityKey(k.type, k.value)}`);
    found.push(`o\u0000${k.customerId}`);
  }
  for (const k of [...plan.externalIds, ...plan.externalIdsRemoved]) rows.push(`x\u0000${externalIdKey(k.source, k.key, k.value)}`);
  const records = plan.records;
  for (const row of records?.rows ?? []) {
    rows.push(`r\u0000${records?.table}\u0000${row.id}`);
    if (records?.table === 'events' && typeof row.customer_ref === 'string') found.push(`e\u0000${row.customer_ref}`);
  }
  return { rows, found };
}

/**
 * The plans of programs that read nothing another of them wrote, as few plans as there are
 * record tables among them, each part in program order: applying these is applying each plan
 * in turn, since no two of them write one row.
 */
export function mergePlans(plans: readonly WritePlan[]): WritePlan[] {
  const byTable = new Map<RecordTable | undefined, WritePlan>();
  for (const plan of plans) {
    const table = plan.records?.table;
    let into = byTable.get(table);
    if (!into) {
      into = emptyPlan();
      if (plan.records) into.records = { table: plan.records.table, rows: [] };
      byTable.set(table, into);
    }
    into.customers.push(...plan.customers);
    into.externalIds.push(...plan.externalIds);
    into.externalIdsRemoved.push(...plan.externalIdsRemoved);
    into.identities.push(...plan.identities);
    into.deliveries.push(...plan.deliveries);
    if (plan.records) into.records?.rows.push(...plan.records.rows);
    if (plan.consentChanges?.length) into.consentChanges = [...(into.consentChanges ?? []), ...plan.consentChanges];
  }
  return [...byTable.values()];
}

/** Rows a plan writes to the data tables (what ANALYZE pacing counts). */
export const planRows = (plan: WritePlan): number => plan.customers.length + (plan.records?.rows.length ?? 0);
