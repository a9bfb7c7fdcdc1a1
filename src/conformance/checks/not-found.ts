/**
 * Unknown ids are a 404 ("404 | Not found (resource path/ID resolution)", REST binding,
 * Transport Errors), and error answers are the committee's ErrorResponse.
 */
import type { OperationId } from '../../contract/operations.js';
import type { Check } from '../check.js';
import { fail } from '../check.js';
import { describeStatus, expectJsonType, expectStatus } from '../expect.js';

const binding404 = '"404 | Not found (resource path/ID resolution)" (REST binding, Transport Errors)';

function unknownId(id: string, operation: OperationId, param: string, level: 'MUST' | 'SHOULD', rule = binding404): Check {
  return {
    id,
    level,
    operation,
    rule,
    async run(ctx) {
      const exchange = await ctx.call(operation, { params: { [param]: ctx.payloads.key('never-written') } });
      expectStatus(exchange, 404, `${operation} of an id never written`);
    },
  };
}

export const notFoundChecks: Check[] = [
  unknownId('not-found.customers.unknown-id', 'getCustomerById', 'id', 'MUST'),
  unknownId('not-found.orders.unknown-id', 'getOrderById', 'id', 'MUST'),
  unknownId('not-found.reviews.unknown-id', 'getReviewById', 'id', 'MUST'),
  unknownId(
    'not-found.customer-reviews.unknown-customer',
    'listCustomerReviews',
    'customerId',
    'SHOULD',
    `${binding404}; "It is a 404 only when no customer resolves and no review names the value" (docs/contract.md §5.7)`,
  ),
  {
    id: 'not-found.error-body',
    level: 'SHOULD',
    operation: 'getCustomerById',
    rule: '"Error Response (BadRequest) | code | string ... | message | string" (REST binding, Entities); "Every error answer is JSON, {"code": ..., "message": ..., "details": [...]}" (docs/contract.md §4.1)',
    async run(ctx) {
      const exchange = await ctx.call('getCustomerById', { params: { id: ctx.payloads.key('never-written') } });
      expectStatus(exchange, 404, 'GET /customers/{id} of an id never written');
      expectJsonType(exchange, 'the 404 answer');
      const body = exchange.json as Record<string, unknown> | undefined;
      if (typeof body?.code !== 'string' || typeof body?.message !== 'string')
        fail('the error body is not an ErrorResponse', '{"code": "...", "message": "..."}', exchange.text.slice(0, 120) || 'empty', exchange);
    },
  },
  {
    id: 'not-found.unknown-path',
    level: 'SHOULD',
    rule: binding404,
    async run(ctx) {
      const exchange = await ctx.target.request('GET', `/conformance-${ctx.runId}-no-such-resource`);
      if (exchange.status !== 404) fail('an unknown path is not a 404', '404', describeStatus(exchange), exchange);
    },
  },
];
