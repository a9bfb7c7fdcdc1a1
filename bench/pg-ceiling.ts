/**
 * The PostgreSQL ceiling: Fastify and pg, one multi-row `INSERT ... ON CONFLICT` upsert per
 * batch into a table of `(key text primary key, data jsonb)`, no validation, no merge, no
 * auth; reads by primary key. Same key as the SQLite ceiling (the identifier, ceiling.ts), a
 * pool of 10 connections as odc's default (`--pool-size`), in its own database.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { ceilingKey } from './ceiling.js';

export async function startPgCeiling(connectionString: string): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS customers (key text PRIMARY KEY, data jsonb NOT NULL)');
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
  app.post('/customers', async (request, reply) => {
    // One row per key (ON CONFLICT cannot touch a row twice in one statement): the last wins.
    const rows = new Map<string, string>();
    for (const item of request.body as Parameters<typeof ceilingKey>[0][]) rows.set(ceilingKey(item), JSON.stringify(item));
    // In key order: concurrent batches re-sending the same customers then lock their rows in one
    // order and cannot deadlock (a mixed-batch round died on 40P01 with the arrival order).
    const keys = [...rows.keys()].sort();
    await pool.query('INSERT INTO customers (key, data) SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT (key) DO UPDATE SET data = excluded.data', [
      keys,
      keys.map((key) => rows.get(key)),
    ]);
    return reply.code(200).send();
  });
  app.get('/customers/:id', async (request, reply) => {
    const { rows } = await pool.query<{ data: string }>('SELECT data::text AS data FROM customers WHERE key = $1', [(request.params as { id: string }).id]);
    return rows.length === 0 ? reply.code(404).send() : reply.type('application/json').send(rows[0].data);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

// Run as its own process (`node --import tsx bench/pg-ceiling.ts URL`), like odc.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string) && process.argv[2]) {
  const ceiling = await startPgCeiling(process.argv[2]);
  process.stdout.write(`ceiling listening on ${ceiling.url}\n`);
  process.on('SIGTERM', () => void ceiling.close().then(() => process.exit(0)));
}
