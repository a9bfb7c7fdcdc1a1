/**
 * The rc.2 binding's OpenAPI 3.1 document, generated from the rc.2 operations table and its
 * TypeBox schemas: the committee's operation ids and schema names, odc's statuses and limits.
 * Titled schemas are hoisted into `components.schemas` under their (committee) titles.
 */
import { errorCodes } from '../errors.js';
import { AsyncAcceptedResponse, ErrorResponse } from './common.js';
import { rc2Operations, type Rc2Operation, type Rc2QueryParam } from './operations.js';
import { originChannels } from './order.js';
import { identifierTypes } from '../customer.js';

type Json = Record<string, unknown>;

export interface Rc2OpenApiOptions {
  version: string;
  /** Where the binding is served, e.g. `/od/v2`. */
  basePath: string;
  maxBatchItems: number;
  bodyLimit: number;
  authenticated: boolean;
}

function hoist(schema: unknown, components: Record<string, Json>, isRoot = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => hoist(s, components));
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = schema as Json;
  if (!isRoot && typeof node.title === 'string') {
    if (!components[node.title]) {
      components[node.title] = {};
      components[node.title] = hoist(node, components, true) as Json;
    }
    return { $ref: `#/components/schemas/${node.title}` };
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

function queryParameter(param: Rc2QueryParam): Json {
  const schema: Json =
    param.kind === 'date-time'
      ? { type: 'string', format: 'date-time' }
      : param.kind === 'page'
        ? { type: 'integer', minimum: 1, default: 1 }
        : param.kind === 'pageSize'
          ? { type: 'integer', minimum: 1, maximum: 500, default: 50 }
          : param.kind === 'identifierType'
            ? { type: 'string', enum: [...identifierTypes] }
            : param.kind === 'originChannel'
              ? { $ref: '#/components/schemas/OriginChannel' }
              : { type: 'string' };
  return { name: param.name, in: 'query', required: false, description: param.description, schema };
}

const errorRef = (description: string): Json => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } });

function operationObject(op: Rc2Operation, options: Rc2OpenApiOptions, components: Record<string, Json>): Json {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', maxLength: 256 } }));
  const success: Json =
    op.status === 202
      ? {
          description: 'The batch is committed (durably stored) before this answer; correlationId is the request id.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/AsyncAcceptedResponse' } } },
        }
      : { description: 'OK', content: { 'application/json': { schema: hoist(op.response, components) } } };
  const responses: Json = { [String(op.status)]: success, '400': errorRef('Invalid body or query; details name each problem.') };
  if (options.authenticated) {
    responses['401'] = errorRef('Missing, invalid or expired token.');
    responses['403'] = errorRef('Token without od.crm/od.all, or a merchant the client is not authorized for.');
  }
  if (op.notFound) responses['404'] = errorRef('Nothing matches the id.');
  if (op.conflict)
    responses['409'] = errorRef(
      'The request contradicts stored state: an id that belongs to another customer, a balance too short, a suspended account, a coupon used for another order, expired or cancelled.',
    );
  if (op.method === 'POST') {
    responses['413'] = errorRef(`Body over ${options.bodyLimit} bytes or batch over ${options.maxBatchItems} items.`);
    responses['415'] = errorRef('Body is not application/json.');
    responses['422'] = errorRef('A merge with stored data would break a record cap (LIMIT_EXCEEDED).');
  }
  if (options.authenticated) responses['429'] = errorRef('Rate limit exceeded; retry after Retry-After seconds.');
  responses['500'] = errorRef('Unexpected fault.');
  const body = op.request ? { requestBody: { required: !op.requestOptional, content: { 'application/json': { schema: hoist(op.request, components) } } } } : {};
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    parameters: [...pathParams, ...op.query.map(queryParameter)],
    ...body,
    responses,
    ...(options.authenticated ? { security: [{ bearerAuth: [] }] } : {}),
  };
}

export function buildRc2OpenApiDocument(options: Rc2OpenApiOptions): Json {
  const components: Record<string, Json> = {};
  hoist(JSON.parse(JSON.stringify(ErrorResponse)), components);
  components.ErrorResponse.properties = {
    ...(components.ErrorResponse.properties as Json),
    code: { type: 'string', enum: [...Object.keys(errorCodes), 'LIMIT_EXCEEDED'].filter((c, i, all) => all.indexOf(c) === i) },
  };
  hoist(JSON.parse(JSON.stringify(AsyncAcceptedResponse)), components);
  const paths: Record<string, Json> = {};
  for (const op of rc2Operations) {
    paths[op.path] ??= {};
    paths[op.path][op.method.toLowerCase()] = operationObject(op, options, components);
  }
  // OriginChannel is referenced by a query parameter even where no body names it.
  components.OriginChannel ??= { type: 'string', enum: [...originChannels] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'odc: Open Delivery Customer, 2.0.0-rc.2 binding',
      version: options.version,
      description: `The customer module of the committee's Customer 2.0.0-rc.2 contract, over the same records as the seed binding. Batches hold at most ${options.maxBatchItems} items; bodies at most ${options.bodyLimit} bytes. docs/bindings.md maps every field.`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: options.basePath }],
    tags: ['Customers', 'Leads', 'Orders', 'Reviews', 'Loyalty'].map((name) => ({ name })),
    paths: JSON.parse(JSON.stringify(paths)),
    components: {
      schemas: components,
      ...(options.authenticated
        ? {
            securitySchemes: {
              bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from POST /oauth/token (scope od.crm or od.all).' },
            },
          }
        : {}),
    },
  };
}
