/**
 * Run-scoped payloads: every record the kit writes carries the run id in its keys
 * (`conformance-<runid>-...`), so runs against a shared target never collide and whatever is
 * left behind can be found. Shapes follow the seed's examples.
 */

export type Json = Record<string, unknown>;

export class Payloads {
  constructor(readonly runId: string) {}

  /** A run-scoped key: `conformance-<runid>-<name>`. */
  key(name: string): string {
    return `conformance-${this.runId}-${name}`;
  }

  /**
   * A customer reachable by `GET /customers/{key}` whichever way the target resolves ids:
   * its own `id` and an `external_id` identifier carry the same value (binding example:
   * `GET /customers/cust-001` answers the customer whose external_id is `cust-001`).
   */
  customer(name: string, extra: Json = {}): Json {
    const key = this.key(name);
    return {
      id: key,
      identifier: { type: 'external_id', value: key },
      name: 'Conformance Customer',
      externalIds: [{ source: 'odc-conformance', sourceName: 'odc conformance kit', key: name, value: this.key('run') }],
      ...extra,
    };
  }

  lead(name: string, extra: Json = {}): Json {
    return { id: this.key(name), name: 'Conformance Lead', contact: `${this.key(name)}@example.com`, ...extra };
  }

  order(name: string, customerId: string, extra: Json = {}): Json {
    return { id: this.key(name), status: 'CONFIRMED', customer: { id: customerId }, ...extra };
  }

  review(name: string, customerId: string, extra: Json = {}): Json {
    return {
      reviewId: this.key(name),
      reviewType: 'ORDER',
      overallRating: { ratingStyle: 'STAR', value: 4, comment: 'conformance run' },
      subject: { orderId: this.key('order') },
      customer: { customerId },
      reviewDate: '2026-06-01T12:00:00Z',
      ...extra,
    };
  }

  event(name: string, customerId: string, extra: Json = {}): Json {
    return {
      eventId: this.key(name),
      eventType: 'ORDER_COMPLETED',
      occurredAt: '2026-06-01T12:30:00Z',
      customerId,
      data: { orderId: this.key('order'), totalAmount: 7990, currency: 'BRL' },
      ...extra,
    };
  }
}

/** A copy of `value` without the property at `path` (dotted), for "X is required" checks. */
export function without(value: Json, path: string): Json {
  const copy = structuredClone(value);
  const parts = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  delete node[parts[parts.length - 1]];
  return copy;
}

/** A copy of `value` with `path` (dotted) set to `replacement`. */
export function withValue(value: Json, path: string, replacement: unknown): Json {
  const copy = structuredClone(value);
  const parts = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]] = replacement;
  return copy;
}
