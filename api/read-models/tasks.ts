/**
 * The task read model as the API shows it: the projection's status in the web app's words, the deadline that applies
 * now (accept until accepted, then complete), whether it has passed, and who may see a task at all.
 */
import type { CaseRecord } from '../../models/case';
import { CaseModel } from '../../models/case';
import { apiTaskStatus, TaskModel, type TaskRecord } from '../../models/task';
import type { TaskStatus as ApiTaskStatus } from '../../contracts/enums';
import type { Actor } from '../auth/actor';
import { canReadCase, type CaseScope } from '../auth/permissions';

export { apiTaskStatus };
export { TASK_STATUSES as API_TASK_STATUSES, type TaskStatus as ApiTaskStatus } from '../../contracts/enums';

export const isClosedStatus = (status: ApiTaskStatus): boolean =>
  status === 'completed' || status === 'declined' || status === 'withdrawn';

/** The deadline that matters now: accept-by until accepted, complete-by after. */
export function currentDeadline(status: ApiTaskStatus, acceptBy?: Date | null, completeBy?: Date | null) {
  return status === 'accepted' ? completeBy : acceptBy;
}

export function isOverdue(
  status: ApiTaskStatus,
  acceptBy: Date | null | undefined,
  completeBy: Date | null | undefined,
  now: Date,
) {
  if (isClosedStatus(status)) return false;
  const due = currentDeadline(status, acceptBy, completeBy);
  return Boolean(due && due.getTime() < now.getTime());
}

/** Open tasks still waiting on a deadline, as a filter: overdue when that deadline is before `now`. */
export function overdueTaskFilter(now: Date): Record<string, unknown> {
  return {
    $or: [
      { status: 'open', acceptDueAt: { $lt: now } },
      { status: 'accepted', completeDueAt: { $lt: now } },
    ],
  };
}

export function caseScopeOf(record: Pick<CaseRecord, 'jurisdiction' | 'agencyCodes'>): CaseScope | undefined {
  const districtCode = record.jurisdiction?.districtCode;
  if (!districtCode) return undefined;
  const streetCode = record.jurisdiction?.streetCode ?? undefined;
  return { districtCode, ...(streetCode ? { streetCode } : {}), agencyCodes: record.agencyCodes ?? [] };
}

/** The agency it is assigned to and its collaborators see a task; so does whoever can read its case. */
export function canSeeTask(actor: Actor, task: TaskRecord, scope: CaseScope | undefined): boolean {
  if (task.agencyCode === actor.agencyCode) return true;
  if (task.collaboratingAgencyCodes?.includes(actor.agencyCode)) return true;
  return scope !== undefined && canReadCase(actor, scope);
}

/** A task with its case, for the views; null when either is missing. */
export async function loadTask(taskId: string): Promise<{ task: TaskRecord; caseRecord: CaseRecord | null } | null> {
  const task = await TaskModel.findOne({ taskId }).lean<TaskRecord>().exec();
  if (!task) return null;
  const caseRecord = task.caseWorkflowId
    ? await CaseModel.findOne({ workflowId: task.caseWorkflowId }).lean<CaseRecord>().exec()
    : null;
  return { task, caseRecord };
}

/** My agency's inbox: tasks assigned to it or shared with it, at most `limit`. */
export async function listAgencyTasks(agencyCode: string, options: { closed?: boolean; limit: number }) {
  const status =
    options.closed === undefined
      ? {}
      : {
          status: options.closed
            ? { $in: ['completed', 'declined', 'cancelled', 'withdrawn'] }
            : { $nin: ['completed', 'declined', 'cancelled', 'withdrawn'] },
        };
  const tasks = await TaskModel.find({ $or: [{ agencyCode }, { collaboratingAgencyCodes: agencyCode }], ...status })
    .sort({ completeDueAt: 1 })
    .limit(options.limit)
    .lean<TaskRecord[]>()
    .exec();
  const caseIds = [...new Set(tasks.map((t) => t.caseWorkflowId).filter((id): id is string => Boolean(id)))];
  const cases = caseIds.length
    ? await CaseModel.find(
        { workflowId: { $in: caseIds } },
        { workflowId: 1, policyPackId: 1, policyPackVersion: 1, multipleDifficulty: 1 },
      )
        .lean<Pick<CaseRecord, 'workflowId' | 'policyPackId' | 'policyPackVersion' | 'multipleDifficulty'>[]>()
        .exec()
    : [];
  return { tasks, cases: new Map(cases.map((c) => [c.workflowId, c])) };
}
