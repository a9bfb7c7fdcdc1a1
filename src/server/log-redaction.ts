/**
 * Request URLs are logged with their query string, and clients do put credentials there
 * (`?access_token=`, `?client_secret=`, an OAuth `code`): those values are replaced by
 * `[REDACTED]` before a URL reaches the log (issue 13 §8). Parameter names and every other
 * value are kept as sent, so a logged URL still says which request it was.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

/** Query parameter names whose values are credentials or tokens. */
const SENSITIVE_NAME = /^(code|key|sig|auth)$|token|secret|passw|pwd|signature|api[-_]?key|credential|authorization|assertion|session/i;

export const REDACTED = '[REDACTED]';

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** The URL with the values of sensitive query parameters replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SENSITIVE_NAME.test(decodedName(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the URL redacted. */
export function requestSerializer(request: LoggedRequest): Record<string, unknown> {
  return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** Logger options with the redacting request serializer; `false`/`undefined` stay off, an instance is kept. */
export function withRedactedUrls(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : (logger as Exclude<FastifyServerOptions['logger'], boolean | undefined | FastifyBaseLogger>);
  return { ...options, serializers: { ...options.serializers, req: requestSerializer as never } };
}
