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
  patched,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { NotificationEvent, AuditEvent } from '../activities';
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
  withdrawTaskSignal,
  type AcceptTaskCommand,
  type Actor,
  type AgencyTaskInput,
  type Custody,
  type CompleteTaskCommand,
  type DeclineTaskCommand,
  type EscalationRecord,
  type TaskOutcome,
  type TaskPhase,
  type TaskResult,
  type TaskState,
  type TaskWithdrawalReason,
} from './definitions';
import { projectTask, projectTaskLocally, reportLadderExhausted, sendNotice, sendNoticeLocally } from './proxies';

/**
 * A new task's first projection runs as a local activity (issue #19): the agency's inbox lists it one round trip
 * sooner. Tasks opened before the patch replay with the scheduled activity.
 */
export const FIRST_PROJECTION_LOCAL_PATCH = 'task-first-projection-local';

/** A task whose pack has the procuratorate referral reports its exhausted ladder to its agency's oversight (issue #17). */
export const LADDER_EXHAUSTED_PATCH = 'ladder-exhausted-oversight';
/**
 * Issue #19 (timer storms): a missed deadline whose first rung is due at once (PT0S) is projected once, with the rung's
 * escalation, instead of once for the miss and once for the rung; and a rung's notice and its projection are scheduled
 * together instead of one after the other. The same activities with the same inputs but the second projection, in
 * fewer workflow tasks: each escalation costs the server and the worker about half the round trips. Tasks recorded
 * before it replay the old order.
 */
export const ESCALATION_ONE_STEP_PATCH = 'escalation-one-step';

/**
 * Issue #19 (the police-task storm): every projection and notice of a task runs as a local activity, recorded as a
 * marker: a task's creation (projected, the agency told) is one workflow task with no activity task, and an escalation
 * is the one workflow task its timer starts (was that task, two activity tasks and a second workflow task). The same
 * activities and inputs (the notifier is idempotent on workflow id + logical key, so a local activity run again after
 * a crash notifies once); the oversight report of an exhausted ladder stays a scheduled activity.
 *
 * README.md, "What we learned about local activities": a replay can resolve a local activity one task earlier than
 * the run did, so nothing straight after one may depend on the task it lands in. Such a run therefore asks this patch
 * in its first task and no patch after (every older patch of this file holds for it: `since`), decides whether a
 * deadline or rung is due, and stamps its records, with the time of the moment it last woke (`wokeAt`: the run's
 * first task or the end of a wait, before any local activity), and ends only in a task a 1 ms timer starts. Tasks
 * started before it (no marker in their first task) keep the scheduled activities and their order, verbatim.
 */
export const TASK_LOCAL_ACTIVITIES_PATCH = 'task-local-activities';

function reject(message: string, type: TaskRejection): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true });
}

function isClosed(state: TaskState): boolean {
  return state.status === 'completed' || state.status === 'declined' || state.status === 'withdrawn';
}

/** Parses an outcome for this task, or rejects with a stable reason. Pure: runs in the update validator. */
export function validateOutcome(state: TaskState, candidate: unknown): TaskOutcome {
  const kind = (candidate as { kind?: unknown } | null)?.kind;
  if (kind !== state.kind)
    reject(
      `a ${state.kind} task takes a ${state.kind} outcome, not ${String(kind)}`,
      TaskRejection.OutcomeKindMismatch,
    );
  const parsed = taskOutcomeSchema().safeParse(candidate);
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
      // The pinned pack's responses for the concern (from 1.2.0), else the one response the contract fixes.
      const fixed = RESPONSE_FOR_CONCERN[concern];
      const expected = state.responsesFor?.[concern] ?? (fixed ? [fixed] : undefined);
      if (expected && !expected.includes(answered.response)) {
        reject(
          `concern "${concern}" calls for ${expected.join(' or ')}, not ${answered.response}`,
          TaskRejection.InvalidOutcome,
        );
      }
      if (answered.response === 'care_arranged') checkCareArranged(answered.arrangedWith, outcome.custody);
    }
  }
  if (outcome.kind === 'benefit_application') {
    // CN 五(一) 及时办理: every benefit the assessment found is granted or refused, each once; no other benefit.
    const decided = outcome.decisions.map((d) => d.benefit);
    const wanted = state.benefits ?? [];
    for (const benefit of wanted) {
      if (!decided.includes(benefit)) reject(`benefit "${benefit}" has no decision`, TaskRejection.ConcernNotAddressed);
    }
    const extra = decided.filter((b, i) => !wanted.includes(b) || decided.indexOf(b) !== i);
    if (extra.length > 0)
      reject(`decisions for ${extra.join(', ')} were not asked for or repeat`, TaskRejection.InvalidOutcome);
  }
  if (outcome.kind === 'grading_review' && outcome.decision === 'grade_changed' && state.gradingUnderReview) {
    // FT 三(三)4: a change of grade changes something; the same grade and next step is an acceptance.
    const { riskLevel, recommendation } = state.gradingUnderReview;
    if (outcome.riskLevel === riskLevel && (outcome.recommendation ?? recommendation) === recommendation)
      reject(
        'the grade and next step are the social workers’ own: record the review as accepted',
        TaskRejection.InvalidOutcome,
      );
  }
  return outcome;
}

/**
 * CN 四(二): care arranged for a child lacking guardianship is what the custody records: the person contacted took the
 * child with a written handover, or, when nobody could or would, temporary care (nobody can take the child: the street
 * office places the child).
 */
function checkCareArranged(arrangedWith: string, custody: Custody): void {
  if (arrangedWith === 'temporary_care') {
    if (custody.kind !== 'nobody_can_take')
      reject(
        'CN 四(二): temporary care is for a child nobody can or will take: record the custody as nobody_can_take',
        TaskRejection.InvalidOutcome,
      );
    return;
  }
  if (custody.kind !== 'handed_over' || custody.handover.receiverRole !== arrangedWith)
    reject(
      `CN 四(二): a child placed with the ${arrangedWith} is handed over to them in writing: record the custody as handed_over to the ${arrangedWith}`,
      TaskRejection.InvalidOutcome,
    );
}

function assertActor(state: TaskState, actor: Actor): void {
  if (isClosed(state)) reject(`task ${state.taskId} is already ${state.status}`, TaskRejection.TaskClosed);
  if (actor.agencyId !== state.agencyId) {
    reject(`task ${state.taskId} is assigned to agency ${state.agencyId}`, TaskRejection.WrongAgency);
  }
}

/**
 * One task's state and its named steps. Update handlers only record (with an audit entry, which tells the main loop to
 * project); `run` notifies, enforces the two deadlines and reports the result.
 */
export class AgencyTask {
  readonly state: TaskState;
  /** Audit events since the last projection: every handler adds one, which tells the main loop to project. */
  private pendingAudit: AuditEvent[] = [];
  private auditSeq = 0;
  /** This run uses local activities (`input.localActivities`, else `TASK_LOCAL_ACTIVITIES_PATCH` asked in its first task). */
  readonly local: boolean;
  /** Workflow time when the run last woke: its first task, or the end of a wait (`wake`). */
  private wokeAt = 0;

  constructor(private readonly input: AgencyTaskInput) {
    const createdAt = input.createdAt;
    const acceptClock = clockFor('accept', createdAt, input.rule.accept);
    const completeClock = clockFor('complete', createdAt, input.rule.complete);
    this.state = {
      taskId: input.taskId,
      ownerWorkflowId: input.ownerWorkflowId,
      kind: input.kind,
      agencyId: input.agencyId,
      collaboratingAgencyIds: input.collaboratingAgencyIds,
      concerns: input.concerns,
      ...(input.benefits?.length ? { benefits: input.benefits } : {}),
      ...(input.responsesFor ? { responsesFor: input.responsesFor } : {}),
      ...(input.subject ? { subject: input.subject } : {}),
      ...(input.gradingUnderReview ? { gradingUnderReview: input.gradingUnderReview } : {}),
      ...(input.sentBack ? { sentBack: input.sentBack } : {}),
      status: 'created',
      createdAt,
      acceptBy: acceptClock.firesAt,
      completeBy: completeClock.firesAt,
      escalations: [],
      clocks: [acceptClock, completeClock],
      projectionVersion: 0,
    };
    this.local = input.localActivities === true || patched(TASK_LOCAL_ACTIVITIES_PATCH);
    this.wake();
  }

  /** Notes the time of the task the run just woke in (called before any local activity of that task). */
  private wake(): void {
    this.wokeAt = Date.now();
  }

  /** Whether a patch older than `TASK_LOCAL_ACTIVITIES_PATCH` holds: always in a local run, which asks none after its start. */
  private since(patchId: string): boolean {
    return this.local || patched(patchId);
  }

  /** Whether `at` has come: at the moment the run woke, in a local run. */
  private due(at: Date): boolean {
    return this.local ? at.getTime() <= this.wokeAt : msUntil(at) === 0;
  }

  /** How long to wait for `at`: from the moment the run woke, in a local run. */
  private untilDue(at: Date): number {
    return this.local ? Math.max(1, at.getTime() - this.wokeAt) : msUntil(at);
  }

  /** The time the main loop stamps its records with: the moment the run woke, in a local run. */
  private stamp(): string {
    return this.local ? new Date(this.wokeAt).toISOString() : nowIso();
  }

  /** `at`: the main loop passes `stamp()`; a command's handler records the time of its own activation. */
  private audit(type: string, details: AuditEvent['details'], clause?: string, at = nowIso()): void {
    this.auditSeq += 1;
    this.pendingAudit.push({
      key: `${this.input.taskId}:audit:${this.auditSeq}`,
      workflowId: this.input.taskId,
      type,
      at,
      clause,
      details,
    });
  }

  private dirty(): boolean {
    return this.pendingAudit.length > 0;
  }

  // ── Commands (update handlers and their validators) ──────────────────────────────────────────────────────────────

  validateAccept({ actor }: AcceptTaskCommand): void {
    assertActor(this.state, actor);
    if (this.state.status === 'accepted')
      reject(`task ${this.state.taskId} is already accepted`, TaskRejection.TaskAlreadyAccepted);
  }

  accept({ actor }: AcceptTaskCommand): TaskState {
    const { state } = this;
    state.status = 'accepted';
    state.acceptedAt = nowIso();
    state.acceptedBy = actor;
    state.clocks = state.clocks.filter((c) => c.id !== 'accept');
    this.audit('task_accepted', { agencyId: actor.agencyId, userId: actor.userId });
    return state;
  }

  validateComplete({ actor, outcome }: CompleteTaskCommand): void {
    assertActor(this.state, actor);
    if (this.state.status !== 'accepted')
      reject(`task ${this.state.taskId} must be accepted before it is completed`, TaskRejection.TaskNotAccepted);
    validateOutcome(this.state, outcome);
  }

  complete({ actor, outcome }: CompleteTaskCommand): TaskState {
    const { state } = this;
    state.outcome = validateOutcome(state, outcome);
    state.status = 'completed';
    state.closedAt = nowIso();
    state.closedBy = actor;
    state.clocks = [];
    this.audit('task_completed', { agencyId: actor.agencyId, userId: actor.userId, kind: state.kind });
    return state;
  }

  validateDecline({ actor, reason }: DeclineTaskCommand): void {
    assertActor(this.state, actor);
    if (!reason?.trim()) reject('a declined task needs a reason', TaskRejection.InvalidOutcome);
  }

  decline({ actor, reason, redirectToAgencyId }: DeclineTaskCommand): TaskState {
    const { state } = this;
    state.status = 'declined';
    state.closedAt = nowIso();
    state.closedBy = actor;
    state.declineReason = reason;
    state.redirectToAgencyId = redirectToAgencyId;
    state.clocks = [];
    this.audit('task_declined', {
      agencyId: actor.agencyId,
      userId: actor.userId,
      redirectToAgencyId: redirectToAgencyId ?? null,
    });
    return state;
  }

  /** The owner withdrew the task as moot (issue #17): it closes with the reason, and its clocks stop. */
  withdraw({ reason, byTaskId }: { reason: TaskWithdrawalReason; byTaskId?: string }): void {
    const { state } = this;
    if (isClosed(state)) return;
    state.status = 'withdrawn';
    state.closedAt = nowIso();
    state.withdrawal = { reason, at: state.closedAt, ...(byTaskId ? { byTaskId } : {}) };
    state.clocks = [];
    this.audit('task_withdrawn', { reason, byTaskId: byTaskId ?? null });
  }

  // ── Steps of the main loop ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * Writes the read model and the audit entries gathered since the last projection: as a local activity in a local run
   * (the choice made once, here); a task started before asks its first projection's own patch (`open`).
   */
  async project(locally = this.local): Promise<void> {
    const { state, input } = this;
    state.projectionVersion += 1;
    const events = this.pendingAudit;
    this.pendingAudit = [];
    await (locally ? projectTaskLocally : projectTask)({
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
        acceptedBy: state.acceptedBy?.userId ?? null,
        concerns: state.concerns,
        ...(state.benefits ? { benefits: state.benefits } : {}),
        pack: input.pack,
        declineReason: state.declineReason ?? null,
        redirectToAgencyId: state.redirectToAgencyId ?? null,
        withdrawalReason: state.withdrawal?.reason ?? null,
        ...(state.subject ? { subject: state.subject, ...accountabilityOutcome(state.outcome) } : {}),
      },
      audit: events,
    });
  }

  private send(logicalKey: string, event: NotificationEvent): Promise<void> {
    return (this.local ? sendNoticeLocally : sendNotice)({ workflowId: this.input.taskId, logicalKey, event });
  }

  /** Creation: recorded, projected, and the agency told (the accept and complete clocks already run). */
  async open(): Promise<void> {
    const { state } = this;
    this.audit('task_created', { kind: state.kind, agencyId: state.agencyId }, this.input.rule.clause, this.stamp());
    await this.project(this.since(FIRST_PROJECTION_LOCAL_PATCH));
    await this.send('assigned', {
      type: 'task_assigned',
      taskId: state.taskId,
      kind: state.kind,
      agencyId: state.agencyId,
      acceptBy: state.acceptBy,
      completeBy: state.completeBy,
    });
    if (state.status === 'created') state.status = 'notified';
  }

  /** Waits for `done` until `until`, projecting every change on the way. Returns true if done in time. */
  async waitUntil(done: () => boolean, until?: Date): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      if (until && this.due(until)) return false;
      if (until) await condition(() => done() || this.dirty(), this.untilDue(until));
      else await condition(() => done() || this.dirty());
      this.wake();
      if (this.dirty()) await this.project();
    }
  }

  /** One deadline: wait for it, and if missed climb the ladder, one rung at a time from the missed deadline. */
  async enforce(phase: TaskPhase, deadline: Deadline, dueAt: string, done: () => boolean): Promise<void> {
    if (await this.waitUntil(done, new Date(dueAt))) return;
    this.audit('deadline_missed', { phase, deadline: dueAt }, deadline.clause, this.stamp());
    const first = this.input.ladder[0];
    const firstRungNow = !!first && this.due(addDuration(new Date(dueAt), first.after));
    // The first rung's escalation projects the miss with it (its audit entry is gathered until the next projection).
    if (!(firstRungNow && this.oneStepEscalation())) await this.project();
    for (const [index, rung] of this.input.ladder.entries()) {
      const rungDue = addDuration(new Date(dueAt), rung.after);
      this.state.clocks = [
        ...this.state.clocks.filter((c) => !c.id.startsWith('escalation')),
        {
          id: `escalation:${phase}:${index + 1}`,
          label: `escalate to ${rung.notify}`,
          clause: deadline.clause,
          startedAt: dueAt,
          firesAt: rungDue.toISOString(),
        },
      ];
      if (await this.waitUntil(done, rungDue)) return;
      await this.escalate(phase, deadline, dueAt, index + 1, rung.notify, rungDue);
    }
    this.state.clocks = this.state.clocks.filter((c) => !c.id.startsWith('escalation'));
    // The ladder is exhausted: the task stays open with the coordinators told; no further automatic steps.
    await this.reportExhausted(phase);
    await this.waitUntil(done);
  }

  /**
   * FT 三(三)2(4): a task that ran through its whole ladder counts against its agency; after the pack's number of them
   * in its period the agency is referred to the procuratorate (workflows/oversight.workflow.ts). Only tasks opened
   * under a pack with the referral carry its rule; tasks recorded before it replay without the report.
   */
  private async reportExhausted(phase: TaskPhase): Promise<void> {
    const { referral } = this.input;
    if (!referral || this.input.ladder.length === 0 || !this.since(LADDER_EXHAUSTED_PATCH)) return;
    const at = this.stamp();
    this.audit('ladder_exhausted', { phase }, referral.clause, at);
    await reportLadderExhausted({
      exhaustion: { taskId: this.state.taskId, kind: this.state.kind, phase, agencyId: this.state.agencyId, at },
      rule: referral,
      pack: this.input.pack,
    });
  }

  /** One rung of the ladder reached: recorded, the rung's target told, projected and reported to the owner. */
  private async escalate(
    phase: TaskPhase,
    deadline: Deadline,
    dueAt: string,
    rung: number,
    target: EscalationRecord['notify'],
    rungDue: Date,
  ): Promise<void> {
    const { state } = this;
    const record: EscalationRecord = {
      taskId: state.taskId,
      kind: state.kind,
      phase,
      rung,
      notify: target,
      clause: deadline.clause,
      deadline: dueAt,
      dueAt: rungDue.toISOString(),
      at: this.stamp(),
    };
    state.escalations.push(record);
    this.audit('task_escalated', { phase, rung: record.rung, notify: target }, deadline.clause, record.at);
    const notice = () =>
      this.send(`escalate:${phase}:${record.rung}`, {
        type: 'task_escalated',
        taskId: state.taskId,
        kind: state.kind,
        agencyId: state.agencyId,
        phase,
        rung: record.rung,
        target,
        clause: deadline.clause,
        deadline: dueAt,
      });
    if (this.oneStepEscalation()) {
      await Promise.all([notice(), this.project()]);
    } else {
      await notice();
      await this.project();
    }
    if (this.input.reportToOwner) await this.signalOwner((h) => h.signal(taskEscalatedSignal, record));
  }

  async signalOwner(fn: (h: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>): Promise<void> {
    try {
      await fn(getExternalWorkflowHandle(this.input.ownerWorkflowId));
    } catch (err) {
      // The owner may have closed; the task's own history and projection still hold the record.
      log.warn('could not signal task owner', { taskId: this.input.taskId, error: String(err) });
    }
  }

  /** The accept deadline, then (the owner told of the acceptance) the complete deadline. */
  async enforceDeadlines(): Promise<void> {
    const { state, input } = this;
    await this.enforce(
      'accept',
      input.rule.accept,
      state.acceptBy,
      () => state.status !== 'created' && state.status !== 'notified',
    );
    const { acceptedAt } = state;
    if (input.reportToOwner && acceptedAt)
      await this.signalOwner((h) => h.signal(taskAcceptedSignal, { taskId: state.taskId, acceptedAt }));
    await this.enforce('complete', input.rule.complete, state.completeBy, () => isClosed(state));
  }

  /** ESCALATION_ONE_STEP_PATCH, asked once per run at its first missed deadline and kept (the same answer after). */
  private oneStep?: boolean;
  private oneStepEscalation(): boolean {
    this.oneStep ??= this.since(ESCALATION_ONE_STEP_PATCH);
    return this.oneStep;
  }

  /** The closed task's last projection and its result, reported to the owner. */
  async finish(): Promise<TaskResult> {
    const { state } = this;
    state.clocks = [];
    await this.project();
    const closedAt = state.closedAt ?? this.stamp();
    const result: TaskResult =
      state.status === 'completed' && state.outcome
        ? { taskId: state.taskId, kind: state.kind, status: 'completed', outcome: state.outcome, closedAt }
        : state.withdrawal
          ? { taskId: state.taskId, kind: state.kind, status: 'withdrawn', reason: state.withdrawal.reason, closedAt }
          : {
              taskId: state.taskId,
              kind: state.kind,
              status: 'declined',
              reason: state.declineReason ?? 'declined',
              redirectToAgencyId: state.redirectToAgencyId,
              closedAt,
            };
    if (this.input.reportToOwner) await this.signalOwner((h) => h.signal(taskClosedSignal, result));
    // A local run ends in a task of its own (a 1 ms timer), not straight after its last projection.
    if (this.local) await sleep(1);
    return result;
  }
}

/** The outcome of an accountability task as the projection lists it: what was done and the note (issue #17 item 6). */
function accountabilityOutcome(outcome: TaskOutcome | undefined): { outcome?: { code: string; note: string } } {
  if (outcome?.kind === 'late_report_follow_up') return { outcome: { code: outcome.action, note: outcome.note } };
  if (outcome?.kind === 'procuratorate_supervision') return { outcome: { code: outcome.result, note: outcome.note } };
  return {};
}

export async function agencyTaskWorkflow(input: AgencyTaskInput): Promise<TaskResult> {
  const task = new AgencyTask(input);
  setHandler(taskStatusQuery, () => task.state);
  setHandler(acceptTaskUpdate, (cmd) => task.accept(cmd), { validator: (cmd) => task.validateAccept(cmd) });
  setHandler(completeTaskUpdate, (cmd) => task.complete(cmd), { validator: (cmd) => task.validateComplete(cmd) });
  setHandler(declineTaskUpdate, (cmd) => task.decline(cmd), { validator: (cmd) => task.validateDecline(cmd) });
  setHandler(withdrawTaskSignal, (withdrawal) => task.withdraw(withdrawal));

  await task.open();
  await task.enforceDeadlines();
  await condition(allHandlersFinished);
  return task.finish();
}
