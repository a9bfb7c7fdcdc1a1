/**
 * `GET /.well-known/opendelivery`: public, cacheable for 60 s, readable from browsers (CORS).
 *
 * Absolute URLs in the manifest come from the configured public URL; without one, from the
 * request's Host header when it is a plain host name, and the answer varies by Host.
 */
import cors from '@fastify/cors';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { buildDiscoveryManifest, type DiscoveryOptions } from '../contract/discovery.js';

export interface DiscoveryRouteOptions extends Omit<DiscoveryOptions, 'endpoint' | 'origin' | 'rc2Endpoint'> {
  basePath: string;
  /** Base path of the rc.2 binding, when it is served. */
  rc2BasePath?: string;
  publicUrl?: string;
}

const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function originOf(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const host = request.headers.host;
  if (host && PLAIN_HOST.test(host)) return `${request.protocol}://${host}`;
  // A Host that is not a plain host name never reaches the manifest: use the socket's own address.
  const { localAddress, localPort } = request.socket;
  const address = localAddress?.includes(':') ? `[${localAddress}]` : (localAddress ?? '127.0.0.1');
  return `${request.protocol}://${address}:${localPort}`;
}

export const discoveryRoute: FastifyPluginAsync<DiscoveryRouteOptions> = async (app, options) => {
  await app.register(cors, { origin: '*', methods: ['GET', 'HEAD', 'OPTIONS'], strictPreflight: false });
  app.get('/.well-known/opendelivery', async (request, reply) => {
    const origin = originOf(request, options.publicUrl);
    const endpoint = options.basePath === '/' ? origin : `${origin}${options.basePath}`;
    return reply
      .header('cache-control', 'public, max-age=60')
      .header('vary', 'Host')
      .send(
        buildDiscoveryManifest({
          ...options,
          origin,
          endpoint,
          rc2Endpoint: options.rc2BasePath === undefined ? undefined : `${origin}${options.rc2BasePath}`,
        }),
      );
  });
};
