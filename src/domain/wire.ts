/**
 * The wire format of stored records (docs/contract.md §2): the same record is the same JSON
 * text from either store. Documents are kept as the compact JSON text the domain wrote
 * (JSON.stringify, keys in the order received and merged); the server's fields are spliced
 * around it as text, with every server stamp in UTC to the microsecond (stampToIso).
 * A list of a thousand records is then a thousand concatenations, not a parse and a
 * stringify each.
 */
import { stampToIso } from '../store/change-clock.js';
import type { CustomerRow, DataTable, RecordRow } from '../store/engine.js';

export type { CustomerRow } from '../store/engine.js';

/** A lead, order, review or event as stored. */
export interface DocRow {
  id: string;
  data: string;
  stamp: number;
  created_at?: string | null;
}

/** Returns a copy of `doc` without the given keys. */
export function withoutKeys(doc: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...doc };
  for (const key of keys) delete copy[key];
  return copy;
}

/**
 * Splices the server's fields (`id` first; `createdAt`, `updatedAt`, `consent` last) around
 * the stored document's own fields, as text: no parse, no stringify of the document.
 */
export function renderCustomer(row: CustomerRow): string {
  const consent = row.consent ? `,"consent":${row.consent}` : '';
  return `{"id":${JSON.stringify(row.id)},${innerFields(row.data)}${createdAt(row.created_at)}"updatedAt":"${stampToIso(row.stamp)}"${consent}}`;
}

/** Leads and orders carry the server's `updatedAt` (and a lead its first-seen `createdAt`). */
export const renderWithUpdatedAt = (row: DocRow): string => `{${innerFields(row.data)}${createdAt(row.created_at)}"updatedAt":"${stampToIso(row.stamp)}"}`;

/** Reviews and events are returned as stored. */
export const renderAsStored = (row: DocRow): string => row.data;

/** The renderer of each table's rows. */
export function renderRow(table: DataTable, row: CustomerRow | RecordRow): string {
  switch (table) {
    case 'customers':
      return renderCustomer(row as CustomerRow);
    case 'leads':
    case 'orders':
      return renderWithUpdatedAt(row as DocRow);
    default:
      return renderAsStored(row as DocRow);
  }
}

/** The fields of a stored JSON object, without its braces, followed by a comma; '' when it has none. */
function innerFields(json: string): string {
  return json.length > 2 ? `${json.slice(1, -1)},` : '';
}

function createdAt(value: string | null | undefined): string {
  return value === null || value === undefined ? '' : `"createdAt":${JSON.stringify(value)},`;
}

/**
 * List bodies are bounded (docs/contract.md §9.4): a page stops before passing this. 1 MiB keeps
 * the synchronous work of one page (reading its rows, rendering, encoding) to a few
 * milliseconds even when every record is at the caps of §9.2 (issue 13 §1); clients follow
 * `rel="next"`, so a smaller page costs a round trip, never a record.
 */
export const MAX_PAGE_BYTES = 1024 * 1024;

/**
 * How many of the rendered items fit in one list body (`[a,b,...]`, UTF-8) of at most
 * `maxBytes`; always at least one, so a walk always moves on.
 */
export function itemsWithinBytes(items: readonly string[], maxBytes = MAX_PAGE_BYTES): number {
  let bytes = 2;
  for (let i = 0; i < items.length; i += 1) {
    bytes += Buffer.byteLength(items[i]) + (i > 0 ? 1 : 0);
    if (bytes > maxBytes) return Math.max(i, 1);
  }
  return items.length;
}
