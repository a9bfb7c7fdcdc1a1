/**
 * The AuthStore on PostgreSQL: clients, signing keys and settings (see auth-store.ts).
 */
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { translatePgError } from './postgres-errors.js';
import {
  clientColumns,
  clientFromRow,
  signingKeyFromRow,
  type AuthStore,
  type ClientRecord,
  type ClientRow,
  type ClientUpdate,
  type SigningKeyRecord,
} from '../auth-store.js';

export class PostgresAuthStore implements AuthStore {
  constructor(private readonly pool: Pool) {}

  /** Every query of this store: an unreachable database is StoreUnavailableError (503), not a 500. */
  private query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<QueryResult<R>> {
    return this.pool.query<R>(text, values).catch(translatePgError);
  }

  async insertClient(c: ClientRecord): Promise<void> {
    await this.query(
      'INSERT INTO clients (client_id, name, model, merchants, scopes, secret_hash, signing_secret, created_at, revoked_at, secret_updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [
        c.clientId,
        c.name,
        c.model,
        JSON.stringify(c.merchants),
        JSON.stringify(c.scopes),
        c.secretHash,
        c.signingSecret,
        c.createdAt,
        c.revokedAt,
        c.secretUpdatedAt,
      ],
    );
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const { rows } = await this.query<ClientRow>('SELECT * FROM clients WHERE client_id = $1', [clientId]);
    return rows[0] && clientFromRow(rows[0]);
  }

  async listClients(): Promise<ClientRecord[]> {
    return (await this.query<ClientRow>('SELECT * FROM clients ORDER BY created_at, client_id')).rows.map(clientFromRow);
  }

  async updateClient(clientId: string, update: ClientUpdate): Promise<ClientRecord | undefined> {
    const entries = Object.entries(update).filter(([, v]) => v !== undefined) as [keyof ClientUpdate, unknown][];
    if (entries.length > 0) {
      const sets = entries.map(([k], i) => `${clientColumns[k]} = $${i + 2}`).join(', ');
      const values = entries.map(([, v]) => (Array.isArray(v) ? JSON.stringify(v) : v));
      await this.query(`UPDATE clients SET ${sets} WHERE client_id = $1`, [clientId, ...values]);
    }
    return this.getClient(clientId);
  }

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    const { rows } = await this.query<Record<string, string | null>>('SELECT * FROM signing_keys ORDER BY created_at');
    return rows.map(signingKeyFromRow);
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    const client = await this.pool.connect().catch(translatePgError);
    try {
      await client.query('BEGIN');
      await client.query('UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL', [key.createdAt]);
      await client.query('INSERT INTO signing_keys (kid, alg, private_key, public_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, NULL)', [
        key.kid,
        key.alg,
        key.privateKey,
        key.publicJwk,
        key.createdAt,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      return translatePgError(error);
    } finally {
      client.release();
    }
  }

  async getSetting(name: string): Promise<string | undefined> {
    const { rows } = await this.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name]);
    return rows[0]?.value;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }

  async initSetting(name: string, value: string): Promise<string> {
    await this.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
    return (await this.getSetting(name)) as string;
  }
}
