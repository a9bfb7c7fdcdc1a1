/**
 * A real odc server on a random loopback port, for black-box HTTP tests. Each suite starts
 * its own on a fresh store and stops it in `after`, leaving no server or file behind.
 */
import { after, before } from 'node:test';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import type { StoreFixture, StoreKind } from './stores.js';

export interface TestServer {
  url: string;
  store: Store;
  fixture: StoreFixture;
  /** Stops the server and closes the store (keeps the data), then starts again on it. */
  restart(): Promise<void>;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export type ServerOptions = Omit<AppOptions, 'store'>;

export async function startTestServer(kind: StoreKind, options: ServerOptions = {}): Promise<TestServer & { stop(): Promise<void> }> {
  const fixture = await kind.create();
  let store = fixture.open();
  let app = await buildApp({ ...options, store });
  let url = await app.listen({ host: '127.0.0.1', port: 0 });
  const server = {
    get url() {
      return url;
    },
    get store() {
      return store;
    },
    fixture,
    async restart() {
      await app.close();
      await store.close();
      store = fixture.open();
      app = await buildApp({ ...options, store });
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    },
    async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async stop() {
      await app.close();
      await store.close();
      await fixture.destroy();
    },
  };
  return server;
}

/** Registers before/after hooks for one server per suite and returns a handle to it. */
export function useServer(kind: StoreKind, options: ServerOptions = {}): TestServer {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  before(async () => {
    server = await startTestServer(kind, options);
  });
  after(async () => {
    await server?.stop();
  });
  const current = () => {
    if (!server) throw new Error('server not started');
    return server;
  };
  return {
    get url() {
      return current().url;
    },
    get store() {
      return current().store;
    },
    get fixture() {
      return current().fixture;
    },
    restart: () => current().restart(),
    request: (method, path, body, headers) => current().request(method, path, body, headers),
  };
}
