/**
 * Small builders over TypeBox for the shapes the contract repeats.
 *
 * They exist so that the schema modules read like the seed's tables, and so that the JSON
 * Schema they emit gives Ajv plain `type`/`enum` keywords (one clear error per mistake)
 * instead of `anyOf` unions that produce three errors for one wrong value.
 */
import { Type, type Static, type TOptional, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { MAX_KEY_LENGTH } from './limits.js';

/** A string restricted to the given values, emitted as `{type: 'string', enum}`. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * An optional field that a re-send may set to `null` to clear it (docs/contract.md §5).
 * The emitted schema widens `type` to include "null" rather than wrapping it in `anyOf`.
 */
export function Clearable<T extends TSchema>(schema: T): TOptional<TUnsafe<Static<T> | null>> {
  const copy: Record<string, unknown> = { ...schema };
  const type = copy.type;
  if (typeof type === 'string') copy.type = [type, 'null'];
  else if (Array.isArray(type)) copy.type = [...type, 'null'];
  else throw new Error('Clearable needs a schema with a type');
  if (Array.isArray(copy.enum)) copy.enum = [...(copy.enum as unknown[]), null];
  return Type.Optional(Type.Unsafe<Static<T> | null>(copy));
}

/** RFC 3339 date-time with an offset, as the seed demands for `reviewDate` and `occurredAt`. */
export function DateTime(options: Record<string, unknown> = {}) {
  return Type.String({ format: 'date-time', ...options });
}

/** A non-empty string: identifiers and keys that an empty value would make meaningless. */
export function NonEmptyString(options: Record<string, unknown> = {}) {
  return Type.String({ minLength: 1, ...options });
}

/** An id or key: non-empty and at most MAX_KEY_LENGTH characters (docs/contract.md §9). */
export function Key(options: Record<string, unknown> = {}) {
  return Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH, ...options });
}

/** A reference to an id (customerId, orderId...): at most MAX_KEY_LENGTH characters. */
export function KeyRef(options: Record<string, unknown> = {}) {
  return Type.String({ maxLength: MAX_KEY_LENGTH, ...options });
}
