/**
 * API clients: creation, listing, revocation and secret rotation, shared by `odc clients`
 * and the admin API, plus the cached lookup every authenticated request makes.
 *
 * Revocation takes effect for new tokens at once (the token endpoint reads the database) and
 * for tokens already issued within CLIENT_CACHE_MS on every instance (requests check the
 * client, cached that long), at once on the instance that revoked it.
 */
import { randomUUID } from 'node:crypto';
import { grantableScopes } from '../contract/auth.js';
import { ContractError } from '../contract/errors.js';
import type { AuthStore, ClientModel, ClientRecord } from '../store/auth-store.js';
import { generateSecret, hashSecret, verifySecret } from './client-secrets.js';
import type { SecretBox } from './secret-box.js';

export const CLIENT_CACHE_MS = 5_000;

let dummyHash: Promise<string> | undefined;
/** A hash of a random secret with the real parameters, made once, checked for unknown ids. */
function dummySecretHash(): Promise<string> {
  dummyHash ??= hashSecret(generateSecret('dummy'));
  return dummyHash;
}

export interface NewClient {
  name: string;
  model: ClientModel;
  merchants: string[];
  scopes?: string[];
  /** `generate` for a random message-signing secret, a value to register a given one, or none. */
  signingSecret?: 'generate' | string;
  clientId?: string;
}

/** What a caller sees of a client: never a secret or a hash. */
export interface ClientView {
  clientId: string;
  name: string;
  model: ClientModel;
  merchants: string[];
  scopes: string[];
  signsMessages: boolean;
  createdAt: string;
  revokedAt: string | null;
  secretUpdatedAt: string;
}

/** A client's credentials at creation or rotation: shown once, stored only hashed or sealed. */
export interface IssuedCredentials extends ClientView {
  clientSecret: string;
  signingSecret?: string;
}

export function viewOf(client: ClientRecord): ClientView {
  return {
    clientId: client.clientId,
    name: client.name,
    model: client.model,
    merchants: client.merchants,
    scopes: client.scopes,
    signsMessages: client.signingSecret !== null,
    createdAt: client.createdAt,
    revokedAt: client.revokedAt,
    secretUpdatedAt: client.secretUpdatedAt,
  };
}

export class ClientRegistry {
  private readonly cache = new Map<string, { client: ClientRecord | undefined; at: number }>();

  constructor(
    private readonly store: AuthStore,
    private readonly box: SecretBox,
  ) {
    // Made now, so the first unknown id does not cost an extra hash (and a telling delay).
    void dummySecretHash();
  }

  async add(input: NewClient): Promise<IssuedCredentials> {
    const merchants = [...new Set(input.merchants.map((m) => m.trim()).filter(Boolean))];
    if (merchants.length === 0) throw new ContractError('VALIDATION_ERROR', 'a client needs at least one merchant', ['merchants: must not be empty']);
    if (input.model === 'merchant' && merchants.length !== 1) {
      throw new ContractError('VALIDATION_ERROR', 'a merchant-model client stands for exactly one merchant', [`merchants: ${merchants.length} given`]);
    }
    const scopes = input.scopes && input.scopes.length > 0 ? [...new Set(input.scopes)] : ['od.crm'];
    const unknown = scopes.filter((s) => !(grantableScopes as readonly string[]).includes(s));
    if (unknown.length > 0)
      throw new ContractError(
        'VALIDATION_ERROR',
        `unknown scope ${unknown[0]}; use ${grantableScopes.join(', ')}`,
        unknown.map((s) => `scopes: ${s} is not a scope of this server`),
      );
    const clientId = input.clientId ?? randomUUID();
    if (await this.store.getClient(clientId)) throw new ContractError('CONFLICT', `client ${clientId} exists already`);
    const clientSecret = generateSecret('odcs');
    const signingSecret = input.signingSecret === 'generate' ? generateSecret('odsig') : input.signingSecret;
    const now = new Date().toISOString();
    const record: ClientRecord = {
      clientId,
      name: input.name,
      model: input.model,
      merchants,
      scopes,
      secretHash: await hashSecret(clientSecret),
      signingSecret: signingSecret ? this.box.encrypt(signingSecret) : null,
      createdAt: now,
      revokedAt: null,
      secretUpdatedAt: now,
    };
    await this.store.insertClient(record);
    return { ...viewOf(record), clientSecret, ...(signingSecret ? { signingSecret } : {}) };
  }

  async list(): Promise<ClientView[]> {
    return (await this.store.listClients()).map(viewOf);
  }

  async revoke(clientId: string): Promise<ClientView> {
    const existing = await this.required(clientId);
    const updated = await this.store.updateClient(clientId, { revokedAt: existing.revokedAt ?? new Date().toISOString() });
    this.cache.delete(clientId);
    return viewOf(updated as ClientRecord);
  }

  /** A new client secret; the old one stops working for new tokens at once. */
  async rotateSecret(clientId: string): Promise<IssuedCredentials> {
    const existing = await this.required(clientId);
    if (existing.revokedAt) throw new ContractError('CONFLICT', `client ${clientId} is revoked`);
    const clientSecret = generateSecret('odcs');
    const updated = await this.store.updateClient(clientId, { secretHash: await hashSecret(clientSecret), secretUpdatedAt: new Date().toISOString() });
    this.cache.delete(clientId);
    return { ...viewOf(updated as ClientRecord), clientSecret };
  }

  /**
   * Checks client credentials for the token endpoint; always reads the database. An unknown
   * or revoked client costs the same hash check as a known one (against a dummy hash), so the
   * answer's timing does not tell which client ids exist (issue 13 §6).
   */
  async authenticate(clientId: string, clientSecret: string): Promise<ClientRecord | undefined> {
    const client = await this.store.getClient(clientId);
    const usable = client !== undefined && !client.revokedAt;
    const matches = await verifySecret(clientSecret, usable ? client.secretHash : await dummySecretHash());
    return usable && matches ? client : undefined;
  }

  /** The client of an authenticated request, cached for CLIENT_CACHE_MS. */
  async lookup(clientId: string): Promise<ClientRecord | undefined> {
    const hit = this.cache.get(clientId);
    if (hit && Date.now() - hit.at < CLIENT_CACHE_MS) return hit.client;
    const client = await this.store.getClient(clientId);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(clientId, { client, at: Date.now() });
    return client;
  }

  /** The clear message-signing secret of a client, if one is registered. */
  signingSecretOf(client: ClientRecord): string | undefined {
    return client.signingSecret ? this.box.decrypt(client.signingSecret) : undefined;
  }

  private async required(clientId: string): Promise<ClientRecord> {
    const client = await this.store.getClient(clientId);
    if (!client) throw new ContractError('NOT_FOUND', `no client ${clientId}`);
    return client;
  }
}
