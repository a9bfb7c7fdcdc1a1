/**
 * Runtime validation of payloads against the contract, with messages a person can act on.
 *
 * Ajv compiles each schema once per process. Every problem is reported as
 * `"<JSON pointer>: <reason>"`, the pointer relative to the body as sent
 * (docs/contract.md §4), and a batch is checked whole so that one answer lists every bad
 * item (§3: all or nothing).
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { Customer } from './customer.js';
import { CustomerEvent } from './event.js';
import { identifierValueProblem } from './identity.js';
import { Lead } from './lead.js';
import { orderSchemaFor, type OrderProfile } from './order.js';
import { Review } from './review.js';
import { ContractError } from './errors.js';
import { customerDocumentSizeIssues } from './record-size.js';

// ajv and ajv-formats are CommonJS with a default export; under NodeNext the class sits on `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export type ResourceKind = 'customer' | 'lead' | 'order' | 'review' | 'event';

/** At most this many problems are listed per item, and this many in one answer. */
const MAX_ISSUES_PER_ITEM = 20;
const MAX_ISSUES = 1000;

const friendlyFormats: Record<string, string> = {
  'date-time': 'an RFC 3339 date-time with offset, e.g. 2026-06-01T12:00:00Z',
  date: 'a date as YYYY-MM-DD',
  uuid: 'a UUID',
  email: 'an e-mail address',
  uri: 'an absolute URI',
};

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns Ajv's errors into `pointer: reason` lines, dropping the noise of union branches. */
function describeErrors(errors: ErrorObject[], base: string): string[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath);
  const lines: string[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf' && unions.some((p) => error.schemaPath.startsWith(`${p}/`))) continue;
    let pointer = base + error.instancePath;
    let reason: string;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        pointer += `/${escapePointer(String(params.missingProperty))}`;
        reason = 'is required';
        break;
      case 'type':
        reason = `must be ${String(params.type).replace(',', ' or ')} (got ${typeName(error.data)})`;
        break;
      case 'enum':
        reason = `must be one of ${(params.allowedValues as unknown[]).filter((v) => v !== null).join(', ')} (got ${preview(error.data)})`;
        break;
      case 'format':
        reason = `must be ${friendlyFormats[String(params.format)] ?? `in format ${String(params.format)}`} (got ${preview(error.data)})`;
        break;
      case 'maxLength':
        reason = `must have at most ${String(params.limit)} characters (got ${String((error.data as string).length)}; docs/contract.md §9)`;
        break;
      case 'maxItems':
        reason = `must have at most ${String(params.limit)} entries (got ${String((error.data as unknown[]).length)}; docs/contract.md §9)`;
        break;
      case 'minLength':
        reason = params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters`;
        break;
      case 'anyOf':
      case 'oneOf':
        reason = `must match one of its allowed forms (${(error.parentSchema as { description?: string })?.description ?? 'see the schema'}); got ${typeName(error.data)}`;
        break;
      default:
        reason = error.message ?? `fails ${error.keyword}`;
    }
    lines.push(`${pointer}: ${reason}`);
  }
  return [...new Set(lines)];
}

/** Rules the JSON Schema cannot say: identifier digits, unique question ids. */
function normativeIssues(kind: ResourceKind, value: unknown, base: string): string[] {
  const issues: string[] = [];
  const item = value as Record<string, unknown>;
  if (kind === 'customer') {
    const { type, value: idValue } = (item.identifier ?? {}) as { type?: unknown; value?: unknown };
    const problem = typeof type === 'string' && typeof idValue === 'string' ? identifierValueProblem(type, idValue) : undefined;
    if (problem !== undefined) issues.push(`${base}/identifier/value: a ${String(type)} identifier ${problem} (got ${preview(idValue)})`);
    issues.push(...customerDocumentSizeIssues(item, base));
  }
  if (kind === 'review' && Array.isArray(item.questions)) {
    const seen = new Map<string, number>();
    item.questions.forEach((q: Record<string, unknown>, i: number) => {
      const id = q?.questionId;
      if (typeof id !== 'string') return;
      const first = seen.get(id);
      if (first !== undefined)
        issues.push(`${base}/questions/${i}/questionId: duplicates /questions/${first} (${preview(id)}); questionId must be unique within the review`);
      else seen.set(id, i);
    });
  }
  return issues;
}

export interface ValidatorOptions {
  orderProfile?: OrderProfile;
}

/** The compiled validators of one configuration. Build once and share. */
export class ContractValidator {
  private readonly compiled: Record<ResourceKind, ValidateFunction>;

  constructor(options: ValidatorOptions = {}) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, coerceTypes: false, useDefaults: false });
    addFormats(ajv);
    const schemas: Record<ResourceKind, TSchema | Record<string, unknown>> = {
      customer: Customer,
      lead: Lead,
      order: orderSchemaFor(options.orderProfile ?? 'lenient'),
      review: Review,
      event: CustomerEvent,
    };
    this.compiled = Object.fromEntries(Object.entries(schemas).map(([kind, schema]) => [kind, ajv.compile(schema)])) as Record<ResourceKind, ValidateFunction>;
  }

  /** The problems of one item, as `pointer: reason` lines; empty when valid. */
  check(kind: ResourceKind, value: unknown, base = ''): string[] {
    const validate = this.compiled[kind];
    if (!validate(value)) return describeErrors(validate.errors ?? [], base).slice(0, MAX_ISSUES_PER_ITEM);
    return normativeIssues(kind, value, base);
  }

  /** Throws a VALIDATION_ERROR listing every problem of every item, or returns the items. */
  assertItems<T>(kind: ResourceKind, items: unknown[], prefix: string): T[] {
    const issues: string[] = [];
    items.forEach((item, index) => {
      if (issues.length < MAX_ISSUES) issues.push(...this.check(kind, item, `${prefix}/${index}`));
    });
    if (issues.length > 0) {
      const bad = new Set(issues.map((line) => line.split('/')[prefix === '' ? 1 : 2])).size;
      throw new ContractError(
        'VALIDATION_ERROR',
        `${bad} of ${items.length} ${kind}${items.length === 1 ? '' : 's'} invalid; nothing was written`,
        issues.slice(0, MAX_ISSUES),
      );
    }
    return items as T[];
  }

  /** Validates a single-object body (createReview, publishCustomerEvent). */
  assertOne<T>(kind: ResourceKind, body: unknown): T {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ContractError('VALIDATION_ERROR', `the body must be one ${kind} object`, [`: must be object (got ${typeName(body)})`]);
    }
    const issues = this.check(kind, body, '');
    if (issues.length > 0) throw new ContractError('VALIDATION_ERROR', `invalid ${kind}; nothing was written`, issues);
    return body as T;
  }
}

/**
 * Reads a batch body: a bare array (seed) or the committee's `{"items": [...]}`.
 * Returns the items and the pointer prefix that error messages must use.
 */
export function readBatch(body: unknown, kind: ResourceKind, maxItems: number): { items: unknown[]; prefix: string } {
  let items: unknown[];
  let prefix: string;
  if (Array.isArray(body)) {
    items = body;
    prefix = '';
  } else if (typeof body === 'object' && body !== null && Array.isArray((body as { items?: unknown }).items)) {
    items = (body as { items: unknown[] }).items;
    prefix = '/items';
  } else {
    throw new ContractError('VALIDATION_ERROR', `the body must be a JSON array of ${kind}s or an object {"items": [...]}`, [
      `: must be array (got ${typeName(body)})`,
    ]);
  }
  if (items.length > maxItems) {
    throw new ContractError('PAYLOAD_TOO_LARGE', `a batch holds at most ${maxItems} items; this one has ${items.length}. Split it and send again.`, [
      `${prefix}: ${items.length} items, maximum ${maxItems}`,
    ]);
  }
  return { items, prefix };
}
