/**
 * Retention (docs/contract.md §14.8) on both stores: a merchant's events older than N days
 * (by occurredAt) and orders older than N days (by createdAt) are deleted with their webhook
 * deliveries; newer records, and other merchants' records, stay; the run is audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { retentionSettings, runRetention, setRetention } from '../src/domain/retention.js';
import type { Store } from '../src/store/store.js';
import { STORES, type StoreFixture } from './support/stores.js';

const NOW = Date.parse('2026-06-30T00:00:00Z');
const ids = async (page: Promise<{ items: string[] }>) => (await page).items.map((i) => (JSON.parse(i) as { id: string }).id).sort();
const all = { limit: 1000, offset: 0 };

for (const kind of STORES) {
  describe(`retention (${kind.name})`, () => {
    let fixture: StoreFixture;
    let store: Store;

    before(async () => {
      fixture = await kind.create();
      store = await fixture.open();
      await store.webhooks.addSubscription({
        id: 'sub-1',
        tenant: 'm-1',
        url: 'https://hooks.example/x',
        secret: 'v1.x',
        eventTypes: [],
        createdAt: '2026-01-01T00:00:00Z',
      });
      for (const tenant of ['m-1', 'm-2']) {
        await store.publishEvents(tenant, [
          { id: 'e-old', eventType: 'visit', occurredAt: '2026-05-01T00:00:00Z' },
          { id: 'e-new', eventType: 'visit', occurredAt: '2026-06-25T00:00:00Z' },
        ]);
        await store.upsertOrders(tenant, [
          { id: 'o-old', createdAt: '2025-01-01T00:00:00Z' },
          { id: 'o-new', createdAt: '2026-06-01T00:00:00Z' },
        ]);
      }
    });

    after(async () => {
      await store.close();
      await fixture.destroy();
    });

    it('deletes what is older than the limits of each merchant only, with its deliveries', async () => {
      await setRetention(store.auth, 'm-1', { eventsDays: 30, ordersDays: 365 });
      assert.deepEqual(await retentionSettings(store.auth), { 'm-1': { eventsDays: 30, ordersDays: 365 } });
      assert.equal((await store.webhooks.listDeliveries({ tenant: 'm-1' })).length, 2);
      assert.deepEqual(await runRetention(store, NOW), { 'm-1': { events: 1, orders: 1 } });
      assert.deepEqual(await ids(store.listEvents('m-1', {}, all)), ['e-new']);
      assert.deepEqual(await ids(store.listOrders('m-1', {}, all)), ['o-new']);
      assert.deepEqual(await ids(store.listEvents('m-2', {}, all)), ['e-new', 'e-old']);
      assert.deepEqual(await ids(store.listOrders('m-2', {}, all)), ['o-new', 'o-old']);
      const deliveries = await store.webhooks.listDeliveries({ tenant: 'm-1' });
      assert.deepEqual(
        deliveries.map((d) => d.eventId),
        ['e-new'],
      );
      assert.deepEqual(await runRetention(store, NOW), { 'm-1': { events: 0, orders: 0 } }, 'a second run finds nothing');
    });

    it('records the run in the audit trail, and removing the limits stops it', async () => {
      const entries = await store.readAudit('m-1', { limit: 10 });
      assert.deepEqual(
        entries.map((e) => [e.action, JSON.parse(e.details).events, JSON.parse(e.details).orders]),
        [['retention.run', 1, 1]],
      );
      await setRetention(store.auth, 'm-1', {});
      assert.deepEqual(await runRetention(store, NOW + 1000 * 86_400_000), {});
    });
  });
}
