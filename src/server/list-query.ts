/**
 * Query strings of the list operations, parsed strictly (docs/contract.md §2).
 *
 * Known parameters are checked against their definitions in `contract/queries.ts`: a bad
 * value, or a known parameter given twice, is a 400 that names it; unknown parameters are
 * ignored. `page`/`pageSize` select a page by offset; `cursor` (from a `Link rel="next"`)
 * continues after a keyset position so that a walk never skips or repeats a record.
 */
import { ContractError } from '../contract/errors.js';
import { parseDateTime } from '../contract/date-time.js';
import { MAX_CURSOR_LENGTH, MAX_KEY_LENGTH } from '../contract/limits.js';
import { PAGE_NUMBER_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, listQueries, type ListOperationId, type QueryParamDefinition } from '../contract/queries.js';
import type { PageRequest, Position } from '../store/store.js';

export interface ParsedListQuery {
  /** String parameters as given, date-times as epoch milliseconds. */
  values: Record<string, string | number | undefined>;
  pageNumber: number;
  pageSize: number;
  /** The page to read from the store. */
  request: PageRequest;
}

export function encodeCursor(position: Position, nextPage: number): string {
  return Buffer.from(JSON.stringify([position.stamp, position.id, nextPage])).toString('base64url');
}

export function decodeCursor(cursor: string): { position: Position; page: number } | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 3) return undefined;
    const [stamp, id, page] = decoded as unknown[];
    if (!Number.isSafeInteger(stamp) || typeof id !== 'string' || !Number.isSafeInteger(page) || (page as number) < 1) return undefined;
    return { position: { stamp: stamp as number, id }, page: page as number };
  } catch {
    return undefined;
  }
}

function parsePositiveInteger(raw: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= max ? n : undefined;
}

/**
 * Parses a list's query string. A string parameter's accepted values come from its definition
 * (`enum`); `allowed` adds choices for a definition that names none.
 */
export function parseListQuery(operationId: ListOperationId, query: Record<string, unknown>, allowed: Record<string, readonly string[]> = {}): ParsedListQuery {
  const problems: string[] = [];
  const values: Record<string, string | number | undefined> = {};
  let pageNumber = 1;
  let pageSize = PAGE_SIZE_DEFAULT;
  let after: Position | undefined;

  for (const def of listQueries[operationId] as readonly QueryParamDefinition[]) {
    const raw = query[def.name];
    if (raw === undefined) continue;
    if (Array.isArray(raw)) {
      problems.push(`${def.name}: given ${raw.length} times; give it once`);
      continue;
    }
    const text = String(raw);
    switch (def.kind) {
      case 'string': {
        const options = def.enum ?? allowed[def.name];
        if (text === '') problems.push(`${def.name}: must not be empty`);
        else if (text.length > MAX_KEY_LENGTH)
          problems.push(`${def.name}: must have at most ${MAX_KEY_LENGTH} characters (got ${text.length}; docs/contract.md §9)`);
        else if (options && !options.includes(text))
          problems.push(`${def.name}: must be one of ${options.join(', ')} (got ${JSON.stringify(text.slice(0, 60))})`);
        else values[def.name] = text;
        break;
      }
      case 'date-time': {
        const ms = parseDateTime(text);
        if (ms === undefined)
          problems.push(`${def.name}: must be an RFC 3339 date-time with offset, e.g. 2026-06-01T12:00:00Z (got ${JSON.stringify(text.slice(0, 60))})`);
        else values[def.name] = ms;
        break;
      }
      case 'page': {
        const n = parsePositiveInteger(text, PAGE_NUMBER_MAX);
        if (n === undefined) problems.push(`page: must be an integer from 1 to ${PAGE_NUMBER_MAX} (got ${JSON.stringify(text.slice(0, 60))})`);
        else pageNumber = n;
        break;
      }
      case 'pageSize': {
        const n = parsePositiveInteger(text, PAGE_SIZE_MAX);
        if (n === undefined) problems.push(`pageSize: must be an integer from 1 to ${PAGE_SIZE_MAX} (got ${JSON.stringify(text.slice(0, 60))})`);
        else pageSize = n;
        break;
      }
      case 'cursor': {
        const decoded = text.length > MAX_CURSOR_LENGTH ? undefined : decodeCursor(text);
        if (!decoded) problems.push('cursor: is not a cursor this server issued; follow the Link rel="next" URL as given');
        else {
          after = decoded.position;
          values.cursor = text;
          pageNumber = decoded.page;
        }
        break;
      }
    }
  }
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', `invalid query: ${problems[0]}`, problems);
  return {
    values,
    pageNumber,
    pageSize,
    request: { limit: pageSize, offset: (pageNumber - 1) * pageSize, after },
  };
}

/** The inclusive time range of two date-time parameters, e.g. updatedFrom/updatedTo. */
export function timeRange(query: ParsedListQuery, from: string, to: string): { from?: number; to?: number } {
  return { from: query.values[from] as number | undefined, to: query.values[to] as number | undefined };
}
