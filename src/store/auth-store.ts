/**
 * Persistence of credentials: API clients, token-signing keys and instance settings.
 *
 * Kept in the same database as the data ("kept with the data"), so that every instance of a
 * deployment sees the same clients and keys. Secrets never reach this layer in clear: client
 * secrets arrive hashed, private keys and message-signing secrets arrive encrypted.
 */

/** The two client-credentials models of the Open Delivery authentication spec. */
export type ClientModel = 'application' | 'merchant';

export interface ClientRecord {
  clientId: string;
  name: string;
  /** `application`: one client for many merchants; `merchant`: one client per merchant. */
  model: ClientModel;
  /** Merchants (tenants) the client may act for; exactly one for the merchant model. */
  merchants: string[];
  scopes: string[];
  /** scrypt hash of the client secret. */
  secretHash: string;
  /** Encrypted HMAC secret for signed requests, or null when none is registered. */
  signingSecret: string | null;
  createdAt: string;
  revokedAt: string | null;
  secretUpdatedAt: string;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /** Encrypted private JWK. */
  privateKey: string;
  publicJwk: string;
  createdAt: string;
  /** When a newer key took over; the key still verifies tokens it signed until they expire. */
  retiredAt: string | null;
}

export type ClientUpdate = Partial<Pick<ClientRecord, 'name' | 'merchants' | 'scopes' | 'secretHash' | 'signingSecret' | 'revokedAt' | 'secretUpdatedAt'>>;

export interface AuthStore {
  insertClient(client: ClientRecord): Promise<void>;
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  updateClient(clientId: string, update: ClientUpdate): Promise<ClientRecord | undefined>;

  listSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Adds a key and retires every other active key, in one transaction. */
  addSigningKey(key: SigningKeyRecord): Promise<void>;

  getSetting(name: string): Promise<string | undefined>;
  /** Stores `value` unless the setting exists; returns the stored value either way. */
  initSetting(name: string, value: string): Promise<string>;
  /** Stores `value`, replacing any previous one (sync checkpoints, for instance). */
  setSetting(name: string, value: string): Promise<void>;
}

/** A `clients` row as either database returns it (JSON lists as text in SQLite, parsed in PostgreSQL). */
export interface ClientRow {
  client_id: string;
  name: string;
  model: string;
  merchants: string | string[];
  scopes: string | string[];
  secret_hash: string;
  signing_secret: string | null;
  created_at: string;
  revoked_at: string | null;
  secret_updated_at: string;
}

const list = (value: string | string[]): string[] => (typeof value === 'string' ? (JSON.parse(value) as string[]) : value);

export function clientFromRow(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    model: row.model as ClientModel,
    merchants: list(row.merchants),
    scopes: list(row.scopes),
    secretHash: row.secret_hash,
    signingSecret: row.signing_secret,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    secretUpdatedAt: row.secret_updated_at,
  };
}

/** Column of each updatable client field, the same in both databases. */
export const clientColumns: Record<keyof ClientUpdate, string> = {
  name: 'name',
  merchants: 'merchants',
  scopes: 'scopes',
  secretHash: 'secret_hash',
  signingSecret: 'signing_secret',
  revokedAt: 'revoked_at',
  secretUpdatedAt: 'secret_updated_at',
};

/** A `signing_keys` row, the same in both databases. */
export function signingKeyFromRow(r: Record<string, string | null>): SigningKeyRecord {
  return {
    kid: r.kid as string,
    alg: r.alg as string,
    privateKey: r.private_key as string,
    publicJwk: r.public_jwk as string,
    createdAt: r.created_at as string,
    retiredAt: r.retired_at,
  };
}
