/**
 * Recomputes every stored identity in the comparison form of docs/contract.md §5 (issue 13
 * §5: phones in E.164 with extensions apart, letters kept in documents, NFC). Collisions are
 * not merged: src/domain/identity-renormalization.ts decides, this applies and reports.
 */
import type Database from 'better-sqlite3';
import { planIdentityRenormalization, type StoredIdentity } from '../../../domain/identity-renormalization.js';

export const version = 7;
export const name = 'identity-renormalization';
export const up = '';

export function migrateData(db: Database.Database): string[] {
  const rows = db
    .prepare(
      `SELECT ci.tenant AS tenant, ci.type AS type, ci.value AS value, ci.customer_id AS customerId,
              json_extract(c.data, '$.identifier.type') AS ownType, json_extract(c.data, '$.identifier.value') AS ownValue
       FROM customer_identities ci LEFT JOIN customers c ON c.tenant = ci.tenant AND c.id = ci.customer_id`,
    )
    .all() as StoredIdentity[];
  const plan = planIdentityRenormalization(rows);
  const remove = db.prepare('DELETE FROM customer_identities WHERE tenant = ? AND type = ? AND value = ?');
  const add = db.prepare('INSERT INTO customer_identities (tenant, type, value, customer_id) VALUES (?, ?, ?, ?)');
  for (const k of plan.deletes) remove.run(k.tenant, k.type, k.value);
  for (const k of plan.inserts) add.run(k.tenant, k.type, k.value, k.customerId);
  return plan.notes;
}
