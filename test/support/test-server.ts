/**
 * A real odc server on a random loopback port, for black-box HTTP tests. Each suite starts
 * its own on a fresh store and stops it in `after`, leaving no server or file behind.
 */
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { createAuthService, type AuthOptions, type AuthService } from '../../src/auth/auth-service.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import type { StoreFixture, StoreKind } from './stores.js';

export interface TestServer {
  url: string;
  store: Store;
  /** The credentials service, when the server was started `withAuth`. */
  auth: AuthService | undefined;
  /** The instance key sealing private keys and signing secrets. */
  secretKey: Buffer;
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

export type ServerOptions = Omit<AppOptions, 'store' | 'auth'> & {
  /** Turns authentication on, with these options (the instance key is made per server). */
  withAuth?: Partial<AuthOptions>;
};

export async function startTestServer(kind: StoreKind, options: ServerOptions = {}): Promise<TestServer & { stop(): Promise<void> }> {
  const fixture = await kind.create();
  const secretKey = randomBytes(32);
  const { withAuth, ...appOptions } = options;
  let store = await fixture.open();
  const makeAuth = async () => (withAuth ? createAuthService(store, { keyFile: '', secretKey, ...withAuth }) : undefined);
  let auth = await makeAuth();
  let app = await buildApp({ ...appOptions, store, auth });
  let url = await app.listen({ host: '127.0.0.1', port: 0 });
  const server = {
    get url() {
      return url;
    },
    get store() {
      return store;
    },
    get auth() {
      return auth;
    },
    secretKey,
    fixture,
    async restart() {
      await app.close();
      await store.close();
      store = await fixture.open();
      auth = await makeAuth();
      app = await buildApp({ ...appOptions, store, auth });
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
    get auth() {
      return current().auth;
    },
    get secretKey() {
      return current().secretKey;
    },
    restart: () => current().restart(),
    request: (method, path, body, headers) => current().request(method, path, body, headers),
  };
}
