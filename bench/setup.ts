/**
 * What the bench needs before it measures: a fresh database per store (a temporary SQLite
 * file, or a new PostgreSQL database dropped afterwards), a client and its token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAuthService } from '../src/auth/auth-service.js';
import { openStore } from '../src/store/open-store.js';

const PG_ADMIN = process.env.ODC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function prepareDatabase(kind: string): Promise<{ location: string; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'odc-bench-'));
    return { location: join(dir, 'odc.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `odc_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A client made directly in the database, before the server starts. */
export async function credentials(location: string, secretKey: Buffer): Promise<{ clientId: string; clientSecret: string }> {
  return (await merchantCredentials(location, secretKey, ['bench']))[0];
}

/** One client per merchant (each acting for that merchant only), made in one opening of the store. */
export async function merchantCredentials(
  location: string,
  secretKey: Buffer,
  merchants: string[],
): Promise<Array<{ clientId: string; clientSecret: string }>> {
  const store = await openStore({ database: location });
  try {
    const auth = await createAuthService(store, { keyFile: '', secretKey });
    const issued: Array<{ clientId: string; clientSecret: string }> = [];
    for (const merchant of merchants) {
      const client = await auth.clients.add({ name: `bench ${merchant}`, model: 'merchant', merchants: [merchant], scopes: ['od.crm'] });
      issued.push({ clientId: client.clientId, clientSecret: client.clientSecret });
    }
    return issued;
  } finally {
    await store.close();
  }
}

export async function token(url: string, creds: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }),
  });
  if (res.status !== 200) throw new Error(`POST /oauth/token answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
