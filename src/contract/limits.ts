/**
 * The size limits of docs/contract.md §9 ("Limits"), in one place: the schemas declare them as
 * maxLength/maxItems (so the OpenAPI document and Ajv enforce them), discovery publishes them,
 * and the domain checks merged records against them.
 *
 * Why: lists are merged as unions on every re-send, so without caps one customer grows past
 * the body limit and every later read or write of it blocks the event loop (issue 13 §1); an
 * unbounded id ends up in a `Link` header that clients refuse (§7).
 */

/** Every id and key (customer id, identifier value, external id parts, record ids, refs, path ids). */
export const MAX_KEY_LENGTH = 256;
/** Entries of a customer's `externalIds`. */
export const MAX_EXTERNAL_IDS = 100;
/** Entries of each contact list, `contacts.phones` and `contacts.emails`. */
export const MAX_CONTACTS_PER_LIST = 20;
/** Entries of a customer's `addresses`. */
export const MAX_ADDRESSES = 20;
/** The stored customer document, measured as UTF-8 JSON. */
export const MAX_CUSTOMER_DOCUMENT_BYTES = 64 * 1024;
/** A pagination cursor carries a stamp, an id (at most MAX_KEY_LENGTH) and a page number. */
export const MAX_CURSOR_LENGTH = 1024;

/** The limits as discovery publishes them (operationalLimits.recordLimits). */
export const recordLimits = {
  maxIdLength: MAX_KEY_LENGTH,
  maxExternalIds: MAX_EXTERNAL_IDS,
  maxContactsPerList: MAX_CONTACTS_PER_LIST,
  maxAddresses: MAX_ADDRESSES,
  maxCustomerDocumentBytes: MAX_CUSTOMER_DOCUMENT_BYTES,
} as const;
