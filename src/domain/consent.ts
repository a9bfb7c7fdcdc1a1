/**
 * Consent kept on a customer from opt-in/opt-out events (docs/contract.md §5), as a TOTAL
 * order so the state does not depend on arrival order, on whether an event came before its
 * customer, or on the store: the later `occurredAt` wins; on equal time opt-out beats opt-in;
 * on equal time and status the greater event key (compared by UTF-16 code units) wins. The
 * state is the maximum over every consent event of the customer.
 */
import { OPT_IN_EVENT, OPT_OUT_EVENT } from '../contract/identity.js';

export interface ConsentState {
  status: 'opted_in' | 'opted_out';
  occurredAt: string;
  eventId: string;
}

export const CONSENT_EVENT_TYPES = [OPT_IN_EVENT, OPT_OUT_EVENT];

/** An RFC 3339 time to epoch microseconds (Date.parse stops at milliseconds). */
export function instantMicros(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return Number.NEGATIVE_INFINITY;
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  return ms * 1000 + Number(`${fraction}000000`.slice(3, 6));
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in the total order. */
export function compareConsent(a: ConsentState, b: ConsentState): number {
  const ta = instantMicros(a.occurredAt);
  const tb = instantMicros(b.occurredAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.status !== b.status) return a.status === 'opted_out' ? 1 : -1;
  if (a.eventId === b.eventId) return 0;
  return a.eventId < b.eventId ? -1 : 1;
}

export function consentSupersedes(current: ConsentState | null | undefined, candidate: ConsentState): boolean {
  return !current || compareConsent(candidate, current) > 0;
}

/** The consent state an event sets, or undefined when it is not a consent event. */
export function consentFromEvent(normalizedType: string, occurredAt: string, eventId: string): ConsentState | undefined {
  if (normalizedType !== OPT_OUT_EVENT && normalizedType !== OPT_IN_EVENT) return undefined;
  return { status: normalizedType === OPT_OUT_EVENT ? 'opted_out' : 'opted_in', occurredAt, eventId };
}

/** The maximum of several consent states in the total order. */
export function latestConsent(candidates: ConsentState[]): ConsentState | undefined {
  let state: ConsentState | undefined;
  for (const candidate of candidates) if (consentSupersedes(state, candidate)) state = candidate;
  return state;
}
