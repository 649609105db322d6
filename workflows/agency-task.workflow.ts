/**
 * One agency task, for every task kind: created for an agency, notified, accepted, then completed with a typed outcome
 * or declined with a reason. Two deadlines from the pack (pack.taskKinds[kind].accept / .complete, counted from
 * creation); on each missed deadline the pack's escalation ladder runs rung by rung, each rung recorded with its time
 * and notified. Commands are updates whose validators reject illegal moves before they enter history.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { NotificationActivities, NotificationEvent, ProjectionActivities, AuditEvent } from '../activities';
import { addDuration } from '../policies/duration';
import type { Deadline } from '../policies/schema';
import { clockFor, msUntil, nowIso } from './clocks';
import {
  RESPONSE_FOR_CONCERN,
  TaskRejection,
  acceptTaskUpdate,
  completeTaskUpdate,
  declineTaskUpdate,
  taskAcceptedSignal,
  taskClosedSignal,
  taskEscalatedSignal,
  taskOutcomeSchema,
  taskStatusQuery,
  type Actor,
  type AgencyTaskInput,
  type EscalationRecord,
  type TaskOutcome,
  type TaskPhase,
  type TaskResult,
  type TaskState,
} from './definitions';

const { projectTask } = proxyActivities<ProjectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});
const { notify } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '5 minutes' },
});

function reject(message: string, type: TaskRejection): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true });
}

function isClosed(state: TaskState): boolean {
  return state.status === 'completed' || state.status === 'declined';
}

/** Parses an outcome for this task, or rejects with a stable reason. Pure: runs in the update validator. */
export function validateOutcome(state: TaskState, candidate: unknown): TaskOutcome {
  const kind = (candidate as { kind?: unknown } | null)?.kind;
  if (kind !== state.kind)
    reject(
      `a ${state.kind} task takes a ${state.kind} outcome, not ${String(kind)}`,
      TaskRejection.OutcomeKindMismatch,
    );
  const parsed = taskOutcomeSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    reject(`invalid ${state.kind} outcome: ${issues}`, TaskRejection.InvalidOutcome);
  }
  const outcome = parsed.data;
  if (outcome.kind === 'police_response') {
    // CN 四(二), FT 三(二)4: the police act by type, so the outcome answers every concern in the report.
    for (const concern of state.concerns) {
      const answered = outcome.responses.find((r) => r.concern === concern);
      if (!answered) reject(`concern "${concern}" has no recorded response`, TaskRejection.ConcernNotAddressed);
      const expected = RESPONSE_FOR_CONCERN[concern];
      if (expected && answered.response !== expected) {
        reject(`concern "${concern}" calls for ${expected}, not ${answered.response}`, TaskRejection.InvalidOutcome);
      }
    }
  }
  return outcome;
}

function assertActor(state: TaskState, actor: Actor): void {
  if (isClosed(state)) reject(`task ${state.taskId} is already ${state.status}`, TaskRejection.TaskClosed);
  if (actor.agencyId !== state.agencyId) {
    reject(`task ${state.taskId} is assigned to agency ${state.agencyId}`, TaskRejection.WrongAgency);
  }
}

export async function agencyTaskWorkflow(input: AgencyTaskInput): Promise<TaskResult> {
  const createdAt = input.createdAt;
  const acceptClock = clockFor('accept', createdAt, input.rule.accept);
  const completeClock = clockFor('complete', createdAt, input.rule.complete);
  const state: TaskState = {
    taskId: input.taskId,
    ownerWorkflowId: input.ownerWorkflowId,
    kind: input.kind,
    agencyId: input.agencyId,
    collaboratingAgencyIds: input.collaboratingAgencyIds,
    concerns: input.concerns,
    status: 'created',
    createdAt,
    acceptBy: acceptClock.firesAt,
    completeBy: completeClock.firesAt,
    escalations: [],
    clocks: [acceptClock, completeClock],
    projectionVersion: 0,
  };
  /** Audit events since the last projection: every handler adds one, which tells the main loop to project. */
  let pendingAudit: AuditEvent[] = [];
  let auditSeq = 0;
  const audit = (type: string, details: AuditEvent['details'], clause?: string) => {
    auditSeq += 1;
    pendingAudit.push({
      key: `${input.taskId}:audit:${auditSeq}`,
      workflowId: input.taskId,
      type,
      at: nowIso(),
      clause,
      details,
    });
  };

  setHandler(taskStatusQuery, () => state);

  setHandler(
    acceptTaskUpdate,
    ({ actor }) => {
      state.status = 'accepted';
      state.acceptedAt = nowIso();
      state.acceptedBy = actor;
      state.clocks = state.clocks.filter((c) => c.id !== 'accept');
      audit('task_accepted', { agencyId: actor.agencyId, userId: actor.userId });
      return state;
    },
    {
      validator: ({ actor }) => {
        assertActor(state, actor);
        if (state.status === 'accepted')
          reject(`task ${state.taskId} is already accepted`, TaskRejection.TaskAlreadyAccepted);
      },
    },
  );

  setHandler(
    completeTaskUpdate,
    ({ actor, outcome }) => {
      state.outcome = validateOutcome(state, outcome);
      state.status = 'completed';
      state.closedAt = nowIso();
      state.closedBy = actor;
      state.clocks = [];
      audit('task_completed', { agencyId: actor.agencyId, userId: actor.userId, kind: state.kind });
      return state;
    },
    {
      validator: ({ actor, outcome }) => {
        assertActor(state, actor);
        if (state.status !== 'accepted')
          reject(`task ${state.taskId} must be accepted before it is completed`, TaskRejection.TaskNotAccepted);
        validateOutcome(state, outcome);
      },
    },
  );

  setHandler(
    declineTaskUpdate,
    ({ actor, reason, redirectToAgencyId }) => {
      state.status = 'declined';
      state.closedAt = nowIso();
      state.closedBy = actor;
      state.declineReason = reason;
      state.redirectToAgencyId = redirectToAgencyId;
      state.clocks = [];
      audit('task_declined', {
        agencyId: actor.agencyId,
        userId: actor.userId,
        redirectToAgencyId: redirectToAgencyId ?? null,
      });
      return state;
    },
    {
      validator: ({ actor, reason }) => {
        assertActor(state, actor);
        if (!reason?.trim()) reject('a declined task needs a reason', TaskRejection.InvalidOutcome);
      },
    },
  );

  const project = async () => {
    state.projectionVersion += 1;
    const events = pendingAudit;
    pendingAudit = [];
    await projectTask({
      taskId: state.taskId,
      version: state.projectionVersion,
      fields: {
        ownerWorkflowId: state.ownerWorkflowId,
        kind: state.kind,
        agencyId: state.agencyId,
        collaboratingAgencyIds: state.collaboratingAgencyIds,
        status: state.status,
        createdAt: state.createdAt,
        acceptBy: state.acceptBy,
        completeBy: state.completeBy,
        closedAt: state.closedAt ?? null,
        escalations: state.escalations,
        acceptedAt: state.acceptedAt ?? null,
        concerns: state.concerns,
        pack: input.pack,
        declineReason: state.declineReason ?? null,
        redirectToAgencyId: state.redirectToAgencyId ?? null,
      },
      audit: events,
    });
  };
  const dirty = () => pendingAudit.length > 0;

  const send = (logicalKey: string, event: NotificationEvent) =>
    notify({ workflowId: input.taskId, logicalKey, event });

  /** Waits for `done` until `until`, projecting every change on the way. Returns true if done in time. */
  const waitUntil = async (done: () => boolean, until?: Date): Promise<boolean> => {
    for (;;) {
      if (done()) return true;
      if (until && msUntil(until) === 0) return false;
      if (until) await condition(() => done() || dirty(), msUntil(until));
      else await condition(() => done() || dirty());
      if (dirty()) await project();
    }
  };

  /** One deadline: wait for it, and if missed climb the ladder, one rung at a time from the missed deadline. */
  const enforce = async (phase: TaskPhase, deadline: Deadline, dueAt: string, done: () => boolean) => {
    if (await waitUntil(done, new Date(dueAt))) return;
    audit('deadline_missed', { phase, deadline: dueAt }, deadline.clause);
    await project();
    for (const [index, rung] of input.ladder.entries()) {
      const rungDue = addDuration(new Date(dueAt), rung.after);
      state.clocks = [
        ...state.clocks.filter((c) => !c.id.startsWith('escalation')),
        {
          id: `escalation:${phase}:${index + 1}`,
          label: `escalate to ${rung.notify}`,
          clause: deadline.clause,
          startedAt: dueAt,
          firesAt: rungDue.toISOString(),
        },
      ];
      if (await waitUntil(done, rungDue)) return;
      const record: EscalationRecord = {
        taskId: state.taskId,
        kind: state.kind,
        phase,
        rung: index + 1,
        notify: rung.notify,
        clause: deadline.clause,
        deadline: dueAt,
        dueAt: rungDue.toISOString(),
        at: nowIso(),
      };
      state.escalations.push(record);
      audit('task_escalated', { phase, rung: record.rung, notify: rung.notify }, deadline.clause);
      await send(`escalate:${phase}:${record.rung}`, {
        type: 'task_escalated',
        taskId: state.taskId,
        kind: state.kind,
        agencyId: state.agencyId,
        phase,
        rung: record.rung,
        target: rung.notify,
        clause: deadline.clause,
        deadline: dueAt,
      });
      await project();
      if (input.reportToOwner) await signalOwner((h) => h.signal(taskEscalatedSignal, record));
    }
    state.clocks = state.clocks.filter((c) => !c.id.startsWith('escalation'));
    // The ladder is exhausted: the task stays open with the coordinators told; no further automatic steps.
    await waitUntil(done);
  };

  const signalOwner = async (fn: (h: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>) => {
    try {
      await fn(getExternalWorkflowHandle(input.ownerWorkflowId));
    } catch (err) {
      // The owner may have closed; the task's own history and projection still hold the record.
      log.warn('could not signal task owner', { taskId: input.taskId, error: String(err) });
    }
  };

  audit('task_created', { kind: state.kind, agencyId: state.agencyId }, input.rule.clause);
  await project();
  await send('assigned', {
    type: 'task_assigned',
    taskId: state.taskId,
    kind: state.kind,
    agencyId: state.agencyId,
    acceptBy: state.acceptBy,
    completeBy: state.completeBy,
  });
  if (state.status === 'created') state.status = 'notified';

  await enforce(
    'accept',
    input.rule.accept,
    state.acceptBy,
    () => state.status !== 'created' && state.status !== 'notified',
  );
  const { acceptedAt } = state;
  if (input.reportToOwner && acceptedAt)
    await signalOwner((h) => h.signal(taskAcceptedSignal, { taskId: state.taskId, acceptedAt }));
  await enforce('complete', input.rule.complete, state.completeBy, () => isClosed(state));

  await condition(allHandlersFinished);
  state.clocks = [];
  await project();

  const closedAt = state.closedAt ?? nowIso();
  const result: TaskResult =
    state.status === 'completed' && state.outcome
      ? { taskId: state.taskId, kind: state.kind, status: 'completed', outcome: state.outcome, closedAt }
      : {
          taskId: state.taskId,
          kind: state.kind,
          status: 'declined',
          reason: state.declineReason ?? 'declined',
          redirectToAgencyId: state.redirectToAgencyId,
          closedAt,
        };
  if (input.reportToOwner) await signalOwner((h) => h.signal(taskClosedSignal, result));
  return result;
}
