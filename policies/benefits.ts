/**
 * Which benefits a child gets (CN 三(一), 三(二), 三(五); FT 三(一)1). Eligibility is the pack's criteria over the
 * assessment facts; then each exclusive group (FT 择高) keeps only its most valuable option. Benefits outside a group
 * stack, so a child on 低保 also keeps the child living guarantee (FT 三(一)1). Pure.
 */
import { matchingCriterion, type AssessmentFacts } from './criteria';
import type { PolicyPack } from './schema';

export interface BenefitDecision {
  code: string;
  clause: string;
}

export interface ExcludedBenefit extends BenefitDecision {
  /** The exclusive group that dropped it and the benefit kept instead. */
  group: string;
  groupClause: string;
  keptInstead: string[];
  /**
   * Why (FT 三(一)1 择高): the kept option pays more (`higher_amount`, with both monthly amounts and whether they were
   * recorded at assessment or are the pack's standard amounts), or, without amounts (a 1.0.0 pack), the pack's order.
   */
  basis: 'higher_amount' | 'pack_order';
  monthlyYuan?: number;
  keptMonthlyYuan?: number;
  amountSource?: 'recorded' | 'standard' | 'recorded_and_standard';
}

export interface BenefitResult {
  granted: BenefitDecision[];
  /** Eligible, but another option of an exclusive group was worth more. */
  excluded: ExcludedBenefit[];
}

/**
 * Monthly amounts (yuan) per benefit code actually paid to this child, as the assessment records them. From pack
 * 1.1.0 each benefit of an exclusive group carries a standard amount, used where no actual amount is recorded, so
 * 择高 compares amounts ("择高": the highest one, FT 三(一)1). Only where an option has neither (a 1.0.0 pack) does
 * the group fall back to the pack's order.
 */
export type BenefitAmounts = Readonly<Partial<Record<string, number>>>;

export function decideBenefits(
  pack: PolicyPack,
  assessment: AssessmentFacts,
  amounts: BenefitAmounts = {},
): BenefitResult {
  const standard: BenefitAmounts = Object.fromEntries(
    pack.benefits.flatMap((b) => (b.standardAmount ? [[b.code, b.standardAmount.monthlyYuan] as const] : [])),
  );
  const recorded = amounts;
  amounts = { ...standard, ...recorded };
  const eligible = new Map<string, BenefitDecision>();
  for (const rule of pack.benefits) {
    if (matchingCriterion(rule.when, assessment)) eligible.set(rule.code, { code: rule.code, clause: rule.clause });
  }

  const excluded: ExcludedBenefit[] = [];
  for (const group of pack.exclusiveBenefitGroups) {
    const candidates = group.options
      .map((option) => option.filter((code) => eligible.has(code)))
      .filter((option) => option.length > 0);
    if (candidates.length < 2) continue;
    const priced = candidates.every((option) => option.every((code) => amounts[code] !== undefined));
    const value = (option: string[]) => option.reduce((sum, code) => sum + (amounts[code] ?? 0), 0);
    // Without amounts the pack's order decides: candidates keep the order of group.options.
    const kept = priced
      ? candidates.reduce((best, option) => (value(option) > value(best) ? option : best))
      : candidates[0];
    const compared = [...candidates.flat()];
    const sources = new Set(compared.map((code) => (recorded[code] !== undefined ? 'recorded' : 'standard')));
    const amountSource = sources.size > 1 ? 'recorded_and_standard' : sources.has('recorded') ? 'recorded' : 'standard';
    for (const option of candidates) {
      if (option === kept) continue;
      const reason = priced
        ? {
            basis: 'higher_amount' as const,
            monthlyYuan: value(option),
            keptMonthlyYuan: value(kept),
            amountSource: amountSource as ExcludedBenefit['amountSource'],
          }
        : { basis: 'pack_order' as const };
      for (const code of option) {
        const decision = eligible.get(code);
        if (!decision) continue;
        excluded.push({ ...decision, group: group.code, groupClause: group.clause, keptInstead: [...kept], ...reason });
        eligible.delete(code);
      }
    }
  }
  return { granted: [...eligible.values()], excluded };
}
