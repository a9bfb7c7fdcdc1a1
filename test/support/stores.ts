/**
 * The stores every black-box suite runs against. Each test file loops over `STORES` and
 * describes its cases once per backend, so both backends pass one suite (Kysely's pattern).
 * ODC_TEST_STORES (comma-separated) narrows the list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

export interface StoreFixture {
  /** Opens a store on the fixture's database; may be called again after close (restart). */
  open(): Store;
  /** Removes everything the fixture created. */
  destroy(): Promise<void>;
}

export interface StoreKind {
  name: string;
  create(): Promise<StoreFixture>;
}

const sqlite: StoreKind = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'odc-test-'));
    return {
      open: () => new SqliteStore({ filename: join(dir, 'odc.db'), synchronous: 'normal' }),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const all: StoreKind[] = [sqlite];
const wanted = process.env.ODC_TEST_STORES?.split(',').map((s) => s.trim());

export const STORES: StoreKind[] = wanted ? all.filter((s) => wanted.includes(s.name)) : all;
