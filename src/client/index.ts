/**
 * The odc client, as exported from the package: `import { OdcClient } from 'odc/client'`.
 */
export { OdcClient, nextLink, type OdcClientOptions, type Page, type Query, type StoredCustomer, type Order } from './odc-client.js';
export { LoyaltyClient, type LoyaltyClientOptions } from './loyalty-client.js';
export { OdcError } from './client-errors.js';
export type { ClientCredentials } from './token-provider.js';
export type { RetryPolicy } from './retry.js';
