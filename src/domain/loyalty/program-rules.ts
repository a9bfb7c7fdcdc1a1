/**
 * odc's own rules for a loyalty program (docs/contract.md §15.7). The committee's guide leaves
 * earn rates, tiers, expiry and eligibility to the host; odc keeps them per program, beside
 * the program document, with these defaults.
 */

export interface ProgramRules {
  /** `explicit`: accounts are opened by enrolment only; `automatic`: also on a first completed order. */
  enrolment: 'explicit' | 'automatic';
  /** Points credited per whole currency unit of an order's total. */
  pointsPerCurrencyUnit: number;
  /** A coupon issued by a redemption is valid this many days; null: until used or cancelled. */
  couponValidityDays: number | null;
  /** Points credited expire this many days after their credit, as far as not yet spent (FIFO, docs/contract.md §15.9); null: never. */
  pointsExpireAfterDays: number | null;
  /** Tiers by lifetime qualifying points (docs/contract.md §15.10); null: no tiers. */
  tiers: Tier[] | null;
}

export interface Tier {
  name: string;
  /** The qualifying points from which an account holds this tier. */
  minPoints: number;
}

export const DEFAULT_RULES: ProgramRules = {
  enrolment: 'explicit',
  pointsPerCurrencyUnit: 1,
  couponValidityDays: null,
  pointsExpireAfterDays: null,
  tiers: null,
};

/** The stored rules over the defaults: a rule never set keeps its default. */
export function parseRules(text: string | undefined): ProgramRules {
  if (!text) return { ...DEFAULT_RULES };
  return { ...DEFAULT_RULES, ...(JSON.parse(text) as Partial<ProgramRules>) };
}
