/**
 * Which categories of children in difficulty apply, per pack (CN 一: three kinds; FT 二(一): eight categories,
 * FT 二(二): left-behind children), and whether the child has multiple difficulty and gets priority (FT 三(一)4(2)).
 * Pure: the rules are the pack's data.
 */
import { matchingCriterion, type AssessmentFacts } from './criteria';
import type { Criterion, PolicyPack } from './schema';

export type { AssessmentFacts } from './criteria';

export interface CategoryMatch {
  code: string;
  clause: string;
  kind: 'difficulty' | 'left_behind';
  /** The criterion that matched, to show why. */
  because: Criterion;
}

export interface Classification {
  categories: CategoryMatch[];
  /** At least one difficulty category applies (FT 二(二): a left-behind child who also qualifies counts here). */
  inDifficulty: boolean;
  leftBehind: boolean;
  /** Handled as a child in difficulty rather than as a left-behind child only (FT 二(二)). */
  leftBehindHandledAsDifficulty: boolean;
  /** Difficulty categories at or above the pack's threshold: priority, comprehensive help (FT 三(一)4(2)). */
  multipleDifficulty: boolean;
}

export function classifyChild(pack: PolicyPack, assessment: AssessmentFacts): Classification {
  const categories: CategoryMatch[] = [];
  for (const rule of pack.categories) {
    const because = matchingCriterion(rule.when, assessment);
    if (because) categories.push({ code: rule.code, clause: rule.clause, kind: rule.kind, because });
  }
  const difficultyCount = categories.filter((c) => c.kind === 'difficulty').length;
  const leftBehind = categories.some((c) => c.kind === 'left_behind');
  const inDifficulty = difficultyCount > 0;
  return {
    categories,
    inDifficulty,
    leftBehind,
    leftBehindHandledAsDifficulty: leftBehind && inDifficulty && pack.leftBehindMeetingDifficultyIsDifficulty.value,
    multipleDifficulty: difficultyCount >= pack.multipleDifficulty.minCategories,
  };
}
