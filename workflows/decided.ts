/** What the pack's rules decided about the child, as the case projects it (pure; shared with the API's live view). */
import type { CaseProjectionFields } from '../activities';
import type { CaseState } from './definitions';

/**
 * The risk as far as it was assessed ('unassessed' until the social-work grading or a raise: the initial 'low' is only
 * provisional), and what the pack's rules decided over the joint assessment's facts (CN 三, FT 二, 三(一)1).
 */
export function decidedOf(state: CaseState): CaseProjectionFields['decided'] {
  const { classification, benefits, grading } = state.assessment;
  const assessed = grading !== undefined || state.riskChanges.length > 0;
  if (!assessed && !classification) return undefined;
  return {
    risk: assessed ? state.risk : 'unassessed',
    ...(classification
      ? {
          classification: {
            categories: classification.categories.map(({ code, clause, kind }) => ({ code, clause, kind })),
            inDifficulty: classification.inDifficulty,
            leftBehind: classification.leftBehind,
            leftBehindHandledAsDifficulty: classification.leftBehindHandledAsDifficulty,
            multipleDifficulty: classification.multipleDifficulty,
          },
        }
      : {}),
    ...(benefits ? { benefits } : {}),
  };
}
