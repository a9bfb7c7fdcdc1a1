/**
 * One HTTP request on its own socket through `node:http`, for the tests that need control over
 * the bytes on the wire, which `fetch` does not give: no content type at all, a raw
 * Content-Length, a chunked body sent piece by piece with backpressure. The answer comes back
 * in the same shape as TestServer.request, so the same assertions apply to both.
 */
import http from 'node:http';
import type { TestResponse } from './test-server.js';

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent at once; with a Content-Length unless the headers say otherwise. */
  body?: string | Buffer;
  /** Sent one by one with Transfer-Encoding: chunked, honouring backpressure. */
  chunks?: Buffer[];
}

/**
 * One request on its own socket with exactly the given headers and bytes. Resolves with the
 * answer once it is fully read; rejects only when the connection fails before an answer
 * arrives, which is what an ordinary client would report as "connection reset".
 */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<TestResponse> {
  const url = new URL(options.path, baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    let settled = false;
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('error', (error) => finish(error));
        res.on('aborted', () => finish(new Error('the answer was cut off')));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (Array.isArray(value)) for (const v of value) headers.append(name, v);
            else if (value !== undefined) headers.set(name, value);
          }
          finish(undefined, { status: res.statusCode ?? 0, headers, text, json });
        });
      },
    );
    function finish(error: Error | undefined, response?: TestResponse) {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(response as TestResponse);
      req.destroy();
    }
    req.on('error', (error) => {
      if (!answered) finish(new Error(`the connection failed before any answer: ${error.message}`));
    });
    if (options.chunks) {
      const chunks = options.chunks;
      void (async () => {
        for (const chunk of chunks) {
          if (settled || req.destroyed) return;
          if (!req.write(chunk)) {
            await new Promise<void>((done) => {
              const stop = () => {
                req.off('drain', stop);
                req.off('close', stop);
                done();
              };
              req.on('drain', stop);
              req.on('close', stop);
            });
          }
        }
        if (!settled && !req.destroyed) req.end();
      })();
    } else {
      req.end(options.body);
    }
  });
}
