/**
 * Shared pieces of the error-path suites (docs/contract.md §4): `assertError` checks the
 * status and the committee's ErrorResponse `{code, message, details}`; small valid bodies
 * (customer, review, event) and the five POST endpoints with a valid body each, so that a test
 * can vary only one thing; and `bigCustomerBatch`, a valid batch whose only fault is its size.
 */
import assert from 'node:assert/strict';
import type { TestResponse } from './test-server.js';

export const JSON_TYPE = 'application/json';

/** Asserts the status and the ErrorResponse shape, with the given code. */
export function assertError(res: TestResponse, status: number, code: string, context = ''): void {
  const where = `${context}${context ? ': ' : ''}got ${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, where);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, where);
  assert.ok(res.json !== null && typeof res.json === 'object' && !Array.isArray(res.json), `the body is a JSON object (${where})`);
  assert.equal(res.json.code, code, where);
  assert.equal(typeof res.json.message, 'string', where);
  assert.ok(res.json.message.length > 0, `message is not empty (${where})`);
  assert.ok(Array.isArray(res.json.details), `details is an array (${where})`);
  for (const line of res.json.details) assert.equal(typeof line, 'string', `every detail is a string (${where})`);
}

/** A valid JSON batch of customers of at least `bytes` bytes, so that size is its only fault. */
export function bigCustomerBatch(prefix: string, bytes: number): Buffer {
  const items: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const item = JSON.stringify({ identifier: { type: 'custom', value: `${prefix}-${i}` }, name: 'x'.repeat(1000) });
    items.push(item);
    size += item.length + 1;
  }
  return Buffer.from(`[${items.join(',')}]`);
}

/** Minimal valid bodies: a customer (custom identifier), a review, an event. */
export const customer = (value: string, extra: Record<string, unknown> = {}) => ({ identifier: { type: 'custom', value }, ...extra });
export const review = (reviewId: string) => ({
  reviewId,
  reviewType: 'ORDER',
  overallRating: { ratingStyle: 'STAR', value: 4 },
  reviewDate: '2026-06-01T12:00:00Z',
});
export const event = (id: string) => ({ id, eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:30:00Z' });

/** The five POST endpoints, each with a valid body, so a test can vary only one thing. */
export const POSTS: { path: string; status: number; valid: unknown }[] = [
  { path: '/customers', status: 200, valid: [customer('valid-post')] },
  { path: '/leads', status: 200, valid: [{ id: 'lead-valid', name: 'Ana' }] },
  { path: '/orders', status: 201, valid: [{ id: 'ord-valid' }] },
  { path: '/reviews', status: 201, valid: review('rev-valid') },
  { path: '/customer/events', status: 202, valid: event('ev-valid') },
];
