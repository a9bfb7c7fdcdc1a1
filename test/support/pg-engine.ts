/**
 * A PostgreSQL engine on a fresh database for one suite, for tests that drive write programs
 * at the engine (no HTTP). Registers the suite's before/after hooks; `engine()` is valid
 * between them.
 */
import { after, before } from 'node:test';
import { PostgresEngine } from '../../src/store/postgres/postgres-store.js';
import { createPgDatabase, STORES } from './stores.js';

/** The `skip` option of a suite that needs PostgreSQL. */
export const needsPostgres = STORES.some((s) => s.name === 'postgres') ? false : 'needs PostgreSQL';

export function usePgEngine(poolSize = 4): () => PostgresEngine {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let engine: PostgresEngine;
  before(async () => {
    database = await createPgDatabase();
    engine = await PostgresEngine.open({ connectionString: database.url, poolSize });
  });
  after(async () => {
    await engine.close();
    await database.drop();
  });
  return () => engine;
}
