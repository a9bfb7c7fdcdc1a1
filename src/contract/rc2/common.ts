/**
 * Shared schemas of the committee's Customer 2.0.0-rc.2 document, under its own names
 * (docs/bindings.md). Objects stay open (no `additionalProperties: false`), as in the
 * committee's text: fields one binding has no place for travel through the other unchanged.
 * Ids and keys carry the caps of docs/contract.md §9 so this document declares them too.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { identifierTypes } from '../customer.js';
import { StringEnum } from '../schema-helpers.js';

/** docs/contract.md §9: every id and key at most 256 characters. */
export const MAX_KEY_LENGTH = 256;

/** A key or id: non-empty, at most 256 characters. */
export function Key(options: Record<string, unknown> = {}) {
  return Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH, ...options });
}

export function DateTime(options: Record<string, unknown> = {}) {
  return Type.String({ format: 'date-time', ...options });
}

/** A free-form object (`metadata`, `payload`). */
export function OpenObject(description: string) {
  return Type.Object({}, { additionalProperties: true, description });
}

export const ErrorResponse = Type.Object(
  {
    code: Type.String({ description: 'Standardized error code (docs/contract.md §4).' }),
    message: Type.String({ description: 'Descriptive error message.' }),
    details: Type.Array(Type.String(), { description: 'For validation: "<JSON pointer>: <reason>".' }),
  },
  { title: 'ErrorResponse', description: 'Standard error response body.' },
);

export const AsyncAcceptedResponse = Type.Object(
  {
    status: StringEnum(['ACCEPTED'] as const, { description: 'The batch was accepted; odc answers only after it committed.' }),
    correlationId: Type.String({ description: 'The request id (X-Request-Id) under which the write is logged.' }),
  },
  { title: 'AsyncAcceptedResponse', description: 'Acknowledgment of a committed batch write.' },
);

export const Identifier = Type.Object(
  {
    type: StringEnum(identifierTypes, { description: 'Identifier type.' }),
    value: Key({ description: 'Identifier value for the declared type; compared in normalized form.' }),
  },
  { title: 'Identifier', description: 'Canonical customer identifier: the key for cross-system deduplication.' },
);

export const ExternalIdentifier = Type.Object(
  {
    source: Key({ description: 'Source system, e.g. pdv, crm, erp.' }),
    value: Key({ description: 'Identifier value in the source system.' }),
  },
  { title: 'ExternalIdentifier', description: 'External identifier for correlation with third-party systems.' },
);

export const contactPointTypes = ['phone', 'email', 'other'] as const;

export const ContactPoint = Type.Object(
  {
    type: StringEnum(contactPointTypes, { description: 'Contact channel type.' }),
    value: Type.String({ minLength: 1, description: 'Contact channel value, e.g. +5511999999999 or maria@example.com.' }),
  },
  { title: 'ContactPoint', description: 'Customer contact point (phone, email, or other channel).' },
);

/** The page envelope of every rc.2 list answer. */
export function ListResponse<T extends TSchema>(title: string, item: T, what: string) {
  return Type.Object(
    {
      items: Type.Array(item, { description: `${what} of the current page.` }),
      page: Type.Integer({ minimum: 1, description: 'Current page number.' }),
      pageSize: Type.Integer({ minimum: 1, description: 'Page size requested.' }),
      total: Type.Integer({ minimum: 0, description: 'Records matching the filters, across pages.' }),
    },
    { title, description: `Paginated ${what.toLowerCase()} query response.` },
  );
}

/** The `{items: [...]}` envelope of every rc.2 batch write. */
export function UpsertRequest<T extends TSchema>(title: string, item: T, what: string) {
  return Type.Object(
    { items: Type.Array(item, { description: `${what} to create or update.` }) },
    { title, description: `Batch of ${what.toLowerCase()} for import or synchronization.` },
  );
}

export type Identifier = Static<typeof Identifier>;
export type ContactPoint = Static<typeof ContactPoint>;
