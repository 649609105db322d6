/**
 * Read-side fixtures through the real write path (issue #20 item 2): the projection activities over the MongoDB store,
 * called with the snapshot a case or task workflow sends (`projectCase` / `projectTask` in workflows/), so a test's
 * rows carry exactly the fields production writes, mapped exactly as production maps them. The fields are typed by the
 * activities' interfaces: a field the workflows never send does not compile. Defaults are a workflow's early state.
 */
import { Types } from 'mongoose';
import {
  createProjectionActivities,
  type AuditEvent,
  type CaseProjectionFields,
  type TaskProjectionFields,
} from '../../activities/projection';
import { createMongoProjectionStore } from '../../activities/stores/projection-store';
import type { EscalationRecord, TaskKind } from '../../workflows/definitions';

const activities = createProjectionActivities({ cases: createMongoProjectionStore() });

/** The instant `hours` from now, as the workflows carry instants (ISO strings). */
export const hoursFromNow = (hours: number, from = Date.now()): string =>
  new Date(from + hours * 60 * 60 * 1000).toISOString();

/** What a case workflow projects; `openedAt` is its first report's `reportedAt`, `categories` its classification. */
export async function projectCase(
  workflowId: string,
  fields: Partial<CaseProjectionFields> & Pick<CaseProjectionFields, 'jurisdiction' | 'pack'>,
  options: { version?: number; audit?: AuditEvent[] } = {},
): Promise<void> {
  await activities.projectCase({
    workflowId,
    version: options.version ?? 1,
    fields: {
      childId: new Types.ObjectId().toHexString(),
      agencyCodes: [],
      stage: 'emergency_response',
      risk: 'unassessed', // until the risk grading (the workflow's provisional 'low' is not projected)
      leftBehind: false,
      reportIds: [],
      openTaskIds: [],
      nextDeadline: null,
      clocks: [],
      escalations: [],
      findings: [],
      nextStep: null,
      categories: [],
      openedAt: hoursFromNow(0),
      ...fields,
    },
    audit: options.audit ?? [],
  });
}

/** What an agency-task workflow projects: created now, open (notified), its deadlines from `createdAt`. */
export async function projectTask(
  taskId: string,
  fields: Partial<TaskProjectionFields> &
    Pick<TaskProjectionFields, 'ownerWorkflowId' | 'kind' | 'agencyId' | 'acceptBy' | 'completeBy' | 'pack'>,
  options: { version?: number } = {},
): Promise<void> {
  await activities.projectTask({
    taskId,
    version: options.version ?? 1,
    fields: {
      collaboratingAgencyIds: [],
      status: 'notified',
      createdAt: hoursFromNow(0),
      closedAt: null,
      escalations: [],
      acceptedAt: null,
      concerns: [],
      declineReason: null,
      redirectToAgencyId: null,
      withdrawalReason: null,
      ...fields,
    },
    audit: [],
  });
}

/** An escalation record as the agency-task workflow keeps it (workflows/agency-task.workflow.ts). */
export function escalation(
  taskId: string,
  kind: TaskKind,
  e: Pick<EscalationRecord, 'phase' | 'notify' | 'clause' | 'at'> & { rung?: number; deadline?: string },
): EscalationRecord {
  // `deadline` is the missed due time, `dueAt` when this rung fell due: here both at the escalation unless given.
  return { taskId, kind, rung: 1, deadline: e.at, dueAt: e.at, ...e };
}
