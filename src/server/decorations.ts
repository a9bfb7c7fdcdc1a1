/**
 * What the server decorates Fastify with: the store and the contract validator are injected
 * once into the instance, and every request carries the tenant its credentials stand for.
 */
import type { AuthService } from '../auth/auth-service.js';
import type { ContractValidator } from '../contract/validation.js';
import type { Store } from '../store/store.js';

/** Limits enforced by the server and declared to clients (docs/contract.md §9.5). */
export interface ServerLimits {
  /** Largest accepted body in bytes. */
  bodyLimit: number;
  /** Largest accepted batch in items. */
  maxBatchItems: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    contract: ContractValidator;
    limits: ServerLimits;
    /** Credentials and policies; undefined when the server runs without authentication. */
    auth: AuthService | undefined;
  }
  interface FastifyRequest {
    /** The tenant (merchant or application) every read and write of this request is scoped to. */
    tenant: string;
    /** The API client whose credentials the request carries, if any. */
    clientId: string | undefined;
    /** The body exactly as received, for signature checks. */
    rawBody: Buffer | undefined;
  }
}
