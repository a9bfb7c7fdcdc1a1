/**
 * A hostile peer on loopback: an origin, token endpoint, subscriber or conformance target that
 * answers whatever a test scripts, including bodies of gigabytes generated on the fly (never
 * held in memory: produced only as fast as the reader takes them, and stopped when it hangs
 * up) and gzip bombs (a stream of zeros compressed as it is sent). It records every request,
 * so a test can show that a secret or token never reached it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface SeenRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => unknown;

export interface HostilePeer {
  /** http://127.0.0.1:port */
  url: string;
  requests: SeenRequest[];
  /** Bytes of huge bodies generated for readers (before compression; see sendHuge's `peer`). */
  hugeBytesSent: number;
  /** Replaces the handler (the default answers 404). */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export const GB = 1024 * 1024 * 1024;

/** Starts a peer on a free loopback port. */
export async function hostilePeer(handler?: Handler): Promise<HostilePeer> {
  let current: Handler = handler ?? ((_req, res) => void res.writeHead(404).end());
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const peer = { url: '', requests, hugeBytesSent: 0 } as HostilePeer;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
      Promise.resolve(current(req, res, body)).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.handle = (next) => {
    current = next;
  };
  peer.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return peer;
}

export interface HugeBody {
  /** Bytes of (uncompressed) body to offer in all (default 2 GiB). */
  bytes?: number;
  /** Compress on the fly: a gzip bomb (a few MB on the wire, gigabytes decoded). */
  gzip?: boolean;
  status?: number;
  headers?: Record<string, string>;
  /** `[` first, then records forever: looks like the start of a valid list page. */
  jsonArray?: boolean;
  /** The peer whose `hugeBytesSent` counts what is written. */
  peer?: HostilePeer;
}

/** Answers with a body of `bytes` generated as it is read; stops when the reader hangs up. */
export async function sendHuge(res: ServerResponse, options: HugeBody = {}): Promise<void> {
  const total = options.bytes ?? 2 * GB;
  const peer = options.peer;
  const record = Buffer.from(`{"identifier":{"type":"custom","value":"${'x'.repeat(1000)}"}},`);
  const chunk = Buffer.concat(Array.from({ length: 64 }, () => record));
  let sent = 0;
  const source = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const piece = sent === 0 && options.jsonArray !== false ? Buffer.concat([Buffer.from('['), chunk]) : chunk;
      sent += piece.length;
      if (peer) peer.hugeBytesSent += piece.length;
      this.push(piece);
    },
  });
  res.writeHead(options.status ?? 200, {
    'content-type': 'application/json',
    ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    ...options.headers,
  });
  await (options.gzip ? pipeline(source, createGzip({ level: 1 }), res) : pipeline(source, res)).catch(() => undefined);
}

/** Samples the resident set size of a process (Linux /proc) until stopped; reports the peak in bytes. */
export function sampleRss(pid: number, everyMs = 25): { stop(): number; peak(): number } {
  let peak = 0;
  const read = async () => {
    try {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      // The process has exited.
    }
  };
  const timer = setInterval(() => void read(), everyMs);
  void read();
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
    peak: () => peak,
  };
}
