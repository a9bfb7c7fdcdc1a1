/**
 * The rows every store reads back, and how each becomes the JSON a client receives. Stores
 * differ in SQL, not in what a record looks like: both select these columns (documents as JSON
 * text) and render them here.
 */
import { stampToIso } from './change-clock.js';
import { renderDocument } from './render.js';

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

export function renderCustomer(row: CustomerRow): string {
  return renderDocument(row.data, {
    head: { id: row.id },
    tail: { createdAt: row.created_at ?? undefined, updatedAt: stampToIso(row.stamp) },
    rawTail: { consent: row.consent },
  });
}

/** Leads and orders carry the server's `updatedAt` (and a lead its first-seen `createdAt`). */
export const renderWithUpdatedAt = (row: DocRow): string =>
  renderDocument(row.data, { tail: { createdAt: row.created_at ?? undefined, updatedAt: stampToIso(row.stamp) } });

/** Reviews and events are returned as stored. */
export const renderAsStored = (row: DocRow): string => row.data;
