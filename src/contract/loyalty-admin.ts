/**
 * Bodies of the operator's loyalty routes (docs/contract.md §15.8): what rc.2 leaves to the
 * host (the reward catalog, program rules, enrolment, manual adjustment, suspension and
 * reactivation, coupon cancellation).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ContractError } from './errors.js';
import { LoyaltyReward } from './rc2/loyalty.js';
import { Key } from './rc2/common.js';
import { StringEnum } from './schema-helpers.js';

export const ProgramRulesPatch = Type.Object(
  {
    enrolment: Type.Optional(StringEnum(['explicit', 'automatic'] as const)),
    pointsPerCurrencyUnit: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
    couponValidityDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()])),
    pointsExpireAfterDays: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 36_500, description: 'Credited points expire this many days later (FIFO).' }), Type.Null()]),
    ),
    tiers: Type.Optional(
      Type.Union([
        Type.Array(
          Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              minPoints: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
            },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 50, description: 'Tiers by lifetime qualifying points; names and thresholds distinct.' },
        ),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false, title: 'LoyaltyProgramRules' },
);

export const RewardPut = Type.Intersect([LoyaltyReward, Type.Object({ active: Type.Optional(Type.Boolean()) })]);

export const Enrolment = Type.Object({ programId: Key(), customerId: Key() }, { additionalProperties: false });

export const Adjustment = Type.Object(
  {
    amount: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, description: 'Signed points.' }),
    key: Key({ description: 'Idempotency key: the same key adjusts once.' }),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

/** An operator's expiry run (docs/contract.md §15.9): `asOf` defaults to now. */
export const ExpiryRun = Type.Object(
  { asOf: Type.Optional(Type.String({ format: 'date-time', description: 'Expire as of this time (default: now).' })) },
  { additionalProperties: false, title: 'LoyaltyExpiryRun' },
);

// ajv and ajv-formats are CommonJS with a default export; under NodeNext the class sits on `.default`.
const ajv = new AjvModule.default({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false });
addFormatsModule.default(ajv);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** The body as `T`, or a VALIDATION_ERROR naming each problem by JSON pointer. */
export function readAdminBody<T extends TSchema>(schema: T, body: unknown): Static<T> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(body)) return body as Static<T>;
  const problems = (validate.errors ?? []).slice(0, 50).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
  throw new ContractError('VALIDATION_ERROR', 'invalid body; nothing was written', problems);
}
