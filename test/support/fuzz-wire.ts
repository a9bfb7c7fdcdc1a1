/**
 * Bytes on a bare TCP socket, for the hostile inputs no HTTP client will send: a body shorter
 * than its Content-Length, a body that trickles or stalls, headers past the parser's limit,
 * CR/LF inside header values, conflicting framing, garbage request lines. Writes the pieces
 * (with optional pauses), then reads whatever the server answers until it closes the
 * connection or the answer is complete, and parses the first HTTP response out of it.
 */
import net from 'node:net';

export interface WireAnswer {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  json: any;
  /** Whether the server closed the connection (rather than the client giving up). */
  closed: boolean;
}

export interface WireRequest {
  /** Pieces written in order; a number is a pause in milliseconds. */
  pieces: (string | Buffer | number)[];
  /** Ends the client's side after the last piece (a truncated upload looks like this). */
  halfClose?: boolean;
  /** Longest to wait for the answer, in ms (default 5 s). */
  timeoutMs?: number;
}

function parse(raw: Buffer, closed: boolean): WireAnswer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', json: undefined, closed };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let bodyBytes = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  const length = headers['content-length'];
  if (length !== undefined) bodyBytes = bodyBytes.subarray(0, Number(length));
  const body = bodyBytes.toString('utf8');
  let json: unknown;
  try {
    json = body === '' ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body, json, closed };
}

/** Whether `raw` already holds one complete answer with a Content-Length body. */
function complete(raw: Buffer): boolean {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && raw.length >= Buffer.byteLength(text.slice(0, end + 4), 'latin1') + Number(length);
}

export function wireRequest(baseUrl: string, request: WireRequest): Promise<WireAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const parts: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(parts), closed));
    };
    const timer = setTimeout(() => finish(false), request.timeoutMs ?? 5_000);
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      if (complete(Buffer.concat(parts))) finish(false);
    });
    socket.on('close', () => finish(true));
    // A server that answers and resets while the client still writes is an answer, not a failure.
    socket.on('error', () => finish(true));
    socket.once('connect', async () => {
      for (const piece of request.pieces) {
        if (settled || socket.destroyed) return;
        if (typeof piece === 'number') await new Promise((r) => setTimeout(r, piece));
        else socket.write(piece);
      }
      if (request.halfClose && !settled && !socket.destroyed) socket.end();
    });
  });
}

/** A request head with the given lines, ready to be followed by a body. */
export function head(method: string, path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('\r\n')}${lines.length ? '\r\n' : ''}\r\n`;
}
