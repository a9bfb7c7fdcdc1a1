/**
 * Runs the application on a socket: listen, print the URL, and shut down gracefully.
 *
 * On SIGTERM or SIGINT the server stops accepting connections, lets in-flight requests
 * finish (new requests on kept-alive connections get 503), closes the store, and exits. A
 * second signal, or the grace period running out, exits at once.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';

export interface ServerOptions extends AppOptions {
  host?: string;
  port?: number;
  /** Longest wait for in-flight requests on shutdown, in ms (default 10 s). */
  shutdownGraceMs?: number;
  /** Background work to stop before the server closes (webhook delivery, pull sources). */
  onShutdown?: Array<() => Promise<void>>;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = await buildApp(options);
  app.addHook('onClose', async () => {
    await options.store.close();
  });
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  let closing: Promise<void> | undefined;
  return {
    app,
    url: address,
    close: () =>
      (closing ??= (async () => {
        for (const stop of options.onShutdown ?? []) await stop().catch(() => undefined);
        await app.close();
      })()),
  };
}

/** Wires SIGTERM/SIGINT to a graceful close, bounded by the grace period. */
export function closeOnSignals(server: RunningServer, graceMs = 10_000, log: (message: string) => void = () => {}): void {
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
        log(`error while closing: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
