/**
 * The stores every black-box suite runs against. Each test file loops over `STORES` and
 * describes its cases once per backend, so both backends pass one suite (Kysely's pattern).
 *
 * PostgreSQL joins when reachable at ODC_TEST_PG_URL (default: the local server's `postgres`
 * database, trust auth); each fixture creates a fresh database and drops it afterwards.
 * scripts/run-tests.mjs decides once whether it is reachable and sets ODC_TEST_STORES.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

export interface StoreFixture {
  /** Opens a store on the fixture's database; may be called again after close (restart). */
  open(): Promise<Store>;
  /** A connection string or file path other processes can open. */
  location: string;
  /** Removes everything the fixture created. */
  destroy(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  create(): Promise<StoreFixture>;
}

export const PG_ADMIN_URL = process.env.ODC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const sqlite: StoreKind = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'odc-test-'));
    const location = join(dir, 'odc.db');
    return {
      location,
      open: async () => new SqliteStore({ filename: location, synchronous: 'normal' }),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** A fresh database on the test server, e.g. postgres://.../odc_t_1a2b3c. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `odc_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

const postgres: StoreKind = {
  name: 'postgres',
  async create() {
    const database = await createPgDatabase();
    return {
      location: database.url,
      open: () => PostgresStore.open({ connectionString: database.url, poolSize: 5 }),
      destroy: () => database.drop(),
    };
  },
};

const all: StoreKind[] = [sqlite, postgres];
const wanted = (process.env.ODC_TEST_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());

export const STORES: StoreKind[] = all.filter((s) => wanted.includes(s.name));
