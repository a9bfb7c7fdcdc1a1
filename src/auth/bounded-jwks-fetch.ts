/**
 * The fetch jose uses for an external identity provider's JWKS: through odc's outbound request
 * module, so the document is read within a 1 MiB cap and a timeout, a redirect is never
 * followed, and odc says who it is (User-Agent). jose itself would read the body whole.
 */
import { customFetch, type FetchImplementation } from 'jose';
import { outboundRequest, responseCaps } from '../client/outbound-request.js';

export const boundedJwksFetch: FetchImplementation = async (url, options) => {
  // odc's User-Agent, not jose's.
  const { 'user-agent': _jose, ...headers } = Object.fromEntries(options.headers);
  const answer = await outboundRequest(url, {
    method: options.method,
    headers,
    signal: options.signal,
    redirects: 'none',
    maxBytes: responseCaps.document,
    timeoutMs: 10_000,
  });
  // jose reads status, headers and json() of a Response: rebuild one from the bytes read.
  return new Response(answer.status === 204 || answer.status === 304 ? null : new Uint8Array(answer.bytes), {
    status: answer.status,
    headers: answer.headers,
  });
};

/** The createRemoteJWKSet options that make it use the bounded fetch. */
export const boundedJwksOptions = { [customFetch]: boundedJwksFetch };
