/**
 * Credentials: API clients (secrets hashed), JWT signing keys (private keys encrypted) and
 * instance settings, shared by every instance of a deployment.
 */
export const version = 2;
export const name = 'credentials';

export const up = `
CREATE TABLE clients (
  client_id          text PRIMARY KEY,
  name               text NOT NULL,
  model              text NOT NULL,
  merchants          jsonb NOT NULL,
  scopes             jsonb NOT NULL,
  secret_hash        text NOT NULL,
  signing_secret     text,
  created_at         text NOT NULL,
  revoked_at         text,
  secret_updated_at  text NOT NULL
);

CREATE TABLE signing_keys (
  kid          text PRIMARY KEY,
  alg          text NOT NULL,
  private_key  text NOT NULL,
  public_jwk   text NOT NULL,
  created_at   text NOT NULL,
  retired_at   text
);

CREATE TABLE settings (
  name   text PRIMARY KEY,
  value  text NOT NULL
);
`;
