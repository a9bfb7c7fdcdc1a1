/**
 * The plain-object operations the field mappings share (docs/bindings.md). A mapping walks a
 * record's keys in the order they came, so a record keeps its key order through a binding
 * (docs/contract.md: the wire format keeps the received order).
 */
import { isPlainObject, type JsonObject } from '../../merge.js';

export { isPlainObject, type JsonObject };

/** A copy of `value` without the given keys; undefined when nothing is left. */
export function rest(value: JsonObject, keys: readonly string[]): JsonObject | undefined {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (!keys.includes(key)) out[key] = v;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The object at `value`, or an empty one: for optional sub-objects merged with mapped fields. */
export function objectAt(value: unknown): JsonObject {
  return isPlainObject(value) ? value : {};
}

/** Sets `key` only when `value` is defined, so absent fields stay absent. */
export function put(target: JsonObject, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/**
 * Moves an amount between minor units (cents) and the canonical Order's decimal `value` by a
 * power of ten, through the shortest decimal text of the number, so 5490 <-> 54.9 is exact
 * rather than 54.900000000000006.
 */
export function shiftDecimal(amount: number, digits: number): number {
  const [mantissa, exponent] = amount.toExponential().split('e');
  return Number(`${mantissa}e${Number(exponent) + digits}`);
}

/** Digits after the decimal point of a currency (2 for BRL, 0 for JPY), from ICU; 2 when unknown. */
export function minorDigits(currency: unknown): number {
  if (typeof currency !== 'string') return 2;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}
