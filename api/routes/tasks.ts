/**
 * Agency tasks: my agency's inbox from the projection, one task with its live state, the policy it enforces and the
 * part of the child's file it needs, and the three commands (accept, complete, decline). Commands go to the task
 * workflow as updates, so the caller learns at once whether the workflow took them; the workflow's validator is the
 * authority on what is legal, and its typed rejection becomes 409 (state conflict) or 422 (bad outcome).
 *
 * A task outside the caller's scope answers 404 with no data, exactly like a task that does not exist.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import type { AttachmentStore } from '../../models/attachment-repository';
import type { CaseRecord } from '../../models/case';
import { findCaseInScope } from '../../models/case-repository';
import type { TaskRecord } from '../../models/task';
import {
  TaskRejection,
  acceptTaskUpdate,
  completeTaskUpdate,
  declineTaskUpdate,
  taskStatusQuery,
  type TaskState,
} from '../../workflows/definitions';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { canActOnTask } from '../auth/permissions';
import { CASE_WORKER_ROLES } from '../auth/roles';
import { createApiRouter } from '../http/api-router';
import { checkEvidenceRefs, isAttachmentRef, outcomeEvidence, type EvidenceFields } from '../http/evidence';
import { scopeOf } from '../auth/scope';
import {
  completeTaskBody,
  declineTaskBody,
  noBody,
  referralList,
  taskCommandResult,
  taskIdParams,
  taskInboxQuery,
  taskSummary,
  taskView,
} from '../../contracts/tasks';
import { accessPurpose, findChild, recordChildRead, taskChildFields } from '../read-models/child-file';
import { reportsForTask, TASKS_THAT_READ_REPORTS } from '../read-models/task-reports';
import type { TaskReport } from '../../contracts/tasks';
import { queryLive } from '../read-models/live';
import { pinnedPack, taskLabel, taskPolicy, taskRule } from '../read-models/policy-lookup';
import { listReferrals, subjectView } from '../read-models/accountability';
import {
  apiTaskStatus,
  canSeeTask,
  isClosedStatus,
  caseScopeOf,
  isOverdue,
  listAgencyTasks,
  loadTask,
  type ApiTaskStatus,
} from '../read-models/tasks';

/** Tasks about an agency's duty, not about the child: the superior's follow-up and the procuratorate's supervision. */
const ACCOUNTABILITY_KINDS = new Set(['late_report_follow_up', 'procuratorate_supervision']);

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

type Summary = z.input<typeof taskSummary>;

function summaryOf(
  task: TaskRecord,
  caseRecord: Pick<CaseRecord, 'policyPackId' | 'policyPackVersion' | 'multipleDifficulty'> | null | undefined,
  now: Date,
): Summary {
  const pack = pinnedPack(
    task.policyPackId ?? caseRecord?.policyPackId,
    task.policyPackVersion ?? caseRecord?.policyPackVersion,
  );
  const kind = task.kind ?? '';
  const status = apiTaskStatus(task.status);
  return {
    taskId: task.taskId,
    caseId: task.caseWorkflowId ?? '',
    kind,
    label: taskLabel(pack, kind),
    status,
    agencyCode: task.agencyCode ?? '',
    acceptBy: iso(task.acceptDueAt),
    completeBy: iso(task.completeDueAt),
    overdue: isOverdue(status, task.acceptDueAt, task.completeDueAt, now),
    clause: taskRule(pack, kind)?.clause ?? '',
    ...(task.concerns?.length ? { concerns: task.concerns } : {}),
    ...(task.benefits?.length ? { benefits: task.benefits } : {}),
    ...(task.withdrawalReason ? { withdrawalReason: task.withdrawalReason } : {}),
    ...(caseRecord?.multipleDifficulty ? { multipleDifficulty: true } : {}),
  };
}

/** The projection overlaid with what the workflow says now. */
function withLiveState(summary: Summary, live: TaskState, now: Date): Summary {
  const status: ApiTaskStatus = live.status;
  const acceptBy = new Date(live.acceptBy);
  const completeBy = new Date(live.completeBy);
  return {
    ...summary,
    status,
    agencyCode: live.agencyId,
    acceptBy: acceptBy.toISOString(),
    completeBy: completeBy.toISOString(),
    overdue: isOverdue(status, acceptBy, completeBy, now),
    ...(live.concerns.length ? { concerns: live.concerns } : {}),
    ...(live.benefits?.length ? { benefits: live.benefits } : {}),
    ...(live.withdrawal ? { withdrawalReason: live.withdrawal.reason } : {}),
  };
}

const notFound = () => new AppError(ErrorCode.NotFound, 'No such task');

const closed = (taskId: string) =>
  new AppError(ErrorCode.Conflict, `task ${taskId} is closed`, { rejection: TaskRejection.TaskClosed });

/**
 * The task's projection exists when a command runs, so a workflow that is no longer there has finished: the task is
 * closed. A rejected update goes on to the error middleware, which maps its failure type (workflows/failures.ts).
 */
export function commandError(err: unknown, taskId: string): unknown {
  return err instanceof WorkflowNotFoundError ? closed(taskId) : err;
}

export interface TaskRouterDependencies {
  temporal: Client;
  authenticate: RequestHandler;
  audit: AuditSink;
  /** An outcome's evidence fields may point to the case's attachments (`attachment:<id>`), checked here. */
  attachments: Pick<AttachmentStore, 'exists'>;
  now?: () => Date;
}

export function createTaskRouter(deps: TaskRouterDependencies): Router {
  const api = createApiRouter({ tag: 'tasks', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());

  /** The task if the actor may see it; otherwise the same 404 as for a task that does not exist. */
  async function visibleTask(actor: Actor, taskId: string) {
    const loaded = await loadTask(taskId);
    if (!loaded) throw notFound();
    const scope = loaded.caseRecord ? caseScopeOf(loaded.caseRecord) : undefined;
    if (!canSeeTask(actor, loaded.task, scope)) throw notFound();
    return { ...loaded, scope };
  }

  /** Runs one command as an update on the task workflow, for the agency the task is assigned to. */
  async function command(
    actor: Actor,
    taskId: string,
    run: (actorRef: { userId: string; agencyId: string }) => Promise<TaskState>,
    evidence?: EvidenceFields,
  ) {
    const { task, caseRecord } = await visibleTask(actor, taskId);
    if (!canActOnTask(actor, { assigneeAgencyCode: task.agencyCode ?? '' })) {
      throw new AppError(ErrorCode.Forbidden, 'Only the agency the task is assigned to can act on it');
    }
    if (evidence?.some(([, value]) => isAttachmentRef(value))) {
      // The attachment must be of the task's case, and the caller must see that case (as its attachments list does).
      const seen = caseRecord ? await findCaseInScope(scopeOf(actor), caseRecord.workflowId) : undefined;
      await checkEvidenceRefs(deps.attachments, seen?.workflowId, evidence);
    }
    // The workflow decides; the projection only spares it a command on a task it already closed.
    if (isClosedStatus(apiTaskStatus(task.status))) throw closed(taskId);
    let state: TaskState;
    try {
      state = await run({ userId: actor.userId, agencyId: actor.agencyCode });
    } catch (err) {
      throw commandError(err, taskId);
    }
    const at = now();
    return { task: withLiveState(summaryOf(task, caseRecord, at), state, at) };
  }

  api.route(
    {
      method: 'get',
      path: '/',
      summary: "My agency's tasks, children in multiple difficulty first, then overdue, then by deadline",
      description:
        'Tasks assigned to my agency or shared with it, each with its deadlines and whether the deadline that ' +
        'applies now has passed; tasks about a child in multiple difficulty first (FT 三(一)4(2)), then overdue ' +
        'tasks, then by that deadline.',
      roles: CASE_WORKER_ROLES,
      request: { query: taskInboxQuery },
      response: {
        status: 200,
        description: 'The inbox',
        schema: z.object({ items: z.array(taskSummary), total: z.number() }),
      },
    },
    async ({ actor, query }) => {
      const at = now();
      const closed = query.status === undefined ? undefined : query.status === 'closed';
      const { tasks, cases } = await listAgencyTasks(actor.agencyCode, { closed, limit: query.limit });
      const items = tasks.map((t) => summaryOf(t, cases.get(t.caseWorkflowId ?? ''), at));
      const dueOf = (s: Summary) => Date.parse((s.status === 'accepted' ? s.completeBy : s.acceptBy) ?? '') || Infinity;
      // FT 三(一)4(2): children in multiple difficulty get priority ("重点关注"); then what is overdue, then what is due.
      items.sort(
        (a, b) =>
          Number(b.multipleDifficulty ?? false) - Number(a.multipleDifficulty ?? false) ||
          Number(b.overdue) - Number(a.overdue) ||
          dueOf(a) - dueOf(b),
      );
      return { items, total: items.length };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/referrals',
      summary: "The procuratorate's supervision referrals (FT 三(三)2(4))",
      description:
        'Agencies whose tasks ran through their whole escalation ladder the pack’s number of times in its period, ' +
        'referred to my procuratorate: newest first, with the outcome once recorded.',
      roles: ['procuratorate_staff'],
      request: {},
      response: { status: 200, description: 'The referrals', schema: referralList },
    },
    async ({ actor }) => listReferrals(actor.agencyCode, now()),
  );

  api.route(
    {
      method: 'get',
      path: '/:taskId',
      summary: 'One task: its live state, the policy it enforces and the part of the child file it needs',
      description:
        "The child's file is read within the caller's scope and the read is audited. A task outside the caller's " +
        'scope answers 404, like one that does not exist.',
      roles: CASE_WORKER_ROLES,
      request: { params: taskIdParams },
      response: { status: 200, description: 'The task', schema: taskView },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, req }) => {
      const { task, caseRecord, scope } = await visibleTask(actor, params.taskId);
      const at = now();
      const live = await queryLive(deps.temporal, task.taskId, taskStatusQuery);
      const summary = summaryOf(task, caseRecord, at);
      const escalations =
        live?.escalations ??
        (task.escalations ?? []).map((e, i, all) => ({
          phase: e.deadline,
          // Rungs climb one at a time per missed deadline, so the position within the phase is the rung.
          rung: all.slice(0, i + 1).filter((x) => x.deadline === e.deadline).length,
          notify: e.notify,
          clause: e.clause ?? '',
          deadline: iso(e.deadline === 'accept' ? task.acceptDueAt : task.completeDueAt) ?? '',
          dueAt: new Date(e.at).toISOString(),
          at: new Date(e.at).toISOString(),
        }));
      const acceptedAt = live?.acceptedAt ?? iso(task.acceptedAt) ?? undefined;
      const closedAt = live?.closedAt ?? iso(task.completedAt) ?? undefined;
      const declineReason = live?.declineReason ?? task.declineReason ?? undefined;
      const redirectToAgencyId = live?.redirectToAgencyId ?? task.redirectToAgencyCode ?? undefined;
      const detail = {
        ...(live ? withLiveState(summary, live, at) : summary),
        collaboratingAgencyCodes: live?.collaboratingAgencyIds ?? task.collaboratingAgencyCodes ?? [],
        escalations,
        ...(acceptedAt ? { acceptedAt } : {}),
        ...(closedAt ? { closedAt } : {}),
        ...(live?.outcome ? { outcome: { ...live.outcome } } : {}),
        ...(declineReason ? { declineReason } : {}),
        ...(redirectToAgencyId ? { redirectToAgencyId } : {}),
        ...(live?.gradingUnderReview ? { gradingUnderReview: live.gradingUnderReview } : {}),
        ...(live?.sentBack ? { sentBack: live.sentBack } : {}),
        ...(await subjectView(live?.subject ?? task.subject, pinnedPack(task.policyPackId, task.policyPackVersion))),
        live: live !== undefined,
      };
      const concerns = detail.concerns ?? [];

      let child: Record<string, unknown> = {};
      let reports: TaskReport[] | undefined;
      // Accountability tasks are about an agency, not the child (issue #17 item 6): they read nothing of the file.
      const file = ACCOUNTABILITY_KINDS.has(summary.kind) ? null : await findChild(task.childId ?? caseRecord?.childId);
      if (file) {
        // The task's own agencies work the case even before the case projection lists them.
        const readScope = {
          districtCode: scope?.districtCode ?? file.districtCode,
          ...(scope?.streetCode ? { streetCode: scope.streetCode } : {}),
          agencyCodes: [...(scope?.agencyCodes ?? []), task.agencyCode ?? '', ...(task.collaboratingAgencyCodes ?? [])],
        };
        const purpose = accessPurpose(actor, file, readScope);
        if (purpose) {
          await recordChildRead(deps.audit, actor, req, {
            childId: file._id,
            purpose,
            via: `task ${task.taskId}`,
            ...(task.caseWorkflowId ? { caseId: task.caseWorkflowId } : {}),
          });
          child = taskChildFields(file, summary.kind, at);
          // The reports are part of the file: read under the same audited access, only by the tasks that act on them.
          if (TASKS_THAT_READ_REPORTS.has(summary.kind)) {
            reports = await reportsForTask(file._id, task.caseWorkflowId ?? undefined);
          }
        }
      }
      if (concerns.length) child = { ...child, concerns };

      const pack = pinnedPack(
        task.policyPackId ?? caseRecord?.policyPackId,
        task.policyPackVersion ?? caseRecord?.policyPackVersion,
      );
      return { task: detail, policy: taskPolicy(pack, summary.kind, concerns), child, ...(reports ? { reports } : {}) };
    },
  );

  const commandErrors = [ErrorCode.NotFound, ErrorCode.Conflict, ErrorCode.IllegalTransition] as const;

  api.route(
    {
      method: 'post',
      path: '/:taskId/accept',
      summary: 'Accept a task assigned to my agency',
      description: '409 when the task is closed or already accepted.',
      roles: CASE_WORKER_ROLES,
      request: { params: taskIdParams, body: noBody },
      response: { status: 200, description: 'Accepted', schema: taskCommandResult },
      errors: commandErrors,
    },
    async ({ actor, params }) =>
      command(actor, params.taskId, (actorRef) =>
        deps.temporal.workflow
          .getHandle(params.taskId)
          .executeUpdate(acceptTaskUpdate, { args: [{ actor: actorRef }] }),
      ),
  );

  api.route(
    {
      method: 'post',
      path: '/:taskId/complete',
      summary: 'Complete an accepted task with the typed outcome of its kind',
      description:
        '400 names every invalid outcome field; 409 when the task is not accepted or already closed; 422 when the ' +
        'outcome is of another kind or does not answer what the policy asks (e.g. a concern without a response).',
      roles: CASE_WORKER_ROLES,
      request: { params: taskIdParams, body: completeTaskBody },
      response: { status: 200, description: 'Completed', schema: taskCommandResult },
      errors: commandErrors,
    },
    async ({ actor, params, body }) =>
      command(
        actor,
        params.taskId,
        (actorRef) =>
          deps.temporal.workflow
            .getHandle(params.taskId)
            .executeUpdate(completeTaskUpdate, { args: [{ actor: actorRef, outcome: body.outcome }] }),
        outcomeEvidence(body.outcome as Record<string, unknown>),
      ),
  );

  api.route(
    {
      method: 'post',
      path: '/:taskId/decline',
      summary: 'Decline a task with a reason, optionally naming the agency that should act',
      roles: CASE_WORKER_ROLES,
      request: { params: taskIdParams, body: declineTaskBody },
      response: { status: 200, description: 'Declined', schema: taskCommandResult },
      errors: commandErrors,
    },
    async ({ actor, params, body }) =>
      command(actor, params.taskId, (actorRef) =>
        deps.temporal.workflow.getHandle(params.taskId).executeUpdate(declineTaskUpdate, {
          args: [
            {
              actor: actorRef,
              reason: body.reason,
              ...(body.redirectToAgencyId ? { redirectToAgencyId: body.redirectToAgencyId } : {}),
            },
          ],
        }),
      ),
  );

  return api.router;
}
