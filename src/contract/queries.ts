/**
 * Query parameters of the list operations (docs/contract.md §2).
 *
 * Each list names its filters here once; the server parses with these definitions (a bad
 * value or a repeated known parameter is a 400), and the OpenAPI document declares each one
 * with `queryParamSchema`, so `/openapi.json` refuses what the server refuses.
 */
import { identifierTypes } from './customer.js';
import { MAX_CURSOR_LENGTH, MAX_KEY_LENGTH } from './limits.js';
import { reviewTypes } from './review.js';

export type QueryParamKind = 'string' | 'date-time' | 'page' | 'pageSize' | 'cursor';

export interface QueryParamDefinition {
  readonly name: string;
  readonly kind: QueryParamKind;
  readonly description: string;
  /** For a `string` parameter: the only values accepted, when the contract names them. */
  readonly enum?: readonly string[];
}

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 500;
/** Largest `page` accepted: beyond it the offset means nothing (docs/contract.md §2.2). */
export const PAGE_NUMBER_MAX = 1_000_000_000;

const pagination: QueryParamDefinition[] = [
  { name: 'page', kind: 'page', description: 'Page number, from 1 (default 1).' },
  { name: 'pageSize', kind: 'pageSize', description: `Items per page, 1 to ${PAGE_SIZE_MAX} (default ${PAGE_SIZE_DEFAULT}).` },
  { name: 'cursor', kind: 'cursor', description: 'Opaque keyset position from a Link rel="next"; follow links instead of building it.' },
];

const updated: QueryParamDefinition[] = [
  { name: 'updatedFrom', kind: 'date-time', description: 'Records this server last changed at or after this RFC 3339 time.' },
  { name: 'updatedTo', kind: 'date-time', description: 'Records this server last changed at or before this RFC 3339 time.' },
];

export const listQueries = {
  listCustomers: [
    { name: 'customerIdentifierType', kind: 'string', enum: identifierTypes, description: 'Identifier type of any identity of the customer.' },
    { name: 'customerIdentifierValue', kind: 'string', description: 'Identifier value, compared in normalized form.' },
    { name: 'externalId', kind: 'string', description: 'Matches any externalIds[].value or an external_id identifier value.' },
    { name: 'externalIdSource', kind: 'string', description: 'Narrows externalId to the externalIds entries of one source.' },
    ...updated,
    ...pagination,
  ],
  listLeads: [...updated, ...pagination],
  listOrders: [
    { name: 'customerId', kind: 'string', description: 'Orders whose customer.id is this value or any id the customer resolves to.' },
    { name: 'createdFrom', kind: 'date-time', description: "Order's own createdAt (else the time it was received) at or after." },
    { name: 'createdTo', kind: 'date-time', description: "Order's own createdAt (else the time it was received) at or before." },
    ...updated,
    ...pagination,
  ],
  listReviews: [
    { name: 'customerId', kind: 'string', description: 'Reviews whose customer.customerId is this value or any id the customer resolves to.' },
    { name: 'orderId', kind: 'string', description: 'Reviews whose subject.orderId is this value.' },
    { name: 'reviewType', kind: 'string', enum: reviewTypes, description: 'Review context.' },
    { name: 'createdFrom', kind: 'date-time', description: 'reviewDate at or after.' },
    { name: 'createdTo', kind: 'date-time', description: 'reviewDate at or before.' },
    ...pagination,
  ],
  listCustomerReviews: [...pagination],
  listCustomerEvents: [
    { name: 'customerId', kind: 'string', description: 'Events whose customerId is this value or any id the customer resolves to.' },
    {
      name: 'eventType',
      kind: 'string',
      description: 'An open string (e.g. customer.opted_out, ORDER_COMPLETED), compared case-insensitively with "." and "_" alike.',
    },
    { name: 'occurredFrom', kind: 'date-time', description: 'occurredAt at or after.' },
    { name: 'occurredTo', kind: 'date-time', description: 'occurredAt at or before.' },
    ...pagination,
  ],
} as const satisfies Record<string, readonly QueryParamDefinition[]>;

export type ListOperationId = keyof typeof listQueries;

/**
 * The JSON Schema of one query parameter's value: exactly the bounds the server's parsing
 * enforces (server/list-query.ts), so the OpenAPI document is as strict as the 400s.
 * Every string parameter refuses the empty string; a cursor is opaque (only its issuer can
 * tell a good one), so its schema says no more than "a non-empty string".
 */
export function queryParamSchema(def: QueryParamDefinition): Record<string, unknown> {
  switch (def.kind) {
    case 'date-time':
      return { type: 'string', format: 'date-time' };
    case 'page':
      return { type: 'integer', minimum: 1, maximum: PAGE_NUMBER_MAX, default: 1 };
    case 'pageSize':
      return { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT };
    case 'cursor':
      return { type: 'string', minLength: 1, maxLength: MAX_CURSOR_LENGTH };
    case 'string':
      return def.enum ? { type: 'string', enum: [...def.enum] } : { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH };
  }
}
