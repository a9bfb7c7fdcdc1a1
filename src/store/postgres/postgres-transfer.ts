/**
 * The PostgreSQL side of `odc export` / `odc import` (src/store/tenant-transfer.ts): keyset
 * pages by primary key, and verbatim inserts, one statement per table and batch, in one
 * transaction that first locks the tenant's clock row (as every write does, postgres-store.ts)
 * and moves it past the largest imported stamp. The stamp-count triggers count the rows.
 */
import type { Pool } from 'pg';
import { COUNTED_TABLES } from '../stamp-counts.js';
import {
  booleanColumns,
  largestStamp,
  TRANSFER_TABLE_NAMES,
  TRANSFER_TABLES,
  type TenantTransfer,
  type TransferBatch,
  type TransferRow,
  type TransferTable,
} from '../tenant-transfer.js';
import { translatePgError } from './postgres-errors.js';

export class PostgresTransfer implements TenantTransfer {
  constructor(private readonly pool: Pool) {}

  async exportRows(tenant: string, table: TransferTable, after: TransferRow | undefined, limit: number): Promise<TransferRow[]> {
    const { key, columns } = TRANSFER_TABLES[table];
    const keyList = key.join(', ');
    const position = after ? ` AND (${keyList}) > (${key.map((_, i) => `$${i + 3}`).join(', ')})` : '';
    const sql = `SELECT ${columns.join(', ')} FROM ${table} WHERE tenant = $1${position} ORDER BY ${keyList} LIMIT $2`;
    const { rows } = await this.pool.query<TransferRow>(sql, [tenant, limit, ...(after ? key.map((k) => after[k]) : [])]).catch(translatePgError);
    return rows;
  }

  async hasData(tenant: string): Promise<boolean> {
    const sql = TRANSFER_TABLE_NAMES.map((t) => `SELECT 1 FROM ${t} WHERE tenant = $1`).join(' UNION ALL ');
    const { rows } = await this.pool.query<{ found: boolean }>(`SELECT EXISTS (${sql}) AS found`, [tenant]).catch(translatePgError);
    return rows[0].found;
  }

  importRows(tenant: string, batches: TransferBatch[]): Promise<void> {
    return this.transaction(tenant, largestStamp(batches), async (db) => {
      for (const { table, rows } of batches) {
        if (rows.length === 0) continue;
        const { columns, integers } = TRANSFER_TABLES[table];
        const booleans = booleanColumns(table);
        const typeOf = (c: string) => ((integers as readonly string[]).includes(c) ? 'bigint' : booleans.includes(c) ? 'boolean' : 'text');
        const types = columns.map((c) => `${c} ${typeOf(c)}`);
        await db.query(
          `INSERT INTO ${table} (tenant, ${columns.join(', ')}) SELECT $1, ${columns.map((c) => `x.${c}`).join(', ')} FROM jsonb_to_recordset($2::jsonb) AS x(${types.join(', ')})`,
          [tenant, JSON.stringify(rows)],
        );
      }
    });
  }

  deleteTenant(tenant: string): Promise<void> {
    return this.transaction(tenant, 0, async (db) => {
      for (const table of TRANSFER_TABLE_NAMES) await db.query(`DELETE FROM ${table} WHERE tenant = $1`, [tenant]);
      // The delete triggers leave empty buckets behind; drop them with the rest.
      await db.query('DELETE FROM stamp_counts WHERE tenant = $1 AND tbl = ANY($2::text[])', [tenant, [...COUNTED_TABLES]]);
    });
  }

  /** One transaction holding the tenant's clock row, which ends at least at `stamp`. */
  private async transaction(tenant: string, stamp: number, fn: (db: { query: Pool['query'] }) => Promise<void>): Promise<void> {
    const db = await this.pool.connect().catch(translatePgError);
    try {
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO tenant_clocks (tenant, stamp) VALUES ($1, $2)
         ON CONFLICT (tenant) DO UPDATE SET stamp = greatest(tenant_clocks.stamp, excluded.stamp)`,
        [tenant, stamp],
      );
      await fn(db);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      translatePgError(error);
    } finally {
      db.release();
    }
  }
}
