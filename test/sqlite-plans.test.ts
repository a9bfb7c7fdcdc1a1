/**
 * Every list filter is served by an index, never by a table scan (docs/contract.md §2).
 * Runs each list shape on the SQLite store, captures the SQL it ran, and reads SQLite's
 * query plan for it.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { PageRequest } from '../src/store/store.js';

describe('sqlite query plans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-plans-'));
  const filename = join(dir, 'odc.db');
  const statements: string[] = [];
  let store: SqliteStore;
  let inspector: Database.Database;
  const page: PageRequest = { limit: 50, offset: 0 };
  const cursor: PageRequest = { limit: 50, offset: 0, after: { stamp: 1, id: 'a' } };

  before(async () => {
    store = new SqliteStore({ filename, trace: (sql) => statements.push(sql) });
    await store.upsertCustomers('t', [{ identifier: { type: 'email', value: 'a@b.c' }, externalIds: [{ source: 'S', key: 'k', value: 'v' }] }]);
    inspector = new Database(filename, { readonly: true });
  });
  after(async () => {
    inspector.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each shape, and the index use its plan must show for its filter. */
  const shapes: Record<string, [() => Promise<unknown>, RegExp]> = {
    'customers, no filter': [() => store.listCustomers('t', {}, page), /customers_by_stamp \(tenant=\?\)/],
    'customers, cursor': [() => store.listCustomers('t', {}, cursor), /customers_by_stamp \(tenant=\? AND stamp>\?\)/],
    'customers by identifier type and value': [
      () => store.listCustomers('t', { identifierType: 'email', identifierValue: 'a@b.c' }, page),
      /customer_identities .*\(tenant=\? AND type=\? AND value=\?\)/,
    ],
    'customers by identifier value': [
      () => store.listCustomers('t', { identifierValue: 'a@b.c' }, page),
      /customer_identities_by_value \(tenant=\? AND value=\?\)/,
    ],
    'customers by identifier type': [() => store.listCustomers('t', { identifierType: 'phone' }, page), /customer_identities .*\(tenant=\? AND type=\?\)/],
    'customers by externalId': [() => store.listCustomers('t', { externalId: 'v' }, page), /customer_external_ids_by_value \(tenant=\? AND value=\?\)/],
    'customers by externalId and source': [
      () => store.listCustomers('t', { externalId: 'v', externalIdSource: 'S' }, page),
      /customer_external_ids_by_value \(tenant=\? AND value=\? AND source=\?\)/,
    ],
    'customers by updated range': [
      () => store.listCustomers('t', { updated: { from: 1, to: 2 } }, cursor),
      /customers_by_stamp \(tenant=\? AND stamp>\? AND stamp<\?\)/,
    ],
    'leads by updated range': [() => store.listLeads('t', { updated: { from: 1 } }, page), /leads_by_stamp \(tenant=\? AND stamp>\?\)/],
    'orders by customer': [() => store.listOrders('t', { customerRefs: ['a', 'b'] }, page), /orders_by_customer \(tenant=\? AND customer_ref=\?\)/],
    'orders by created range': [
      () => store.listOrders('t', { created: { from: 1, to: 2 } }, page),
      /orders_by_created \(tenant=\? AND created_ms>\? AND created_ms<\?\)/,
    ],
    'orders by updated range': [() => store.listOrders('t', { updated: { to: 2 } }, cursor), /orders_by_stamp \(tenant=\? AND stamp<\?\)/],
    'reviews by customer': [() => store.listReviews('t', { customerRefs: ['a'] }, page), /reviews_by_customer \(tenant=\? AND customer_ref=\?\)/],
    'reviews by order': [() => store.listReviews('t', { orderId: 'o' }, page), /reviews_by_order \(tenant=\? AND order_ref=\?\)/],
    'reviews by type': [() => store.listReviews('t', { reviewType: 'ORDER' }, page), /reviews_by_type \(tenant=\? AND review_type=\?\)/],
    'reviews by date range': [() => store.listReviews('t', { created: { from: 1 } }, page), /reviews_by_date \(tenant=\? AND review_ms>\?\)/],
    'events by customer': [() => store.listEvents('t', { customerRefs: ['a'] }, page), /events_by_customer\w* \(tenant=\? AND customer_ref=\?/],
    'events by type': [() => store.listEvents('t', { eventType: 'x' }, page), /events_by_type \(tenant=\? AND event_type=\?\)/],
    'events by occurred range': [
      () => store.listEvents('t', { occurred: { from: 1, to: 2 } }, page),
      /events_by_occurred \(tenant=\? AND occurred_ms>\? AND occurred_ms<\?\)/,
    ],
    'customer resolution': [() => store.getCustomer('t', 'email:a@b.c'), /customer_identities .*\(tenant=\? AND type=\? AND value=\?\)/],
    // A new customer looks up consent events sent before it existed, by the refs it may have had.
    'new customer, pending consent': [
      () => store.upsertCustomers('t', [{ identifier: { type: 'email', value: `new${statements.length}@b.c` } }]),
      /events_by_customer \(tenant=\? AND customer_ref=\?/,
    ],
    'customers total by stamp buckets': [
      () => store.listCustomers('t', { updated: { from: 1 } }, page),
      /stamp_counts USING PRIMARY KEY \(tenant=\? AND tbl=\? AND level=\? AND bucket>\?/,
    ],
    'customer refs': [() => store.resolveCustomerRefs('t', 'external_id:x'), /customers .*PRIMARY KEY \(tenant=\? AND id=\?\)/],
  };

  for (const [name, [run, expected]] of Object.entries(shapes)) {
    it(`${name}: every table access goes through an index`, async () => {
      statements.length = 0;
      await run();
      assert.ok(statements.length > 0);
      const plans: string[] = [];
      for (const sql of statements) {
        const plan = (inspector.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail);
        plans.push(...plan);
        const scans = plan.filter(
          (detail) =>
            /^SCAN (customers|customer_identities|customer_external_ids|leads|orders|reviews|events)\b/.test(detail) && !/USING (COVERING )?INDEX/.test(detail),
        );
        assert.deepEqual(scans, [], `${sql}\n${plan.join('\n')}`);
        const unindexedSearch = plan.filter((d) => /^SEARCH/.test(d) && !/USING (COVERING |PRIMARY KEY|INDEX|INTEGER PRIMARY KEY)/.test(d));
        assert.deepEqual(unindexedSearch, [], `${sql}\n${plan.join('\n')}`);
      }
      assert.ok(
        plans.some((detail) => expected.test(detail)),
        `expected ${expected} in:\n${plans.join('\n')}`,
      );
    });
  }
});
