/**
 * The identity re-normalization migration (issue 13 §5) on both stores: a database holding
 * identities in the old comparison form (digits only, no NFC) is migrated; each identity gets
 * its new form, letters of documents come back from the customer's own identifier, and two
 * customers that would now share one identity stay apart, the collision reported.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { legacyNormalizeIdentifierValue } from '../src/domain/identity-renormalization.js';
import { migratePostgres, postgresMigrations } from '../src/store/postgres/postgres-migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { migrateSqlite, sqliteMigrations } from '../src/store/sqlite/sqlite-migrations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createPgDatabase } from './support/stores.js';

const TENANT = 't1';
const nfdJose = 'jose\u0301@example.com';
const nfcJose = 'jos\u00e9@example.com';

/** Customers as the old code stored them: [id, identifier as sent, identity value in the old form]. */
const OLD: [string, { type: string; value: string }, string][] = (
  [
    ['doc-ab', { type: 'document', value: 'AB123456' }],
    ['phone-1', { type: 'phone', value: '+55 11 9999-9999' }],
    ['phone-2', { type: 'phone', value: '(11) 9999-9999' }],
    ['phone-ext', { type: 'phone', value: '+55 11 99999-9999 ext 99' }],
    ['email-nfc', { type: 'email', value: nfcJose }],
    ['email-nfd', { type: 'email', value: nfdJose }],
  ] as const
).map(([id, identifier]) => [id, identifier, legacyNormalizeIdentifierValue(identifier.type, identifier.value) as string]);

async function expectMigrated(store: Store, notes: string[]): Promise<void> {
  const idOf = async (ref: string) => JSON.parse((await store.getCustomer(TENANT, ref)) ?? 'null')?.id;
  assert.equal(await idOf('document:AB123456'), 'doc-ab', 'letters of the own identifier come back');
  assert.equal(await idOf('document:XY123456'), undefined, 'another document with the same digits is another person');
  assert.equal(await idOf('phone:+55 11 9999-9999'), 'phone-1');
  assert.equal(await idOf('phone:+5511999999999;ext=99'), 'phone-ext', 'the extension is kept apart');
  assert.equal(await idOf('phone:+5511999999999'), undefined);
  assert.equal(await idOf(`email:${nfdJose}`), 'email-nfc', 'NFD and NFC are one value');
  // Both sides of each collision are still there, apart.
  assert.equal(await idOf('phone-2'), 'phone-2');
  assert.equal(await idOf('email-nfd'), 'email-nfd');
  const collisions = notes.filter((n) => n.startsWith('identity collision'));
  assert.equal(collisions.length, 2, notes.join('\n'));
  assert.match(collisions.join('\n'), /customer "phone-2" keeps its old value "1199999999"/);
  assert.match(collisions.join('\n'), /customer "email-nfd" keeps its old value/);
}

describe('identity re-normalization migration', () => {
  it('sqlite: migrates old-normalized identities and keeps colliding customers apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-renorm-'));
    const file = join(dir, 'odc.db');
    try {
      const db = new Database(file);
      const before = sqliteMigrations.filter((m) => m.name !== 'identity-renormalization');
      migrateSqlite(db, before);
      OLD.forEach(([id, identifier, value], i) => {
        db.prepare('INSERT INTO customers (tenant, id, data, created_at, stamp) VALUES (?, ?, ?, ?, ?)').run(
          TENANT,
          id,
          JSON.stringify({ identifier }),
          '2026-01-01T00:00:00Z',
          i + 1,
        );
        db.prepare('INSERT INTO customer_identities (tenant, type, value, customer_id) VALUES (?, ?, ?, ?)').run(TENANT, identifier.type, value, id);
      });
      db.prepare('UPDATE change_clock SET stamp = 100').run();
      db.close();
      const store = new SqliteStore({ filename: file });
      try {
        const result = store.migrations.find((m) => m.name === 'identity-renormalization');
        assert.equal(result?.status, 'applied');
        await expectMigrated(store, result?.notes ?? []);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  if ((process.env.ODC_TEST_STORES ?? 'sqlite,postgres').includes('postgres')) {
    it('postgres: migrates old-normalized identities and keeps colliding customers apart', async () => {
      const database = await createPgDatabase();
      try {
        const pool = new pg.Pool({ connectionString: database.url, max: 2 });
        try {
          await migratePostgres(
            pool,
            postgresMigrations.filter((m) => m.name !== 'identity-renormalization'),
          );
          for (const [i, [id, identifier, value]] of OLD.entries()) {
            await pool.query('INSERT INTO customers (tenant, id, data, created_at, stamp) VALUES ($1, $2, $3, $4, $5)', [
              TENANT,
              id,
              JSON.stringify({ identifier }),
              '2026-01-01T00:00:00Z',
              i + 1,
            ]);
            await pool.query('INSERT INTO customer_identities (tenant, type, value, customer_id) VALUES ($1, $2, $3, $4)', [
              TENANT,
              identifier.type,
              value,
              id,
            ]);
          }
        } finally {
          await pool.end();
        }
        const store = await PostgresStore.open({ connectionString: database.url, poolSize: 2 });
        try {
          const result = store.migrations.find((m) => m.name === 'identity-renormalization');
          assert.equal(result?.status, 'applied');
          await expectMigrated(store, result?.notes ?? []);
        } finally {
          await store.close();
        }
      } finally {
        await database.drop();
      }
    });
  }
});
