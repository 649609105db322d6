/**
 * Deadline and clock helpers: pure calendar arithmetic over the pack's ISO durations (policies/duration.ts), so
 * workflows may use them. Workflow time (`Date.now()` inside a workflow) is deterministic.
 */
import { addDuration } from '../policies/duration';
import type { Deadline, PolicyPack } from '../policies/schema';
import type { Clock, RiskLevel } from './definitions';

export function deadlineFrom(start: Date | string, rule: Deadline): Date {
  return addDuration(new Date(start), rule.duration);
}

export function clockFor(id: string, start: Date | string, rule: Deadline): Clock {
  return {
    id,
    label: rule.label.en,
    clause: rule.clause,
    startedAt: new Date(start).toISOString(),
    firesAt: deadlineFrom(start, rule).toISOString(),
  };
}

/** Milliseconds from workflow-now until `at` (0 if already past). */
export function msUntil(at: Date | string): number {
  return Math.max(0, new Date(at).getTime() - Date.now());
}

export function nowIso(): string {
  return new Date(Date.now()).toISOString();
}

/** CN 四(一): reported later than the pack's "first moment" allows after discovery. */
export function isLateReport(pack: PolicyPack, discoveredAt: string, reportedAt: string): boolean {
  return new Date(reportedAt).getTime() > deadlineFrom(discoveredAt, pack.deadlines.report).getTime();
}

/**
 * The visit interval for a child on the ledger (FT 三(一)1, 三(二)2, borrowed by the Changning pack): the risk
 * level's interval, or the left-behind interval when that is shorter (a left-behind child is visited at least that
 * often).
 */
export function visitRule(pack: PolicyPack, risk: RiskLevel, leftBehind: boolean): Deadline {
  const byRisk = pack.visitIntervals[risk];
  if (!leftBehind) return byRisk;
  const probe = new Date(0);
  const leftBehindRule = pack.visitIntervals.leftBehind;
  return deadlineFrom(probe, leftBehindRule) < deadlineFrom(probe, byRisk) ? leftBehindRule : byRisk;
}

export function earliest(instants: (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const at of instants) if (at && (!best || new Date(at) < new Date(best))) best = at;
  return best;
}
