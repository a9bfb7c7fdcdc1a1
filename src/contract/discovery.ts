/**
 * The discovery manifest (`GET /.well-known/opendelivery`, discovery.openapi.yaml), built
 * from the operations table and the server's real configuration: it declares only what this
 * server does (the manifest "MUST NOT declare any capability, operation, event, or behavior
 * the participant cannot actually execute").
 */
import { authModels, customerScopes } from './auth.js';
import { recordLimits } from './limits.js';
import { operations } from './operations.js';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './queries.js';
import { rc2BindingDeclaration } from './rc2/discovery.js';

export interface DiscoveryOptions {
  appId: string;
  /** Absolute URL of the Customer endpoints (origin + base path). */
  endpoint: string;
  /** Absolute origin of this server, for the token and JWKS URLs. */
  origin: string;
  maxBatchItems: number;
  bodyLimit: number;
  /**
   * `crm`: the CRM Software Service, which receives pushes and serves its data.
   * `origin`: an Ordering Application / Origin Platform serving its records to CRMs that pull.
   */
  role?: 'crm' | 'origin';
  /** Absolute URL of the rc.2 binding (docs/bindings.md), when it is served. */
  rc2Endpoint?: string;
  /** Null when the server runs without authentication (embedded, single tenant). */
  auth: null | {
    signatureMode: 'required' | 'optional' | 'off';
    rateLimitPerSecond: number;
    externalIssuer?: string;
  };
}

export function buildDiscoveryManifest(o: DiscoveryOptions): Record<string, unknown> {
  const rate = o.auth && o.auth.rateLimitPerSecond > 0 ? o.auth.rateLimitPerSecond : undefined;
  const authentication = o.auth
    ? {
        required: true,
        supportedGrantTypes: ['client_credentials'],
        clientIdGeneration: [authModels.application.clientIdGeneration, authModels.merchant.clientIdGeneration],
        models: [authModels.application.model, authModels.merchant.model],
        tokenUrl: `${o.origin}/oauth/token`,
        jwksUrl: `${o.origin}/.well-known/jwks.json`,
        scopes: [...customerScopes],
        ...(o.auth.externalIssuer ? { externalIssuer: o.auth.externalIssuer } : {}),
        messageSigning: {
          supported: o.auth.signatureMode !== 'off',
          required: o.auth.signatureMode === 'required',
          algorithm: 'HMAC-SHA256',
          encoding: 'hex',
          headers: ['X-App-Id', 'X-App-MerchantId', 'X-App-Signature'],
          operations: o.auth.signatureMode === 'off' ? [] : ['publishCustomerEvent'],
        },
        merchantDiscovery: {
          endpoint: `${o.endpoint}/merchants`,
          header: 'X-App-MerchantId',
          queryParameter: 'merchantId',
        },
      }
    : { required: false, supportedGrantTypes: [], clientIdGeneration: [] };

  return {
    appId: o.appId,
    openDelivery: { currentVersion: '2.0', supportedVersions: ['2.0'] },
    discovery: { version: '1.0.0' },
    authentication,
    capabilities: {
      customer: {
        version: '1.0.0',
        supported: true,
        role: o.role ?? 'crm',
        transport: 'rest',
        endpoint: o.endpoint,
        modes: (o.role ?? 'crm') === 'crm' ? ['push', 'pull'] : ['pull'],
        supportedOperations: operations.map((op) => op.operationId),
        unsupportedOperations: [],
        supportsBatchGet: true,
        supportsBatchPost: true,
        batchForms: ['array', 'items'],
        maxBatchSize: o.maxBatchItems,
        maxPayloadSizeKb: Math.floor(o.bodyLimit / 1024),
        ...(rate ? { requestsPerSecond: rate } : {}),
        acceptedGetPeriodicity: 'real_time',
        pagination: {
          pageParameter: 'page',
          pageSizeParameter: 'pageSize',
          defaultPageSize: PAGE_SIZE_DEFAULT,
          maxPageSize: PAGE_SIZE_MAX,
          totalCountHeader: 'X-Total-Count',
          linkHeader: true,
          cursorParameter: 'cursor',
        },
        ...(o.rc2Endpoint
          ? {
              bindings: [
                { contract: 'seed', version: '1.0.0', endpoint: o.endpoint, openApiUrl: `${o.origin}/openapi.json` },
                rc2BindingDeclaration({ endpoint: o.rc2Endpoint, openApiUrl: `${o.rc2Endpoint}/openapi.json` }),
              ],
            }
          : {}),
      },
    },
    operationalLimits: {
      maxPageSize: PAGE_SIZE_MAX,
      maxBatchSize: o.maxBatchItems,
      ...(rate ? { rateLimitPerSecond: rate } : {}),
      // The spec's Customer capability has no field for record caps: odc's own block (docs/contract.md §9).
      recordLimits: { ...recordLimits },
    },
    documentation: { openApiUrl: `${o.origin}/openapi.json` },
  };
}
