/**
 * Documents as the exact JSON text the domain wrote (docs/contract.md §2, one wire format):
 * jsonb renders with spaces and reorders keys, so the same record read from PostgreSQL and
 * from SQLite differed. The document and consent columns become text; existing values,
 * rendered by jsonb, are rewritten compact (`migrateData`, in the migration's transaction). Key
 * order jsonb already dropped cannot be recovered; records keep it from their next write on.
 * Server-assigned `createdAt` values gain microseconds, like every server-made time.
 */
import type { PoolClient } from 'pg';

export const version = 5;
export const name = 'document-text';

const TABLES = ['customers', 'leads', 'orders', 'reviews', 'events'];

const widen = (table: string) =>
  `UPDATE ${table} SET created_at = substr(created_at, 1, 23) || '000Z' WHERE created_at ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$';`;

export const up = `
${TABLES.map((t) => `ALTER TABLE ${t} ALTER COLUMN data TYPE text USING data::text;`).join('\n')}
ALTER TABLE customers ALTER COLUMN consent TYPE text USING consent::text;
${widen('customers')}
${widen('leads')}
`;

const compact = (text: string | null): string | null => (text === null ? null : JSON.stringify(JSON.parse(text)));

/** Rewrites jsonb-rendered text compact, a thousand rows at a time in key order. */
export async function migrateData(client: PoolClient): Promise<string[]> {
  for (const table of TABLES) {
    const consent = table === 'customers';
    let after: [string, string] = ['', ''];
    for (;;) {
      const { rows } = await client.query<{ tenant: string; id: string; data: string; consent?: string | null }>(
        `SELECT tenant, id, data${consent ? ', consent' : ''} FROM ${table} WHERE (tenant, id) > ($1, $2) ORDER BY tenant, id LIMIT 1000`,
        after,
      );
      if (rows.length === 0) break;
      const changed = rows
        .map((r) => ({ tenant: r.tenant, id: r.id, data: compact(r.data) as string, consent: consent ? compact(r.consent ?? null) : null }))
        .filter((r, i) => r.data !== rows[i].data || (consent && r.consent !== (rows[i].consent ?? null)));
      if (changed.length > 0) {
        await client.query(
          `UPDATE ${table} AS t SET data = x.data${consent ? ', consent = x.consent' : ''}
           FROM jsonb_to_recordset($1::jsonb) AS x(tenant text, id text, data text, consent text) WHERE t.tenant = x.tenant AND t.id = x.id`,
          [JSON.stringify(changed)],
        );
      }
      const last = rows[rows.length - 1];
      after = [last.tenant, last.id];
    }
  }
  return [];
}
