/**
 * The AuthStore on SQLite: clients, signing keys and settings (see auth-store.ts).
 */
import type Database from 'better-sqlite3';
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

export class SqliteAuthStore implements AuthStore {
  constructor(private readonly db: Database.Database) {}

  async insertClient(c: ClientRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO clients (client_id, name, model, merchants, scopes, secret_hash, signing_secret, created_at, revoked_at, secret_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
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
      );
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM clients WHERE client_id = ?').get(clientId) as ClientRow | undefined;
    return row && clientFromRow(row);
  }

  async listClients(): Promise<ClientRecord[]> {
    return (this.db.prepare('SELECT * FROM clients ORDER BY created_at, client_id').all() as ClientRow[]).map(clientFromRow);
  }

  async updateClient(clientId: string, update: ClientUpdate): Promise<ClientRecord | undefined> {
    const entries = Object.entries(update).filter(([, v]) => v !== undefined) as [keyof ClientUpdate, unknown][];
    if (entries.length > 0) {
      const sets = entries.map(([k]) => `${clientColumns[k]} = ?`).join(', ');
      const values = entries.map(([, v]) => (Array.isArray(v) ? JSON.stringify(v) : v));
      this.db.prepare(`UPDATE clients SET ${sets} WHERE client_id = ?`).run(...values, clientId);
    }
    return this.getClient(clientId);
  }

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    const rows = this.db.prepare('SELECT * FROM signing_keys ORDER BY created_at').all() as Record<string, string | null>[];
    return rows.map(signingKeyFromRow);
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    this.db
      .transaction(() => {
        this.db.prepare('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL').run(key.createdAt);
        this.db
          .prepare('INSERT INTO signing_keys (kid, alg, private_key, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, NULL)')
          .run(key.kid, key.alg, key.privateKey, key.publicJwk, key.createdAt);
      })
      .immediate();
  }

  async getSetting(name: string): Promise<string | undefined> {
    return this.db.prepare('SELECT value FROM settings WHERE name = ?').pluck().get(name) as string | undefined;
  }

  async setSetting(name: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
  }

  async initSetting(name: string, value: string): Promise<string> {
    this.db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)').run(name, value);
    return (await this.getSetting(name)) as string;
  }
}
