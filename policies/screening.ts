/**
 * The school screening standard over a row (FT 三(二)1): which indicators are marked, the score they add up to, and
 * what follows from it: at or over the report threshold a mandatory report with its concerns (FT 三(二)4, CN 四(一)),
 * otherwise the ledger with a risk band. Pure: the API and the import's activities read the same answer.
 */
import type { ScreeningRule } from './schema';

export type ScreeningRisk = 'low' | 'medium' | 'high';

export interface ScreeningScore {
  score: number;
  /** The indicator codes marked on the row, in the pack's order. */
  marked: string[];
  /** At or over the report threshold: the row becomes a report. */
  reports: boolean;
  /** The concerns its report names (only when `reports`). */
  concerns: string[];
  /** The ledger's risk for the row. */
  risk: ScreeningRisk;
  /** The pack categories the marked indicators point to, once each. */
  categories: string[];
}

export function scoreScreening(rule: ScreeningRule, marked: ReadonlySet<string>): ScreeningScore {
  const indicators = rule.indicators.filter((i) => marked.has(i.code));
  const score = indicators.reduce((sum, i) => sum + i.weight, 0);
  const reports = score >= rule.reportThreshold.score;
  const named = [...new Set(indicators.flatMap((i) => (i.concern ? [i.concern] : [])))];
  const concerns = reports ? (named.length ? named : [rule.reportThreshold.defaultConcern]) : [];
  const band = [...rule.riskBands].sort((a, b) => b.minScore - a.minScore).find((b) => score >= b.minScore);
  return {
    score,
    marked: indicators.map((i) => i.code),
    reports,
    concerns,
    risk: reports ? 'high' : (band?.level ?? 'low'),
    categories: [...new Set(indicators.flatMap((i) => (i.category ? [i.category] : [])))],
  };
}
