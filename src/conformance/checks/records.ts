/**
 * Required fields of reviews, events and orders, and tolerance of fields the contract does
 * not name on every record type. A refused write must store nothing: each refusal is read
 * back where the contract gives a way to read one record.
 */
import type { OperationId } from '../../contract/operations.js';
import type { Check, Level } from '../check.js';
import { fail } from '../check.js';
import type { RunContext } from '../context.js';
import { at, expectEqual, expectRecord, expectRefused, expectStatus } from '../expect.js';
import { without, withValue, type Json } from '../payloads.js';

const mvp = (row: string) => `"${row}" (seed, Review MVP Baseline)`;

function reviewRefused(name: string, row: string, mutate: (review: Json) => Json, what: string): Check {
  return {
    id: `reviews.create.${name}`,
    level: 'MUST',
    operation: 'createReview',
    requires: ['getReviewById'],
    rule: mvp(row),
    async run(ctx) {
      const body = mutate(ctx.payloads.review(name, ctx.payloads.key('customer')));
      expectRefused(await ctx.call('createReview', { body }), what);
      const readBack = await ctx.call('getReviewById', { params: { id: String(body.reviewId) } });
      if (readBack.status === 200) fail(`${what} was refused but stored`, '404 on read-back', '200', readBack);
    },
  };
}

function eventRefused(name: string, field: string): Check {
  return {
    id: `events.publish.requires-${name}`,
    level: 'SHOULD',
    operation: 'publishCustomerEvent',
    rule: '"Required: eventType ... and occurredAt (RFC 3339 date-time with offset)" (docs/contract.md §3.4, from the seed\'s CustomerEvent example)',
    async run(ctx) {
      const body = without(ctx.payloads.event(`no-${name}`, ctx.payloads.key('customer')), field);
      expectRefused(await ctx.call('publishCustomerEvent', { body, sign: true }), `an event without ${field}`);
    },
  };
}

interface UnknownFieldCase {
  kind: 'lead' | 'order' | 'review' | 'event';
  write: OperationId;
  read: OperationId;
  level: Level;
  body(ctx: RunContext): Json;
  /** How to read the record back: by id, or by finding it in a list. */
  readBack(ctx: RunContext, body: Json): Promise<{ record: unknown; exchange: Awaited<ReturnType<RunContext['call']>> }>;
}

const EXTENSION = { channelScore: 7, nested: { keep: ['as', 'sent'] } };

async function findInList(ctx: RunContext, op: OperationId, key: string, value: unknown, query: Record<string, string> = {}) {
  const walk = await ctx.walk(op, { query, until: (items) => items.some((i) => at(i, key) === value) });
  return { record: walk.items.find((i) => at(i, key) === value), exchange: walk.exchanges[walk.exchanges.length - 1] };
}

const unknownFieldCases: UnknownFieldCase[] = [
  {
    kind: 'lead',
    write: 'upsertLead',
    read: 'listLeads',
    level: 'SHOULD',
    body: (ctx) => ctx.payloads.lead('unknown-fields', { conformanceExtension: EXTENSION }),
    readBack: (ctx, body) => findInList(ctx, 'listLeads', 'id', body.id, { updatedFrom: new Date(Date.now() - 3_600_000).toISOString() }),
  },
  {
    kind: 'order',
    write: 'upsertOrders',
    read: 'getOrderById',
    level: 'SHOULD',
    body: (ctx) => ctx.payloads.order('unknown-fields', ctx.payloads.key('customer'), { conformanceExtension: EXTENSION }),
    readBack: async (ctx, body) => {
      const exchange = await ctx.call('getOrderById', { params: { id: String(body.id) } });
      return { record: expectRecord(ctx, exchange, 'order', 'GET /orders/{id}'), exchange };
    },
  },
  {
    kind: 'review',
    write: 'createReview',
    read: 'getReviewById',
    level: 'SHOULD',
    body: (ctx) => ctx.payloads.review('unknown-fields', ctx.payloads.key('customer'), { conformanceExtension: EXTENSION }),
    readBack: async (ctx, body) => {
      const exchange = await ctx.call('getReviewById', { params: { id: String(body.reviewId) } });
      return { record: expectRecord(ctx, exchange, 'review', 'GET /reviews/{id}'), exchange };
    },
  },
  {
    kind: 'event',
    write: 'publishCustomerEvent',
    read: 'listCustomerEvents',
    level: 'SHOULD',
    body: (ctx) => ctx.payloads.event('unknown-fields', ctx.payloads.key('unknown-fields-customer'), { conformanceExtension: EXTENSION }),
    readBack: (ctx, body) => findInList(ctx, 'listCustomerEvents', 'eventId', body.eventId, { customerId: String(body.customerId) }),
  },
];

const unknownFieldChecks: Check[] = unknownFieldCases.map((c) => ({
  id: `${c.kind}s.unknown-fields.tolerated`,
  level: c.level,
  operation: c.write,
  requires: [c.read],
  rule: '"A field the contract does not name is accepted, stored and returned unchanged" (docs/contract.md §3.7; committee OpenAPI: additionalProperties: true)',
  async run(ctx) {
    const body = c.body(ctx);
    const written = await ctx.call(c.write, { body: c.write.startsWith('upsert') ? [body] : body, sign: true });
    expectStatus(written, [200, 201, 202], `${c.write} with a field the contract does not name`);
    const { record, exchange } = await c.readBack(ctx, body);
    if (record === undefined) fail(`the ${c.kind} written is not found`, `the ${c.kind} in ${c.read}`, 'not found', exchange);
    expectEqual(at(record, 'conformanceExtension'), EXTENSION, 'the unknown field is returned unchanged', exchange);
  },
}));

export const recordChecks: Check[] = [
  reviewRefused(
    'requires-reviewType',
    'reviewType | string | YES | Review context (ORDER, MERCHANT_EXPERIENCE, EVENT)',
    (r) => without(r, 'reviewType'),
    'a review without reviewType',
  ),
  reviewRefused(
    'rejects-unknown-reviewType',
    'reviewType | string | YES | Review context (ORDER, MERCHANT_EXPERIENCE, EVENT)',
    (r) => withValue(r, 'reviewType', 'HAIRCUT'),
    'a review whose reviewType is "HAIRCUT"',
  ),
  reviewRefused(
    'requires-ratingStyle',
    'overallRating.ratingStyle | string | YES | Rating style (STAR, THUMBS_UP_DOWN, NPS, OTHER)',
    (r) => without(r, 'overallRating.ratingStyle'),
    'a review without overallRating.ratingStyle',
  ),
  reviewRefused(
    'requires-rating-value',
    'overallRating.value | number | YES | Main score value',
    (r) => without(r, 'overallRating.value'),
    'a review without overallRating.value',
  ),
  reviewRefused(
    'rejects-string-rating-value',
    'overallRating.value | number | YES | Main score value',
    (r) => withValue(r, 'overallRating.value', 'four'),
    'a review whose overallRating.value is a string',
  ),
  reviewRefused('requires-reviewDate', 'reviewDate | string | YES | RFC 3339 timestamp', (r) => without(r, 'reviewDate'), 'a review without reviewDate'),
  reviewRefused(
    'rejects-non-rfc3339-reviewDate',
    'reviewDate | string | YES | RFC 3339 timestamp',
    (r) => withValue(r, 'reviewDate', '01/06/2026 12:00'),
    'a review whose reviewDate is "01/06/2026 12:00"',
  ),
  {
    id: 'reviews.create.optional-fields-optional',
    level: 'MUST',
    operation: 'createReview',
    rule: mvp('overallRating.comment | string | NO ...; customer.customerId | string | NO ...; subject.orderId | string | NO'),
    async run(ctx) {
      const body = {
        reviewId: ctx.payloads.key('review-minimal'),
        reviewType: 'MERCHANT_EXPERIENCE',
        overallRating: { ratingStyle: 'NPS', value: 9 },
        reviewDate: '2026-06-01T12:00:00-03:00',
      };
      expectStatus(await ctx.call('createReview', { body }), 201, 'POST /reviews with only the required fields');
    },
  },
  eventRefused('eventType', 'eventType'),
  eventRefused('occurredAt', 'occurredAt'),
  {
    id: 'orders.upsert.requires-id',
    level: 'MUST',
    operation: 'upsertOrders',
    rule: '"Order | object (allOf) | NO | Reuse of canonical Order schema from main OpenAPI" (seed, Schema Baseline); the canonical Order requires id',
    async run(ctx) {
      const body = without(ctx.payloads.order('no-id', ctx.payloads.key('customer')), 'id');
      expectRefused(await ctx.call('upsertOrders', { body: [body] }), 'an order without id');
    },
  },
  {
    id: 'leads.upsert.contact-string-or-object',
    level: 'SHOULD',
    operation: 'upsertLead',
    rule: '"contact may be a string (the seed) or an object (the later draft)" (docs/contract.md §3.5; seed, Example: Lead; committee ContactPoint {type, value})',
    async run(ctx) {
      const asObject = ctx.payloads.lead('contact-object', { contact: { type: 'email', value: `${ctx.payloads.key('lead')}@example.com` } });
      expectStatus(await ctx.call('upsertLead', { body: [asObject] }), 200, 'POST /leads whose contact is an object');
    },
  },
  ...unknownFieldChecks,
];
