/**
 * Tiers (docs/contract.md §15.10): an account holds the highest tier whose `minPoints` its
 * qualifying points reach, none below the lowest. Qualifying points are lifetime points: the
 * sum of its `earn` and `adjust` entries (an order cancellation's reversal is an `adjust` and
 * lowers them; an operator's correction too), never lowered by redemption or expiry.
 */
import { ContractError } from '../../contract/errors.js';
import type { EntryType } from '../../store/ledger-engine.js';
import type { Tier } from './program-rules.js';

/** The entry types whose amounts make up qualifying points. */
export const QUALIFYING_TYPES: readonly EntryType[] = ['earn', 'adjust'];

/** The tier an account with `qualifying` points holds, or null. */
export function tierFor(qualifying: number, tiers: readonly Tier[] | null): string | null {
  let best: Tier | undefined;
  for (const tier of tiers ?? []) if (tier.minPoints <= qualifying && (best === undefined || tier.minPoints > best.minPoints)) best = tier;
  return best?.name ?? null;
}

/** Tier names and thresholds are distinct, or the tier an account holds would be ambiguous. */
export function checkTiers(tiers: readonly Tier[] | null | undefined): void {
  if (!tiers) return;
  const problems: string[] = [];
  const names = new Set<string>();
  const thresholds = new Set<number>();
  tiers.forEach((tier, i) => {
    if (names.has(tier.name)) problems.push(`/tiers/${i}/name: repeats another tier's name`);
    if (thresholds.has(tier.minPoints)) problems.push(`/tiers/${i}/minPoints: repeats another tier's threshold`);
    names.add(tier.name);
    thresholds.add(tier.minPoints);
  });
  if (problems.length > 0) throw new ContractError('VALIDATION_ERROR', 'invalid tiers; nothing was written', problems);
}
