/**
 * How a look-up's independent queries run: at once on a pool (each takes its own connection,
 * so a read's queries overlap), one after the other on a client (a write's transaction). A
 * client runs its queries in turn anyway, and pg deprecates handing it a second one before the
 * first returned (pg 9 refuses it; pg 8 warns on every server start).
 */
import { Pool, type PoolClient } from 'pg';

export async function runQueries<T>(db: Pool | PoolClient, queries: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  if (db instanceof Pool) return Promise.all(queries.map((query) => query()));
  const results: T[] = [];
  for (const query of queries) results.push(await query());
  return results;
}
