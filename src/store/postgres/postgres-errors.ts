/**
 * Which PostgreSQL failures mean "the database is not there right now" (connection refused,
 * reset or timed out, server shutting down or starting, pool exhausted) as opposed to a fault
 * of the request. Those become StoreUnavailableError, answered 503 with Retry-After.
 */
import { StoreUnavailableError } from '../store.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLSTATE classes 08 (connection exception) and 57P0x (operator intervention), 53300 (too many connections). */
const SQLSTATE = /^(08|57P0|53300)/;
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Query read timeout/i;

export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code !== undefined && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) || MESSAGES.test(e.message ?? '');
}

/** Re-throws unavailability as StoreUnavailableError, anything else as it is. */
export function translatePgError(error: unknown): never {
  if (isUnavailable(error)) throw new StoreUnavailableError(`database unavailable: ${(error as Error).message}`, error);
  throw error;
}
