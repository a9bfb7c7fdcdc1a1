/**
 * Credentials: API clients (secrets hashed), JWT signing keys (private keys encrypted) and
 * instance settings such as the discovery appId.
 */
export const version = 2;
export const name = 'credentials';

export const up = `
CREATE TABLE clients (
  client_id          TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  model              TEXT NOT NULL,
  merchants          TEXT NOT NULL,
  scopes             TEXT NOT NULL,
  secret_hash        TEXT NOT NULL,
  signing_secret     TEXT,
  created_at         TEXT NOT NULL,
  revoked_at         TEXT,
  secret_updated_at  TEXT NOT NULL
);

CREATE TABLE signing_keys (
  kid          TEXT PRIMARY KEY,
  alg          TEXT NOT NULL,
  private_key  TEXT NOT NULL,
  public_jwk   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  retired_at   TEXT
);

CREATE TABLE settings (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
`;
