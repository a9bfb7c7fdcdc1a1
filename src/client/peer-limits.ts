/**
 * Limits a peer declares in its discovery document (`maxBatchSize`, `requestsPerSecond`,
 * page sizes), held to sane bounds before odc plans by them. A peer is untrusted: a declared
 * batch size of 10^9 once broke push's memory bound, and a rate of 10^-6 requests/s hung the
 * conformance kit. A value outside the bounds is clamped to the nearest bound; one that is not
 * a finite positive number counts as undeclared.
 */

export const peerLimitBounds = {
  /** Items per batch POST. */
  batchSize: { min: 1, max: 1000 },
  /** Requests per second the peer asks its counterparts to keep under. */
  requestsPerSecond: { min: 0.1, max: 10_000 },
  /** Items per list page (the contract's pageSize is 1..500). */
  pageSize: { min: 1, max: 500 },
  /** Body of one request, in KiB (16 MiB at most). */
  payloadKb: { min: 1, max: 16 * 1024 },
} as const;

export type PeerLimit = keyof typeof peerLimitBounds;

/** The declared value held within its bounds (whole numbers for counts), or undefined when not declared usably. */
export function clampPeerLimit(limit: PeerLimit, declared: unknown): number | undefined {
  const value = typeof declared === 'string' && declared.trim() !== '' ? Number(declared) : declared;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  const { min, max } = peerLimitBounds[limit];
  const clamped = Math.min(max, Math.max(min, value));
  return limit === 'requestsPerSecond' ? clamped : Math.max(min, Math.floor(clamped));
}
