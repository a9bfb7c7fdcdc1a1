/**
 * Runs the application on a socket: listen, print the URL, and shut down gracefully.
 *
 * On SIGTERM or SIGINT the server finishes the requests in flight and refuses the rest: a
 * request that arrives while it closes gets a 503 UNAVAILABLE with `Retry-After` and
 * `Connection: close` (a client then retries, on another instance behind a balancer), kept-alive
 * connections are closed as soon as they are idle, and the store closes last. The whole
 * shutdown is bounded: when the grace period runs out, or on a second signal, the process
 * exits at once. Socket-level limits against slow and abusive clients: connection-limits.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { buildApp, type AppOptions } from './app.js';
import { applyConnectionLimits, DEFAULT_CONNECTION_LIMITS, RETRY_AFTER_SECONDS, type ConnectionLimits } from './connection-limits.js';

export interface ServerOptions extends AppOptions {
  host?: string;
  port?: number;
  /** Longest wait for in-flight requests on shutdown, in ms (default 10 s). */
  shutdownGraceMs?: number;
  /** Timeouts, header size and connection cap; each defaults to DEFAULT_CONNECTION_LIMITS. */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Background work to stop before the server closes (webhook delivery, pull sources). */
  onShutdown?: Array<() => Promise<void>>;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Longest wait for in-flight requests on shutdown, in ms. */
  shutdownGraceMs: number;
  /** True from the moment close() is called. */
  readonly closing: boolean;
  close(): Promise<void>;
}

import { DEFAULT_SHUTDOWN_GRACE_MS } from './server-defaults.js';

/** How often idle kept-alive connections are closed while the server drains. */
const IDLE_SWEEP_MS = 100;

/**
 * Puts a gate in front of Fastify's request handler: once `isClosing()`, every new request is
 * answered 503 with `Retry-After` (Fastify's own closing answer has none), and answers still in
 * progress ask the client to close the connection.
 */
function gateRequests(server: Server, isClosing: () => boolean, inFlight: Set<ServerResponse>): void {
  const handlers = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (isClosing()) {
      const body = JSON.stringify({ code: 'UNAVAILABLE', message: 'the server is shutting down; retry after Retry-After', details: [] });
      response.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'retry-after': String(RETRY_AFTER_SECONDS),
        connection: 'close',
      });
      response.end(body);
      return;
    }
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    for (const handler of handlers) handler.call(server, request, response);
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits };
  // One request timeout: the socket enforces it, the app names it in its 408 answer.
  const app = await buildApp({ ...options, requestTimeoutMs: limits.requestTimeoutMs });
  app.addHook('onClose', async () => {
    await options.store.close();
  });
  applyConnectionLimits(app.server, limits);
  let closingSince: number | undefined;
  const inFlight = new Set<ServerResponse>();
  gateRequests(app.server, () => closingSince !== undefined, inFlight);
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  let closing: Promise<void> | undefined;
  return {
    app,
    url: address,
    shutdownGraceMs: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    get closing() {
      return closingSince !== undefined;
    },
    close: () =>
      (closing ??= (async () => {
        closingSince = Date.now();
        for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
        // server.close() closes the connections idle at that moment only; these become idle later.
        const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
        sweep.unref();
        try {
          for (const stop of options.onShutdown ?? []) await stop().catch(() => undefined);
          await app.close();
        } finally {
          clearInterval(sweep);
        }
      })()),
  };
}

/**
 * Wires SIGTERM/SIGINT to a graceful close, bounded by the grace period. `log` receives the
 * error itself when there is one, so a pino logger can keep its stack and cause
 * (`(message, err) => log.error({ err }, message)`).
 */
export function closeOnSignals(server: RunningServer, graceMs = server.shutdownGraceMs, log: (message: string, err?: unknown) => void = () => {}): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    signalled = true;
    log(`${signal}: finishing in-flight requests, then exiting`);
    const timer = setTimeout(() => {
      log(`in-flight requests did not finish within ${graceMs} ms: exiting`);
      process.exit(1);
    }, graceMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log('error while closing', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
