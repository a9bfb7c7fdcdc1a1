/**
 * The Open Delivery v1 `Order`, in the two validation profiles the server can run with.
 *
 * The Customer seed reuses the canonical v1 `Order` (allOf), but the orders a CRM receives are
 * partial snapshots. So the default `lenient` profile requires only a string `id` and checks the
 * type of every canonical field that is present; the `strict` profile, chosen by configuration,
 * enforces the full canonical required set, enums and formats (docs/contract.md §3). Unknown
 * fields are tolerated in both: neither profile contains `additionalProperties: false`.
 *
 * Both profiles derive from `order-canonical.generated.ts`, so the canonical text lives in one
 * generated file (`scripts/generate-order-schema.ts`) and is never edited by hand.
 *
 * @example
 * const validate = ajv.compile(orderSchemaFor(config.orderProfile ?? 'lenient'));
 */
import { canonicalOrderSchema } from './order-canonical.generated.js';
import { MAX_KEY_LENGTH } from './limits.js';

export type OrderProfile = 'lenient' | 'strict';

type Schema = Record<string, unknown>;

/** Keywords that constrain a value rather than its shape; the lenient profile drops them all. */
const VALUE_CONSTRAINTS = new Set([
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'default',
]);
const SUBSCHEMA = new Set(['items', 'additionalProperties']);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf']);

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies a schema without `required` or value constraints; shape and types stay. */
function relax(schema: unknown): unknown {
  if (!isObject(schema)) return structuredClone(schema);
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(schema)) {
    // `not` is dropped too: relaxing inside it would make it reject more, not less.
    if (key === 'required' || key === 'not' || VALUE_CONSTRAINTS.has(key)) continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'properties' && isObject(value)) {
      // Property names are data: a property called `format` or `default` stays.
      entries.push([key, Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, relax(sub)]))]);
    } else if (SUBSCHEMA.has(key)) {
      entries.push([key, relax(value)]);
    } else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) {
      entries.push([key, value.map(relax)]);
    } else {
      entries.push([key, structuredClone(value)]);
    }
  }
  return Object.fromEntries(entries);
}

/**
 * The lenient profile of a canonical `Order` schema: no `required` list and no value constraint
 * anywhere, so every present canonical field is only type-checked; then a non-empty string `id`
 * is the one required field. The argument is not modified.
 */
export function deriveLenientProfile(schema: Schema): Schema {
  const relaxed = relax(schema) as Schema;
  const properties = isObject(relaxed.properties) ? relaxed.properties : {};
  const canonicalId = isObject(schema.properties) ? schema.properties.id : undefined;
  const description = isObject(canonicalId) ? canonicalId.description : undefined;
  // Ids and refs keep a length bound (docs/contract.md §9): they end up in keys and Link headers.
  const id: Schema = { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH };
  if (description !== undefined) id.description = description;
  const customer = properties.customer;
  if (isObject(customer) && isObject(customer.properties) && isObject(customer.properties.id))
    customer.properties.id = { ...customer.properties.id, maxLength: MAX_KEY_LENGTH };
  return { ...relaxed, required: ['id'], properties: { ...properties, id } };
}

/** The canonical `Order` as published: full required set, enums and formats. */
export const OrderStrictSchema: Schema = { ...structuredClone(canonicalOrderSchema), title: 'Order' };

/** The default profile: a string `id`, and the type of every other canonical field present. */
export const OrderLenientSchema: Schema = deriveLenientProfile(canonicalOrderSchema);

/**
 * The schema of one profile. The same object is returned on every call (Ajv caches compiled
 * schemas by identity); treat it as read-only.
 */
export function orderSchemaFor(profile: OrderProfile): Schema {
  switch (profile) {
    case 'lenient':
      return OrderLenientSchema;
    case 'strict':
      return OrderStrictSchema;
    default: {
      const unknown: never = profile;
      throw new Error(`unknown order profile: ${String(unknown)}`);
    }
  }
}
