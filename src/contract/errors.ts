/**
 * The one registry of error codes odc answers with (docs/contract.md §4).
 *
 * Every error body is the committee's ErrorResponse, `{code, message, details}`, where
 * `details` is an array of strings. Codes are stable: clients branch on them, the OpenAPI
 * document lists them, and a test checks that every code here is reachable and documented.
 */

export interface ErrorDefinition {
  readonly status: number;
  readonly description: string;
}

export const errorCodes = {
  MALFORMED_REQUEST: { status: 400, description: 'The request is not valid HTTP/1.1 (framing, header syntax, a truncated body) or its URL cannot be decoded.' },
  VALIDATION_ERROR: { status: 400, description: 'The body or a query parameter breaks the contract; details name each problem as "<JSON pointer>: <reason>".' },
  MALFORMED_JSON: { status: 400, description: 'The body is not valid JSON, is empty, or uses a forbidden key such as __proto__.' },
  UNAUTHORIZED: { status: 401, description: 'Credentials are missing or invalid.' },
  FORBIDDEN: { status: 403, description: 'The credentials do not allow this operation or merchant.' },
  NOT_FOUND: { status: 404, description: 'No resource matches the path.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The path exists but not with this method.' },
  REQUEST_TIMEOUT: { status: 408, description: "The request was not received in full within the server's time limit (a stalled or very slow body)." },
  CONFLICT: { status: 409, description: 'The payload contradicts stored state, e.g. an id that already belongs to another customer.' },
  LIMIT_EXCEEDED: {
    status: 422,
    description:
      'The write is valid alone but its merge with the stored record would exceed a cap of docs/contract.md §9 (list entries or document size); details name the item, field and limit; nothing was written.',
  },
  SUBJECT_ERASED: {
    status: 409,
    description: 'The payload names a person whose data was erased (docs/contract.md §14); the server is configured to refuse them. Nothing was written.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body exceeds the byte limit or the batch exceeds the item limit declared in discovery.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The request body is not application/json (charset utf-8 or none).' },
  RATE_LIMITED: { status: 429, description: 'Too many requests; retry after the number of seconds in Retry-After.' },
  HEADERS_TOO_LARGE: { status: 431, description: "The request line and headers exceed the server's limit (16 KiB)." },
  INTERNAL: { status: 500, description: 'An unexpected fault; the request id in X-Request-Id locates it in the logs.' },
  UNAVAILABLE: { status: 503, description: 'The server is shutting down or its store is unreachable; retry after Retry-After.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCodes;

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: string[];
}

/**
 * An error that knows its contract code. Thrown anywhere below the HTTP layer; the server's
 * error handler turns it into the status and body of the registry.
 */
export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly details: string[];
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, details: string[] = [], headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get statusCode(): number {
    return errorCodes[this.code].status;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }
}
