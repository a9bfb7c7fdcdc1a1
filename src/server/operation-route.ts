/**
 * Registers a handler for one operation of the contract table on every path it answers
 * (the seed's and the REST binding's aliases), with the operation's success status preset.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operation, pathsOf, type OperationId } from '../contract/operations.js';
import { ContractError } from '../contract/errors.js';
import { MAX_KEY_LENGTH } from '../contract/limits.js';
import { readBatch, type ResourceKind } from '../contract/validation.js';
import { StoreConflictError, type WriteSummary } from '../store/store.js';

export type OperationHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** `{id}` in the contract's paths is `:id` in Fastify's router. */
function toRouterPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

export function routeOperation(app: FastifyInstance, operationId: OperationId, handler: OperationHandler): void {
  const op = operation(operationId);
  for (const path of pathsOf(op)) {
    app.route({
      method: op.method,
      url: toRouterPath(path),
      config: { operationId },
      handler: async (request, reply) => {
        assertPathIdsBounded(request.params as Record<string, string>);
        reply.code(op.status);
        return handler(request, reply);
      },
    });
  }
}

/** Path ids obey the key length of docs/contract.md §9: 400 beyond, naming the parameter. */
function assertPathIdsBounded(params: Record<string, string> | undefined): void {
  const problems = Object.entries(params ?? {})
    .filter(([, value]) => value.length > MAX_KEY_LENGTH)
    .map(([name, value]) => `${name}: must have at most ${MAX_KEY_LENGTH} characters (got ${value.length}; docs/contract.md §9)`);
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', `invalid path: ${problems[0]}`, problems);
}

/** A 404 that names what was not found. */
export function notFound(what: string, id: string): ContractError {
  return new ContractError('NOT_FOUND', `no ${what} matches ${JSON.stringify(id)}`);
}

/**
 * Runs a store write, re-basing a conflict's pointers (`/3/id`) onto the body as sent
 * (`/items/3/id` for the wrapped form).
 */
export async function writeBatch<T>(prefix: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new ContractError(
        'CONFLICT',
        error.message,
        error.details.map((d) => prefix + d),
      );
    if (error instanceof ContractError && error.code === 'LIMIT_EXCEEDED' && prefix !== '')
      throw new ContractError(
        error.code,
        error.message,
        error.details.map((d) => prefix + d),
        error.headers,
      );
    throw error;
  }
}

/**
 * The handler of a batch write (upsertCustomer, upsertLead, upsertOrders): read the bare or
 * wrapped batch, validate every item (all or nothing), write in one transaction, answer with
 * the operation's status and no body.
 */
export function batchWrite<T>(app: FastifyInstance, kind: ResourceKind, write: (tenant: string, items: T[]) => Promise<WriteSummary>): OperationHandler {
  return async (request, reply) => {
    const { items, prefix } = readBatch(request.body, kind, app.limits.maxBatchItems);
    const valid = app.contract.assertItems<T>(kind, items, prefix);
    const summary = await writeBatch(prefix, () => write(request.tenant, valid));
    request.log.info({ kind, items: valid.length, ...summary }, 'batch committed');
    return reply.send();
  };
}
