/**
 * A PostgreSQL statement that outlives `--statement-timeout` (SQLSTATE 57014, query_canceled)
 * is the database being too busy right now, not a fault of the request: the server answers
 * 503 UNAVAILABLE with Retry-After (postgres-errors.ts), as the option promises, never a 500.
 * The test holds the merchant's clock row from another connection, so the server's write waits
 * on it past its statement timeout; once the row is free, the same write succeeds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { DEFAULT_TENANT } from '../src/server/auth.js';
import { buildApp } from '../src/server/app.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createPgDatabase, STORES } from './support/stores.js';

const skip = STORES.some((s) => s.name === 'postgres') ? false : 'PostgreSQL not available';

describe('PostgreSQL statement timeout', { skip }, () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let store: PostgresStore;
  let app: FastifyInstance;
  let url: string;
  let holder: pg.Client;

  const post = (id: string) =>
    fetch(`${url}/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ id, identifier: { type: 'external_id', value: id }, name: 'Timeout Test' }]),
    });

  before(async () => {
    database = await createPgDatabase();
    store = await PostgresStore.open({ connectionString: database.url, poolSize: 4, statementTimeoutMs: 300 });
    app = await buildApp({ store });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    // The first write makes the merchant's clock row that the holder then locks.
    assert.equal((await post('first')).status, 200);
    holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
  });

  after(async () => {
    await holder?.end().catch(() => undefined);
    await app?.close();
    await store?.close();
    await database?.drop();
  });

  it('answers 503 UNAVAILABLE with Retry-After while the merchant clock is held past the timeout, then writes', async () => {
    await holder.query('BEGIN');
    const locked = await holder.query('SELECT stamp FROM tenant_clocks WHERE tenant = $1 FOR UPDATE', [DEFAULT_TENANT]);
    assert.equal(locked.rowCount, 1, 'the clock row exists and is held');
    const res = await post('waits');
    const body = (await res.json()) as { code?: string };
    await holder.query('ROLLBACK');
    assert.equal(res.status, 503);
    assert.equal(body.code, 'UNAVAILABLE');
    assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal((await post('waits')).status, 200, 'the same write succeeds once the row is free');
  });
});
