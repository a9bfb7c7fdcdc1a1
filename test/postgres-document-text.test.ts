/**
 * Migration 005 on an existing PostgreSQL database: documents that jsonb rendered with spaces
 * become compact text, server `createdAt` values gain microseconds, and reads then answer as
 * the SQLite store would (one wire format, docs/contract.md §2).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { migratePostgres, postgresMigrations } from '../src/store/postgres/postgres-migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createPgDatabase, STORES } from './support/stores.js';

describe('postgres migration to document text', { skip: STORES.some((s) => s.name === 'postgres') ? false : 'needs PostgreSQL' }, () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;

  before(async () => {
    database = await createPgDatabase();
  });
  after(async () => {
    await database.drop();
  });

  it('rewrites jsonb-rendered rows compact and widens server createdAt to microseconds', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      await migratePostgres(
        pool,
        postgresMigrations.filter((m) => m.version < 5),
      );
      await pool.query(
        `INSERT INTO customers (tenant, id, data, created_at, stamp, consent) VALUES
         ('t', 'c-old', '{"identifier": {"type": "email", "value": "old@example.com"}, "name": "Old"}', '2026-06-01T12:00:00.123Z', 1780315200123456,
          '{"status": "opted_out", "occurredAt": "2026-06-01T12:00:00Z", "eventId": "e-1"}')`,
      );
      await pool.query(
        `INSERT INTO leads (tenant, id, data, created_at, stamp) VALUES ('t', 'L-old', '{"id": "L-old", "name": "Lia"}', NULL, 1780315200123457)`,
      );
    } finally {
      await pool.end();
    }

    const store = await PostgresStore.open({ connectionString: database.url, poolSize: 2 });
    try {
      assert.ok(store.migrations.some((m) => m.version === 5 && m.status === 'applied'));
      const customer = await store.getCustomer('t', 'c-old');
      // Compact; the key order jsonb imposed (shorter keys first) cannot be recovered.
      assert.equal(
        customer,
        '{"id":"c-old","name":"Old","identifier":{"type":"email","value":"old@example.com"},"createdAt":"2026-06-01T12:00:00.123000Z","updatedAt":"2026-06-01T12:00:00.123456Z","consent":{"status":"opted_out","eventId":"e-1","occurredAt":"2026-06-01T12:00:00Z"}}',
      );
      const leads = await store.listLeads('t', {}, { limit: 10, offset: 0 });
      assert.deepEqual(leads.items, ['{"id":"L-old","name":"Lia","updatedAt":"2026-06-01T12:00:00.123457Z"}']);
    } finally {
      await store.close();
    }
  });
});
