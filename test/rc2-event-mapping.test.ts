/**
 * Seed customer events in the rc.2 envelope (docs/bindings.md, "Events"): the guide's and the
 * seed's names map onto rc.2's closed list, what the rc.2 name loses travels in the payload,
 * and every envelope is valid against the rc.2 CustomerEventEnvelope schema.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { CustomerEventEnvelope, customerEventTypes } from '../src/contract/rc2/event.js';
import { eventToRc2, rc2EventTypeOf } from '../src/contract/rc2/mapping/event-mapping.js';

const ajv = new AjvModule.default({ strict: true, allowUnionTypes: true });
addFormatsModule.default(ajv);
const validEnvelope = ajv.compile(CustomerEventEnvelope);

describe('seed events in the rc.2 envelope', () => {
  it("maps the guide's consent events onto customer.consent.updated, keeping the status and the seed name", () => {
    const envelope = eventToRc2({ id: 'evt-1', eventType: 'customer.opted_out', occurredAt: '2026-08-01T10:00:00Z', customerId: 'email:maria@example.com' });
    assert.deepEqual(envelope, {
      id: 'evt-1',
      eventType: 'customer.consent.updated',
      occurredAt: '2026-08-01T10:00:00Z',
      customerIdentifier: { type: 'email', value: 'maria@example.com' },
      payload: { status: 'opt_out', seedEventType: 'customer.opted_out' },
    });
    assert.equal(rc2EventTypeOf('CUSTOMER_OPTED_IN'), 'customer.consent.updated');
  });

  it("maps the seed's example ORDER_COMPLETED onto order.delivered, with its order id and data", () => {
    const envelope = eventToRc2(
      {
        eventType: 'ORDER_COMPLETED',
        occurredAt: '2026-06-01T12:30:00Z',
        customerId: 'cust-001',
        data: { orderId: 'ord-001', totalAmount: 7990, currency: 'BRL' },
      },
      { type: 'document', value: '12345678909' },
    );
    assert.deepEqual(envelope, {
      eventType: 'order.delivered',
      occurredAt: '2026-06-01T12:30:00Z',
      customerIdentifier: { type: 'document', value: '12345678909' },
      orderId: 'ord-001',
      payload: { orderId: 'ord-001', totalAmount: 7990, currency: 'BRL', seedEventType: 'ORDER_COMPLETED' },
    });
  });

  it('keeps an unresolved customer reference in the payload, and gives no rc.2 form to a type without a counterpart', () => {
    const envelope = eventToRc2({ eventId: 'e2', eventType: 'review.created', occurredAt: '2026-08-01T10:00:00Z', customerId: 'cust-9' });
    assert.deepEqual(envelope, { id: 'e2', eventType: 'review.created', occurredAt: '2026-08-01T10:00:00Z', payload: { customerId: 'cust-9' } });
    assert.equal(eventToRc2({ eventType: 'lead.created', occurredAt: '2026-08-01T10:00:00Z' }), undefined);
  });

  it('gives every rc.2 type a seed spelling, and every envelope is valid', () => {
    for (const type of customerEventTypes) assert.equal(rc2EventTypeOf(type), type);
    const spelling = fc.constantFrom(
      ...customerEventTypes,
      'customer.opted_in',
      'customer.opted_out',
      'CUSTOMER_CREATED',
      'order.completed',
      'ORDER_CANCELED',
      'Review_Created',
    );
    fc.assert(
      fc.property(
        spelling,
        fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.integer()),
        (eventType, customerId, data) => {
          const envelope = eventToRc2({ eventType, occurredAt: '2026-08-01T10:00:00Z', customerId, data });
          assert.ok(envelope);
          assert.equal(validEnvelope(envelope), true, JSON.stringify(validEnvelope.errors));
        },
      ),
    );
  });
});
