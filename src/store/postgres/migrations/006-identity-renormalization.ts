/**
 * Recomputes every stored identity in the comparison form of docs/contract.md §5 (issue 13
 * §5: phones in E.164 with extensions apart, letters kept in documents, NFC). Collisions are
 * not merged: src/domain/identity-renormalization.ts decides, this applies and reports.
 */
import type { PoolClient } from 'pg';
import { planIdentityRenormalization, type StoredIdentity } from '../../../domain/identity-renormalization.js';

export const version = 6;
export const name = 'identity-renormalization';
export const up = '';

export async function migrateData(db: PoolClient): Promise<string[]> {
  const { rows } = await db.query<StoredIdentity>(
    `SELECT ci.tenant AS tenant, ci.type AS type, ci.value AS value, ci.customer_id AS "customerId",
            c.data::jsonb #>> '{identifier,type}' AS "ownType", c.data::jsonb #>> '{identifier,value}' AS "ownValue"
     FROM customer_identities ci LEFT JOIN customers c ON c.tenant = ci.tenant AND c.id = ci.customer_id`,
  );
  const plan = planIdentityRenormalization(rows);
  if (plan.deletes.length > 0)
    await db.query(
      `DELETE FROM customer_identities ci USING unnest($1::text[], $2::text[], $3::text[]) AS k(tenant, type, value)
       WHERE ci.tenant = k.tenant AND ci.type = k.type AND ci.value = k.value`,
      [plan.deletes.map((k) => k.tenant), plan.deletes.map((k) => k.type), plan.deletes.map((k) => k.value)],
    );
  if (plan.inserts.length > 0)
    await db.query('INSERT INTO customer_identities (tenant, type, value, customer_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])', [
      plan.inserts.map((k) => k.tenant),
      plan.inserts.map((k) => k.type),
      plan.inserts.map((k) => k.value),
      plan.inserts.map((k) => k.customerId),
    ]);
  return plan.notes;
}
