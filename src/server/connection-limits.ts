/**
 * Socket-level defences of the HTTP server against slow and abusive clients, applied to the
 * Node server under Fastify (issue 7, item 4):
 *
 * - time limits: headers must arrive within `headersTimeout` (slowloris: headers trickled byte
 *   by byte), the whole request within `requestTimeout` (a body trickled slowly); a socket that
 *   sends nothing at all counts as a request whose headers never came. Node checks them every
 *   `connectionsCheckingInterval` (30 s by default, far too coarse), so it is set from them.
 * - `maxHeaderSize`: larger headers are answered 431 by Node's parser before any route runs.
 * - a cap on open connections per remote address: one client cannot hold every socket. Past
 *   it, an idle kept-alive one of that address makes room; if none is idle, the new connection
 *   gets a 503 with `Retry-After` and is closed before anything is parsed.
 *
 * The body limit itself is Fastify's: it counts bytes as they arrive and answers 413 as soon
 * as the count passes `bodyLimit`, without buffering the rest (also when there is no
 * Content-Length), and Node then closes the connection rather than read the rest.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Longest wait for a request's headers, in ms (Node's default is 60 s). */
  headersTimeoutMs: number;
  /** Longest wait for a whole request, headers and body, in ms. */
  requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed, in ms. */
  keepAliveTimeoutMs: number;
  /** Largest size of the request line and headers together, in bytes. */
  maxHeaderSize: number;
  /** Open connections one remote address may hold at once (0: no cap). */
  maxConnectionsPerAddress: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  // Above the 60 s idle timeout of common load balancers, so they close first (Fastify's value).
  keepAliveTimeoutMs: 72_000,
  maxHeaderSize: 16 * 1024,
  // Above a client that sends a few hundred requests at once (undici opens one socket each).
  maxConnectionsPerAddress: 256,
};

/** Seconds a refused client is told to wait (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 1;

/** The contract's error body (errors.ts, UNAVAILABLE) as an HTTP/1.1 answer written on the raw socket. */
export function unavailableAnswer(message: string): string {
  const body = JSON.stringify({ code: 'UNAVAILABLE', message, details: [] });
  return [
    'HTTP/1.1 503 Service Unavailable',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Retry-After: ${RETRY_AFTER_SECONDS}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** The address a cap counts by: IPv4-mapped IPv6 addresses count as the IPv4 address. */
function addressOf(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Closes a socket after the answer was flushed: ends our side at once, and destroys it a
 * moment later. Destroying at once could reset the connection while the client still sends,
 * and a reset can throw away the answer before the client has read it.
 */
function closeSoon(socket: Socket, lingerMs = 2_000): void {
  socket.end();
  setTimeout(() => socket.destroy(), lingerMs).unref();
}

/** Applies the limits to a Node HTTP server; call before it listens. */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  (server as Server & { maxHeaderSize: number }).maxHeaderSize = limits.maxHeaderSize;
  // Read by Node when the server starts listening; a tenth of the shortest timeout, 100 ms to 1 s.
  const shortest = Math.min(...[limits.headersTimeoutMs, limits.requestTimeoutMs].filter((t) => t > 0), 10_000);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(100, Math.min(1_000, Math.floor(shortest / 10)));

  if (limits.maxConnectionsPerAddress > 0) capConnectionsPerAddress(server, limits.maxConnectionsPerAddress);
}

/**
 * Counts open sockets per remote address. At the cap, an idle kept-alive socket of that
 * address is closed to make room (as its keep-alive timeout would); only when all of them are
 * busy is the new one refused. Node's own connection handler is wrapped rather than preceded,
 * so a refused socket is never handed to the HTTP parser at all.
 */
function capConnectionsPerAddress(server: Server, cap: number): void {
  const open = new Map<string, Set<Socket>>();
  /** Sockets between two requests: served at least once, no request since. */
  const idle = new WeakSet<Socket>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    idle.delete(request.socket);
    response.once('finish', () => idle.add(request.socket));
  });
  const handlers = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = addressOf(socket);
    const sockets = open.get(address) ?? new Set<Socket>();
    if (sockets.size >= cap) {
      const spare = [...sockets].find((s) => idle.has(s));
      if (spare) {
        sockets.delete(spare);
        spare.destroy();
      } else {
        socket.on('error', () => undefined);
        socket.resume(); // read and drop what it sends, so closing does not reset the answer away
        socket.write(unavailableAnswer(`more than ${cap} busy connections from ${address}; retry after Retry-After`));
        closeSoon(socket);
        return;
      }
    }
    sockets.add(socket);
    open.set(address, sockets);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && open.get(address) === sockets) open.delete(address);
    });
    for (const handler of handlers) handler.call(server, socket);
  });
}
