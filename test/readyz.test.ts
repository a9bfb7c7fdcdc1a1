/**
 * `GET /readyz` (health.ts), black-box over a real socket on both stores: 200 when the store
 * answers and every migration this build knows is recorded; 503 UNAVAILABLE with Retry-After
 * and details naming the cause when a migration is missing or the store does not answer; public
 * (no credentials) like /healthz, and never cached.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { describe, it } from 'node:test';
import pg from 'pg';
import { assertError } from './support/error-cases.js';
import { STORES, type StoreKind } from './support/stores.js';
import { useServer } from './support/test-server.js';

/** Runs one statement on the fixture's database through a connection of its own. */
async function execute(kind: StoreKind, location: string, sql: string): Promise<void> {
  if (kind.name === 'sqlite') {
    const db = new Database(location);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

for (const kind of STORES) {
  describe(`readyz (${kind.name})`, () => {
    const server = useServer(kind, { withAuth: { adminKey: 'a'.repeat(32), rateLimitPerSecond: 0 } });

    it('answers 200 ready, without credentials, never cached', async () => {
      const res = await server.request('GET', '/readyz');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.status, 'ready');
      assert.equal(res.json.store, kind.name);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    it('answers 503 naming the migration the database has not recorded, and 200 again once it is', async () => {
      await execute(
        kind,
        server.fixture.location,
        'CREATE TABLE saved_migration AS SELECT * FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)',
      );
      await execute(kind, server.fixture.location, 'DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM saved_migration)');
      const res = await server.request('GET', '/readyz');
      assertError(res, 503, 'UNAVAILABLE');
      assert.match(res.json.message, /migrations are pending/);
      assert.equal(res.json.details.length, 1, res.text);
      assert.match(res.json.details[0], /^migrations\/\d+: not applied/);
      assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal((await server.request('GET', '/healthz')).status, 200, 'liveness is not readiness: the process is alive');

      await execute(kind, server.fixture.location, 'INSERT INTO schema_migrations SELECT * FROM saved_migration');
      await execute(kind, server.fixture.location, 'DROP TABLE saved_migration');
      assert.equal((await server.request('GET', '/readyz')).status, 200);
    });

    it('answers 503 UNAVAILABLE when the store does not answer', async () => {
      await server.store.close();
      const res = await server.request('GET', '/readyz');
      assertError(res, 503, 'UNAVAILABLE');
      assert.match(res.json.message, /store does not answer/);
      assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
    });
  });
}
