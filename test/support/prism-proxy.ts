/**
 * Stoplight Prism as a validating proxy in front of a server: every request and response that
 * passes through is checked against an OpenAPI document, and each mismatch is logged as a
 * "Violation" line, which this helper collects. Started on a free loopback port, stopped
 * (and awaited) by the caller.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface PrismViolation {
  /** `request` or `response`. */
  side: string;
  /** Prism's path of the offending value, e.g. `response.body.ratings.0.value`. */
  path: string;
  message: string;
}

export interface PrismProxy {
  url: string;
  /** Violations logged so far, after all traffic sent before the call has been logged. */
  violations(): Promise<PrismViolation[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const VIOLATION = /Violation: (request|response)\.(\S+) (.*)$/;

export async function startPrismProxy(document: string, upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const bin = join(import.meta.dirname, '../../node_modules/.bin/prism');
  const child = spawn(bin, ['proxy', '-h', '127.0.0.1', '-p', String(port), document, upstream], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiters])
      if (w.test()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = once(child, 'exit');
  const until = (test: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (test()) return resolve();
      waiters.push({ test, resolve });
      exited.then(() => reject(new Error(`prism exited:\n${output.slice(-2000)}`)));
    });
  await until(() => /Prism is listening/.test(output));
  const url = `http://127.0.0.1:${port}`;
  let marker = 0;
  return {
    url,
    async violations() {
      // Prism logs in order: once a marker request is logged, everything before it is too.
      marker += 1;
      const path = `/leads?pageSize=1&prismMarker=${marker}`;
      await fetch(url + path).then((res) => res.arrayBuffer());
      const seen = () => output.includes(`prismMarker=${marker}`) && output.lastIndexOf('Received forward response') > output.indexOf(`prismMarker=${marker}`);
      await until(seen);
      return output
        .split('\n')
        .map((line) => VIOLATION.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ side: m[1], path: m[2], message: m[3] }));
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
