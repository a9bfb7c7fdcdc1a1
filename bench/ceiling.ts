/**
 * The SQLite ceiling: the least a server can do for the same requests, run beside odc in the
 * same bench so the ratio holds on a noisy machine. Fastify, JSON parse, one prepared upsert
 * per record in one transaction, no validation, no merge, no auth; reads by primary key.
 *
 * The key of a record is its identifier as `<type>:<value>` (data.ts `identifierKey`), not a
 * made-up id: the bench's main bodies carry no `id`, and a re-sent customer must land on its
 * row as it does in odc (docs/contract.md §5.4), not insert a second one.
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';

interface Item {
  identifier: { type: string; value: string };
}

/** The ceiling's key of a batch item: its identifier (both ceilings use it). */
export function ceilingKey(item: Item): string {
  return `${item.identifier.type}:${item.identifier.value}`;
}

export async function startCeiling(filename: string): Promise<{ url: string; close(): Promise<void> }> {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS customers (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID');
  const upsert = db.prepare('INSERT INTO customers (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data');
  const byId = db.prepare('SELECT data FROM customers WHERE id = ?').pluck();
  const writeBatch = db.transaction((items: Item[]) => {
    for (const item of items) upsert.run(ceilingKey(item), JSON.stringify(item));
  });
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
  app.post('/customers', async (request, reply) => {
    writeBatch(request.body as Item[]);
    return reply.code(200).send();
  });
  app.get('/customers/:id', async (request, reply) => {
    const data = byId.get((request.params as { id: string }).id) as string | undefined;
    return data === undefined ? reply.code(404).send() : reply.type('application/json').send(data);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      await app.close();
      db.close();
    },
  };
}

// Run as its own process (`node --import tsx bench/ceiling.ts FILE`), like odc, so neither
// shares an event loop with the load generator.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string) && process.argv[2]) {
  const ceiling = await startCeiling(process.argv[2]);
  process.stdout.write(`ceiling listening on ${ceiling.url}\n`);
  process.on('SIGTERM', () => void ceiling.close().then(() => process.exit(0)));
}
