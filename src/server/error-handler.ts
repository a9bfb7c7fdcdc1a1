/**
 * Every failure becomes the committee's ErrorResponse `{code, message, details}` with the
 * status of the error registry (docs/contract.md §4). Fastify's own errors (body too large,
 * wrong media type) are translated; anything unexpected is logged and answered as INTERNAL
 * without leaking its text.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ContractError, errorCodes, type ErrorCode } from '../contract/errors.js';
import { StoreConflictError, StoreUnavailableError } from '../store/store.js';
import { SubjectErasedError } from '../domain/erasure-marker.js';
import { recordRouteMethods } from './method-not-allowed.js';

/**
 * The registry code of each Fastify (or plugin) error code that can reach the handler: a
 * content-type parser failure is MALFORMED_JSON, a schema failure VALIDATION_ERROR, a body that
 * does not match its framing or a URL that cannot be read MALFORMED_REQUEST (docs/contract.md §4.3).
 */
export const fastifyCodes: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_BAD_URL: 'MALFORMED_REQUEST',
  FST_ERR_INVALID_URL: 'MALFORMED_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_ERROR',
  FST_ERR_NOT_FOUND: 'NOT_FOUND',
};

/**
 * The code of an error that carries only a status. Several codes share 400, so the default
 * for each status is chosen here, not left to the order of the registry: a request the server
 * could read but refuses is a VALIDATION_ERROR.
 */
export const codeForStatus: Readonly<Record<number, ErrorCode>> = {
  ...Object.fromEntries(
    Object.entries(errorCodes)
      .filter(([, def]) => Object.values(errorCodes).filter((other) => other.status === def.status).length === 1)
      .map(([code, def]) => [def.status, code as ErrorCode]),
  ),
  400: 'VALIDATION_ERROR',
  409: 'CONFLICT',
};

function unavailable(message: string): ContractError {
  return new ContractError('UNAVAILABLE', message, [], { 'retry-after': '5' });
}

/**
 * A Fastify schema failure's problems in the registry's detail form (docs/contract.md §4.2):
 * `<JSON pointer>: <reason>` for the body, `<parameter>: <reason>` for a query, header or path.
 */
function schemaDetails(error: unknown): string[] {
  const { validation, validationContext } = error as { validation?: { instancePath?: string; message?: string }[]; validationContext?: string };
  return (validation ?? []).map((v) => {
    const path = v.instancePath ?? '';
    const where = validationContext === 'body' || validationContext === undefined ? path : path.replace(/^\//, '') || validationContext;
    return `${where}: ${v.message ?? 'is invalid'}`;
  });
}

/** Translates any thrown value into a ContractError. */
export function toContractError(error: unknown, limits: { bodyLimit: number }): ContractError {
  if (error instanceof ContractError) return error;
  if (error instanceof StoreConflictError) return new ContractError('CONFLICT', error.message, error.details);
  if (error instanceof SubjectErasedError) return new ContractError('SUBJECT_ERASED', error.message, error.details);
  if (error instanceof StoreUnavailableError) return unavailable('the database is unreachable; nothing was written. Retry after the Retry-After delay');
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (mapped === 'PAYLOAD_TOO_LARGE') {
    return new ContractError('PAYLOAD_TOO_LARGE', `the body exceeds ${limits.bodyLimit} bytes; split the batch and send again`);
  }
  if (mapped === 'UNSUPPORTED_MEDIA_TYPE') {
    return new ContractError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json (charset utf-8 or none)');
  }
  const message = fastifyError.message || 'bad request';
  if (mapped) return new ContractError(mapped, message, mapped === 'VALIDATION_ERROR' ? schemaDetails(error) : []);
  const status = fastifyError.statusCode;
  if (status === 503) return unavailable('the server cannot answer now; retry after the Retry-After delay');
  if (status !== undefined && status >= 400 && status < 500) {
    const code = codeForStatus[status] ?? 'VALIDATION_ERROR';
    return new ContractError(code, message, [], code === 'RATE_LIMITED' ? { 'retry-after': '1' } : {});
  }
  return new ContractError('INTERNAL', 'an unexpected error occurred; the X-Request-Id header locates it in the server log');
}

/** Installs the error and not-found handlers; call before any route is registered. */
export function registerErrorHandling(app: FastifyInstance): void {
  const routes = recordRouteMethods(app);
  app.setErrorHandler((error, request, reply) => {
    const contractError = toContractError(error, app.limits);
    if (contractError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    else if (contractError.code === 'UNAVAILABLE') request.log.warn({ err: error }, contractError.message);
    else request.log.info({ code: contractError.code, details: contractError.details.slice(0, 5) }, contractError.message);
    reply.code(contractError.statusCode).headers(contractError.headers).send(contractError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = routes.allowed(path);
    if (allowed !== undefined) {
      const error = new ContractError('METHOD_NOT_ALLOWED', `${path} does not answer ${request.method}; it answers ${allowed.join(', ')}`);
      reply.code(405).header('allow', allowed.join(', ')).send(error.toBody());
      return;
    }
    reply.code(404).send(new ContractError('NOT_FOUND', `no operation at ${request.method} ${path}`).toBody());
  });
}
