/**
 * How often a child on the ledger is visited (FT 三(一)1 "定期走访困境儿童和留守儿童", 三(二)2 "定期探访"; the Changning
 * pack borrows them): the shortest of the intervals that apply to the child — its risk level's (or the pack's
 * interval for a child not graded yet), the left-behind interval, each of its categories' own intervals, and the
 * multiple-difficulty interval (FT 三(一)4(2) "重点关注": multiple difficulty is visited more often; issue #17 item 7).
 * Every number is the pack's, each marked as an interpretation where the seeds give none. Pure: workflows use it.
 */
import { addDuration } from './duration';
import { listPolicyPacks, loadPolicyPack } from './index';
import type { Deadline, PolicyPack } from './schema';

export interface LedgerVisitProfile {
  riskLevel: 'unassessed' | 'low' | 'medium' | 'high';
  leftBehind: boolean;
  categories: readonly string[];
  multipleDifficulty: boolean;
}

/** Why an interval applies, for the child's ledger page and the audit. */
export type VisitIntervalBasis = 'risk' | 'unassessed' | 'left_behind' | 'category' | 'multiple_difficulty';

export interface LedgerVisitRule {
  rule: Deadline;
  basis: VisitIntervalBasis;
  /** The category code when the basis is a category. */
  category?: string;
}

/** Every visit interval of the pack (risk levels, left-behind, not graded, multiple difficulty, per category). */
export function allVisitIntervals(pack: PolicyPack): Deadline[] {
  const { categories, ...rules } = pack.visitIntervals;
  return [...Object.values(rules).filter((r): r is Deadline => r !== undefined), ...Object.values(categories ?? {})];
}

export function ledgerVisitRule(pack: PolicyPack, child: LedgerVisitProfile): LedgerVisitRule {
  const v = pack.visitIntervals;
  const candidates: LedgerVisitRule[] = [
    child.riskLevel === 'unassessed'
      ? { rule: v.unassessed ?? v.medium, basis: 'unassessed' }
      : { rule: v[child.riskLevel], basis: 'risk' },
  ];
  if (child.leftBehind) candidates.push({ rule: v.leftBehind, basis: 'left_behind' });
  for (const code of child.categories) {
    const rule = v.categories?.[code];
    if (rule) candidates.push({ rule, basis: 'category', category: code });
  }
  if (child.multipleDifficulty && v.multipleDifficulty)
    candidates.push({ rule: v.multipleDifficulty, basis: 'multiple_difficulty' });
  // Calendar durations (P1M) compare by where they land from one fixed instant; the first of equals wins.
  const probe = new Date(0);
  const length = (c: LedgerVisitRule) => addDuration(probe, c.rule.duration).getTime();
  return candidates.reduce((best, c) => (length(c) < length(best) ? c : best));
}

/** The newest bundled pack of a district (a ledger child is monitored under its district's current rules). */
export function newestPackOfDistrict(districtCode: string): { id: string; version: string } | undefined {
  const ids = [
    ...new Set(
      listPolicyPacks()
        .filter((p) => p.district.code === districtCode)
        .map((p) => p.id),
    ),
  ];
  if (ids.length === 0) return undefined;
  const pack = loadPolicyPack(ids.sort()[0]);
  return { id: pack.id, version: pack.version };
}
