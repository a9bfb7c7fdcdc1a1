/**
 * Stores keep each record's client document as JSON text with the server-owned fields
 * removed (this module removes them), and add those fields back on the way out by splicing
 * text (stored-rows.ts): a list of a thousand records is then a thousand string
 * concatenations instead of a parse and a stringify each.
 */

/** Returns a copy of `doc` without the given keys. */
export function withoutKeys(doc: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...doc };
  for (const key of keys) delete copy[key];
  return copy;
}
