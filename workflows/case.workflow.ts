/**
 * The case workflow: one per child's open case, id `case-<childId>` (see caseWorkflowId). It runs the chain
 * report → emergency response → (urgent placement) → assessment → monitoring (FT 三(二)4), opening each agency task
 * as a workflow of its own (agency-task.workflow.ts, started by a local activity; cases recorded before that, as a
 * child workflow) that reports back by signal to this workflow id, so tasks outlive a continue-as-new of the case.
 *
 * Shape: signal handlers only record facts in `state` (dedupe, late-report finding, risk raise); one main loop acts
 * on what is recorded (opens tasks, moves on, projects). The stage is derived from open tasks and the decision, so
 * the state carried across continue-as-new is all the case needs to resume anywhere.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditEvent, CaseProjectionFields } from '../activities';
import { decideBenefits } from '../policies/benefits';
import { classifyChild } from '../policies/classification';
import type { PolicyPack } from '../policies/schema';
import { agencyTaskWorkflow } from './agency-task.workflow';
import { clockFor, deadlineFrom, earliest, isLateReport, msUntil, nowIso, visitRule } from './clocks';
import { nextLegalStep } from './guardianship';
import { decidedOf } from './decided';
import {
  BENEFIT_APPLICATIONS_PATCH,
  Intervention,
  OUTCOMES_OPEN_ACTIONS_PATCH,
  PERMANENT_ARRANGEMENTS_PATCH,
  WITHDRAW_MOOT_TASKS_PATCH,
  interventionClocks,
  interventionStage,
  isCaseClosed,
} from './intervention';
import {
  CaseFailure,
  RISK_LEVELS,
  caseStageSearchAttribute,
  caseStatusQuery,
  nextDeadlineSearchAttribute,
  policyPackSearchAttribute,
  reportFiledSignal,
  routingPhaseOf,
  taskAcceptedSignal,
  taskClosedSignal,
  taskEscalatedSignal,
  taskWorkflowId,
  type CaseStage,
  type CaseState,
  type CaseStatus,
  type CaseTaskSummary,
  type CaseWorkflowInput,
  type Clock,
  type EscalationRecord,
  type FiledReport,
  type Finding,
  type AgencyTaskInput,
  type GradingSentBack,
  type GradingUnderReview,
  type NextStep,
  type OutcomeOf,
  type RiskChange,
  type RiskLevel,
  type RoutingPhase,
  type TaskKind,
  type TaskResult,
} from './definitions';
import { isBundled, isWholePack, packRefOf, resolvePack } from './packs';
import {
  projectCase,
  projectCaseLocally,
  returnToLedgerMonitoring,
  sendNotice,
  startAgencyTaskLocally,
  superiorOf,
  tellLedgerOfOpenCase,
} from './proxies';

/** The patch that sends a late report to the reporting unit's superior with a follow-up task (issue #17 item 6). */
export const LATE_REPORT_SUPERIOR_PATCH = 'late-report-superior';

/** Task kinds the case opens; a pinned pack without one of them cannot run a case. */
export const CASE_TASK_KINDS: TaskKind[] = [
  'police_response',
  'urgent_placement',
  'joint_assessment',
  'risk_grading',
  'monitoring_visit',
];

/**
 * Task kinds the case opens only when its pinned pack has them (from pack 1.2.0, issue #17): a case pinned to an
 * older pack goes on without them, as before.
 */
export const PACK_OPTIONAL_TASK_KINDS: TaskKind[] = ['child_search', 'benefit_application', 'permanent_arrangement'];

/** History events after which the case continues-as-new even without the server's suggestion. */
export const DEFAULT_HISTORY_EVENT_LIMIT = 5_000;

const STAGE_FOR_NEXT_STEP: Record<NextStep, CaseStage> = {
  monitoring_only: 'monitoring',
  services: 'services',
  temporary_guardianship: 'temporary_guardianship_pending',
  legal_measures: 'legal_measures_pending',
};

const VISIT_CLOCK = 'next_visit';

const LATE_REPORT_FOLLOW_UP: TaskKind = 'late_report_follow_up';

/** Who else takes part in a task the case opens, and for whom. */
export interface OpenTaskOptions {
  agencyId?: string;
  concerns?: string[];
  collaborators?: string[];
  /** Benefit codes a benefit_application task decides. */
  benefits?: string[];
  /** grading_review: the grading the committee reviews; risk_grading sent back: why (FT 三(三)4). */
  gradingUnderReview?: GradingUnderReview;
  sentBack?: GradingSentBack;
}

export function initialCaseState(input: CaseWorkflowInput): CaseState {
  return {
    caseId: input.caseId,
    childId: input.childId,
    pack: { id: input.pack.id, version: input.pack.version },
    stage: 'awaiting_report',
    // Provisional until the social-work risk grading (FT 三(三)4).
    risk: 'low',
    riskChanges: [],
    leftBehind: false,
    reports: [],
    tasks: [],
    taskSeq: 0,
    emergencyOutcomes: [],
    handovers: [],
    assessment: {},
    visits: [],
    clocks: [],
    escalations: [],
    findings: [],
    inbox: [],
    projectionVersion: 0,
    runCount: 1,
    ...(input.jurisdiction ? { jurisdiction: input.jurisdiction } : {}),
  };
}

/** FT 三(三)4: the grading goes to the protection committee for review (packs with a grading_review task). */
export const GRADING_REVIEW_PATCH = 'grading-review';

/** The patch that lets a running placement name the stage while the assessment runs beside it (issue #14). */
export const PLACEMENT_STAGE_PATCH = 'placement-stage-first';

/**
 * The case's stage. With `placementFirst` (cases from PLACEMENT_STAGE_PATCH on), a child in a running placement is in
 * that placement's stage even while the joint assessment runs beside it (CN 四(三)): where the child is comes first.
 */
export function deriveStage(state: CaseState, placementFirst = false): CaseStage {
  const open = (kind: TaskKind) => state.tasks.some((t) => t.kind === kind && t.status === 'open');
  if (state.reports.length === 0) return 'awaiting_report';
  if (open('police_response')) return 'emergency_response';
  if (open('urgent_placement')) return 'placement_pending';
  const running = placementFirst ? state.intervention?.placements.find((p) => p.status === 'running') : undefined;
  if (running && !isCaseClosed(state)) {
    return running.term === 'short_term' ? 'short_term_guardianship' : 'long_term_guardianship';
  }
  if (open('joint_assessment') || open('risk_grading') || open('grading_review')) return 'assessment';
  const intervention = interventionStage(state);
  if (intervention) return intervention;
  const decision = state.assessment.decision;
  return decision ? STAGE_FOR_NEXT_STEP[decision.nextStep] : 'assessment';
}

export function openTasks(state: CaseState): CaseTaskSummary[] {
  return state.tasks.filter((t) => t.status === 'open');
}

/** Every running clock: the case's own and each open task's deadline still ahead of it. */
export function pendingClocks(state: CaseState): Clock[] {
  const taskClocks = openTasks(state).flatMap((t): Clock[] => [
    ...(t.acceptedAt
      ? []
      : [
          {
            id: `${t.taskId}:accept`,
            label: `${t.kind} accepted`,
            clause: t.acceptClause,
            startedAt: t.createdAt,
            firesAt: t.acceptBy,
          },
        ]),
    {
      id: `${t.taskId}:complete`,
      label: `${t.kind} completed`,
      clause: t.completeClause,
      startedAt: t.createdAt,
      firesAt: t.completeBy,
    },
  ]);
  return [...state.clocks, ...interventionClocks(state), ...taskClocks];
}

/**
 * What the case answers to a status query or projects. With `placementFirst` given (the query), the stage is derived
 * from the tasks being returned beside it: a task opened since the last projection is never shown under the stage
 * before it.
 */
export function caseStatus(raw: CaseState, placementFirst?: boolean): CaseStatus {
  const state = placementFirst === undefined ? raw : { ...raw, stage: deriveStage(raw, placementFirst) };
  const clocks = pendingClocks(state);
  const legal = state.intervention ? { nextLegalStep: nextLegalStep(state.intervention.legalSteps) } : {};
  return {
    state,
    openTasks: openTasks(state),
    pendingClocks: clocks,
    nextDeadline: earliest(clocks.map((c) => c.firesAt)),
    ...legal,
  };
}

function raisedRisk(level: RiskLevel): RiskLevel {
  return RISK_LEVELS[Math.min(RISK_LEVELS.indexOf(level) + 1, RISK_LEVELS.length - 1)];
}

/**
 * Records a report in state (a signal handler: no I/O). Returns audit events. Dedupes by report id, so the same
 * report signalled twice (intake retry, duplicate submission, redelivery across continue-as-new) is applied once.
 */
export function applyReport(
  state: CaseState,
  pack: PolicyPack,
  report: FiledReport,
): Omit<AuditEvent, 'key' | 'workflowId'>[] {
  if (state.reports.some((r) => r.reportId === report.reportId)) return [];
  const at = nowIso();
  const events: Omit<AuditEvent, 'key' | 'workflowId'>[] = [
    { type: 'report_filed', at, details: { reportId: report.reportId, reporterUnitId: report.reporter.unitId } },
  ];
  const late = isLateReport(pack, report.discoveredAt, report.reportedAt);
  if (late) {
    // CN 四(一): report "at the first moment"; a late report is an accountability finding against the reporting unit.
    state.findings.push({
      kind: 'late_report',
      againstUnitId: report.reporter.unitId,
      againstUnitType: report.reporter.unitType,
      reportId: report.reportId,
      discoveredAt: report.discoveredAt,
      reportedAt: report.reportedAt,
      deadline: deadlineFrom(report.discoveredAt, pack.deadlines.report).toISOString(),
      clause: pack.deadlines.report.clause,
      recordedAt: at,
    });
    events.push({
      type: 'late_report_finding',
      at,
      clause: pack.deadlines.report.clause,
      details: { reportId: report.reportId, againstUnitId: report.reporter.unitId },
    });
  }
  // A second concern inside the repeat window is a warning sign in its own right: raise the risk one level.
  const window = pack.deadlines.repeatConcernWindow;
  const repeat = state.reports.some(
    (r) => deadlineFrom(r.reportedAt, window).getTime() >= new Date(report.reportedAt).getTime(),
  );
  if (repeat) raiseRisk(state, { reason: 'repeat_concern', clause: window.clause, at, reportId: report.reportId });
  state.reports.push({
    reportId: report.reportId,
    reporterUnitId: report.reporter.unitId,
    concerns: report.concerns,
    discoveredAt: report.discoveredAt,
    reportedAt: report.reportedAt,
    receivedAt: at,
    late,
  });
  state.leftBehind ||= report.leftBehind;
  return events;
}

function raiseRisk(
  state: CaseState,
  change: Omit<RiskChange, 'from' | 'to'>,
  to: RiskLevel = raisedRisk(state.risk),
): void {
  if (to === state.risk) return;
  state.riskChanges.push({ ...change, from: state.risk, to });
  state.risk = to;
}

type AuditEntry = Omit<AuditEvent, 'key' | 'workflowId'>;
type Completed = Extract<TaskResult, { status: 'completed' }>;

/** A pinned pack without one of the case's task kinds cannot run a case: the workflow fails at once. */
export function assertPackRunsCases(pack: PolicyPack): void {
  const missingKinds = CASE_TASK_KINDS.filter((kind) => !pack.taskKinds[kind]);
  if (missingKinds.length > 0) {
    throw ApplicationFailure.create({
      message: `policy pack ${pack.id}@${pack.version} has no task kind ${missingKinds.join(', ')}`,
      type: CaseFailure.UnknownTaskKind,
      nonRetryable: true,
    });
  }
}

/**
 * One run of a case: its state (carried across continue-as-new) and its named steps. Signal handlers only record facts
 * (`record…`); `waitForWork` and `actOnWork` are the main loop, which opens tasks, moves on and projects.
 */

/**
 * From pack 1.2.0 a concern may name the police responses its outcome may record (CN 四(二): care arranged for a child
 * lacking guardianship). Only those concerns are passed to the police task; a pack without them passes nothing, so the
 * task's input is what it always was.
 */
function responsesForConcerns(
  pack: PolicyPack,
  kind: TaskKind,
  concerns: readonly string[],
): { responsesFor?: Record<string, string[]> } {
  if (kind !== 'police_response') return {};
  const responsesFor: Record<string, string[]> = {};
  for (const code of concerns) {
    const responses = pack.concernTypes.find((c) => c.code === code)?.policeResponses?.responses;
    if (responses) responsesFor[code] = [...responses];
  }
  return Object.keys(responsesFor).length > 0 ? { responsesFor } : {};
}

export class CaseRun {
  readonly state: CaseState;
  /** Placements, guardian search, services, the guardian, closure (intervention.ts): state in `state.intervention`. */
  readonly intervention: Intervention;
  private readonly pack: PolicyPack;
  private readonly historyEventLimit: number;
  private pendingAudit: AuditEntry[] = [];
  private upserted = '';
  /**
   * Whether PLACEMENT_STAGE_PATCH holds for this run, as its last projection found it (a query may not ask). Until
   * this run's first projection the query answers the stage the state carries.
   */
  placementFirst: boolean | undefined;
  /** CASE_PATCHES_HOLD_PATCH, asked first when the run starts. */
  casePatchesHold = false;
  /** DECIDED_BEFORE_PROJECTION_PATCH, asked when the run starts. */
  decidedBeforeProjection = false;
  /** What this run last projected of the rules' decisions and the intervention (JSON), to send only changes. */
  private projected: { decided?: string; intervention?: string } = {};

  constructor(private readonly input: CaseWorkflowInput) {
    this.pack = resolvePack(input.pack);
    this.state = input.carried ? { ...input.carried, runCount: input.carried.runCount + 1 } : initialCaseState(input);
    this.historyEventLimit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
    this.intervention = new Intervention({
      state: this.state,
      pack: this.pack,
      agencies: input.agencies,
      openTask: (kind, opts) => this.openTask(kind, opts),
      agencyFor: (kind) => this.agencyFor(kind),
      audit: (event) => this.audit(event),
      policeAgencyId: () => this.policeAgency(),
      fileReport: (report) => this.recordReport(report),
      continueMonitoring: () => this.continueMonitoring(),
      holds: (patchId) => this.holds(patchId),
    });
  }

  /**
   * Whether a patch holds for this run: true without asking for the patches CASE_PATCHES_HOLD_PATCH holds, when the
   * run started with it; otherwise asked of Temporal (`patched`), as every patch newer than it always is.
   */
  holds(patchId: string): boolean {
    return (this.casePatchesHold && HELD_BY_CASE_PATCHES.has(patchId)) || patched(patchId);
  }

  private audit(event: AuditEntry): void {
    this.pendingAudit.push(event);
  }

  // ── Signal handlers: record facts, no I/O ────────────────────────────────────────────────────────────────────────

  recordReport(report: FiledReport): void {
    if (report.childId !== this.state.childId) {
      log.warn('report for another child ignored', {
        reportId: report.reportId,
        type: CaseFailure.ReportForAnotherChild,
      });
      return;
    }
    this.pendingAudit.push(...applyReport(this.state, this.pack, report));
  }

  recordTaskAccepted({ taskId, acceptedAt }: { taskId: string; acceptedAt: string }): void {
    const task = this.state.tasks.find((t) => t.taskId === taskId);
    if (!task || task.acceptedAt) return;
    task.acceptedAt = acceptedAt;
    this.audit({ type: 'task_accepted', at: nowIso(), details: { taskId } });
  }

  recordTaskEscalated(record: EscalationRecord): void {
    const seen = this.state.escalations.some(
      (e) => e.taskId === record.taskId && e.phase === record.phase && e.rung === record.rung,
    );
    if (seen) return;
    this.state.escalations.push(record);
    this.audit({
      type: 'task_escalated',
      at: record.at,
      clause: record.clause,
      details: { taskId: record.taskId, rung: record.rung },
    });
  }

  recordTaskClosed(result: TaskResult): void {
    const task = this.state.tasks.find((t) => t.taskId === result.taskId);
    if (!task || task.status !== 'open') return;
    task.status = result.status;
    task.closedAt = result.closedAt;
    this.state.inbox.push(result);
  }

  // ── Tasks ────────────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Who takes a step: the place of discovery's agencies for the emergency response, the agencies of the street that
   * carries the case for the rest (CN 二 四是); FT 三(二)5 "one door accepts": without an agency of the required type,
   * that street's office. A step never fails for want of an agency: the district fallback takes it (the pack's
   * `fallbacks`, resolved at intake) and the coordinators are alerted. Cases started before the safety net carry no
   * resolved fallback; theirs are the district police (its duty desk) and civil-affairs bureau already in `agencies`,
   * so running cases are protected too.
   */
  resolveAgency(kind: TaskKind): { agencyId: string; fallback?: RoutingPhase } {
    const { input } = this;
    const rule = this.pack.taskKinds[kind];
    const phase = routingPhaseOf(kind);
    const agencies = phase === 'emergency' ? input.agencies : (input.ongoingAgencies ?? input.agencies);
    const agencyId = agencies[rule.agencyType] ?? agencies.street_office;
    if (agencyId) return { agencyId };
    const fallback =
      input.fallbackAgencies?.[phase] ??
      (phase === 'emergency' ? input.agencies.police_substation : input.agencies.civil_affairs);
    if (!fallback) {
      throw ApplicationFailure.create({
        message: `no responsible ${rule.agencyType} for ${kind} in case ${this.state.caseId}, and no district fallback`,
        type: CaseFailure.NoResponsibleAgency,
        nonRetryable: true,
      });
    }
    return { agencyId: fallback, fallback: phase };
  }

  /** Where routing would send `kind`, or undefined where it has nowhere (the caller named the agency itself). */
  routedAgency(kind: TaskKind): { agencyId: string; fallback?: RoutingPhase } | undefined {
    try {
      return this.resolveAgency(kind);
    } catch {
      return undefined;
    }
  }

  agencyFor(kind: TaskKind): string {
    return this.resolveAgency(kind).agencyId;
  }

  /** Tells the district coordinators of every task the fallback took (once per task; only such cases run this). */
  async alertFallbacks(): Promise<void> {
    for (const task of this.state.tasks) {
      if (!task.viaFallback || task.viaFallback.alerted) continue;
      task.viaFallback.alerted = true;
      this.audit({
        type: 'task_to_fallback',
        at: nowIso(),
        details: { taskId: task.taskId, kind: task.kind, agencyId: task.agencyId },
      });
      await sendNotice({
        workflowId: this.state.caseId,
        logicalKey: `fallback:${task.taskId}`,
        event: {
          type: 'task_to_fallback',
          caseId: this.state.caseId,
          taskId: task.taskId,
          kind: task.kind,
          agencyId: task.agencyId,
        },
      });
    }
  }

  /** Records a task for `kind` and starts its agency-task workflow (startTaskWorkflow); returns the task id. */
  async openTask(kind: TaskKind, opts: OpenTaskOptions = {}): Promise<string> {
    const { state, pack } = this;
    const rule = pack.taskKinds[kind];
    state.taskSeq += 1;
    const taskId = taskWorkflowId(state.caseId, kind, state.taskSeq);
    const createdAt = nowIso();
    const resolved = opts.agencyId ? this.routedAgency(kind) : this.resolveAgency(kind);
    const agencyId = opts.agencyId ?? resolved?.agencyId ?? '';
    // The intervention asks agencyFor first and passes the answer in: a fallback it chose is alerted too.
    const viaFallback = resolved?.fallback && agencyId === resolved.agencyId ? resolved.fallback : undefined;
    state.tasks.push({
      taskId,
      kind,
      agencyId,
      status: 'open',
      createdAt,
      acceptBy: deadlineFrom(createdAt, rule.accept).toISOString(),
      completeBy: deadlineFrom(createdAt, rule.complete).toISOString(),
      acceptClause: rule.accept.clause,
      completeClause: rule.complete.clause,
      ...(viaFallback ? { viaFallback: { phase: viaFallback, alerted: false } } : {}),
    });
    this.audit({ type: 'task_opened', at: createdAt, clause: rule.clause, details: { taskId, kind, agencyId } });
    await this.startTaskWorkflow({
      taskId,
      reportToOwner: true,
      kind,
      agencyId,
      collaboratingAgencyIds: opts.collaborators ?? [],
      concerns: opts.concerns ?? [],
      ...(opts.benefits?.length ? { benefits: opts.benefits } : {}),
      ...(opts.gradingUnderReview ? { gradingUnderReview: opts.gradingUnderReview } : {}),
      ...(opts.sentBack ? { sentBack: opts.sentBack } : {}),
      ...responsesForConcerns(pack, kind, opts.concerns ?? []),
      createdAt,
      rule,
    });
    return taskId;
  }

  /**
   * Starts the agency-task workflow of a task this case opened, with what every such task carries: the case as its
   * owner, the escalation ladder of its rule and the pinned pack, and (from pack 1.3.0) the procuratorate referral rule
   * its exhausted ladder counts towards (FT 三(三)2(4)). Tasks outlive a continue-as-new of the case; those that report
   * back do so by signal to the case's workflow id.
   */
  private async startTaskWorkflow(
    input: Omit<AgencyTaskInput, 'ownerWorkflowId' | 'ladder' | 'pack' | 'referral'>,
  ): Promise<void> {
    const referral = this.pack.accountability?.procuratorateReferral;
    const task: AgencyTaskInput = {
      ...input,
      ownerWorkflowId: this.state.caseId,
      ladder: this.pack.escalationLadders[input.rule.ladder],
      pack: this.state.pack,
      ...(referral
        ? {
            referral: { exhaustedLadders: referral.exhaustedLadders, period: referral.period, clause: referral.clause },
          }
        : {}),
    };
    if (this.holds(TASK_START_LOCAL_PATCH)) {
      // This code holds every patch of the task's too: the task need not ask them.
      await startAgencyTaskLocally({ taskQueue: workflowInfo().taskQueue, task: { ...task, localActivities: true } });
      return;
    }
    // Cases recorded before TASK_START_LOCAL_PATCH started their tasks as abandoned child workflows.
    await startChild(agencyTaskWorkflow, {
      workflowId: input.taskId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [task],
    });
  }

  /**
   * CN 四(一) "上述单位和人员未履行报告义务的，其上级机关和有关部门要严肃追责": from pack 1.3.0 a late report goes to the
   * reporting unit's superior (the pack's agency type for the unit's type, resolved in the directory) with a task to
   * record what it did. The task is about the unit, not the child: it is not one of the case's tasks (it neither
   * moves the stage nor holds up closure); the finding names it. Once per finding.
   */
  private async referLateReport(finding: Extract<Finding, { kind: 'late_report' }>): Promise<void> {
    const rule = this.pack.accountability?.lateReport;
    const superiorType = finding.againstUnitType ? rule?.superiors[finding.againstUnitType] : undefined;
    if (!rule || !superiorType || !this.canOpen(LATE_REPORT_FOLLOW_UP) || finding.followUpTaskId) return;
    if (!this.holds(LATE_REPORT_SUPERIOR_PATCH)) return;
    const agencyId = await superiorOf({ unitId: finding.againstUnitId, agencyType: superiorType });
    if (!agencyId) {
      this.audit({
        type: 'late_report_no_superior',
        at: nowIso(),
        clause: rule.clause,
        details: { reportId: finding.reportId, againstUnitId: finding.againstUnitId },
      });
      return;
    }
    const { state, pack } = this;
    const taskRule = pack.taskKinds[LATE_REPORT_FOLLOW_UP];
    state.taskSeq += 1;
    const taskId = taskWorkflowId(state.caseId, LATE_REPORT_FOLLOW_UP, state.taskSeq);
    const createdAt = nowIso();
    finding.superiorAgencyId = agencyId;
    finding.followUpTaskId = taskId;
    this.audit({
      type: 'late_report_to_superior',
      at: createdAt,
      clause: rule.clause,
      details: { reportId: finding.reportId, againstUnitId: finding.againstUnitId, superiorAgencyId: agencyId, taskId },
    });
    await this.startTaskWorkflow({
      taskId,
      reportToOwner: false,
      kind: LATE_REPORT_FOLLOW_UP,
      agencyId,
      collaboratingAgencyIds: [],
      concerns: [],
      createdAt,
      rule: taskRule,
      subject: {
        kind: 'late_report',
        caseId: state.caseId,
        reportId: finding.reportId,
        againstUnitId: finding.againstUnitId,
        discoveredAt: finding.discoveredAt,
        reportedAt: finding.reportedAt,
        deadline: finding.deadline,
        clause: finding.clause,
      },
    });
  }

  /** Whether the pinned pack has the task kind (kinds added in later packs are not opened for cases pinned earlier). */
  canOpen(kind: TaskKind): boolean {
    return this.pack.taskKinds[kind] !== undefined;
  }

  isOpen(kind: TaskKind): boolean {
    return this.state.tasks.some((t) => t.kind === kind && t.status === 'open');
  }

  /** The police who responded to this case join its assessment (CN 四(三): the street office "with the police"). */
  policeAgency(): string | undefined {
    return (
      this.state.tasks.filter((t) => t.kind === 'police_response' && t.status === 'completed').at(-1)?.agencyId ??
      this.input.agencies[this.pack.taskKinds.police_response.agencyType]
    );
  }

  /**
   * CN 四(一): a late report is an accountability finding against the reporting unit; the district's coordinators are
   * told, once per report (as the report is routed, which happens once). Cases recorded before this notice existed
   * replay without it.
   */
  private async noticeLateReport(reportId: string): Promise<void> {
    const finding = this.state.findings.find((f) => f.kind === 'late_report' && f.reportId === reportId);
    if (!finding || finding.kind !== 'late_report' || !this.holds(LATE_REPORT_NOTICE_PATCH)) return;
    const districtCode = this.state.jurisdiction?.districtCode;
    await sendNotice({
      workflowId: this.state.caseId,
      logicalKey: `late-report:${reportId}`,
      event: {
        type: 'late_report_finding',
        caseId: this.state.caseId,
        reportId,
        againstUnitId: finding.againstUnitId,
        clause: finding.clause,
        ...(districtCode ? { districtCode } : {}),
      },
    });
    await this.referLateReport(finding);
  }

  /** Routes reports the case has not acted on: a running emergency response covers them, else police are dispatched. */
  async routeNewReports(): Promise<void> {
    const { state } = this;
    const unrouted = state.reports.filter((r) => !r.handledByTaskId);
    if (unrouted.length === 0) return;
    for (const report of unrouted) await this.noticeLateReport(report.reportId);
    const running = state.tasks.find((t) => t.kind === 'police_response' && t.status === 'open');
    if (running) {
      for (const report of unrouted) {
        report.handledByTaskId = running.taskId;
        await sendNotice({
          workflowId: state.caseId,
          logicalKey: `report-joined:${report.reportId}`,
          event: {
            type: 'report_joined_case',
            caseId: state.caseId,
            reportId: report.reportId,
            agencyId: running.agencyId,
            taskId: running.taskId,
          },
        });
      }
      return;
    }
    // CN 四(二), FT 三(二)4: on a report of harm the police respond at once, by concern type.
    const concerns = [...new Set(unrouted.flatMap((r) => r.concerns))];
    const taskId = await this.openTask('police_response', { concerns });
    for (const report of unrouted) report.handledByTaskId = taskId;
  }

  // ── Results of tasks ─────────────────────────────────────────────────────────────────────────────────────────────

  /** A closed task: declined ones are reopened; the intervention's own are its business; the rest move the case on. */
  async handleResult(result: TaskResult): Promise<void> {
    // A withdrawn task was closed in the case when it was withdrawn (Intervention.withdrawMoot).
    if (result.status === 'withdrawn') return;
    if (result.status === 'declined') return this.reopenDeclined(result);
    if (await this.intervention.handleResult(result)) return;
    return this.actOnOutcome(result);
  }

  /** FT 三(二)5: a declined task is not dropped; it goes to the named agency or back to the street office. */
  async reopenDeclined(result: Extract<TaskResult, { status: 'declined' }>): Promise<void> {
    const { state } = this;
    const declined = state.tasks.find((t) => t.taskId === result.taskId);
    this.audit({
      type: 'task_declined',
      at: result.closedAt,
      details: { taskId: result.taskId, reason: result.reason },
    });
    const concerns =
      result.kind === 'police_response'
        ? [...new Set(state.reports.filter((r) => r.handledByTaskId === result.taskId).flatMap((r) => r.concerns))]
        : [];
    const agencyId = result.redirectToAgencyId ?? this.input.agencies.street_office ?? declined?.agencyId;
    const taskId = await this.openTask(result.kind, { agencyId, concerns });
    this.intervention.taskReopened(result.taskId, taskId);
    for (const report of state.reports) if (report.handledByTaskId === result.taskId) report.handledByTaskId = taskId;
  }

  private async actOnOutcome(result: Completed): Promise<void> {
    const { outcome } = result;
    switch (outcome.kind) {
      case 'police_response':
        return this.afterPoliceResponse(result.taskId, outcome);
      case 'urgent_placement':
        return this.startAssessment();
      case 'joint_assessment':
        this.recordJointAssessment(outcome);
        await this.applyForBenefits();
        return this.decideWhenAssessed();
      case 'risk_grading':
        if (await this.submitGradingForReview(result.taskId, outcome)) return;
        this.state.assessment.grading = outcome;
        return this.decideWhenAssessed();
      case 'grading_review':
        return this.afterGradingReview(result.taskId, outcome);
      case 'monitoring_visit':
        this.recordVisit(result.taskId, outcome);
        return;
      case 'detention_care_arrangement':
        return;
      case 'child_search':
        return this.afterChildSearch(result.taskId, outcome);
      case 'benefit_application':
        this.recordBenefitDecisions(result.taskId, outcome);
        return;
      default:
        return this.decideWhenAssessed();
    }
  }

  private async afterPoliceResponse(taskId: string, outcome: OutcomeOf<'police_response'>): Promise<void> {
    const { state } = this;
    state.emergencyOutcomes.push({ taskId, outcome });
    this.recordLateDispatch(taskId, outcome.dispatchedAt);
    if (outcome.custody.kind === 'handed_over') state.handovers.push({ taskId, handover: outcome.custody.handover });
    if (outcome.custody.kind === 'nobody_can_take') {
      // CN 四(二): nobody can or will take the child → the street office places the child urgently.
      await this.openTask('urgent_placement');
      return;
    }
    if (outcome.custody.kind === 'protective_placement' && this.holds(OUTCOMES_OPEN_ACTIONS_PATCH)) {
      // FT 三(二)4 "必要时将其安置到救助管理机构或儿童福利机构进行临时保护": the child is in temporary care from the
      // response on, so the short-term cap runs and the services begin (CN 四(三), 四(四)). The guardians are known
      // (the violence is theirs): no guardian search.
      await this.intervention.startPlacement('short_term', outcome.dispatchedAt, outcome.custody.institution, {
        searchIfUnknown: false,
      });
    }
    const notFound = outcome.responses.flatMap((r) => (r.response === 'child_search' && !r.found ? [r] : []));
    if (notFound.length > 0 && this.canOpen('child_search') && this.holds(OUTCOMES_OPEN_ACTIONS_PATCH)) {
      // FT 三(二)4 "按照儿童失踪快速查找机制及时开展调查": the search goes on with its own deadline and ladder until the
      // child is found or the case goes to the criminal process; the assessment follows the search.
      // The police who responded carry on searching.
      const agencyId = state.tasks.find((t) => t.taskId === taskId)?.agencyId;
      const searches = (state.childSearches ??= []);
      for (const response of notFound) {
        const searchId = await this.openTask('child_search', { agencyId, concerns: [response.concern] });
        searches.push({ taskId: searchId, concern: response.concern, startedAt: response.searchStartedAt });
      }
      return;
    }
    await this.startAssessment();
  }

  /** The rapid search ended (FT 三(二)4): found, or handed to the criminal process; the assessment follows. */
  private async afterChildSearch(taskId: string, outcome: OutcomeOf<'child_search'>): Promise<void> {
    const record = this.state.childSearches?.find((s) => s.taskId === taskId);
    if (record) {
      record.result = outcome.result;
      record.at = outcome.at;
    }
    this.audit({
      type: outcome.result === 'found' ? 'missing_child_found' : 'missing_child_handed_to_criminal_process',
      at: nowIso(),
      clause: this.pack.taskKinds.child_search?.clause,
      details: { taskId, at: outcome.at },
    });
    if (this.isOpen('child_search')) return;
    // CN 四(三): the street office with the police then assess the family, guardianship and the child's health.
    await this.startAssessment();
  }

  /**
   * CN 五(一) "及时办理困境儿童及其家庭的社会救助、社会福利": each benefit the assessment found is applied for at the
   * agency the pack names (the street office, or civil affairs for the benefits it grants), one task per agency.
   * A benefit already applied for is not applied for again unless it was refused.
   */
  private async applyForBenefits(): Promise<void> {
    const { state, pack } = this;
    const granted = state.assessment.benefits?.granted ?? [];
    if (granted.length === 0 || !this.canOpen('benefit_application')) return;
    const applications = state.benefitApplications ?? [];
    const pending = granted.filter(
      (b) =>
        !applications.some(
          (a) =>
            a.benefits.includes(b.code) &&
            (a.decisions === undefined || a.decisions.some((d) => d.benefit === b.code && d.result === 'granted')),
        ),
    );
    if (pending.length === 0 || !this.holds(BENEFIT_APPLICATIONS_PATCH)) return;
    const byAgency = new Map<string, string[]>();
    for (const benefit of pending) {
      const agencyId = this.benefitAgency(benefit.code);
      byAgency.set(agencyId, [...(byAgency.get(agencyId) ?? []), benefit.code]);
    }
    for (const [agencyId, benefits] of byAgency) {
      const taskId = await this.openTask('benefit_application', { agencyId, benefits });
      const clause = pack.benefitApplication?.clause ?? pack.taskKinds.benefit_application.clause;
      applications.push({ taskId, agencyId, benefits, clause });
    }
    state.benefitApplications = applications;
  }

  /** The agency that grants a benefit: the pack's agency type for it, of the street carrying the case. */
  private benefitAgency(code: string): string {
    const type = this.pack.benefitApplication?.agencyByBenefit?.[code];
    const agencies = this.input.ongoingAgencies ?? this.input.agencies;
    return (type && agencies[type]) || this.agencyFor('benefit_application');
  }

  private recordBenefitDecisions(taskId: string, outcome: OutcomeOf<'benefit_application'>): void {
    const application = this.state.benefitApplications?.find((a) => a.taskId === taskId);
    if (application) application.decisions = outcome.decisions;
    for (const d of outcome.decisions) {
      this.audit({
        type: d.result === 'granted' ? 'benefit_granted' : 'benefit_refused',
        at: d.decidedAt,
        clause: application?.clause,
        details: { taskId, benefit: d.benefit, ...(d.reason ? { reason: d.reason } : {}) },
      });
    }
  }

  private recordLateDispatch(taskId: string, dispatchedAt: string): void {
    const task = this.state.tasks.find((t) => t.taskId === taskId);
    if (!task) return;
    const rule = this.pack.deadlines.policeDispatch;
    const deadline = deadlineFrom(task.createdAt, rule);
    if (new Date(dispatchedAt).getTime() <= deadline.getTime()) return;
    this.state.findings.push({
      kind: 'late_dispatch',
      againstUnitId: task.agencyId,
      taskId,
      taskCreatedAt: task.createdAt,
      dispatchedAt,
      deadline: deadline.toISOString(),
      clause: rule.clause,
      recordedAt: nowIso(),
    });
    this.audit({
      type: 'late_dispatch_finding',
      at: nowIso(),
      clause: rule.clause,
      details: { taskId, againstUnitId: task.agencyId },
    });
  }

  /** CN 四(三), FT 三(三)4: joint street-office/police assessment and the social-work risk grading, side by side. */
  async startAssessment(): Promise<void> {
    if (this.isOpen('joint_assessment') || this.isOpen('risk_grading')) return;
    this.state.assessment = { decision: this.state.assessment.decision };
    const police = this.policeAgency();
    await this.openTask('joint_assessment', { collaborators: police ? [police] : [] });
    await this.openTask('risk_grading');
  }

  private recordJointAssessment(outcome: OutcomeOf<'joint_assessment'>): void {
    const { state, pack } = this;
    const facts = { ageYears: outcome.ageYears, facts: outcome.facts };
    state.assessment.joint = outcome;
    state.assessment.classification = classifyChild(pack, facts);
    // 择高 (FT 三(一)1) compares the amounts the assessment recorded, else the pack's standard amounts; a pack
    // without amounts (1.0.0) keeps its preference order.
    state.assessment.benefits = decideBenefits(pack, facts, outcome.benefitAmounts ?? {});
    state.leftBehind ||= state.assessment.classification.leftBehind;
  }

  /**
   * FT 三(三)4 "将评估结果提交至困境儿童和留守儿童保护委员会审议": where the pinned pack has the committee's review (Fengtai
   * from 1.3.0), the grading goes to the committee's office before it decides anything; the decision waits for the
   * review. Returns false where the pack has no review (Changning's text has no such committee): the grading decides.
   */
  private async submitGradingForReview(gradingTaskId: string, grading: OutcomeOf<'risk_grading'>): Promise<boolean> {
    if (!this.canOpen('grading_review') || !this.holds(GRADING_REVIEW_PATCH)) return false;
    const underReview: GradingUnderReview = {
      gradingTaskId,
      riskLevel: grading.riskLevel,
      recommendation: grading.recommendation,
      ...(grading.needs.length > 0 ? { needs: grading.needs } : {}),
      ...(grading.services ? { services: grading.services } : {}),
    };
    const taskId = await this.openTask('grading_review', { gradingUnderReview: underReview });
    (this.state.gradingReviews ??= []).push({ taskId, grading: underReview, openedAt: nowIso() });
    this.audit({
      type: 'risk_grading_submitted',
      at: nowIso(),
      clause: this.pack.taskKinds.grading_review?.clause,
      details: { taskId, gradingTaskId, riskLevel: grading.riskLevel, recommendation: grading.recommendation },
    });
    return true;
  }

  /**
   * The committee's review (FT 三(三)4): accepted, the grading decides; grade changed, the case goes on with the
   * committee's grade (audited with the reason); sent back, the grading task reopens for the same social workers with
   * the committee's reason, and its new grading is reviewed again.
   */
  private async afterGradingReview(taskId: string, outcome: OutcomeOf<'grading_review'>): Promise<void> {
    const { state } = this;
    const review = state.gradingReviews?.find((r) => r.taskId === taskId);
    if (!review) return;
    const clause = this.pack.taskKinds.grading_review?.clause;
    review.decision = outcome.decision;
    review.reviewedAt = outcome.reviewedAt;
    if (outcome.reason) review.reason = outcome.reason;
    const { gradingTaskId, ...grade } = review.grading;
    const details = { taskId, gradingTaskId, ...(outcome.reason ? { reason: outcome.reason } : {}) };
    if (outcome.decision === 'sent_back') {
      const agencyId = state.tasks.find((t) => t.taskId === gradingTaskId)?.agencyId;
      const regradingTaskId = await this.openTask('risk_grading', {
        ...(agencyId ? { agencyId } : {}),
        sentBack: { reason: outcome.reason ?? '', byTaskId: taskId, at: outcome.reviewedAt },
      });
      review.regradingTaskId = regradingTaskId;
      this.audit({ type: 'risk_grading_sent_back', at: nowIso(), clause, details: { ...details, regradingTaskId } });
      return;
    }
    if (outcome.decision === 'grade_changed') {
      const changedTo = {
        riskLevel: outcome.riskLevel ?? grade.riskLevel,
        recommendation: outcome.recommendation ?? grade.recommendation,
      };
      review.changedTo = changedTo;
      state.assessment.grading = { kind: 'risk_grading', ...grade, needs: grade.needs ?? [], ...changedTo };
      this.audit({
        type: 'risk_grade_changed',
        at: nowIso(),
        clause,
        details: {
          ...details,
          fromRiskLevel: grade.riskLevel,
          toRiskLevel: changedTo.riskLevel,
          fromRecommendation: grade.recommendation,
          toRecommendation: changedTo.recommendation,
        },
      });
    } else {
      state.assessment.grading = { kind: 'risk_grading', ...grade, needs: grade.needs ?? [] };
      this.audit({ type: 'risk_grading_accepted', at: nowIso(), clause, details });
    }
    return this.decideWhenAssessed();
  }

  /** Both assessments in and none open: the social-work grading decides the next step (FT 三(三)4). */
  private async decideWhenAssessed(): Promise<void> {
    const { state, pack } = this;
    const { joint, grading } = state.assessment;
    if (!joint || !grading || this.isOpen('joint_assessment') || this.isOpen('risk_grading')) return;
    if (this.isOpen('grading_review')) return;
    // Classification and benefits are recorded beside the decision.
    const clause = pack.deadlines.riskGrading.clause;
    // FT 三(三)4: a grade the protection committee changed is the committee's, and says so.
    const changedByCommittee = state.gradingReviews?.at(-1)?.decision === 'grade_changed';
    const reason = changedByCommittee ? 'committee_review' : 'risk_grading';
    raiseRisk(state, { reason, clause, at: nowIso() }, grading.riskLevel);
    state.assessment.decision = {
      nextStep: grading.recommendation,
      basis: 'risk_grading',
      clause,
      decidedAt: nowIso(),
    };
    this.audit({ type: 'case_decided', at: nowIso(), clause, details: { nextStep: grading.recommendation } });
    if (!state.clocks.some((c) => c.id === VISIT_CLOCK) && !this.isOpen('monitoring_visit')) this.scheduleVisit();
    await this.intervention.onDecision(grading.recommendation);
  }

  // ── Monitoring visits ────────────────────────────────────────────────────────────────────────────────────────────

  private recordVisit(taskId: string, outcome: OutcomeOf<'monitoring_visit'>): void {
    const { state, pack } = this;
    state.visits.push({ taskId, outcome });
    if (outcome.newConcern) {
      raiseRisk(state, {
        reason: 'visit_found_concern',
        clause: visitRule(pack, state.risk, state.leftBehind).clause,
        at: nowIso(),
      });
    }
    this.scheduleVisit();
  }

  /**
   * FT 三(三)4: the later-stage assessment recommends continuing support, so the ledger's periodic visits go on
   * (CN 五(一)): a visit is scheduled unless one is already scheduled or open.
   */
  continueMonitoring(): void {
    if (this.state.clocks.some((c) => c.id === VISIT_CLOCK) || this.isOpen('monitoring_visit')) return;
    this.scheduleVisit();
  }

  private scheduleVisit(): void {
    // CN 五(一), FT 三(一)1, 三(二)2: children on the ledger are visited periodically, more often at higher risk.
    const rule = visitRule(this.pack, this.state.risk, this.state.leftBehind);
    this.state.clocks = [
      ...this.state.clocks.filter((c) => c.id !== VISIT_CLOCK),
      clockFor(VISIT_CLOCK, nowIso(), rule),
    ];
  }

  private dueVisit(): boolean {
    const clock = this.state.clocks.find((c) => c.id === VISIT_CLOCK);
    return clock !== undefined && msUntil(clock.firesAt) === 0 && !this.isOpen('monitoring_visit');
  }

  private async openVisit(): Promise<void> {
    this.state.clocks = this.state.clocks.filter((c) => c.id !== VISIT_CLOCK);
    await this.openTask('monitoring_visit');
  }

  // ── The main loop ────────────────────────────────────────────────────────────────────────────────────────────────

  /** Writes the search attributes (when they changed), the read model and the audit entries since the last one. */
  async project(): Promise<void> {
    await this.alertFallbacks();
    const { state } = this;
    this.placementFirst = this.holds(PLACEMENT_STAGE_PATCH);
    state.stage = deriveStage(state, this.placementFirst);
    state.projectionVersion += 1;
    const version = state.projectionVersion;
    const status = caseStatus(state);
    const events = this.pendingAudit;
    this.pendingAudit = [];
    this.upsertSearchAttributes(status.nextDeadline);
    await (this.holds(CASE_PROJECTION_LOCAL_PATCH) ? projectCaseLocally : projectCase)({
      workflowId: state.caseId,
      version,
      fields: {
        childId: state.childId,
        pack: state.pack,
        jurisdiction: state.jurisdiction ?? null,
        agencyCodes: [...new Set(state.tasks.map((t) => t.agencyId))],
        stage: state.stage,
        risk: decidedOf(state)?.risk ?? 'unassessed',
        leftBehind: state.leftBehind,
        reportIds: state.reports.map((r) => r.reportId),
        openTaskIds: status.openTasks.map((t) => t.taskId),
        nextDeadline: status.nextDeadline ?? null,
        clocks: status.pendingClocks,
        escalations: state.escalations,
        findings: state.findings,
        nextStep: state.assessment.decision?.nextStep ?? null,
        categories: state.assessment.classification?.categories.map((c) => c.code) ?? [],
        openedAt: state.reports[0]?.reportedAt ?? null,
        ...this.changedSinceProjected(),
      },
      // Keys from workflow id + projection version (carried across continue-as-new), never the run id.
      audit: events.map((e, i) => ({ ...e, key: `${state.caseId}:v${version}:${i}`, workflowId: state.caseId })),
    });
  }

  /**
   * What the pack's rules decided (for the child's file) and the intervention (for the case page), each only when it
   * changed since this run last projected it: the store keeps the last one sent, so history does not repeat them.
   */
  private changedSinceProjected(): Pick<CaseProjectionFields, 'decided' | 'intervention'> {
    const decided = decidedOf(this.state);
    const intervention = this.state.intervention;
    const keys = { decided: JSON.stringify(decided), intervention: JSON.stringify(intervention ?? null) };
    const changed: Pick<CaseProjectionFields, 'decided' | 'intervention'> = {};
    if (decided && keys.decided !== this.projected.decided) changed.decided = decided;
    if (intervention && keys.intervention !== this.projected.intervention) changed.intervention = intervention;
    this.projected = keys;
    return changed;
  }

  private upsertSearchAttributes(nextDeadline: string | undefined): void {
    const { state } = this;
    const searchKey = `${state.stage}|${nextDeadline ?? ''}`;
    if (searchKey === this.upserted) return;
    upsertSearchAttributes([
      { key: caseStageSearchAttribute, value: state.stage },
      { key: nextDeadlineSearchAttribute, value: nextDeadline ? new Date(nextDeadline) : null },
      { key: policyPackSearchAttribute, value: `${state.pack.id}@${state.pack.version}` },
    ]);
    this.upserted = searchKey;
  }

  hasWork(): boolean {
    const { state } = this;
    return (
      state.inbox.length > 0 ||
      this.pendingAudit.length > 0 ||
      state.reports.some((r) => !r.handledByTaskId) ||
      this.dueVisit() ||
      this.intervention.hasWork()
    );
  }

  /** Sleeps until there is work or the next clock of the case (the visit, the intervention's neglect clock) fires. */
  async waitForWork(): Promise<void> {
    const visit = this.state.clocks.find((c) => c.id === VISIT_CLOCK);
    // The intervention's own clock (the neglect clock) wakes the loop too; without one the wait is as before.
    const wake = earliest([
      visit && !this.isOpen('monitoring_visit') ? visit.firesAt : undefined,
      this.intervention.nextWake(),
    ]);
    if (wake) await condition(() => this.hasWork(), Math.max(1, msUntil(wake)));
    else await condition(() => this.hasWork());
  }

  /** One pass: route reports, act on closed tasks, open a due visit, let the intervention act, project. */
  async actOnWork(): Promise<void> {
    await this.routeNewReports();
    while (this.state.inbox.length > 0) {
      const result = this.state.inbox.shift();
      if (result) await this.handleResult(result);
    }
    if (this.dueVisit()) await this.openVisit();
    await this.intervention.act();
    await this.returnToLedger();
    await this.routeNewReports();
    await this.project();
    await this.tellLedgerOfOpenCase();
  }

  /**
   * Issue #18: the child's ledger monitoring learns of the open case from the case itself, once per opening, after
   * the projection is written: an enrolment reads the projection for an open case, so one that read none wrote its
   * ledger entry before this pass looks and is told here (the activity starts its workflow paused on the case when
   * the enrolment's start has not reached Temporal yet). Patched: runs recorded before replay without it.
   */
  private async tellLedgerOfOpenCase(): Promise<void> {
    if (this.state.ledgerToldOpen || isCaseClosed(this.state)) return;
    // Asked here only by runs recorded before DECIDED_BEFORE_PROJECTION_PATCH (it follows the projection).
    if (!this.decidedBeforeProjection && !this.holds(LEDGER_TOLD_OPEN_PATCH)) return;
    await tellLedgerOfOpenCase({ childId: this.state.childId, caseId: this.state.caseId });
    this.state.ledgerToldOpen = true;
  }

  /**
   * Issue #18, CN 五(一): a closed case does not stop the visits; the child returns to the ledger's monitoring
   * workflow (started if none runs), once per closure. Patched: cases closed before this replay without it.
   */
  private async returnToLedger(): Promise<void> {
    const closure = this.state.intervention?.closure;
    if (!closure || !isCaseClosed(this.state) || this.state.ledgerReturnedFor === closure.at) return;
    if (!this.holds(LEDGER_RETURN_PATCH)) return;
    const place = this.state.jurisdiction;
    await returnToLedgerMonitoring({
      childId: this.state.childId,
      caseId: this.state.caseId,
      closedAt: closure.at,
      pack: packRefOf(this.input.pack),
      ...(place ? { place } : {}),
    });
    this.state.ledgerReturnedFor = closure.at;
    // A reopening (a new report, a coordinator's) tells the ledger again.
    delete this.state.ledgerToldOpen;
  }

  shouldContinueAsNew(): boolean {
    return workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > this.historyEventLimit;
  }
}

/**
 * The case's projection runs as a local activity (issue #19): one workflow task fewer per pass and no task-queue
 * round trip. Histories recorded before replay with the scheduled activity.
 */
export const CASE_PROJECTION_LOCAL_PATCH = 'case-projection-local';

/**
 * Issue #19: a case starts its agency tasks' workflows in a local activity (startAgencyTaskLocally) instead of as
 * child workflows, so opening a task costs the case no second workflow task (the child's "started" event woke it).
 */
export const TASK_START_LOCAL_PATCH = 'task-start-local';

/** Issue #18: a closing case returns the child to the ledger's monitoring (CaseRun.returnToLedger). */
export const LEDGER_RETURN_PATCH = 'ledger-return-on-close';

/** Issue #18: the open case tells the child's ledger monitoring itself (CaseRun.tellLedgerOfOpenCase). */
export const LEDGER_TOLD_OPEN_PATCH = 'ledger-told-case-open';

/** Continue-as-new passes the pack by reference (see nextRunInput). */
export const PACK_BY_REFERENCE_PATCH = 'pack-by-reference';

/**
 * A pass ends with the case's projection, a local activity, and nothing after it may depend on which workflow task it
 * runs in. When a status query (the case page's live read) is answered while that activity finishes, the SDK completes
 * the workflow task with the activity's marker and hands the result to the workflow in a fresh task; a replay from the
 * start (after a worker restart, an eviction, or a rejected task) resolves the activity at its marker instead, one
 * task earlier than it ran (the SDK's core pre-resolves local activities from the markers it peeks). What the original
 * run did after the activity, the replay does one task earlier: with a shorter history, with the next task's signals
 * not yet delivered, and without the patch markers the next task wrote. Seen: a report signalled while the case
 * continued as new made the server reject that task (UnhandledCommand); the worker's replay reached continue-as-new
 * before the report's signal was delivered, and the next run started without the report
 * (test/workflows/continue-as-new.test.ts, about one run in 10 to 25 on a loaded machine). Since this patch:
 * - the case continues as new only after a one-millisecond durable timer, so the decision is taken in a task started
 *   by the timer's event, and a rejected attempt is retried with every signal that arrived in the same activation,
 *   applied before the workflow resumes;
 * - whether to continue is decided when the pass starts, on the history length of the task that woke it;
 * - this patch is asked when the run starts, and the ledger's patch (tellLedgerOfOpenCase, which follows the
 *   projection) is no longer asked: a `patched` first asked after the activity is unknown to a replay that resolved it
 *   early, and would answer differently.
 * Runs recorded without the marker replay the old way.
 */
export const DECIDED_BEFORE_PROJECTION_PATCH = 'decided-before-projection';

/**
 * The next run's input: a whole bundled pack becomes its reference (the next run resolves the same file), so a case
 * started before packs travelled by reference stops carrying the pack at its next continue-as-new. Patched: histories
 * that continued as new with the whole pack replay as they were recorded.
 */
function nextRunInput(input: CaseWorkflowInput, run: CaseRun): CaseWorkflowInput {
  if (isWholePack(input.pack) && isBundled(input.pack) && run.holds(PACK_BY_REFERENCE_PATCH)) {
    return { ...input, pack: packRefOf(input.pack) };
  }
  return input;
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseState> {
  assertPackRunsCases(resolvePack(input.pack));
  const run = new CaseRun(input);
  setHandler(caseStatusQuery, () => caseStatus(run.state, run.placementFirst));
  setHandler(reportFiledSignal, (report) => run.recordReport(report));
  setHandler(taskAcceptedSignal, (accepted) => run.recordTaskAccepted(accepted));
  setHandler(taskEscalatedSignal, (record) => run.recordTaskEscalated(record));
  setHandler(taskClosedSignal, (result) => run.recordTaskClosed(result));
  run.intervention.registerHandlers();

  // Asked first, once, when the run starts: a run started with it asks none of the patches it holds.
  run.casePatchesHold = patched(CASE_PATCHES_HOLD_PATCH);
  // Asked once, when the run starts (see DECIDED_BEFORE_PROJECTION_PATCH for why not where it is used).
  run.decidedBeforeProjection = run.holds(DECIDED_BEFORE_PROJECTION_PATCH);
  // A carried state may hold work; the first pass also projects the stage of a fresh run.
  for (let first = true; ; first = false) {
    if (!first) await run.waitForWork();
    // Decided on the task that woke this pass, before the pass's projection (see DECIDED_BEFORE_PROJECTION_PATCH).
    const dueToContinue = run.decidedBeforeProjection && run.shouldContinueAsNew();
    await run.actOnWork();
    if (run.decidedBeforeProjection ? dueToContinue : run.shouldContinueAsNew()) {
      if (run.decidedBeforeProjection) await sleep(1);
      // Signal handlers are synchronous, but wait anyway so a future async handler cannot be cut off.
      await condition(allHandlersFinished);
      if (!run.hasWork()) await continueAsNew<typeof caseWorkflow>({ ...nextRunInput(input, run), carried: run.state });
    }
  }
}

/** A late report's finding is told to the district (CN 四(一)). */
export const LATE_REPORT_NOTICE_PATCH = 'late-report-notice';

/**
 * Issue #19: every patch of a case's run up to TASK_START_LOCAL_PATCH, in one. Each `patched` call of a new run
 * writes a marker and upserts the `TemporalChangeVersion` search attribute (two history events and a visibility
 * write); a new case asked four in its first workflow task. A run that starts with this marker asks none of the
 * patches below (they all hold for it: `holds`); runs recorded before it replay asking each, as they were recorded.
 * A patch added after this one is asked as usual and must not be added to the list.
 */
export const CASE_PATCHES_HOLD_PATCH = 'case-patches-hold-2026-12';

const HELD_BY_CASE_PATCHES: ReadonlySet<string> = new Set([
  DECIDED_BEFORE_PROJECTION_PATCH,
  TASK_START_LOCAL_PATCH,
  LATE_REPORT_SUPERIOR_PATCH,
  LATE_REPORT_NOTICE_PATCH,
  OUTCOMES_OPEN_ACTIONS_PATCH,
  BENEFIT_APPLICATIONS_PATCH,
  GRADING_REVIEW_PATCH,
  PLACEMENT_STAGE_PATCH,
  CASE_PROJECTION_LOCAL_PATCH,
  LEDGER_TOLD_OPEN_PATCH,
  LEDGER_RETURN_PATCH,
  PACK_BY_REFERENCE_PATCH,
  PERMANENT_ARRANGEMENTS_PATCH,
  WITHDRAW_MOOT_TASKS_PATCH,
]);
