/**
 * An idle PostgreSQL connection that dies (a restart, an administrator's kill) is replaced by
 * the pool and reported to the logger with its error object, never discarded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createPgDatabase, STORES } from './support/stores.js';

describe('postgres pool errors', { skip: STORES.some((s) => s.name === 'postgres') ? false : 'needs PostgreSQL' }, () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let store: PostgresStore;
  const logged: { err: unknown; message: string }[] = [];

  before(async () => {
    database = await createPgDatabase();
    store = await PostgresStore.open({ connectionString: database.url, poolSize: 2, logger: { error: (d, message) => logged.push({ err: d.err, message }) } });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('logs the error of an idle connection killed by the server, then serves again', async () => {
    await store.ping();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'odc'",
      );
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 500 && logged.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(logged.length > 0, 'the pool error reached the logger');
    assert.ok(logged[0].err instanceof Error, 'with the error object (stack and cause)');
    assert.match(String((logged[0].err as Error).stack), /Error/);
    await store.ping();
  });
});
