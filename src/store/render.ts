/**
 * Rendering stored documents without parsing them.
 *
 * Stores keep each record's client document as JSON text, with server-owned fields removed,
 * and add those fields back on the way out by splicing text. A list of a thousand records is
 * then a thousand string concatenations instead of a parse and a stringify each.
 */

export interface RenderFields {
  /** Fields put before the document's own (e.g. a server-assigned `id`). */
  head?: Record<string, unknown>;
  /** Fields put after the document's own (e.g. `updatedAt`). */
  tail?: Record<string, unknown>;
  /** Fields put last whose values are already JSON text (e.g. a stored consent object). */
  rawTail?: Record<string, string | null | undefined>;
}

/** Splices server-owned fields around the fields of `json`, which must be a JSON object. */
export function renderDocument(json: string, fields: RenderFields): string {
  const parts: string[] = [];
  const add = (source: Record<string, unknown> | undefined) => {
    if (source) for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== null) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  };
  add(fields.head);
  const inner = json.length > 2 ? json.slice(1, -1) : '';
  if (inner !== '') parts.push(inner);
  add(fields.tail);
  if (fields.rawTail) for (const [k, v] of Object.entries(fields.rawTail)) if (v) parts.push(`${JSON.stringify(k)}:${v}`);
  return `{${parts.join(',')}}`;
}

/** Returns a copy of `doc` without the given keys. */
export function withoutKeys(doc: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...doc };
  for (const key of keys) delete copy[key];
  return copy;
}
