/**
 * Every check of the kit, in the order the runner runs them: the discovery document first
 * (it decides what is declared), then each operation, the normative rules, batches,
 * idempotency, pagination, filters, 404s, authentication, signatures, and last the check that
 * the manifest declared only what worked.
 */
import type { Check } from '../check.js';
import { authChecks } from './auth.js';
import { batchChecks } from './batch.js';
import { customerChecks } from './customers.js';
import { discoveryChecks, discoveryHonestyCheck } from './discovery.js';
import { filterChecks } from './filters.js';
import { idempotencyChecks } from './idempotency.js';
import { notFoundChecks } from './not-found.js';
import { operationChecks } from './operations.js';
import { paginationChecks } from './pagination.js';
import { recordChecks } from './records.js';
import { webhookChecks } from './webhooks.js';

export const allChecks: readonly Check[] = [
  ...discoveryChecks,
  ...operationChecks,
  ...customerChecks,
  ...recordChecks,
  ...batchChecks,
  ...idempotencyChecks,
  ...paginationChecks,
  ...filterChecks,
  ...notFoundChecks,
  ...authChecks,
  ...webhookChecks,
  discoveryHonestyCheck,
];
