/**
 * The authentication hook in front of every Customer operation.
 *
 * An `Authenticator` turns a request into the tenant it may act for, or throws a
 * ContractError (UNAUTHORIZED, FORBIDDEN). Until credentials are configured, every request
 * acts for one default tenant (contract-decisions §6); the OAuth work fills this hook in
 * without touching any route.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const DEFAULT_TENANT = 'default';

export interface Authentication {
  tenant: string;
}

export type Authenticator = (request: FastifyRequest) => Promise<Authentication> | Authentication;

export const singleTenant: Authenticator = () => ({ tenant: DEFAULT_TENANT });

/** Adds the hook to the given (encapsulated) instance: only the routes registered in it. */
export function requireAuthentication(app: FastifyInstance, authenticate: Authenticator): void {
  app.addHook('onRequest', async (request) => {
    const { tenant } = await authenticate(request);
    request.tenant = tenant;
  });
}
