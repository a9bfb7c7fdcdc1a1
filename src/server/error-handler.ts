/**
 * Every failure becomes the committee's ErrorResponse `{code, message, details}` with the
 * status of the error registry (docs/contract.md §4). Fastify's own errors (body too large,
 * wrong media type) are translated; anything unexpected is logged and answered as INTERNAL
 * without leaking its text.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ContractError, errorCodes, type ErrorCode } from '../contract/errors.js';
import { StoreConflictError, StoreUnavailableError } from '../store/store.js';

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

const byStatus: Record<number, ErrorCode> = Object.fromEntries(Object.entries(errorCodes).map(([code, def]) => [def.status, code as ErrorCode]));

/** Translates any thrown value into a ContractError. */
export function toContractError(error: unknown, limits: { bodyLimit: number }): ContractError {
  if (error instanceof ContractError) return error;
  if (error instanceof StoreConflictError) return new ContractError('CONFLICT', error.message, error.details);
  if (error instanceof StoreUnavailableError) {
    return new ContractError('UNAVAILABLE', 'the database is unreachable; nothing was written. Retry after the Retry-After delay', [], { 'retry-after': '5' });
  }
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (mapped === 'PAYLOAD_TOO_LARGE') {
    return new ContractError('PAYLOAD_TOO_LARGE', `the body exceeds ${limits.bodyLimit} bytes; split the batch and send again`);
  }
  if (mapped === 'UNSUPPORTED_MEDIA_TYPE') {
    return new ContractError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json (charset utf-8 or none)');
  }
  if (mapped) return new ContractError(mapped, fastifyError.message ?? 'bad request');
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new ContractError(byStatus[status] ?? 'VALIDATION_ERROR', fastifyError.message ?? 'bad request');
  }
  return new ContractError('INTERNAL', 'an unexpected error occurred; the X-Request-Id header locates it in the server log');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const contractError = toContractError(error, app.limits);
    if (contractError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    else if (contractError.code === 'UNAVAILABLE') request.log.warn({ err: error }, contractError.message);
    else request.log.info({ code: contractError.code, details: contractError.details.slice(0, 5) }, contractError.message);
    reply.code(contractError.statusCode).headers(contractError.headers).send(contractError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    reply.code(404).send(new ContractError('NOT_FOUND', `no operation at ${request.method} ${path}`).toBody());
  });
}
