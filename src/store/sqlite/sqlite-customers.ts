/**
 * Customers in SQLite: identity resolution, upsert with field-level merge, reads and lists
 * (docs/contract.md §5).
 *
 * A customer is found, in order, by its identifier (normalized), by any of its `externalIds`
 * (`source`, `key`, `value`), then by the `id` the payload names. Every identity a customer
 * has been sent with is kept in `customer_identities`, so the next send matches directly.
 */
import type Database from 'better-sqlite3';
import type { Customer } from '../../contract/customer.js';
import { identifierTypes } from '../../contract/customer.js';
import { normalizeIdentifierValue, splitTypedReference, OPT_IN_EVENT, OPT_OUT_EVENT } from '../../contract/identity.js';
import type { JsonObject } from '../../contract/merge.js';
import { consentFromEvent, consentSupersedes, latestConsent, type ConsentState } from '../consent.js';
import { externalIdsOf, planCustomerUpsert } from '../customer-upsert.js';
import type { ChangeClock } from '../change-clock.js';
import { renderCustomer, type CustomerRow } from '../stored-rows.js';
import { StoreConflictError, type CustomerFilter, type PageRequest, type PageResult, type WriteSummary } from '../store.js';
import type { SqliteStampCounts } from './sqlite-stamp-counts.js';
import { inCondition, rangeConditions, runListQuery, type Condition, type StatementCache } from './sqlite-list.js';

const COLUMNS = 'id, data, created_at, stamp, consent';

// Without statistics the planner prefers the (tenant, customer_id) index, which covers the
// same columns in a WITHOUT ROWID table but cannot seek by value; name the right one.
const BY_IDENTITY_VALUE = 'INDEXED BY customer_identities_by_value';
const BY_EXTERNAL_VALUE = 'INDEXED BY customer_external_ids_by_value';

export class SqliteCustomers {
  private readonly byId: Database.Statement;
  private readonly byIdentity: Database.Statement;
  private readonly byExternalId: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly updateConsent: Database.Statement;
  private readonly addIdentity: Database.Statement;
  private readonly identitiesOf: Database.Statement;
  private readonly deleteExternalIds: Database.Statement;
  private readonly addExternalId: Database.Statement;
  private readonly consentEvents: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly statements: StatementCache,
    private readonly clock: ChangeClock,
    private readonly stampCounts: SqliteStampCounts,
  ) {
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM customers WHERE tenant = ? AND id = ?`);
    this.byIdentity = db.prepare('SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = ? AND value = ?').pluck();
    this.byExternalId = db.prepare('SELECT customer_id FROM customer_external_ids WHERE tenant = ? AND source = ? AND key = ? AND value = ? LIMIT 1').pluck();
    this.insert = db.prepare('INSERT INTO customers (tenant, id, data, created_at, stamp, consent) VALUES (?, ?, ?, ?, ?, ?)');
    this.update = db.prepare('UPDATE customers SET data = ?, created_at = ?, stamp = ? WHERE tenant = ? AND id = ?');
    this.updateConsent = db.prepare('UPDATE customers SET consent = ?, stamp = ? WHERE tenant = ? AND id = ?');
    this.addIdentity = db.prepare('INSERT OR IGNORE INTO customer_identities (tenant, type, value, customer_id) VALUES (?, ?, ?, ?)');
    this.identitiesOf = db.prepare('SELECT type, value FROM customer_identities WHERE tenant = ? AND customer_id = ?');
    this.deleteExternalIds = db.prepare('DELETE FROM customer_external_ids WHERE tenant = ? AND customer_id = ?');
    this.addExternalId = db.prepare('INSERT OR IGNORE INTO customer_external_ids (tenant, source, key, value, customer_id) VALUES (?, ?, ?, ?, ?)');
    this.consentEvents = db.prepare(
      // Named: without statistics SQLite walks the tenant's events by primary key instead.
      'SELECT customer_ref, id, data, event_type FROM events INDEXED BY events_by_customer WHERE tenant = ? AND customer_ref IN (SELECT value FROM json_each(?)) AND event_type IN (?, ?)',
    );
  }

  /** Runs inside the caller's transaction. Items are already validated. */
  upsert(tenant: string, customers: Customer[]): WriteSummary {
    // Stamps of the stored customers the plan read: an update moves them (stamp buckets).
    const storedStamps = new Map<string, number>();
    const plan = planCustomerUpsert(customers, {
      identity: (type, value) => this.byIdentity.get(tenant, type, value) as string | undefined,
      externalId: (source, key, value) => this.byExternalId.get(tenant, source, key, value) as string | undefined,
      customer: (id) => {
        const row = this.byId.get(tenant, id) as CustomerRow | undefined;
        if (row) storedStamps.set(row.id, row.stamp);
        return (
          row && {
            id: row.id,
            data: JSON.parse(row.data) as JsonObject,
            createdAt: row.created_at,
            consent: row.consent ? (JSON.parse(row.consent) as ConsentState) : null,
          }
        );
      },
    });
    if (plan.conflicts.length > 0)
      throw new StoreConflictError(`${plan.conflicts.length} customer(s) conflict with stored records; nothing was written`, plan.conflicts);
    const consentByRef = this.pendingConsent(
      tenant,
      plan.writes.filter((w) => w.isNew).flatMap((w) => w.consentRefs),
    );
    for (const write of plan.writes) {
      const data = JSON.stringify(write.data);
      const stamp = this.clock.next();
      this.stampCounts.moved('customers', tenant, storedStamps.get(write.id), stamp);
      if (write.isNew) {
        const consent = latestConsent(write.consentRefs.flatMap((ref) => consentByRef.get(ref) ?? []));
        this.insert.run(tenant, write.id, data, write.createdAt, stamp, consent ? JSON.stringify(consent) : null);
      } else {
        this.update.run(data, write.createdAt, stamp, tenant, write.id);
        // Only customers that existed have external ids to resynchronise.
        this.deleteExternalIds.run(tenant, write.id);
      }
      for (const e of externalIdsOf(write.data)) this.addExternalId.run(tenant, e.source, e.key, e.value, write.id);
    }
    for (const identity of plan.identities) this.addIdentity.run(tenant, identity.type, identity.value, identity.customerId);
    return plan.summary;
  }

  /**
   * A consent event may arrive before its customer: the latest one applies on creation. One
   * query for the whole batch's new customers, by every ref they may have been named by.
   */
  private pendingConsent(tenant: string, refs: string[]): Map<string, ConsentState[]> {
    const out = new Map<string, ConsentState[]>();
    if (refs.length === 0) return out;
    const rows = this.consentEvents.all(tenant, JSON.stringify([...new Set(refs)]), OPT_IN_EVENT, OPT_OUT_EVENT) as {
      customer_ref: string;
      id: string;
      data: string;
      event_type: string;
    }[];
    for (const row of rows) {
      const state = consentFromEvent(row.event_type, (JSON.parse(row.data) as { occurredAt: string }).occurredAt, row.id);
      if (state) out.set(row.customer_ref, [...(out.get(row.customer_ref) ?? []), state]);
    }
    return out;
  }

  /** Applies an opt-in/opt-out event to the customer `ref` resolves to, if any. */
  applyConsent(tenant: string, ref: string, candidate: ConsentState): boolean {
    const row = this.resolve(tenant, ref);
    if (!row) return false;
    const current = row.consent ? (JSON.parse(row.consent) as ConsentState) : undefined;
    if (!consentSupersedes(current, candidate)) return false;
    const stamp = this.clock.next();
    this.stampCounts.moved('customers', tenant, row.stamp, stamp);
    this.updateConsent.run(JSON.stringify(candidate), stamp, tenant, row.id);
    return true;
  }

  /** Resolution order of GET /customers/{id}: id, external_id identifier, `<type>:<value>`. */
  resolve(tenant: string, ref: string): CustomerRow | undefined {
    const direct = this.byId.get(tenant, ref) as CustomerRow | undefined;
    if (direct) return direct;
    const viaExternal = this.byIdentity.get(tenant, 'external_id', ref) as string | undefined;
    if (viaExternal) return this.byId.get(tenant, viaExternal) as CustomerRow | undefined;
    const typed = splitTypedReference(ref);
    if (typed) {
      const norm = normalizeIdentifierValue(typed.type, typed.value);
      const viaTyped = norm === undefined ? undefined : (this.byIdentity.get(tenant, typed.type, norm) as string | undefined);
      if (viaTyped) return this.byId.get(tenant, viaTyped) as CustomerRow | undefined;
    }
    return undefined;
  }

  get(tenant: string, ref: string): string | undefined {
    const row = this.resolve(tenant, ref);
    return row && renderCustomer(row);
  }

  refs(tenant: string, ref: string): string[] | undefined {
    const row = this.resolve(tenant, ref);
    if (!row) return undefined;
    const identities = this.identitiesOf.all(tenant, row.id) as { type: string; value: string }[];
    return [...new Set([ref, row.id, ...identities.filter((i) => i.type === 'external_id').map((i) => i.value)])];
  }

  list(tenant: string, filter: CustomerFilter, page: PageRequest): PageResult {
    const conditions: Condition[] = [];
    if (filter.identifierType !== undefined || filter.identifierValue !== undefined) {
      conditions.push(identityCondition(filter.identifierType, filter.identifierValue));
    }
    if (filter.externalId !== undefined) {
      const external =
        filter.externalIdSource === undefined
          ? { sql: `SELECT customer_id FROM customer_external_ids ${BY_EXTERNAL_VALUE} WHERE tenant = ? AND value = ?`, params: [tenant, filter.externalId] }
          : {
              sql: `SELECT customer_id FROM customer_external_ids ${BY_EXTERNAL_VALUE} WHERE tenant = ? AND value = ? AND source = ?`,
              params: [tenant, filter.externalId, filter.externalIdSource],
            };
      const viaIdentifier =
        filter.externalIdSource === undefined
          ? ` UNION SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = 'external_id' AND value = ?`
          : '';
      conditions.push({
        sql: `id IN (${external.sql}${viaIdentifier})`,
        params: filter.externalIdSource === undefined ? [...external.params, tenant, filter.externalId] : external.params,
      });
    }
    // Only a time range (or nothing) left: the total comes from the stamp buckets.
    const stampCount = conditions.length === 0 ? { table: 'customers' as const, range: filter.updated } : undefined;
    conditions.push(...rangeConditions('stamp', filter.updated));
    const selective = filter.externalId !== undefined || filter.identifierValue !== undefined;
    return runListQuery<CustomerRow>(this.statements, {
      table: 'customers',
      columns: COLUMNS,
      tenant,
      conditions,
      page,
      render: renderCustomer,
      selective,
      stampCount,
    });

    function identityCondition(type: string | undefined, value: string | undefined): Condition {
      if (value === undefined) return { sql: 'id IN (SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = ?)', params: [tenant, type] };
      const types = type === undefined ? identifierTypes : [type];
      const values = [...new Set(types.map((t) => normalizeIdentifierValue(t, value)).filter((v): v is string => v !== undefined))];
      if (values.length === 0) return { sql: '0', params: [] };
      const inValues = inCondition('value', values);
      return type === undefined
        ? {
            sql: `id IN (SELECT customer_id FROM customer_identities ${BY_IDENTITY_VALUE} WHERE tenant = ? AND ${inValues.sql})`,
            params: [tenant, ...inValues.params],
          }
        : {
            sql: `id IN (SELECT customer_id FROM customer_identities WHERE tenant = ? AND type = ? AND ${inValues.sql})`,
            params: [tenant, type, ...inValues.params],
          };
    }
  }
}
