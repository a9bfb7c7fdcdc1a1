/**
 * The OpenAPI 3.1 document, generated from the contract: the operations table, the query
 * definitions, the schemas and the error registry. Nothing here restates a field.
 *
 * Schemas carrying a `title` (the seed's named schemas, and `Price` inside the canonical
 * Order) are hoisted into `components.schemas` and referenced, so the document reads like the
 * seed's schema table.
 */
import { Customer } from './customer.js';
import { errorCodes } from './errors.js';
import { MAX_KEY_LENGTH } from './limits.js';
import { CustomerEvent } from './event.js';
import { Lead } from './lead.js';
import { operations, type OperationDefinition } from './operations.js';
import { orderSchemaFor, type OrderProfile } from './order.js';
import { listQueries, queryParamSchema, type ListOperationId, type QueryParamDefinition } from './queries.js';
import { Type } from '@sinclair/typebox';
import { AuditEntry, ErasureReceipt, PrivacyExport } from './privacy.js';
import { Review } from './review.js';
import type { ResourceKind } from './validation.js';

export interface OpenApiOptions {
  version: string;
  basePath: string;
  orderProfile: OrderProfile;
  maxBatchItems: number;
  bodyLimit: number;
  /** Whether operations require Bearer tokens (declared as security, with 401/403/429). */
  authenticated?: boolean;
}

type Json = Record<string, unknown>;

const resourceSchemaName: Record<ResourceKind, string> = {
  customer: 'Customer',
  lead: 'Lead',
  order: 'Order',
  review: 'Review',
  event: 'CustomerEvent',
};

/** Replaces every titled sub-schema by a `$ref` to a component of that title. */
function hoist(schema: unknown, components: Record<string, Json>, isComponentRoot = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => hoist(s, components));
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = schema as Json;
  const title = node.title;
  if (!isComponentRoot && typeof title === 'string') {
    if (!components[title]) {
      components[title] = {};
      components[title] = hoist(node, components, true) as Json;
    }
    return { $ref: `#/components/schemas/${title}` };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([p, s]) => [p, hoist(s, components)]));
    } else if (['items', 'additionalProperties', 'allOf', 'anyOf', 'oneOf', 'not'].includes(key)) {
      out[key] = hoist(value, components);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function ref(name: string): Json {
  return { $ref: `#/components/schemas/${name}` };
}

const errorResponse = (description: string, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref('ErrorResponse') } },
});

/** RFC 9110 §11.6.1: every 401 names the scheme to use (docs/contract.md §12). */
const wwwAuthenticate: Json = {
  'WWW-Authenticate': {
    description: 'The Bearer challenge, with error="invalid_token" or "invalid_request" when a token was sent.',
    required: true,
    schema: { type: 'string' },
  },
};

/** RFC 9110 §10.2.3: when to try again, in seconds (docs/contract.md §9, §4). */
const retryAfter: Json = {
  'Retry-After': { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'integer', minimum: 1 } },
};

function requestBody(op: OperationDefinition, maxBatchItems: number): Json | undefined {
  const name = resourceSchemaName[op.resource];
  if (op.request === 'none') return undefined;
  const schema =
    op.request === 'one'
      ? ref(name)
      : {
          oneOf: [
            { type: 'array', items: ref(name), maxItems: maxBatchItems, description: 'Bare array (seed).' },
            {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(name), maxItems: maxBatchItems } },
              description: 'Wrapped form (committee draft).',
            },
          ],
        };
  return { required: true, content: { 'application/json': { schema } } };
}

function parameters(op: OperationDefinition): Json[] {
  const params: Json[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', maxLength: MAX_KEY_LENGTH },
  }));
  const list = listQueries[op.operationId as ListOperationId];
  if (list) {
    for (const def of list as readonly QueryParamDefinition[]) {
      params.push({ name: def.name, in: 'query', required: false, description: def.description, schema: queryParamSchema(def) });
    }
  }
  return params;
}

function responses(op: OperationDefinition, authenticated: boolean): Json {
  const name = resourceSchemaName[op.resource];
  const success: Json = { description: op.response === 'none' ? 'Committed; no body.' : 'OK' };
  if (op.response === 'list') {
    success.content = { 'application/json': { schema: { type: 'array', items: ref(name) } } };
    success.headers = {
      'X-Total-Count': { description: 'Records matching the filters, across pages.', schema: { type: 'integer' } },
      Link: { description: 'RFC 8288 links: rel="next" (keyset cursor), rel="prev", rel="first".', schema: { type: 'string' } },
    };
  } else if (op.response === 'one') {
    success.content = { 'application/json': { schema: ref(name) } };
  }
  const out: Json = { [String(op.status)]: success, '400': errorResponse('Invalid body or query; details name each problem.') };
  if (op.response === 'one' || op.operationId === 'listCustomerReviews') out['404'] = errorResponse('Nothing matches the id.');
  if (op.operationId === 'upsertCustomer') out['409'] = errorResponse('An id in the batch belongs to another customer.');
  if (op.operationId === 'upsertCustomer') out['422'] = errorResponse('The merge with the stored customer would exceed a limit (LIMIT_EXCEEDED).');
  if (op.method === 'POST') {
    out['413'] = errorResponse('Body or batch over the limit.');
    out['415'] = errorResponse('Body is not application/json.');
  }
  if (authenticated) {
    out['401'] = errorResponse('Missing, invalid or expired token (see WWW-Authenticate).', wwwAuthenticate);
    out['403'] = errorResponse('Token without od.crm/od.all, or a merchant the client is not authorized for.');
    out['429'] = errorResponse('Rate limit exceeded; retry after Retry-After seconds.', retryAfter);
  }
  out['500'] = errorResponse('Unexpected fault.');
  out['503'] = errorResponse('Shutting down, or the store is unreachable; nothing was written. Retry after Retry-After seconds.', retryAfter);
  return out;
}

/** The privacy operations (docs/contract.md §14); served only with credentials. */
function privacyPaths(components: Record<string, Json>): Record<string, Json> {
  const schema = (s: unknown) => hoist(JSON.parse(JSON.stringify(s)), components);
  const refParam = { name: 'ref', in: 'path', required: true, description: 'As in GET /customers/{id}.', schema: { type: 'string', maxLength: 2048 } };
  const common: Json = {
    tags: ['Privacy'],
    security: [{ bearerAuth: [] }, { adminKey: [] }],
  };
  const errors: Json = {
    '401': errorResponse('Missing or invalid credentials.', wwwAuthenticate),
    '403': errorResponse('Token without od.privacy/od.all (od.crm alone is refused), or a merchant the client is not authorized for.'),
    '500': errorResponse('Unexpected fault.'),
    '503': errorResponse('Shutting down, or the store is unreachable; nothing was written.', retryAfter),
  };
  const ok = (s: unknown, description: string): Json => ({ description, content: { 'application/json': { schema: schema(s) } } });
  return {
    '/privacy/customers/{ref}': {
      get: {
        ...common,
        operationId: 'exportPrivacySubject',
        summary: 'Everything held on one person, as one document; recorded in the audit trail',
        parameters: [refParam],
        responses: { '200': ok(PrivacyExport, 'The export document.'), '404': errorResponse('No customer matches the ref.'), ...errors },
      },
      delete: {
        ...common,
        operationId: 'erasePrivacySubject',
        summary: 'Erase one person in one transaction; recorded in the audit trail',
        parameters: [refParam],
        responses: { '200': ok(ErasureReceipt, 'The erasure receipt.'), '404': errorResponse('No customer matches the ref.'), ...errors },
      },
    },
    '/privacy/audit': {
      get: {
        ...common,
        operationId: 'listPrivacyAudit',
        summary: 'The hash-chained audit trail, in sequence order',
        parameters: [
          { name: 'customerId', in: 'query', schema: { type: 'string' }, description: 'A customer ref, or the id of an erased customer.' },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'Entries after this sequence number.' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          '200': {
            ...ok(Type.Array(AuditEntry), 'A page of entries.'),
            headers: { Link: { description: 'rel="next" while more entries follow.', schema: { type: 'string' } } },
          },
          '400': errorResponse('Invalid query.'),
          ...errors,
        },
      },
    },
  };
}

export function buildOpenApiDocument(options: OpenApiOptions): Json {
  const components: Record<string, Json> = {};
  const roots: Record<string, unknown> = {
    Customer,
    Lead,
    Order: { ...orderSchemaFor(options.orderProfile), title: 'Order', description: `Canonical Open Delivery v1 Order (profile: ${options.orderProfile}).` },
    Review,
    CustomerEvent,
  };
  for (const schema of Object.values(roots)) hoist(JSON.parse(JSON.stringify(schema)), components);
  components.ErrorResponse = {
    type: 'object',
    required: ['code', 'message', 'details'],
    properties: {
      code: { type: 'string', enum: Object.keys(errorCodes) },
      message: { type: 'string' },
      details: { type: 'array', items: { type: 'string' }, description: 'For validation: "<JSON pointer>: <reason>".' },
    },
  };

  const paths: Record<string, Json> = {};
  for (const op of operations) {
    [op.path, ...op.aliases].forEach((path, i) => {
      paths[path] ??= {};
      const item = paths[path];
      item[op.method.toLowerCase()] = {
        operationId: i === 0 ? op.operationId : `${op.operationId}BindingAlias`,
        summary: op.summary,
        description: i === 0 ? undefined : `Alias of ${op.operationId} at the REST binding's path.`,
        tags: [op.tag],
        parameters: parameters({ ...op, path }),
        requestBody: requestBody(op, options.maxBatchItems),
        responses: responses(op, options.authenticated ?? false),
        ...(options.authenticated ? { security: [{ bearerAuth: [] }] } : {}),
      };
    });
  }

  if (options.authenticated) Object.assign(paths, privacyPaths(components));

  return {
    openapi: '3.1.0',
    info: {
      title: 'odc: Open Delivery Customer capability',
      version: options.version,
      description: `Every operation of the Open Delivery Customer capability. Batches hold at most ${options.maxBatchItems} items; bodies at most ${options.bodyLimit} bytes.`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: options.basePath }],
    tags: [...new Set([...operations.map((op) => op.tag), ...(options.authenticated ? ['Privacy'] : [])])].map((name) => ({ name })),
    paths: JSON.parse(JSON.stringify(paths)),
    components: {
      schemas: components,
      ...(options.authenticated
        ? {
            securitySchemes: {
              bearerAuth: {
                type: 'http',
                scheme: 'bearer',
                bearerFormat: 'JWT',
                description:
                  'Token from POST /oauth/token (client credentials, scope od.crm or od.all). With an application-model client, name the merchant in X-App-MerchantId.',
              },
              adminKey: {
                type: 'apiKey',
                in: 'header',
                name: 'X-Admin-Key',
                description: 'The admin key; privacy operations only, naming the merchant in X-App-MerchantId.',
              },
            },
          }
        : {}),
    },
  };
}
