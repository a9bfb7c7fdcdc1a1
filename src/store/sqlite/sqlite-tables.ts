/**
 * The SQLite engine's batch look-ups and plan application (src/store/engine.ts): prepared
 * statements per key, run synchronously inside the caller's IMMEDIATE transaction. Nothing
 * here decides anything; the domain planned every row.
 */
import type Database from 'better-sqlite3';
import {
  emptyPrivacyResult,
  externalIdKey,
  identityKey,
  RECORD_COLUMNS,
  type CustomerRow,
  type IdentityKey,
  type LookupRequest,
  type LookupResult,
  type RecordRow,
  type RecordTable,
  type WritePlan,
} from '../engine.js';
import { SqlitePrivacyTables } from './sqlite-privacy.js';
import type { SqliteStampCounts } from './sqlite-stamp-counts.js';
import { prepareDeliveryEnqueue, prepareSubscriptionLookup } from './sqlite-webhooks.js';

const CUSTOMER_COLUMNS = 'id, data, created_at, stamp, consent';

const recordColumns = (table: RecordTable): string => ['id', 'data', 'stamp', ...RECORD_COLUMNS[table]].join(', ');

export class SqliteTables {
  private readonly customerById: Database.Statement;
  private readonly byIdentity: Database.Statement;
  private readonly byExternalId: Database.Statement;
  private readonly identitiesOf: Database.Statement;
  private readonly eventsByCustomer: Database.Statement;
  private readonly recordById: Record<RecordTable, Database.Statement>;
  private readonly putCustomer: Database.Statement;
  private readonly deleteExternalId: Database.Statement;
  private readonly addExternalId: Database.Statement;
  private readonly addIdentity: Database.Statement;
  private readonly putRecord: Record<RecordTable, Database.Statement>;
  private readonly enqueueDeliveries: ReturnType<typeof prepareDeliveryEnqueue>;
  private readonly subscriptionsOf: ReturnType<typeof prepareSubscriptionLookup>;
  private readonly privacy: SqlitePrivacyTables;

  constructor(
    db: Database.Database,
    private readonly stampCounts: SqliteStampCounts,
  ) {
    this.customerById = db.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE tenant = ? AND id = ?`);
    this.byIdentity = db.prepare('SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = ? AND value = ?').pluck();
    this.byExternalId = db.prepare('SELECT customer_id FROM customer_external_ids WHERE tenant = ? AND source = ? AND key = ? AND value = ?').pluck();
    this.identitiesOf = db.prepare('SELECT type, value FROM customer_identities WHERE tenant = ? AND customer_id = ? ORDER BY type, value');
    this.eventsByCustomer = db.prepare(
      // Named: without statistics SQLite walks the tenant's events by primary key instead.
      'SELECT customer_ref, id, data, event_type FROM events INDEXED BY events_by_customer WHERE tenant = ? AND customer_ref IN (SELECT value FROM json_each(?)) AND event_type IN (SELECT value FROM json_each(?)) ORDER BY id',
    );
    const tables: RecordTable[] = ['leads', 'orders', 'reviews', 'events'];
    this.recordById = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT ${recordColumns(t)} FROM ${t} WHERE tenant = ? AND id = ?`)])) as Record<
      RecordTable,
      Database.Statement
    >;
    this.putCustomer = db.prepare(
      `INSERT INTO customers (tenant, id, data, created_at, stamp, consent) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, stamp = excluded.stamp, consent = excluded.consent`,
    );
    this.deleteExternalId = db.prepare('DELETE FROM customer_external_ids WHERE tenant = ? AND source = ? AND key = ? AND value = ? AND customer_id = ?');
    this.addExternalId = db.prepare('INSERT OR IGNORE INTO customer_external_ids (tenant, source, key, value, customer_id) VALUES (?, ?, ?, ?, ?)');
    this.addIdentity = db.prepare('INSERT OR IGNORE INTO customer_identities (tenant, type, value, customer_id) VALUES (?, ?, ?, ?)');
    this.putRecord = Object.fromEntries(
      tables.map((t) => {
        const columns = ['id', 'data', 'stamp', ...RECORD_COLUMNS[t]];
        const updates = columns.slice(1).map((c) => `${c} = excluded.${c}`);
        return [
          t,
          db.prepare(
            `INSERT INTO ${t} (tenant, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')}) ON CONFLICT (tenant, id) DO UPDATE SET ${updates.join(', ')}`,
          ),
        ];
      }),
    ) as Record<RecordTable, Database.Statement>;
    this.enqueueDeliveries = prepareDeliveryEnqueue(db);
    this.subscriptionsOf = prepareSubscriptionLookup(db);
    this.privacy = new SqlitePrivacyTables(db, stampCounts);
  }

  lookup(tenant: string, request: LookupRequest): LookupResult {
    const result: LookupResult = {
      customers: new Map(),
      identities: new Map(),
      externalIds: new Map(),
      identitiesOf: new Map(),
      eventsByCustomer: [],
      records: new Map(),
      subscriptions: request.subscriptions ? this.subscriptionsOf(tenant) : [],
      ...emptyPrivacyResult(),
    };
    this.privacy.lookup(tenant, request, result);
    for (const id of new Set(request.customers ?? [])) {
      const row = this.customerById.get(tenant, id) as CustomerRow | undefined;
      if (row) result.customers.set(id, row);
    }
    for (const { type, value } of request.identities ?? []) {
      const id = this.byIdentity.get(tenant, type, value) as string | undefined;
      if (id !== undefined) result.identities.set(identityKey(type, value), id);
    }
    for (const { source, key, value } of request.externalIds ?? []) {
      const ids = this.byExternalId.all(tenant, source, key, value) as string[];
      if (ids.length > 0) result.externalIds.set(externalIdKey(source, key, value), ids);
    }
    for (const id of new Set(request.identitiesOf ?? [])) result.identitiesOf.set(id, this.identitiesOf.all(tenant, id) as IdentityKey[]);
    const events = request.eventsByCustomer;
    if (events && events.refs.length > 0) {
      result.eventsByCustomer = this.eventsByCustomer.all(
        tenant,
        JSON.stringify([...new Set(events.refs)]),
        JSON.stringify(events.eventTypes),
      ) as LookupResult['eventsByCustomer'];
    }
    if (request.records) {
      const statement = this.recordById[request.records.table];
      for (const id of new Set(request.records.ids)) {
        const row = statement.get(tenant, id) as RecordRow | undefined;
        if (row) result.records.set(id, row);
      }
    }
    return result;
  }

  apply(tenant: string, plan: WritePlan): void {
    for (const c of plan.customers) {
      this.stampCounts.moved('customers', tenant, c.previousStamp, c.stamp);
      this.putCustomer.run(tenant, c.id, c.data, c.created_at, c.stamp, c.consent);
    }
    for (const e of plan.externalIdsRemoved) this.deleteExternalId.run(tenant, e.source, e.key, e.value, e.customerId);
    for (const e of plan.externalIds) this.addExternalId.run(tenant, e.source, e.key, e.value, e.customerId);
    for (const i of plan.identities) this.addIdentity.run(tenant, i.type, i.value, i.customerId);
    if (plan.records) {
      const { table, rows } = plan.records;
      const statement = this.putRecord[table];
      const columns = RECORD_COLUMNS[table];
      for (const row of rows) {
        if (table === 'leads') this.stampCounts.moved('leads', tenant, row.previousStamp, row.stamp);
        statement.run(tenant, row.id, row.data, row.stamp, ...columns.map((c) => row[c] ?? null));
      }
    }
    // The deliveries of new events commit with them (the outbox of webhook-store.ts).
    for (const delivery of plan.deliveries) this.enqueueDeliveries(tenant, delivery);
    this.privacy.apply(tenant, plan);
  }
}
