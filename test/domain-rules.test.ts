/**
 * The rules that drifted between the stores before src/domain/ held them once (issue 12), each
 * pinned over HTTP on both stores: consent ties, duplicate keys inside a batch, a lenient
 * order's createdAt on a re-send, compact JSON in the order received, microsecond stamps and
 * UUIDv7 ids.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

for (const kind of STORES) {
  describe(`domain rules (${kind.name})`, () => {
    const server = useServer(kind);
    const publish = (event: Record<string, unknown>) => server.request('POST', '/customer/events', event);

    it('consent: on equal occurredAt and status the greater event key wins, whatever the arrival order', async () => {
      for (const [customer, order] of [
        ['cons-a', ['with', 'without']],
        ['cons-b', ['without', 'with']],
      ] as const) {
        await server.request('POST', '/customers', [{ id: customer, identifier: { type: 'external_id', value: `${customer}-x` } }]);
        for (const which of order) {
          const event = { eventType: 'customer.opted_out', occurredAt: '2026-06-01T12:00:00Z', customerId: customer };
          assert.equal((await publish(which === 'with' ? { ...event, eventId: `zzz-${customer}` } : event)).status, 202);
        }
        const consent = (await server.request('GET', `/customers/${customer}`)).json.consent;
        assert.equal(consent.status, 'opted_out');
        assert.equal(consent.eventId, `zzz-${customer}`, `${customer}: "zzz-..." sorts after the content key "evt_..."`);
      }
    });

    it('consent: opt-out beats opt-in at the same instant, and an event sent before its customer counts', async () => {
      await publish({ eventType: 'customer.opted_out', occurredAt: '2026-06-01T12:00:00Z', customerId: 'cons-early', eventId: 'a' });
      await server.request('POST', '/customers', [{ id: 'cons-early', identifier: { type: 'email', value: 'early@example.com' } }]);
      await publish({ eventType: 'customer.opted_in', occurredAt: '2026-06-01T12:00:00Z', customerId: 'cons-early', eventId: 'b' });
      const consent = (await server.request('GET', '/customers/cons-early')).json.consent;
      assert.deepEqual(consent, { status: 'opted_out', occurredAt: '2026-06-01T12:00:00Z', eventId: 'a' });
    });

    it('duplicate keys in one batch: customers merge in order, orders keep the last', async () => {
      await server.request('POST', '/customers', [
        { id: 'dup-c', identifier: { type: 'email', value: 'dup@example.com' }, name: 'First' },
        { identifier: { type: 'email', value: 'DUP@example.com' }, birthDate: '1990-01-01' },
      ]);
      const customer = (await server.request('GET', '/customers/dup-c')).json;
      assert.equal(customer.name, 'First');
      assert.equal(customer.birthDate, '1990-01-01');
      await server.request('POST', '/orders', [
        { id: 'dup-o', status: 'CONFIRMED' },
        { id: 'dup-o', status: 'DELIVERED' },
      ]);
      assert.equal((await server.request('GET', '/orders/dup-o')).json.status, 'DELIVERED');
    });

    it('duplicate event keys in one batch (as pull may send): the first is kept and only its consent applies', async () => {
      const store = server.store;
      await store.upsertCustomers('dup-tenant', [{ id: 'dup-e', identifier: { type: 'email', value: 'dup-e@example.com' } }]);
      const summary = await store.publishEvents('dup-tenant', [
        { eventId: 'same', eventType: 'customer.opted_in', occurredAt: '2026-06-01T12:00:00Z', customerId: 'dup-e' },
        { eventId: 'same', eventType: 'customer.opted_out', occurredAt: '2026-06-02T12:00:00Z', customerId: 'dup-e' },
      ]);
      assert.deepEqual(summary, { created: 1, updated: 0, unchanged: 1 });
      const customer = JSON.parse((await store.getCustomer('dup-tenant', 'dup-e')) as string);
      assert.deepEqual(customer.consent, { status: 'opted_in', occurredAt: '2026-06-01T12:00:00Z', eventId: 'same' });
      const events = await store.listEvents('dup-tenant', {}, { limit: 10, offset: 0 });
      assert.equal(events.items.length, 1);
      assert.match(events.items[0], /opted_in/);
    });

    it("an order's createdAt for createdFrom: its own when parseable, else the first received, never moved by a re-send", async () => {
      await server.request('POST', '/orders', [{ id: 'lenient-o', status: 'CONFIRMED', createdAt: 'yesterday' }]);
      const inRange = async () =>
        (await server.request('GET', '/orders?createdFrom=2020-01-01T00:00:00Z')).json.some((o: { id: string }) => o.id === 'lenient-o');
      assert.equal(await inRange(), true, 'unparseable: the time it was first received');
      // A re-send with the createdAt key present but unparseable keeps the first value.
      await server.request('POST', '/orders', [{ id: 'lenient-o', status: 'DELIVERED', createdAt: 'today' }]);
      assert.equal(await inRange(), true);
      await server.request('POST', '/orders', [{ id: 'lenient-o', status: 'DELIVERED', createdAt: '2010-01-01T00:00:00Z' }]);
      assert.equal(await inRange(), false, 'a parseable createdAt of its own decides');
    });

    it('renders compact JSON in the order received, stamps with microseconds, server ids as UUIDv7', async () => {
      await server.request('POST', '/customers', [{ identifier: { type: 'email', value: 'wire@example.com' }, zeta: 1, alpha: { b: 2, a: 1 } }]);
      const one = await server.request('GET', '/customers/email:wire@example.com');
      assert.match(
        one.text,
        /^\{"id":"[^"]+","identifier":\{"type":"email","value":"wire@example.com"\},"zeta":1,"alpha":\{"b":2,"a":1\},"createdAt":"[^"]+","updatedAt":"[^"]+"\}$/,
      );
      assert.match(one.json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(one.json.createdAt, MICROS);
      assert.match(one.json.updatedAt, MICROS);
      await server.request('POST', '/leads', [{ id: 'wire-lead', name: 'x' }]);
      const lead = (await server.request('GET', '/leads')).json.find((l: { id: string }) => l.id === 'wire-lead');
      assert.match(lead.createdAt, MICROS);
    });
  });
}
