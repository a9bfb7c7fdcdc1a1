/**
 * How the discovery manifest declares the rc.2 binding beside the seed's
 * (docs/bindings.md): its endpoint, document, the committee operation ids it serves and those of
 * the committee's Customer document it does not (none since the loyalty module, docs/contract.md §15).
 */
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../queries.js';
import { rc2Operations } from './operations.js';

/** The committee's rc.2 operations odc does not serve: none (the loyalty module is served, docs/contract.md §15). */
export const rc2UnsupportedOperations: readonly string[] = [];

export function rc2BindingDeclaration(o: { endpoint: string; openApiUrl: string }): Record<string, unknown> {
  return {
    contract: 'rc2',
    version: '2.0.0-rc.2',
    endpoint: o.endpoint,
    openApiUrl: o.openApiUrl,
    supportedOperations: rc2Operations.map((op) => op.operationId),
    unsupportedOperations: [...rc2UnsupportedOperations],
    batchForms: ['items'],
    // The guide's delivery channels: both are sent to `rc2` webhook subscriptions (docs/contract.md §13.6, §15.11).
    supportsWebhook: { customerEvent: true, loyaltyEvent: true },
    // 202 answers come after the commit; correlationId is the request id (X-Request-Id).
    writeAcknowledgement: { status: 202, durable: true, correlationIdHeader: 'X-Request-Id' },
    pagination: { pageParameter: 'page', pageSizeParameter: 'pageSize', defaultPageSize: PAGE_SIZE_DEFAULT, maxPageSize: PAGE_SIZE_MAX, totalField: 'total' },
  };
}
