/**
 * The rows every store reads back, and how each becomes the JSON a client receives. Stores
 * differ in SQL, not in what a record looks like: both select these columns (documents as JSON
 * text) and render them here.
 */
import { stampToIso } from './change-clock.js';

/** A customer as stored: its document without server fields, and those fields in columns. */
export interface CustomerRow {
  id: string;
  data: string;
  /** The server's first-seen time, rendered when the document has no createdAt of its own. */
  created_at: string | null;
  stamp: number;
  /** Consent state as JSON text, or null. */
  consent: string | null;
}

/** A lead, order, review or event as stored. */
export interface DocRow {
  id: string;
  data: string;
  stamp: number;
  created_at?: string | null;
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

/** The fields of a stored JSON object, without its braces, followed by a comma; '' when it has none. */
function innerFields(json: string): string {
  return json.length > 2 ? `${json.slice(1, -1)},` : '';
}

function createdAt(value: string | null | undefined): string {
  return value === null || value === undefined ? '' : `"createdAt":${JSON.stringify(value)},`;
}

/** Reviews and events are returned as stored. */
export const renderAsStored = (row: DocRow): string => row.data;
