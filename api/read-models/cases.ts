/** The case list over the projection: the caller's scope ANDed with the filters, and each case's overdue task count. */
import { CASE_LIST_COUNT_CAP } from '../../contracts/cases';
import { CaseModel, type CaseRecord } from '../../models/case';
import { TaskModel, type TaskRecord } from '../../models/task';
import { CASE_SCOPE_FIELDS } from '../../models/case-repository';
import { scopeFilter, type Scope } from '../auth/scope';
import { apiTaskStatus, isOverdue, overdueTaskFilter } from './tasks';

export { CASE_SCOPE_FIELDS };

export interface CaseFilters {
  stage?: string;
  districtCode?: string;
  streetCode?: string;
  category?: string;
  risk?: string;
  /** A case number or part of it (长宁-2026-000123, 000123). */
  number?: string;
  /** A pending clock of the case has passed. */
  overdue?: boolean;
  /** The next pending clock fires within this many days from now. */
  dueWithinDays?: number;
  /** Flagged by the reconciler. */
  attention?: boolean;
}

/** The list's query as it arrives (GET /cases and its export take the same filters). */
export interface CaseListQueryFilters {
  stage?: string;
  districtCode?: string;
  streetCode?: string;
  category?: string;
  risk?: string;
  number?: string;
  overdue?: string;
  attention?: string;
  dueWithinDays?: number;
}

/** The filters of a list query: one reading for the list and its export, so an export carries exactly the list. */
export function caseFiltersOf(query: CaseListQueryFilters): CaseFilters {
  return {
    ...(query.stage ? { stage: query.stage } : {}),
    ...(query.districtCode ? { districtCode: query.districtCode } : {}),
    ...(query.streetCode ? { streetCode: query.streetCode } : {}),
    ...(query.category ? { category: query.category } : {}),
    ...(query.risk ? { risk: query.risk } : {}),
    ...(query.number ? { number: query.number } : {}),
    overdue: query.overdue === 'true',
    attention: query.attention === 'true',
    ...(query.dueWithinDays !== undefined ? { dueWithinDays: query.dueWithinDays } : {}),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function caseListFilter(scope: Scope, filters: CaseFilters, now: Date): Record<string, unknown> {
  const conditions: Record<string, unknown>[] = [scopeFilter(scope, CASE_SCOPE_FIELDS)];
  if (filters.stage) conditions.push({ stage: filters.stage });
  if (filters.districtCode) conditions.push({ 'jurisdiction.districtCode': filters.districtCode });
  if (filters.streetCode) conditions.push({ 'jurisdiction.streetCode': filters.streetCode });
  if (filters.category) conditions.push({ categories: filters.category });
  if (filters.risk) conditions.push({ riskLevel: filters.risk });
  if (filters.number) conditions.push({ caseNumber: { $regex: escapeRegex(filters.number) } });
  if (filters.overdue) conditions.push({ nextDeadline: { $lt: now } });
  if (filters.attention) conditions.push({ 'attention.reason': { $exists: true } });
  if (filters.dueWithinDays !== undefined) {
    conditions.push({ nextDeadline: { $gte: now, $lte: new Date(now.getTime() + filters.dueWithinDays * DAY_MS) } });
  }
  return { $and: conditions };
}

/**
 * One page of the case list and its total, counted up to `countCap` cases: the count stops after `countCap + 1`
 * matches (countDocuments with a limit, which MongoDB stops early and the embedded store counts from the index with a
 * LIMIT: tools/ferretdb/patches/sqlite-pushdown.patch), so it costs the same for a district of 1,000 cases and of
 * 100,000. `totalCapped` says more than `total` (= `countCap`) cases match.
 */
export async function listCases(
  filter: Record<string, unknown>,
  page: { page: number; limit: number },
  countCap: number = CASE_LIST_COUNT_CAP,
): Promise<{ items: CaseRecord[]; total: number; totalCapped: boolean }> {
  const [items, counted] = await Promise.all([
    CaseModel.find(filter)
      // FT 三(一)4(2) "重点关注": children in multiple difficulty first, then the soonest deadline.
      .sort({ multipleDifficulty: -1, nextDeadline: 1, workflowId: 1 })
      .skip((page.page - 1) * page.limit)
      .limit(page.limit)
      .lean<CaseRecord[]>()
      .exec(),
    CaseModel.countDocuments(filter, { limit: countCap + 1 }).exec(),
  ]);
  return counted > countCap
    ? { items, total: countCap, totalCapped: true }
    : { items, total: counted, totalCapped: false };
}

/** Overdue open tasks per case, for one page of cases. */
export async function overdueTasksByCase(caseIds: readonly string[], now: Date): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (caseIds.length === 0) return counts;
  const tasks = await TaskModel.find({ caseWorkflowId: { $in: caseIds }, ...overdueTaskFilter(now) })
    .lean<TaskRecord[]>()
    .exec();
  for (const t of tasks) {
    if (!t.caseWorkflowId || !isOverdue(apiTaskStatus(t.status), t.acceptDueAt, t.completeDueAt, now)) continue;
    counts.set(t.caseWorkflowId, (counts.get(t.caseWorkflowId) ?? 0) + 1);
  }
  return counts;
}

/** The open tasks of one case from the projection (when the workflow cannot answer). */
export function openTasksOfCase(caseId: string): Promise<TaskRecord[]> {
  return TaskModel.find({ caseWorkflowId: caseId, status: { $in: ['open', 'accepted'] } })
    .sort({ createdAt: 1 })
    .lean<TaskRecord[]>()
    .exec();
}

/** Every task of one case from the projection, open and closed (the case page's task list when the workflow is silent). */
export function tasksOfCase(caseId: string): Promise<TaskRecord[]> {
  return TaskModel.find({ caseWorkflowId: caseId }).sort({ createdAt: 1 }).limit(500).lean<TaskRecord[]>().exec();
}
