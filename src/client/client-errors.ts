/**
 * The error every failed client call throws: the HTTP status, the contract's error code,
 * message and details, and the request id that locates it in the server's log.
 */
export class OdcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string[] = [],
    readonly requestId?: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'OdcError';
  }

  /** 429, 502, 503, 504: worth trying again after a pause. */
  get retryable(): boolean {
    return this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504;
  }

  /** From an answer already read within its cap (outbound-request.ts), or a fetch Response. */
  static async from(response: Pick<Response, 'status' | 'statusText' | 'headers' | 'text'>): Promise<OdcError> {
    const text = await response.text().catch(() => '');
    let body: { code?: string; message?: string; details?: unknown; error?: string; error_description?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Not the contract's JSON (a proxy's page, say): keep the raw text as the message.
    }
    return new OdcError(
      response.status,
      body.code ?? body.error ?? 'HTTP_ERROR',
      body.message ?? body.error_description ?? (text.slice(0, 200) || response.statusText),
      Array.isArray(body.details) ? body.details.map(String) : [],
      response.headers.get('x-request-id') ?? undefined,
    );
  }
}
