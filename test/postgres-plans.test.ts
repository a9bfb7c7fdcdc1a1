/**
 * Every list filter is served by an index on PostgreSQL, never by a table scan
 * (docs/contract.md §2): the PostgreSQL twin of sqlite-plans.test.ts.
 *
 * A fresh database is filled through PostgresStore (a couple of thousand rows per table, so
 * that each filter below is selective), then each list shape, lookup and write runs on the
 * store while the SQL it sends is recorded. Each statement is explained in a session with
 * `enable_seqscan = off`: small tables would otherwise be read sequentially whatever the
 * indexes, and the question here is whether an index exists that serves the filter. A
 * sequential scan survives that setting only when no index can answer, so the test asserts
 * that no data table is read by a Seq Scan, and that the expected index appears with an
 * index condition on the filtered column (not merely scanned with a Filter).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { normalizeEventType } from '../src/contract/identity.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import type { PageRequest } from '../src/store/store.js';
import { createPgDatabase, STORES } from './support/stores.js';

const skip = STORES.some((s) => s.name === 'postgres') ? false : 'PostgreSQL not available';

const DATA_TABLES = new Set(['customers', 'customer_identities', 'customer_external_ids', 'leads', 'orders', 'reviews', 'events', 'tenant_clocks']);
const N = 2000;
const T = 't';
const hour = 3_600_000;
const base = Date.parse('2025-01-01T00:00:00Z');

interface Statement {
  text: string;
  values: unknown[];
}

interface PlanNode {
  type: string;
  relation?: string;
  index?: string;
  cond?: string;
}

/** Every node of an EXPLAIN (FORMAT JSON) plan, sub-plans included. */
function nodesOf(plan: any, out: PlanNode[] = []): PlanNode[] {
  out.push({ type: plan['Node Type'], relation: plan['Relation Name'], index: plan['Index Name'], cond: plan['Index Cond'] ?? plan['Recheck Cond'] });
  for (const child of plan.Plans ?? []) nodesOf(child, out);
  return out;
}

describe('postgres query plans', { skip }, () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let store: PostgresStore;
  let inspector: pg.Client;
  const statements: Statement[] = [];
  let recording = false;
  const page: PageRequest = { limit: 50, offset: 0 };
  const cursor: PageRequest = { limit: 50, offset: 0, after: { stamp: 1, id: 'a' } };
  /** A stamp range holding a handful of the newest rows of each table. */
  const recent: Record<string, number> = {};

  function record(args: unknown[]): void {
    if (!recording) return;
    const [first, second] = args as [unknown, unknown];
    if (typeof first === 'string') statements.push({ text: first, values: (second as unknown[] | undefined) ?? [] });
    else if (first && typeof first === 'object' && 'text' in first) {
      const config = first as { text: string; values?: unknown[] };
      statements.push({ text: config.text, values: config.values ?? (second as unknown[] | undefined) ?? [] });
    }
  }

  before(async () => {
    database = await createPgDatabase();
    store = await PostgresStore.open({ connectionString: database.url, poolSize: 4 });
    const pool = store.pool as any;
    // Reads go through pool.query (which checks out a client with a callback); writes check
    // out a client with connect() and run their transaction on it: record both, once each.
    const query = pool.query;
    pool.query = (...args: unknown[]) => {
      record(args);
      return query.apply(pool, args);
    };
    const connect = pool.connect;
    pool.connect = (...args: unknown[]) => {
      if (args.length > 0) return connect.apply(pool, args);
      return connect.apply(pool).then((client: any) => {
        const release = client.release;
        client.query = (...qargs: unknown[]) => {
          record(qargs);
          return pg.Client.prototype.query.apply(client, qargs as any);
        };
        client.release = (err?: unknown) => {
          delete client.query;
          client.release = release;
          return release.call(client, err);
        };
        return client;
      });
    };

    const ids = Array.from({ length: N }, (_, i) => i);
    const chunks = <V>(rows: V[]) => Array.from({ length: Math.ceil(rows.length / 500) }, (_, k) => rows.slice(k * 500, k * 500 + 500));
    for (const chunk of chunks(ids)) {
      await store.upsertCustomers(
        T,
        chunk.map((i) => ({
          id: `c${i}`,
          identifier:
            i % 50 === 0
              ? { type: 'phone' as const, value: `+55119${String(i).padStart(8, '0')}` }
              : i % 10 === 5
                ? { type: 'external_id' as const, value: `x${i}` }
                : { type: 'email' as const, value: `c${i}@example.com` },
          externalIds: [{ source: `S${i % 3}`, key: 'k', value: `v${i}` }],
        })),
      );
      await store.upsertLeads(
        T,
        chunk.map((i) => ({ id: `l${i}`, name: `Lead ${i}` })),
      );
      await store.upsertOrders(
        T,
        chunk.map((i) => ({ id: `o${i}`, customer: { id: `c${i % 400}` }, createdAt: new Date(base + i * hour).toISOString() })),
      );
      await store.upsertReviews(
        T,
        chunk.map((i) => ({
          reviewId: `r${i}`,
          reviewType: i % 20 === 0 ? 'EVENT' : i % 2 ? 'ORDER' : 'MERCHANT_EXPERIENCE',
          overallRating: { ratingStyle: 'STAR', value: 1 + (i % 5) },
          reviewDate: new Date(base + i * hour).toISOString(),
          customer: { customerId: `c${i % 400}` },
          subject: { orderId: `o${i}` },
        })) as any,
      );
      await store.publishEvents(
        T,
        chunk.map((i) => ({ id: `e${i}`, eventType: `type_${i % 40}`, occurredAt: new Date(base + i * hour).toISOString(), customerId: `c${i % 400}` })),
      );
    }
    // Another tenant, so that the tenant column alone is not the whole table.
    await store.upsertCustomers('other', [{ identifier: { type: 'email', value: 'c7@example.com' } }]);
    await store.pool.query('ANALYZE');
    for (const table of ['customers', 'leads', 'orders']) {
      const { rows } = await store.pool.query(`SELECT stamp FROM ${table} WHERE tenant = $1 ORDER BY stamp DESC OFFSET 5 LIMIT 1`, [T]);
      recent[table] = rows[0].stamp;
    }
    inspector = new pg.Client({ connectionString: database.url });
    await inspector.connect();
    await inspector.query('SET enable_seqscan = off');
  });

  after(async () => {
    await inspector?.end().catch(() => undefined);
    await store?.close();
    await database?.drop();
  });

  const from = (hours: number) => (base + hours * hour) * 1000;
  /** [what to run, index name, what its index condition must name]; several for several filters. */
  type Expectation = [RegExp, RegExp];
  const shapes: Record<string, [() => Promise<unknown>, ...Expectation[]]> = {
    'customers, no filter': [() => store.listCustomers(T, {}, page), [/^customers_by_stamp$/, /tenant =/]],
    'customers, cursor': [() => store.listCustomers(T, {}, cursor), [/^customers_by_stamp$/, /ROW\(stamp, id\) >|stamp >/]],
    'customers by identifier type and value': [
      () => store.listCustomers(T, { identifierType: 'email', identifierValue: 'C7@example.com' }, page),
      [/^customer_identities_(pkey|by_value)$/, /value = /],
    ],
    'customers by identifier value': [
      () => store.listCustomers(T, { identifierValue: 'c7@example.com' }, page),
      [/^customer_identities_(by_value|pkey)$/, /value = /],
    ],
    'customers by identifier type': [() => store.listCustomers(T, { identifierType: 'phone' }, page), [/^customer_identities_pkey$/, /type = /]],
    'customers by externalId': [
      () => store.listCustomers(T, { externalId: 'v7' }, page),
      [/^customer_external_ids_by_value$/, /value = /],
      [/^customer_identities_(by_value|pkey)$/, /value = /],
    ],
    'customers by externalId and source': [
      () => store.listCustomers(T, { externalId: 'v7', externalIdSource: 'S1' }, page),
      [/^customer_external_ids_by_value$/, /value = .*source = /],
    ],
    'customers by updated range': [
      () => store.listCustomers(T, { updated: { from: recent.customers, to: recent.customers + 1_000_000 } }, cursor),
      [/^customers_by_stamp$/, /stamp >= .*stamp <= /],
    ],
    'leads by updated range': [() => store.listLeads(T, { updated: { from: recent.leads } }, page), [/^leads_by_stamp$/, /stamp >= /]],
    'orders by customer': [() => store.listOrders(T, { customerRefs: ['c7', 'x7'] }, page), [/^orders_by_customer$/, /customer_ref = /]],
    'orders by created range': [
      () => store.listOrders(T, { created: { from: from(100), to: from(110) } }, page),
      [/^orders_by_created$/, /created_ms >= .*created_ms <= /],
    ],
    'orders by updated range': [() => store.listOrders(T, { updated: { from: recent.orders } }, cursor), [/^orders_by_stamp$/, /stamp >= /]],
    'reviews by customer': [() => store.listReviews(T, { customerRefs: ['c7'] }, page), [/^reviews_by_customer$/, /customer_ref = /]],
    'reviews by order': [() => store.listReviews(T, { orderId: 'o7' }, page), [/^reviews_by_order$/, /order_ref = /]],
    'reviews by type': [() => store.listReviews(T, { reviewType: 'EVENT' }, page), [/^reviews_by_type$/, /review_type = /]],
    'reviews by date range': [() => store.listReviews(T, { created: { from: from(N - 5) } }, page), [/^reviews_by_date$/, /review_ms >= /]],
    'events by customer': [() => store.listEvents(T, { customerRefs: ['c7', 'x7'] }, page), [/^events_by_customer\w*$/, /customer_ref = /]],
    'events by type': [() => store.listEvents(T, { eventType: normalizeEventType('TYPE.7') }, page), [/^events_by_type$/, /event_type = /]],
    'events by occurred range': [
      () => store.listEvents(T, { occurred: { from: from(100), to: from(110) } }, page),
      [/^events_by_occurred$/, /occurred_ms >= .*occurred_ms <= /],
    ],
    'customer by id': [() => store.getCustomer(T, 'c7'), [/^customers_pkey$/, /id = /]],
    'customer by <type>:<value>': [() => store.getCustomer(T, 'email:c7@example.com'), [/^customer_identities_(pkey|by_value)$/, /value = /]],
    'customer refs': [
      () => store.resolveCustomerRefs(T, 'x15'),
      [/^customer_identities_(pkey|by_value)$/, /value = /],
      [/^customer_identities_by_customer$/, /customer_id = /],
    ],
    'order by id': [() => store.getOrder(T, 'o7'), [/^orders_pkey$/, /id = /]],
    'review by id': [() => store.getReview(T, 'r7'), [/^reviews_pkey$/, /id = /]],
    'customer upsert lookups': [
      () =>
        store.upsertCustomers(T, [
          { identifier: { type: 'email', value: 'c8@example.com' }, name: 'n' },
          { identifier: { type: 'email', value: 'new@example.com' }, externalIds: [{ source: 'S2', key: 'k', value: 'v9' }] },
        ]),
      [/^customer_identities_(pkey|by_value)$/, /value = /],
      [/^customer_external_ids_(pkey|by_value)$/, /value = /],
      [/^customers_pkey$/, /id = /],
    ],
    'consent of a new customer from earlier events': [
      async () => {
        await store.publishEvents(T, [{ eventType: 'customer.opted_out', occurredAt: '2026-01-01T00:00:00Z', customerId: 'pending-1' }]);
        await store.upsertCustomers(T, [{ id: 'pending-1', identifier: { type: 'custom', value: 'pending-1' } }]);
      },
      [/^events_by_(customer|type)$/, /customer_ref = |event_type = /],
    ],
    'consent event applied to its customer': [
      () => store.publishEvents(T, [{ eventType: 'customer.opted_in', occurredAt: '2026-01-02T00:00:00Z', customerId: 'email:c9@example.com' }]),
      [/^customer_identities_(pkey|by_value)$/, /value = /],
      [/^customers_pkey$/, /id = /],
    ],
  };

  for (const [name, [run, ...expected]] of Object.entries(shapes)) {
    it(`${name}: every table access goes through an index`, async () => {
      statements.length = 0;
      recording = true;
      try {
        await run();
      } finally {
        recording = false;
      }
      const explained = statements.filter((s) => !/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(s.text));
      assert.ok(explained.length > 0, 'the store ran SQL');
      const nodes: PlanNode[] = [];
      const report: string[] = [];
      for (const s of explained) {
        const { rows } = await inspector.query(`EXPLAIN (FORMAT JSON) ${s.text}`, s.values);
        const plan = nodesOf(rows[0]['QUERY PLAN'][0].Plan);
        nodes.push(...plan);
        report.push(
          s.text.replace(/\s+/g, ' '),
          ...plan.map((n) => `  ${n.type}${n.relation ? ` on ${n.relation}` : ''}${n.index ? ` using ${n.index}` : ''}${n.cond ? ` (${n.cond})` : ''}`),
        );
      }
      const scans = nodes.filter((n) => n.type === 'Seq Scan' && n.relation !== undefined && DATA_TABLES.has(n.relation));
      assert.deepEqual(scans, [], `a data table is scanned sequentially:\n${report.join('\n')}`);
      for (const [index, cond] of expected) {
        assert.ok(
          nodes.some((n) => n.index !== undefined && index.test(n.index) && cond.test(n.cond ?? '')),
          `expected an index ${index} with a condition ${cond} in:\n${report.join('\n')}`,
        );
      }
    });
  }
});
