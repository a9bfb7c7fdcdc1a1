/**
 * The authentication hook in front of every Customer operation.
 *
 * An `Authenticator` turns a request into the tenant (merchant) it may act for, or throws a
 * ContractError (UNAUTHORIZED, FORBIDDEN). With credentials configured it is the Bearer
 * authenticator (bearer-auth.ts); embedded without them (tests, local tools) every request
 * acts for one default tenant (docs/contract.md §6).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const DEFAULT_TENANT = 'default';

export interface Authentication {
  tenant: string;
  /** The API client the credentials belong to, when there are credentials. */
  clientId?: string;
}

export type Authenticator = (request: FastifyRequest) => Promise<Authentication> | Authentication;

export const singleTenant: Authenticator = () => ({ tenant: DEFAULT_TENANT });

/** Adds the hook to the given (encapsulated) instance: only the routes registered in it. */
export function requireAuthentication(app: FastifyInstance, authenticate: Authenticator): void {
  app.addHook('onRequest', async (request) => {
    const { tenant, clientId } = await authenticate(request);
    request.tenant = tenant;
    request.clientId = clientId;
  });
}
