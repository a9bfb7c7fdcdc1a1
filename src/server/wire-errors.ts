/**
 * Requests that fail before Fastify can route them: Node's HTTP parser refuses the bytes
 * (broken framing, CR/LF or NUL in a header, conflicting Content-Length and Transfer-Encoding,
 * a body cut short), the head outgrows the parser's limit, the request stalls, or the router
 * cannot decode the URL. Fastify would answer these in its own shape; odc answers every one
 * with the committee's ErrorResponse `{code, message, details}` like any other error
 * (docs/contract.md §4: every error is JSON, no input yields a 500).
 *
 * Fastify turns Node's request timeout off by default, so a client that sends headers and then
 * stalls (a slow-body / slowloris attack) would hold its socket forever; odc bounds the time
 * to receive a whole request and answers 408 REQUEST_TIMEOUT when it runs out.
 */
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import http from 'node:http';
import type { Socket } from 'node:net';
import { ContractError } from '../contract/errors.js';

/** Default time to receive a whole request, headers and body (16 MiB at ~2 Mbit/s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

interface ParserError extends Error {
  code?: string;
  /** llhttp's explanation, e.g. "Invalid header value char". */
  reason?: string;
}

/** The contract error a parser failure stands for. */
export function parserErrorToContract(error: ParserError, requestTimeoutMs: number): ContractError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new ContractError('REQUEST_TIMEOUT', `the request was not received in full within ${requestTimeoutMs / 1000} s; send the body without pauses`);
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new ContractError('HEADERS_TOO_LARGE', `the request line and headers exceed ${http.maxHeaderSize} bytes`, [
      `headers: larger than ${http.maxHeaderSize} bytes`,
    ]);
  }
  const reason = error.reason ?? error.message;
  return new ContractError('MALFORMED_REQUEST', `the request is not valid HTTP/1.1: ${reason}`, [`http: ${error.code ?? 'parse error'}: ${reason}`]);
}

/** Writes the error as a complete HTTP answer on a socket the parser gave up on, then closes it. */
function answerOnSocket(socket: Socket, error: ContractError): void {
  const body = JSON.stringify(error.toBody());
  const head = [
    `HTTP/1.1 ${error.statusCode} ${http.STATUS_CODES[error.statusCode]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  // A client that keeps sending never reads the close; do not wait for it.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/**
 * Fastify options for the failures above: `requestTimeout` (with Node checking often enough
 * for it to matter), `clientErrorHandler` and `frameworkErrors`.
 */
export function wireErrorOptions(
  requestTimeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS,
): Pick<FastifyServerOptions, 'requestTimeout' | 'clientErrorHandler' | 'frameworkErrors'> & { http: http.ServerOptions } {
  return {
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
    },
    clientErrorHandler(error: ParserError, socket: Socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      // An answer already under way cannot be replaced by another.
      const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (!socket.writable || pending?.headersSent) {
        socket.destroy();
        return;
      }
      answerOnSocket(socket, parserErrorToContract(error, requestTimeoutMs));
    },
    frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const contractError =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new ContractError('MALFORMED_REQUEST', 'a path segment is longer than the server accepts', ['path: a segment longer than 2048 characters'])
          : error.code === 'FST_ERR_BAD_URL'
            ? new ContractError('MALFORMED_REQUEST', 'the URL is not valid percent-encoded UTF-8', [`path: ${request.url.slice(0, 200)}`])
            : new ContractError('INTERNAL', 'an unexpected error occurred; the X-Request-Id header locates it in the server log');
      if (contractError.code === 'INTERNAL') request.log.error({ err: error }, 'framework error');
      reply.code(contractError.statusCode).send(contractError.toBody());
    },
  };
}
