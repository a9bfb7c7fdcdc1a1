/**
 * Everything an instance needs to authenticate: the client registry, the token service and
 * the policy for signed messages. Built once at start-up (`createAuthService`) and handed to
 * the HTTP layer and the CLI.
 */
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import { ClientRegistry } from './client-registry.js';
import { loadSecretKey, SecretBox } from './secret-box.js';
import { TokenService, type ExternalIssuer } from './token-service.js';
import { TokenThrottle, type TokenThrottleOptions } from './token-throttle.js';

/** How POST /customer/events treats X-App-Signature. */
export type SignatureMode = 'required' | 'optional' | 'off';

export interface AuthOptions {
  /** Where the instance key file lives when ODC_SECRET_KEY is not set. */
  keyFile: string;
  /** The key itself (tests, or a deployment that injects it); overrides keyFile and env. */
  secretKey?: Buffer;
  issuer?: string;
  audience?: string;
  tokenTtlSeconds?: number;
  external?: ExternalIssuer;
  signatureMode?: SignatureMode;
  /** Requests per second per client; 0 turns the limit off. */
  rateLimitPerSecond?: number;
  /** Key guarding the admin API; without it the admin API is not served. */
  adminKey?: string;
  /** Failure and concurrency bounds of POST /oauth/token (token-throttle.ts). */
  tokenThrottle?: TokenThrottleOptions;
}

export interface AuthService {
  clients: ClientRegistry;
  /** Seals and opens secrets kept in the database (webhook secrets, for instance). */
  secrets: SecretBox;
  tokens: TokenService;
  signatureMode: SignatureMode;
  rateLimitPerSecond: number;
  adminKey?: string;
  /** Shared by every token request of this instance. */
  tokenThrottle: TokenThrottle;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
export const DEFAULT_RATE_LIMIT = 100;

/** The key file that sits beside a SQLite database file (or in ./data for other stores). */
export function defaultKeyFile(database: string): string {
  return /^[a-z]+:\/\//i.test(database) || database === ':memory:' ? join('data', 'secret.key') : join(database, '..', 'secret.key');
}

export async function createAuthService(store: Store, options: AuthOptions): Promise<AuthService> {
  const box = new SecretBox(options.secretKey ?? loadSecretKey(options.keyFile));
  const tokens = new TokenService(store.auth, box, {
    issuer: options.issuer ?? 'odc',
    audience: options.audience ?? 'odc',
    ttlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    external: options.external,
  });
  await tokens.init();
  return {
    clients: new ClientRegistry(store.auth, box),
    secrets: box,
    tokens,
    signatureMode: options.signatureMode ?? 'optional',
    rateLimitPerSecond: options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT,
    adminKey: options.adminKey,
    tokenThrottle: new TokenThrottle(options.tokenThrottle),
  };
}
