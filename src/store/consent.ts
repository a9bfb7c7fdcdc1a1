/**
 * Consent state kept on a customer from opt-in/opt-out events (docs/contract.md §5): the
 * event with the latest `occurredAt` wins, and on a tie opt-out wins.
 */
import { OPT_IN_EVENT, OPT_OUT_EVENT } from '../contract/identity.js';

export interface ConsentState {
  status: 'opted_in' | 'opted_out';
  occurredAt: string;
  eventId: string;
}

export function consentSupersedes(current: ConsentState | null | undefined, candidate: ConsentState): boolean {
  if (!current) return true;
  const a = Date.parse(current.occurredAt);
  const b = Date.parse(candidate.occurredAt);
  if (b !== a) return b > a;
  return candidate.status === 'opted_out' && current.status !== 'opted_out';
}

/** The consent state an event sets, or undefined when it is not a consent event. */
export function consentFromEvent(normalizedType: string, occurredAt: string, eventId: string): ConsentState | undefined {
  if (normalizedType !== OPT_OUT_EVENT && normalizedType !== OPT_IN_EVENT) return undefined;
  return { status: normalizedType === OPT_OUT_EVENT ? 'opted_out' : 'opted_in', occurredAt, eventId };
}

/** The winning state among several consent events. */
export function latestConsent(candidates: ConsentState[]): ConsentState | undefined {
  let state: ConsentState | undefined;
  for (const candidate of candidates) if (consentSupersedes(state, candidate)) state = candidate;
  return state;
}
