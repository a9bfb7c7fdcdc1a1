/**
 * Validation of rc.2 batch bodies against the rc.2 schemas, before any mapping, so that every
 * problem names a pointer into the body as the rc.2 client sent it (`/items/3/contacts/0/type`).
 * The mapped records are checked again with the seed's validator (identity rules, caps).
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { ContractError } from '../errors.js';
import { Customer } from './customer.js';
import { Lead } from './lead.js';
import {
  LoyaltyAccount,
  LoyaltyCoupon,
  LoyaltyCouponUseRequest,
  LoyaltyProgram,
  LoyaltyRedemptionRequest,
  LoyaltyReward,
  LoyaltyTransaction,
} from './loyalty.js';
import { Order } from './order.js';
import { Review } from './review.js';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export type Rc2Resource =
  | 'customer'
  | 'lead'
  | 'order'
  | 'review'
  | 'loyaltyProgram'
  | 'loyaltyRedemption'
  | 'loyaltyCouponUse'
  // Answers only: the conformance kit checks a target's loyalty answers against them.
  | 'loyaltyAccount'
  | 'loyaltyTransaction'
  | 'loyaltyReward'
  | 'loyaltyCoupon';

const MAX_ISSUES = 200;

function describe(error: ErrorObject, base: string): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${base}${error.instancePath}/${String(params.missingProperty)}: is required`;
  if (error.keyword === 'enum') return `${base}${error.instancePath}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
  return `${base}${error.instancePath}: ${error.message ?? `fails ${error.keyword}`}`;
}

export class Rc2Validator {
  private readonly compiled: Record<Rc2Resource, ValidateFunction>;

  constructor() {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false });
    addFormats(ajv);
    const schemas: Record<Rc2Resource, TSchema> = {
      customer: Customer,
      lead: Lead,
      order: Order,
      review: Review,
      loyaltyProgram: LoyaltyProgram,
      loyaltyRedemption: LoyaltyRedemptionRequest,
      loyaltyCouponUse: LoyaltyCouponUseRequest,
      loyaltyAccount: LoyaltyAccount,
      loyaltyTransaction: LoyaltyTransaction,
      loyaltyReward: LoyaltyReward,
      loyaltyCoupon: LoyaltyCoupon,
    };
    this.compiled = Object.fromEntries(Object.entries(schemas).map(([kind, schema]) => [kind, ajv.compile(schema)])) as Record<Rc2Resource, ValidateFunction>;
  }

  /** The problems of one rc.2 record, as `pointer: reason` lines; empty when valid. */
  problems(kind: Rc2Resource, value: unknown, base = ''): string[] {
    const validate = this.compiled[kind];
    return validate(value) ? [] : (validate.errors ?? []).map((e) => describe(e, base));
  }

  /** A single rc.2 body, valid, or a VALIDATION_ERROR listing every problem. */
  readBody<T>(kind: Rc2Resource, body: unknown): T {
    const issues = typeof body === 'object' && body !== null && !Array.isArray(body) ? this.problems(kind, body) : [': must be a JSON object'];
    if (issues.length > 0) throw new ContractError('VALIDATION_ERROR', `invalid ${kind} body; nothing was written`, issues.slice(0, MAX_ISSUES));
    return body as T;
  }

  /**
   * The items of an rc.2 batch body `{items: [...]}`, each valid, or a VALIDATION_ERROR
   * listing every problem (all or nothing), or PAYLOAD_TOO_LARGE over `maxItems`.
   */
  readItems(kind: Rc2Resource, body: unknown, maxItems: number): Record<string, unknown>[] {
    const items = (body as { items?: unknown } | null)?.items;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(items))
      throw new ContractError('VALIDATION_ERROR', `the body must be an object {"items": [...]} of ${kind}s`, ['/items: is required and must be an array']);
    if (items.length > maxItems)
      throw new ContractError('PAYLOAD_TOO_LARGE', `a batch holds at most ${maxItems} items; this one has ${items.length}. Split it and send again.`, [
        `/items: ${items.length} items, maximum ${maxItems}`,
      ]);
    const validate = this.compiled[kind];
    const issues: string[] = [];
    items.forEach((item, index) => {
      if (issues.length < MAX_ISSUES && !validate(item)) issues.push(...(validate.errors ?? []).map((e) => describe(e, `/items/${index}`)));
    });
    if (issues.length > 0) throw new ContractError('VALIDATION_ERROR', `invalid ${kind} batch; nothing was written`, [...new Set(issues)].slice(0, MAX_ISSUES));
    return items as Record<string, unknown>[];
  }
}
