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
}

export const DEFAULT_RULES: ProgramRules = {
  enrolment: 'explicit',
  pointsPerCurrencyUnit: 1,
  couponValidityDays: null,
};

/** The stored rules over the defaults: a rule never set keeps its default. */
export function parseRules(text: string | undefined): ProgramRules {
  if (!text) return { ...DEFAULT_RULES };
  return { ...DEFAULT_RULES, ...(JSON.parse(text) as Partial<ProgramRules>) };
}
