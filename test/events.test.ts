/**
 * Customer events over HTTP: publishCustomerEvent (202, idempotent), listCustomerEvents with
 * its filters, and consent state from opt-in/opt-out events (docs/contract.md §5.11, §8).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`events (${kind.name})`, () => {
    const server = useServer(kind);
    const publish = (event: unknown) => server.request('POST', '/customer/events', event);
    const events = async (query = '') => (await server.request('GET', `/customer/events${query}`)).json as any[];

    it('accepts an event with 202 and no body, and stores a duplicate once', async () => {
      const event = {
        eventType: 'ORDER_COMPLETED',
        occurredAt: '2026-06-01T12:30:00Z',
        customerId: 'cust-001',
        data: { orderId: 'ord-001', totalAmount: 7990, currency: 'BRL' },
      };
      const first = await publish(event);
      assert.equal(first.status, 202);
      assert.equal(first.text, '');
      assert.equal((await publish({ data: event.data, customerId: 'cust-001', occurredAt: event.occurredAt, eventType: 'ORDER_COMPLETED' })).status, 202);
      const list = await events('?customerId=cust-001');
      assert.equal(list.length, 1, 'same content, other key order: one event');
      assert.equal(typeof list[0].id, 'string');
      assert.equal((await publish({ ...event, data: { ...event.data, totalAmount: 1 } })).status, 202);
      assert.equal((await events('?customerId=cust-001')).length, 2, 'other data: another event');
    });

    it('uses id, else eventId, as the idempotency key', async () => {
      await publish({ id: 'evt-1', eventType: 'x', occurredAt: '2026-06-01T00:00:00Z' });
      await publish({ id: 'evt-1', eventType: 'y', occurredAt: '2026-06-02T00:00:00Z' });
      await publish({ eventId: 'evt-2', eventType: 'x', occurredAt: '2026-06-01T00:00:00Z' });
      await publish({ eventId: 'evt-2', eventType: 'x', occurredAt: '2026-06-03T00:00:00Z' });
      const list = await events('?eventType=x');
      assert.equal(list.filter((e) => e.id === 'evt-1').length, 1);
      assert.equal(list.filter((e) => e.eventId === 'evt-2').length, 1);
      assert.equal(list.find((e) => e.eventId === 'evt-2').occurredAt, '2026-06-01T00:00:00Z', 'the first fact is kept');
    });

    it('filters by eventType case-insensitively with . and _ alike, and by occurredAt range', async () => {
      await publish({ eventType: 'order.created', occurredAt: '2026-07-01T10:00:00Z', customerId: 'c-f' });
      await publish({ eventType: 'ORDER_CREATED', occurredAt: '2026-07-02T10:00:00Z', customerId: 'c-f' });
      await publish({ eventType: 'review.created', occurredAt: '2026-07-03T10:00:00Z', customerId: 'c-f' });
      assert.equal((await events('?customerId=c-f&eventType=Order.Created')).length, 2);
      const range = await events('?customerId=c-f&occurredFrom=2026-07-02T00:00:00Z&occurredTo=2026-07-02T23:59:59Z');
      assert.deepEqual(
        range.map((e) => e.occurredAt),
        ['2026-07-02T10:00:00Z'],
      );
      const offset = await events('?customerId=c-f&occurredFrom=2026-07-03T07:00:00-03:00');
      assert.deepEqual(
        offset.map((e) => e.eventType),
        ['review.created'],
      );
    });

    it('refuses an event without eventType or occurredAt, or with occurredAt without offset', async () => {
      const missing = await publish({ customerId: 'c' });
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.json.details.sort(), ['/eventType: is required', '/occurredAt: is required']);
      const local = await publish({ eventType: 'x', occurredAt: '2026-06-01T12:00:00' });
      assert.equal(local.status, 400);
      assert.match(local.json.details[0], /^\/occurredAt: must be an RFC 3339 date-time/);
    });

    it('sets consent from opt-in/opt-out events by occurredAt; opt-out wins a tie', async () => {
      await server.request('POST', '/customers', [{ id: 'cust-consent', identifier: { type: 'email', value: 'consent@example.com' } }]);
      const consent = async () => (await server.request('GET', '/customers/cust-consent')).json.consent;
      await publish({ eventType: 'customer.opted_in', occurredAt: '2026-06-01T10:00:00Z', customerId: 'cust-consent' });
      assert.equal((await consent()).status, 'opted_in');
      await publish({ eventType: 'CUSTOMER_OPTED_OUT', occurredAt: '2026-06-01T09:00:00Z', customerId: 'cust-consent' });
      assert.equal((await consent()).status, 'opted_in', 'an older opt-out does not win');
      await publish({ eventType: 'customer.opted_out', occurredAt: '2026-06-01T10:00:00Z', customerId: 'email:consent@example.com' });
      assert.equal((await consent()).status, 'opted_out', 'opt-out wins a tie');
      await publish({ eventType: 'customer.opted_in', occurredAt: '2026-06-01T10:00:00Z', customerId: 'cust-consent', data: { again: true } });
      assert.equal((await consent()).status, 'opted_out', 'opt-in does not win a tie');
      await publish({ eventType: 'customer.opted_in', occurredAt: '2026-06-02T10:00:00Z', customerId: 'cust-consent' });
      const last = await consent();
      assert.equal(last.status, 'opted_in');
      assert.equal(last.occurredAt, '2026-06-02T10:00:00Z');
    });

    it('applies a consent event that arrived before its customer when the customer is created', async () => {
      await publish({ eventType: 'customer.opted_out', occurredAt: '2026-06-05T10:00:00Z', customerId: 'cust-early' });
      await server.request('POST', '/customers', [{ id: 'cust-early', identifier: { type: 'phone', value: '+55 11 95555-4444' } }]);
      const customer = (await server.request('GET', '/customers/cust-early')).json;
      assert.equal(customer.consent?.status, 'opted_out');
    });

    it('moves the customer updatedAt when consent changes, so incremental sync sees it', async () => {
      await server.request('POST', '/customers', [{ id: 'cust-sync', identifier: { type: 'custom', value: 'sync' } }]);
      const before = (await server.request('GET', '/customers/cust-sync')).json.updatedAt;
      await publish({ eventType: 'customer.opted_out', occurredAt: '2026-06-05T10:00:00Z', customerId: 'cust-sync' });
      const after = (await server.request('GET', '/customers/cust-sync')).json.updatedAt;
      assert.ok(after >= before);
      const changed = await server.request('GET', `/customers?updatedFrom=${encodeURIComponent(after)}&customerIdentifierValue=sync`);
      assert.equal(changed.json.length, 1);
    });
  });
}
