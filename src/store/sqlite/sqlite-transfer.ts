/**
 * The SQLite side of `odc export` / `odc import` (src/store/tenant-transfer.ts): keyset pages
 * by primary key, and verbatim inserts that report their stamps to the buckets and move the
 * stored change clock, in one IMMEDIATE transaction per batch.
 */
import type Database from 'better-sqlite3';
import { COUNTED_TABLES, type CountedTable } from '../stamp-counts.js';
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
import { SqliteStampCounts } from './sqlite-stamp-counts.js';

const isCounted = (table: TransferTable): table is CountedTable => (COUNTED_TABLES as readonly string[]).includes(table);

export class SqliteTransfer implements TenantTransfer {
  private readonly stampCounts: SqliteStampCounts;

  constructor(private readonly db: Database.Database) {
    this.stampCounts = new SqliteStampCounts(db);
  }

  exportRows(tenant: string, table: TransferTable, after: TransferRow | undefined, limit: number): Promise<TransferRow[]> {
    const { key, columns } = TRANSFER_TABLES[table];
    const keyList = key.join(', ');
    const position = after ? ` AND (${keyList}) > (${key.map(() => '?').join(', ')})` : '';
    const sql = `SELECT ${columns.join(', ')} FROM ${table} WHERE tenant = ?${position} ORDER BY ${keyList} LIMIT ?`;
    const booleans = booleanColumns(table);
    return this.run(() => {
      const rows = this.db.prepare(sql).all(tenant, ...(after ? key.map((k) => after[k]) : []), limit) as TransferRow[];
      for (const row of rows) for (const c of booleans) row[c] = row[c] === null ? null : row[c] === 1;
      return rows;
    });
  }

  hasData(tenant: string): Promise<boolean> {
    const sql = TRANSFER_TABLE_NAMES.map((t) => `SELECT 1 FROM ${t} WHERE tenant = ?`).join(' UNION ALL ');
    return this.run(
      () =>
        this.db
          .prepare(`SELECT EXISTS (${sql})`)
          .pluck()
          .get(...TRANSFER_TABLE_NAMES.map(() => tenant)) === 1,
    );
  }

  importRows(tenant: string, batches: TransferBatch[]): Promise<void> {
    return this.run(() =>
      this.db
        .transaction(() => {
          try {
            for (const { table, rows } of batches) {
              const { columns } = TRANSFER_TABLES[table];
              const booleans = booleanColumns(table);
              // SQLite binds no booleans: they are stored as 0/1.
              const value = (row: TransferRow, c: string) => {
                const v = row[c] ?? null;
                return typeof v === 'boolean' || booleans.includes(c) ? (v === null ? null : v ? 1 : 0) : v;
              };
              const insert = this.db.prepare(`INSERT INTO ${table} (tenant, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`);
              for (const row of rows) {
                insert.run(tenant, ...columns.map((c) => value(row, c)));
                if (isCounted(table)) this.stampCounts.moved(table, tenant, undefined, row.stamp as number);
              }
            }
            this.stampCounts.flush();
          } catch (error) {
            this.stampCounts.discard();
            throw error;
          }
          const stamp = largestStamp(batches);
          this.db.prepare('UPDATE change_clock SET stamp = ? WHERE id = 1 AND stamp < ?').run(stamp, stamp);
        })
        .immediate(),
    );
  }

  deleteTenant(tenant: string): Promise<void> {
    return this.run(() =>
      this.db
        .transaction(() => {
          for (const table of TRANSFER_TABLE_NAMES) this.db.prepare(`DELETE FROM ${table} WHERE tenant = ?`).run(tenant);
          this.db.prepare(`DELETE FROM stamp_counts WHERE tenant = ? AND tbl IN (${COUNTED_TABLES.map(() => '?').join(', ')})`).run(tenant, ...COUNTED_TABLES);
        })
        .immediate(),
    );
  }

  private run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
