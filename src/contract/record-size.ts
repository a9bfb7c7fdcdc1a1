/**
 * The stored size of a customer document (docs/contract.md §9): its UTF-8 JSON without the
 * fields the server owns. Shared by validation (one item alone too big: 400) and the domain's
 * merge check (merged result too big: 422), so both measure alike.
 */
import { MAX_CUSTOMER_DOCUMENT_BYTES } from './limits.js';

const SERVER_FIELDS = new Set(['id', 'updatedAt', 'consent']);

/** Bytes of the document as stored: UTF-8 JSON, server-owned fields left out. */
export function customerDocumentBytes(document: Record<string, unknown>): number {
  const topLevelOnly = function (this: unknown, key: string, value: unknown): unknown {
    return this === document && SERVER_FIELDS.has(key) ? undefined : value;
  };
  return Buffer.byteLength(JSON.stringify(document, topLevelOnly), 'utf8');
}

/**
 * `pointer: reason` when the document is over MAX_CUSTOMER_DOCUMENT_BYTES, else nothing.
 * Checked on every item of every batch, so the common case is cut short: the whole document
 * (server fields included, so never smaller than the stored one) serialized without a
 * replacer, and at most 3 UTF-8 bytes per UTF-16 code unit. Only a document near the bound
 * is measured exactly. `whole` is the document as JSON when the caller made it already.
 */
export function customerDocumentSizeIssues(document: Record<string, unknown>, pointer: string, whole = JSON.stringify(document)): string[] {
  if (whole.length * 3 <= MAX_CUSTOMER_DOCUMENT_BYTES || Buffer.byteLength(whole, 'utf8') <= MAX_CUSTOMER_DOCUMENT_BYTES) return [];
  const bytes = customerDocumentBytes(document);
  return bytes > MAX_CUSTOMER_DOCUMENT_BYTES
    ? [`${pointer}: the customer document is ${bytes} bytes as UTF-8 JSON; at most ${MAX_CUSTOMER_DOCUMENT_BYTES} are stored (docs/contract.md §9)`]
    : [];
}
