/**
 * What the rc.2 resource plugins share: routing an operation of the rc.2 table, its query
 * filters, its `{items, page, pageSize, total}` pages, its 202 `{status, correlationId}`
 * answer (sent only after the write committed), and customer references by identifier.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ContractError } from '../../contract/errors.js';
import { normalizeIdentifierValue } from '../../contract/identity.js';
import { PAGE_SIZE_DEFAULT } from '../../contract/queries.js';
import type { JsonObject } from '../../contract/rc2/mapping/json-object.js';
import { rc2Operation, type Rc2Operation, type Rc2OperationId } from '../../contract/rc2/operations.js';
import { identifierTypes } from '../../contract/customer.js';
import { originChannels } from '../../contract/rc2/order.js';
import { StoreConflictError, type PageRequest, type PageResult, type Store, type TimeRange, type WriteSummary } from '../../store/store.js';
import { parseDateTime } from '../../contract/date-time.js';
import { nextTurn, renderJsonArray, sendChunked } from '../page-body.js';

export type Rc2Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Registers one rc.2 operation at its path, with its success status preset. */
export function rc2Route(app: FastifyInstance, operationId: Rc2OperationId, handler: Rc2Handler): void {
  const op = rc2Operation(operationId);
  app.route({
    method: op.method,
    url: op.path.replace(/\{(\w+)\}/g, ':$1'),
    config: { operationId: `rc2.${operationId}` },
    handler: async (request, reply) => {
      reply.code(op.status);
      return handler(request, reply);
    },
  });
}

export interface Rc2Query {
  values: Record<string, string | number | undefined>;
  page: number;
  pageSize: number;
}

const POSITIVE = /^\d{1,10}$/;

/** Parses an rc.2 list query strictly: a bad or repeated known parameter is a 400 naming it. */
export function parseRc2Query(op: Rc2Operation, query: Record<string, unknown>): Rc2Query {
  const problems: string[] = [];
  const values: Record<string, string | number | undefined> = {};
  let page = 1;
  let pageSize = PAGE_SIZE_DEFAULT;
  for (const def of op.query) {
    const raw = query[def.name];
    if (raw === undefined) continue;
    if (Array.isArray(raw)) {
      problems.push(`${def.name}: given ${raw.length} times; give it once`);
      continue;
    }
    const text = String(raw);
    const shown = JSON.stringify(text.slice(0, 60));
    switch (def.kind) {
      case 'page':
      case 'pageSize': {
        const max = def.kind === 'page' ? 1_000_000_000 : 500;
        const n = POSITIVE.test(text) ? Number(text) : 0;
        if (n < 1 || n > max) problems.push(`${def.name}: must be an integer from 1 to ${max} (got ${shown})`);
        else if (def.kind === 'page') page = n;
        else pageSize = n;
        break;
      }
      case 'date-time': {
        const micros = parseDateTime(text);
        if (micros === undefined) problems.push(`${def.name}: must be an RFC 3339 date-time with offset, e.g. 2026-08-04T12:00:00Z (got ${shown})`);
        else values[def.name] = micros;
        break;
      }
      case 'identifierType':
      case 'originChannel': {
        const allowed: readonly string[] = def.kind === 'identifierType' ? identifierTypes : originChannels;
        if (!allowed.includes(text)) problems.push(`${def.name}: must be one of ${allowed.join(', ')} (got ${shown})`);
        else values[def.name] = text;
        break;
      }
      default:
        if (text === '') problems.push(`${def.name}: must not be empty`);
        else values[def.name] = text;
    }
  }
  if ((values.customerIdentifierType === undefined) !== (values.customerIdentifierValue === undefined))
    problems.push('customerIdentifierType, customerIdentifierValue: give both or neither');
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', `invalid query: ${problems[0]}`, problems);
  return { values, page, pageSize };
}

export function rc2Range(query: Rc2Query, from: string, to: string): TimeRange {
  return { from: query.values[from] as number | undefined, to: query.values[to] as number | undefined };
}

export function pageRequest(query: Rc2Query): PageRequest {
  return { limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
}

/**
 * Sends an rc.2 page: the stored records mapped to rc.2 by `toRc2`, with the page and the total,
 * as `JSON.stringify({items, page, pageSize, total})` would, rendered in slices (page-body.ts).
 */
export async function sendRc2Page<T>(
  reply: FastifyReply,
  query: Rc2Query,
  items: readonly T[],
  total: number,
  toRc2: (item: T) => JsonObject,
): Promise<FastifyReply> {
  const tail = `],"page":${query.page},"pageSize":${query.pageSize},"total":${total}}`;
  return sendChunked(reply, await renderJsonArray('{"items":[', items, toRc2, tail));
}

export function parseItems(result: PageResult): JsonObject[] {
  return result.items.map((text) => JSON.parse(text) as JsonObject);
}

/**
 * One rc.2 page from the store: `pageSize` records from offset `(page - 1) * pageSize`. When the
 * store stops a page early (its body bound, docs/contract.md §9), the rest is read after the last
 * record, because an rc.2 client counts pages and would otherwise skip what was cut.
 */
export async function readPage(read: (page: PageRequest) => Promise<PageResult>, query: Rc2Query): Promise<{ items: JsonObject[]; total: number }> {
  const first = await read(pageRequest(query));
  const items = parseItems(first);
  let last = first;
  while (items.length < query.pageSize && last.hasMore && last.last) {
    // Each read is one bounded page (1 MiB): let the loop turn between them.
    await nextTurn();
    last = await read({ limit: query.pageSize - items.length, offset: 0, after: last.last });
    if (last.items.length === 0) break;
    items.push(...parseItems(last));
  }
  return { items, total: first.total };
}

/** Rows read per store call when a filter the store has no column for is applied here. */
const SCAN_PAGE = 500;

/**
 * A page of the records that pass `keep`, for filters the store cannot apply (rc.2's
 * `storeId`, `originChannel`): walks the store's filtered list by keyset and counts all
 * matches, so `total` is exact. Linear in the records the store's own filters leave.
 */
export async function scanPage(
  read: (page: PageRequest) => Promise<PageResult>,
  keep: (record: JsonObject) => boolean,
  query: Rc2Query,
): Promise<{ items: JsonObject[]; total: number }> {
  const first = (query.page - 1) * query.pageSize;
  const items: JsonObject[] = [];
  let total = 0;
  let after: PageRequest['after'];
  for (;;) {
    const result = await read({ limit: SCAN_PAGE, offset: 0, after });
    for (const record of parseItems(result)) {
      if (!keep(record)) continue;
      if (total >= first && items.length < query.pageSize) items.push(record);
      total += 1;
    }
    if (!result.hasMore || !result.last) break;
    after = result.last;
    await nextTurn();
  }
  return { items, total };
}

/** `<type>:<value>` of an identifier, with the value in its comparison form. */
export function typedReference(identifier: { type: string; value: string }): string {
  return `${identifier.type}:${normalizeIdentifierValue(identifier.type, identifier.value.normalize('NFC').trim()) ?? identifier.value}`;
}

/**
 * What `customer.id` / `customer.customerId` becomes for a record that names its customer by
 * identifier: the customer's id when one resolves, else `<type>:<value>` (which a later
 * customer still resolves from). One store read per distinct identifier of a batch.
 */
export function customerRefResolver(store: Store, tenant: string): (identifier: unknown) => Promise<string | undefined> {
  const cache = new Map<string, Promise<string | undefined>>();
  return (identifier) => {
    const id = identifier as { type?: unknown; value?: unknown } | undefined;
    if (typeof id?.type !== 'string' || typeof id.value !== 'string') return Promise.resolve(undefined);
    const ref = typedReference({ type: id.type, value: id.value });
    let found = cache.get(ref);
    if (!found) {
      found = store.getCustomer(tenant, ref).then((text) => {
        const stored = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id;
        return typeof stored === 'string' ? stored : ref;
      });
      cache.set(ref, found);
    }
    return found;
  };
}

/**
 * The references a filter by customer identifier matches: every id the customer resolves to,
 * and `<type>:<value>` itself (records written before the customer was known carry it).
 */
export async function refsForIdentifier(store: Store, tenant: string, query: Rc2Query): Promise<string[] | undefined> {
  const type = query.values.customerIdentifierType as string | undefined;
  const value = query.values.customerIdentifierValue as string | undefined;
  if (type === undefined || value === undefined) return undefined;
  const ref = typedReference({ type, value });
  const resolved = (await store.resolveCustomerRefs(tenant, ref)) ?? [];
  return [...new Set([...resolved, ref])];
}

/**
 * Runs a batch write and answers 202 `{status: "ACCEPTED", correlationId}` once it has
 * committed (docs/bindings.md): correlationId is the request id, echoed in X-Request-Id
 * and logged with the write. A conflict with stored state is a 409 whose pointers name the
 * rc.2 item (`/items/3`), with seed field names translated by `renameField`.
 */
export async function acceptBatch(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: string,
  count: number,
  write: () => Promise<WriteSummary>,
  renameField: (pointer: string) => string = (p) => p,
): Promise<FastifyReply> {
  let summary: WriteSummary;
  try {
    summary = await write();
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new ContractError(
        'CONFLICT',
        error.message,
        error.details.map((d) => renameField(`/items${d}`)),
      );
    throw error;
  }
  request.log.info({ kind, binding: 'rc2', items: count, correlationId: request.id, ...summary }, 'batch committed');
  return reply.type('application/json; charset=utf-8').send({ status: 'ACCEPTED', correlationId: request.id });
}

/** A server-made timestamp: UTC with six fractional digits (docs/contract.md). */
export function serverTimestamp(now = new Date()): string {
  return now.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function rc2NotFound(what: string, id: string): ContractError {
  return new ContractError('NOT_FOUND', `no ${what} matches ${JSON.stringify(id)}`);
}
