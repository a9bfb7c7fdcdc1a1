/**
 * odc's own rules for a loyalty program (docs/contract.md §15; accrual from orders is not wired yet). The committee's guide leaves
 * earn rates, tiers, expiry and eligibility to the host; odc keeps them per program, beside
 * the program document, with these defaults.
 */

export interface Tier {
  code: string;
  name: string;
  /** Points earned in total (every `earn`) from which the tier applies. */
  minPoints: number;
}

export interface ProgramRules {
  /** `explicit`: accounts are opened by enrolment only; `automatic`: also on a first completed order. */
  enrolment: 'explicit' | 'automatic';
  /** Points credited per whole currency unit of an order's total. */
  pointsPerCurrencyUnit: number;
  /** Points expire this many days after they were earned; null: never. */
  expiryDays: number | null;
  /** A coupon issued by a redemption is valid this many days; null: until used or cancelled. */
  couponValidityDays: number | null;
  tiers: Tier[];
}

export const DEFAULT_RULES: ProgramRules = {
  enrolment: 'explicit',
  pointsPerCurrencyUnit: 1,
  expiryDays: null,
  couponValidityDays: null,
  tiers: [],
};

/** The stored rules over the defaults: a rule never set keeps its default. */
export function parseRules(text: string | undefined): ProgramRules {
  if (!text) return { ...DEFAULT_RULES };
  return { ...DEFAULT_RULES, ...(JSON.parse(text) as Partial<ProgramRules>) };
}
