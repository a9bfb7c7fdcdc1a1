/**
 * Which PostgreSQL failures mean "the database is not there right now" (connection refused,
 * reset or timed out, server shutting down or starting, pool exhausted, a statement over its
 * timeout) as opposed to a fault
 * of the request. Those become StoreUnavailableError, answered 503 with Retry-After.
 */
import { ContractError } from '../../contract/errors.js';
import { StoreUnavailableError } from '../store.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * SQLSTATE classes 08 (connection exception) and 57P0x (operator intervention), 53300 (too many
 * connections), 57014 (a statement cancelled by `statement_timeout`: the database is too busy
 * now, e.g. a merchant's clock row held by a long batch) and 55P03 (lock not available).
 */
const SQLSTATE = /^(08|57P0|57014|55P03|53300)/;
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Query read timeout/i;

export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code !== undefined && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) || MESSAGES.test(e.message ?? '');
}

/**
 * Re-throws unavailability as StoreUnavailableError, a key too long for its index (SQLSTATE
 * 54000: a btree entry holds at most ~2.7 kB) as a 400 rather than a 500, anything else as it is.
 */
export function translatePgError(error: unknown): never {
  if (isUnavailable(error)) throw new StoreUnavailableError(`database unavailable: ${(error as Error).message}`, error);
  const e = error as { code?: string; table?: string };
  if (e.code === '54000') {
    throw new ContractError(
      'VALIDATION_ERROR',
      'a value used as a key (an id, identifier, external id, event type or customer reference) is too long to index; nothing was written',
      [`: a key value in ${e.table ?? 'a table'} is longer than the database can index (about 2,700 bytes)`],
    );
  }
  throw error;
}
