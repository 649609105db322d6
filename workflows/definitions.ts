/**
 * Every message, search attribute and shared type of the ChildSafe workflows, in one module that the workflows, the
 * API and the tests all import. A constant's suffix says its kind: `…Signal` (fire-and-forget fact), `…Update`
 * (command the caller must see succeed or fail, validated before it enters history), `…Query` (status).
 *
 * Outcome schemas are zod (contracts/outcomes.ts) so the same definition types the API body and validates the update
 * inside the workflow.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { z } from 'zod';
import { lazySchema } from '../contracts/lazy-schema';
import type { Classification } from '../policies/classification';
import type { BenefitResult } from '../policies/benefits';
import type { EscalationRung, EscalationTarget, PolicyPack, TaskKindRule } from '../policies/schema';
import type { CaseStage, NextStep, RiskLevel, TaskPhase, TaskStatus, TaskWithdrawalReason } from '../contracts/enums';
import type { HandoverRecord, OutcomeOf, TaskKind, TaskOutcome, TaskOutcomeInput } from '../contracts/outcomes';
import type { InterventionState, LegalStep } from './intervention.definitions';

// The shared enumerations and the task outcome schemas live in the contract (contracts/), pure zod the workflows,
// the API and the web app all load; they are re-exported here so workflow code has one module to import.
export {
  CASE_STAGES,
  NEXT_STEPS,
  RISK_LEVELS,
  TASK_PHASES,
  TASK_STATUSES,
  TASK_WITHDRAWAL_REASONS,
  type CaseStage,
  type NextStep,
  type RiskLevel,
  type TaskPhase,
  type TaskStatus,
  type TaskWithdrawalReason,
} from '../contracts/enums';
export * from '../contracts/outcomes';

// ── Ids ────────────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The case workflow id is derived from the child's file, so "the open case for this child" is atomic: Temporal allows
 * one open workflow per id, and signal-with-start joins it (architecture.md, "Intake that cannot lose a report").
 */
export function caseWorkflowId(childId: string): string {
  return `case-${childId}`;
}

/** The intake workflow id is derived from the report's idempotency key: the same submission is one intake. */
export function intakeWorkflowId(idempotencyKey: string): string {
  return `intake-${idempotencyKey}`;
}

/** Task ids are the business id of the owning workflow plus a sequence number carried in state across continue-as-new. */
export function taskWorkflowId(ownerWorkflowId: string, kind: TaskKind, seq: number): string {
  return `${ownerWorkflowId}/task-${seq}-${kind}`;
}

export function detentionWorkflowId(noticeId: string): string {
  return `detention-${noticeId}`;
}

// ── Search attributes (ids and stages only: no personal data) ─────────────────────────────────────────────────────

export const caseStageSearchAttribute = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const nextDeadlineSearchAttribute = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const policyPackSearchAttribute = defineSearchAttributeKey('PolicyPack', SearchAttributeType.KEYWORD);

/** What the worker bootstrap (and the time-skipping test server) must register. */
export const CASE_SEARCH_ATTRIBUTES = [
  caseStageSearchAttribute,
  nextDeadlineSearchAttribute,
  policyPackSearchAttribute,
];

// ── Typed failures ────────────────────────────────────────────────────────────────────────────────────────────────

// The failure names live in the catalogue (workflows/failures.ts); re-exported here for existing importers.
export { CaseFailure, TaskRejection } from './failures';

// ── Shared value types ────────────────────────────────────────────────────────────────────────────────────────────

/** Who acts on a task: a user of an agency. The API fills it from the authenticated session. */
export const actorSchema = lazySchema(() =>
  z.object({ userId: z.string().min(1), agencyId: z.string().min(1) }).strict(),
);
export type Actor = z.infer<ReturnType<typeof actorSchema>>;

/** The pack a case was pinned to, by id and version: workflows read its rules from the bundled file (workflows/packs.ts). */
export interface PackRef {
  id: string;
  version: string;
}

/**
 * A pack in a workflow input: a reference (what the API sends) or, in inputs recorded before packs travelled by
 * reference and in tests with their own pack, the whole pack. Resolve with resolvePack (workflows/packs.ts).
 */
export type PinnedPack = PolicyPack | PackRef;

// ── Agency task workflow ──────────────────────────────────────────────────────────────────────────────────────────

/** A clock the status query shows: when it started, when it fires, and the clause it enforces. */
export interface Clock {
  id: string;
  label: string;
  clause: string;
  startedAt: string;
  firesAt: string;
}

export interface EscalationRecord {
  taskId: string;
  kind: TaskKind;
  phase: TaskPhase;
  rung: number;
  notify: EscalationTarget;
  /** The policy clause whose deadline was missed. */
  clause: string;
  deadline: string;
  dueAt: string;
  at: string;
}

/**
 * What an accountability task is about (issue #17 item 6): the late report a superior follows up (CN 四(一)), or the
 * exhausted ladders that referred an agency to the procuratorate (FT 三(三)2(4)). Codes and instants only.
 */
export type TaskSubject =
  | {
      kind: 'late_report';
      caseId: string;
      reportId: string;
      againstUnitId: string;
      discoveredAt: string;
      reportedAt: string;
      deadline: string;
      clause: string;
    }
  | {
      kind: 'ladder_exhaustion';
      againstAgencyId: string;
      exhaustions: LadderExhaustion[];
      threshold: number;
      period: string;
      clause: string;
    };

/** One task that ran through its whole escalation ladder without being done (FT 三(三)2(4)). */
export interface LadderExhaustion {
  taskId: string;
  kind: TaskKind;
  phase: TaskPhase;
  agencyId: string;
  at: string;
}

export interface AgencyTaskInput {
  taskId: string;
  /** Workflow id of the owner (case or detention notice): not a run id, so it survives continue-as-new. */
  ownerWorkflowId: string;
  /** Whether to signal the owner on escalation and close (the case does; short-lived owners await the result). */
  reportToOwner: boolean;
  kind: TaskKind;
  agencyId: string;
  collaboratingAgencyIds: string[];
  /** Concern codes the outcome must address (emergency response only). */
  concerns: string[];
  /** Benefit codes the outcome must decide, each granted or refused (benefit_application, CN 五(一)). */
  benefits?: string[];
  /** From pack 1.2.0: the responses the pinned pack allows per concern (police_response, CN 四(二)). */
  responsesFor?: Record<string, string[]>;
  /** grading_review: the social-work grading the protection committee reviews (FT 三(三)4). */
  gradingUnderReview?: GradingUnderReview;
  /** risk_grading reopened by the committee: why the grading was sent back (FT 三(三)4). */
  sentBack?: GradingSentBack;
  /** When the owner created the task: both deadlines count from here, so owner and task agree on them exactly. */
  createdAt: string;
  rule: TaskKindRule;
  ladder: EscalationRung[];
  pack: PackRef;
  /** Accountability tasks only (issue #17 item 6): what the task is about. */
  subject?: TaskSubject;
  /** From pack 1.3.0: the procuratorate referral rule this task's exhausted ladder counts towards (FT 三(三)2(4)). */
  referral?: ReferralRule;
  /**
   * Set by an owner whose code holds TASK_LOCAL_ACTIVITIES_PATCH (a case's run since TASK_START_LOCAL_PATCH, issue
   * #19): the task runs locally without asking the patch, so its first workflow task writes no patch marker and no
   * `TemporalChangeVersion` upsert. Read from the input, which its history holds, so a replay decides alike; a task
   * started without it asks the patch as before.
   */
  localActivities?: true;
}

export interface TaskState {
  taskId: string;
  ownerWorkflowId: string;
  kind: TaskKind;
  agencyId: string;
  collaboratingAgencyIds: string[];
  concerns: string[];
  /** From pack 1.2.0: the responses the pinned pack allows per concern (see AgencyTaskInput). */
  responsesFor?: Record<string, string[]>;
  /** Benefit codes to decide (benefit_application only). */
  benefits?: string[];
  /** grading_review: the grading under review; risk_grading sent back: why (see AgencyTaskInput). */
  gradingUnderReview?: GradingUnderReview;
  sentBack?: GradingSentBack;
  status: TaskStatus;
  createdAt: string;
  acceptBy: string;
  completeBy: string;
  acceptedAt?: string;
  acceptedBy?: Actor;
  closedAt?: string;
  closedBy?: Actor;
  outcome?: TaskOutcome;
  declineReason?: string;
  redirectToAgencyId?: string;
  /** Set when the owner withdrew the task as moot (status 'withdrawn'). */
  withdrawal?: TaskWithdrawal;
  /** Accountability tasks only: what the task is about. */
  subject?: TaskSubject;
  escalations: EscalationRecord[];
  clocks: Clock[];
  projectionVersion: number;
}

/** The social-work grading a committee review is about (FT 三(三)4). */
export interface GradingUnderReview {
  gradingTaskId: string;
  riskLevel: RiskLevel;
  recommendation: NextStep;
  needs?: string[];
  services?: OutcomeOf<'risk_grading'>['services'];
}

/** The committee sent the grading back: the reopened grading task says why (FT 三(三)4). */
export interface GradingSentBack {
  reason: string;
  byTaskId: string;
  at: string;
}

export type TaskResult =
  | { taskId: string; kind: TaskKind; status: 'completed'; outcome: TaskOutcome; closedAt: string }
  | {
      taskId: string;
      kind: TaskKind;
      status: 'declined';
      reason: string;
      redirectToAgencyId?: string;
      closedAt: string;
    }
  | { taskId: string; kind: TaskKind; status: 'withdrawn'; reason: TaskWithdrawalReason; closedAt: string };

/** Why and when the owning case withdrew a task, and which task made it moot (the search that found the guardian…). */
export interface TaskWithdrawal {
  reason: TaskWithdrawalReason;
  byTaskId?: string;
  at: string;
}

export interface AcceptTaskCommand {
  actor: Actor;
}
export interface CompleteTaskCommand {
  actor: Actor;
  outcome: TaskOutcomeInput;
}
export interface DeclineTaskCommand {
  actor: Actor;
  reason: string;
  /** "One door accepts" (FT 三(二)5): a declining agency may name who should act instead. */
  redirectToAgencyId?: string;
}

export const acceptTaskUpdate = defineUpdate<TaskState, [AcceptTaskCommand]>('acceptTask');
export const completeTaskUpdate = defineUpdate<TaskState, [CompleteTaskCommand]>('completeTask');
export const declineTaskUpdate = defineUpdate<TaskState, [DeclineTaskCommand]>('declineTask');
export const taskStatusQuery = defineQuery<TaskState>('taskStatus');

/** Sent by a task workflow to its owner (by workflow id, so it reaches the current run after continue-as-new). */
export const taskAcceptedSignal = defineSignal<[{ taskId: string; acceptedAt: string }]>('taskAccepted');
export const taskEscalatedSignal = defineSignal<[EscalationRecord]>('taskEscalated');
export const taskClosedSignal = defineSignal<[TaskResult]>('taskClosed');

/** Sent by the owner to a task that became moot: the task closes as 'withdrawn' with the reason (a signal: the owner
 * is a workflow, which cannot send updates). Ignored by a task already closed. */
export const withdrawTaskSignal = defineSignal<[{ reason: TaskWithdrawalReason; byTaskId?: string }]>('withdrawTask');

// ── Reports and the case workflow ─────────────────────────────────────────────────────────────────────────────────

/** A mandatory report (CN 四(一), FT 三(二)4) as the intake stores it. */
export interface FiledReport {
  reportId: string;
  childId: string;
  reporter: { unitId: string; unitType: string; staffId?: string };
  /** Pack concern codes. */
  concerns: string[];
  discoveredAt: string;
  reportedAt: string;
  leftBehind: boolean;
}

/** The case's responsible agencies by agency type (jurisdiction resolved at intake, CN 二 四是). */
export type ResponsibleAgencies = Partial<Record<TaskKindRule['agencyType'], string>>;

export type Finding =
  | {
      kind: 'late_report';
      /** CN 四(一): units that do not report at once are held accountable by their superiors. */
      againstUnitId: string;
      /** The reporting unit's type (school, hospital, committee…): its superior's type is the pack's (from 1.3.0). */
      againstUnitType?: string;
      reportId: string;
      discoveredAt: string;
      reportedAt: string;
      deadline: string;
      clause: string;
      recordedAt: string;
      /** From pack 1.3.0: the superior the finding went to, and its follow-up task (CN 四(一)). */
      superiorAgencyId?: string;
      followUpTaskId?: string;
    }
  | {
      kind: 'late_dispatch';
      /** CN 四(二): police dispatch at once (立即出警); the pack sets how soon "at once" is. */
      againstUnitId: string;
      taskId: string;
      taskCreatedAt: string;
      dispatchedAt: string;
      deadline: string;
      clause: string;
      recordedAt: string;
    };

export interface RiskChange {
  from: RiskLevel;
  to: RiskLevel;
  /** committee_review: the protection committee changed the social-work grade (FT 三(三)4). */
  reason: 'repeat_concern' | 'risk_grading' | 'visit_found_concern' | 'committee_review';
  clause: string;
  at: string;
  reportId?: string;
}

export interface ReportRecord {
  reportId: string;
  reporterUnitId: string;
  concerns: string[];
  discoveredAt: string;
  reportedAt: string;
  receivedAt: string;
  late: boolean;
  /** The emergency-response task that covers this report, once the case has acted on it. */
  handledByTaskId?: string;
}

export interface CaseTaskSummary {
  taskId: string;
  kind: TaskKind;
  agencyId: string;
  status: 'open' | 'completed' | 'declined' | 'withdrawn';
  createdAt: string;
  acceptedAt?: string;
  acceptBy: string;
  completeBy: string;
  acceptClause: string;
  completeClause: string;
  closedAt?: string;
  /** The directory had no agency for this step: the district fallback took it and the coordinators are told. */
  viaFallback?: { phase: RoutingPhase; alerted: boolean };
}

export interface CaseDecision {
  nextStep: NextStep;
  basis: 'risk_grading';
  clause: string;
  decidedAt: string;
}

/**
 * The case workflow's whole state: returned by the status query, carried across continue-as-new, and (minus nothing
 * personal beyond ids) the source of the projection. Only ids, codes and instants: names and views stay in task state
 * and the encrypted history.
 */
export interface CaseState {
  caseId: string;
  childId: string;
  pack: PackRef;
  stage: CaseStage;
  risk: RiskLevel;
  riskChanges: RiskChange[];
  leftBehind: boolean;
  reports: ReportRecord[];
  tasks: CaseTaskSummary[];
  taskSeq: number;
  emergencyOutcomes: { taskId: string; outcome: OutcomeOf<'police_response'> }[];
  handovers: { taskId: string; handover: HandoverRecord }[];
  assessment: {
    joint?: OutcomeOf<'joint_assessment'>;
    grading?: OutcomeOf<'risk_grading'>;
    /** classifyChild / decideBenefits over the joint assessment's facts (pure pack rules, CN 三, FT 二, 三(一)1). */
    classification?: Classification;
    benefits?: BenefitResult;
    decision?: CaseDecision;
  };
  visits: { taskId: string; outcome: OutcomeOf<'monitoring_visit'> }[];
  /** Case-level clocks (task deadlines are in `tasks`); the next monitoring visit lives here. */
  clocks: Clock[];
  escalations: EscalationRecord[];
  findings: Finding[];
  /** Task results received but not yet acted on (a signal handler only records; the main loop acts). */
  inbox: TaskResult[];
  projectionVersion: number;
  /** Runs of this case, counting continue-as-new (diagnostic). */
  runCount: number;
  /** Placements, guardian search, services, the guardian's legal ladder and neglect clock, petitions, closure. */
  intervention?: InterventionState;
  jurisdiction?: CaseJurisdiction;
  /** Issue #18: the closure (its time) for which the child was returned to the ledger's monitoring. */
  ledgerReturnedFor?: string;
  /**
   * Issue #18 (patch `ledger-told-case-open`): the child's ledger monitoring was told that this case is open (or the
   * child was on no ledger when the case looked, after its projection); cleared when a closure returns the child to
   * the ledger, so a reopened case tells it again.
   */
  ledgerToldOpen?: boolean;
  /** FT 三(二)4: missing children the police did not find at once; the search goes on as its own task (issue #17). */
  childSearches?: ChildSearchRecord[];
  /** CN 五(一) 及时办理: the benefits the assessment decided, applied for at the street office / civil affairs. */
  benefitApplications?: BenefitApplicationRecord[];
  /** FT 三(三)4: each grading the protection committee reviewed or reviews (packs with a grading_review task). */
  gradingReviews?: GradingReviewRecord[];
}

export interface GradingReviewRecord {
  /** The committee's review task. */
  taskId: string;
  grading: GradingUnderReview;
  openedAt: string;
  decision?: OutcomeOf<'grading_review'>['decision'];
  /** grade_changed: the grade and next step the case goes on with. */
  changedTo?: { riskLevel: RiskLevel; recommendation: NextStep };
  reason?: string;
  reviewedAt?: string;
  /** sent_back: the reopened grading task. */
  regradingTaskId?: string;
}

export interface ChildSearchRecord {
  taskId: string;
  concern: string;
  startedAt: string;
  result?: OutcomeOf<'child_search'>['result'];
  at?: string;
}

export interface BenefitApplicationRecord {
  taskId: string;
  agencyId: string;
  benefits: string[];
  clause: string;
  decisions?: OutcomeOf<'benefit_application'>['decisions'];
}

/** Where the case belongs (CN 二 四是): codes only, for scoping lists to a district or street. */
export interface CaseJurisdiction {
  districtCode: string;
  streetCode?: string;
  committeeCode?: string;
}

/**
 * Two places decide who acts (CN 二 四是): the place of discovery (事发地) decides who responds now; the child's
 * registration or long-term residence inside the district decides who carries the case (CN 五(一)).
 */
export type RoutingPhase = 'emergency' | 'ongoing';

/** Steps of the emergency response (CN 四(二), FT 三(二)4): the police and street office of the place of discovery. */
export const EMERGENCY_TASK_KINDS: readonly TaskKind[] = ['police_response', 'urgent_placement'];

export function routingPhaseOf(kind: TaskKind): RoutingPhase {
  return EMERGENCY_TASK_KINDS.includes(kind) ? 'emergency' : 'ongoing';
}

/** The district agencies that take a step when the directory has none for the place (the pack's `fallbacks`). */
export type FallbackAgencies = Record<RoutingPhase, string>;

export interface CaseWorkflowInput {
  caseId: string;
  childId: string;
  /** Absent only in cases started before jurisdiction was recorded. */
  jurisdiction?: CaseJurisdiction;
  /** Pinned at case start: a running case never moves to a newer pack. */
  pack: PinnedPack;
  /** Agencies of the place of discovery: the emergency response. Also every step of cases started before routing had two places. */
  agencies: ResponsibleAgencies;
  /** Agencies of the street that carries the case (registration / long-term residence, CN 二 四是); `agencies` when absent. */
  ongoingAgencies?: ResponsibleAgencies;
  /** Absent in cases started before the safety net: the case falls back to the district agencies in `agencies`. */
  fallbackAgencies?: FallbackAgencies;
  /** Continue-as-new after this many history events even if the server has not suggested it yet. */
  historyEventLimit?: number;
  /** Set only by continue-as-new. */
  carried?: CaseState;
}

/** One typed status object for coordinators (the pending clocks include every open task's deadlines). */
export interface CaseStatus {
  state: CaseState;
  openTasks: CaseTaskSummary[];
  pendingClocks: Clock[];
  nextDeadline?: string;
  /** CN 四(四)3: the rung the legal ladder against the guardian climbs to next, once the intervention began. */
  nextLegalStep?: LegalStep;
}

export const reportFiledSignal = defineSignal<[FiledReport]>('reportFiled');
export const caseStatusQuery = defineQuery<CaseStatus>('caseStatus');

// ── Intake ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A report as the API accepted it (validated, authorised); `receivedAt` is when the API took it. */
export interface ReportSubmission {
  idempotencyKey: string;
  /** Derived by the API from the filer and the Idempotency-Key: every retry of one report gets the same receipt. */
  receipt: string;
  /** The child as far as the reporter knows them. Encrypted in history by the payload codec. */
  child: ReportedChild;
  /** `phone`: how the responding agency reaches the reporter (CN 四(一): who reported, and how to ask them more). */
  reporter: { unitId: string; unitType: string; staffId?: string; unitName?: string; phone?: string };
  /** Where it happened: the place decides the responsible street and committee (CN 二 四是). */
  place: CaseJurisdiction & { address?: string };
  concerns: string[];
  discoveredAt: string;
  receivedAt: string;
  leftBehind: boolean;
  narrative?: string;
  /**
   * Who filed it, for the 'report.filed' audit record the intake's first activity writes (set by the API; absent in
   * intakes started before, whose API wrote that record itself): the filer's role and the request id, no personal data.
   */
  filed?: { actorRole: string; requestId: string };
}

export interface ReportedChild {
  name?: string;
  sex?: 'male' | 'female' | 'unknown';
  /** YYYY-MM-DD */
  dateOfBirth?: string;
  approximateAge?: number;
  /** 居民身份证号; without it the child gets a provisional file keyed by the receipt. */
  idNumber?: string;
  school?: string;
  leftBehind?: boolean;
  /** 长期居住地 and 户籍 as the reporter knows them: separate facts from the place of discovery (CN 二 四是). */
  residence?: CaseJurisdiction & { address?: string };
  householdRegistration?: CaseJurisdiction & { address?: string };
}

export interface IntakeInput {
  submission: ReportSubmission;
  pack: PinnedPack;
  agencies: ResponsibleAgencies;
  ongoingAgencies?: ResponsibleAgencies;
  fallbackAgencies?: FallbackAgencies;
  /** Where the case belongs (the street carrying it); the place of discovery when absent. */
  caseJurisdiction?: CaseJurisdiction;
  /**
   * Set by an API whose intakes file in one local activity (issue #19): the intake does so without asking
   * INTAKE_ONE_LOCAL_ACTIVITY_PATCH, so it writes no patch marker and no `TemporalChangeVersion` upsert. Read from the
   * input, which its history holds, so a replay decides alike; an intake started without it asks the patch as before.
   */
  fileInOneStep?: true;
}

export interface IntakeResult {
  reportId: string;
  childId: string;
  receipt: string;
  caseWorkflowId: string;
}

// ── Detention notices (CN 三(四)) ─────────────────────────────────────────────────────────────────────────────────

export interface DetentionNoticeInput {
  noticeId: string;
  detainingAgencyId: string;
  /** Opaque reference to the detained adult's record (no personal data in workflow ids or search attributes). */
  detainedPersonRef: string;
  detainedAt: string;
  /** Children whose files already exist. */
  minorChildren: { childId: string; needsEntrustedCare: boolean }[];
  /** Children as the police know them (the API's notices): their files are found or opened first, by an activity. */
  children?: (ReportedChild & { needsEntrustedCare: boolean })[];
  /** Where the detained adult's children live: decides the responsible street (CN 二 四是). */
  place?: CaseJurisdiction & { address?: string };
  pack: PinnedPack;
  agencies: ResponsibleAgencies;
}

export interface DetentionNoticeStatus {
  noticeId: string;
  openTaskIds: string[];
  closedTaskIds: string[];
}

export const detentionNoticeStatusQuery = defineQuery<DetentionNoticeStatus>('detentionNoticeStatus');

export interface DetentionNoticeResult {
  noticeId: string;
  /** `placementId`: the short-term placement a street-office arrangement started (CN 三(四), 四(三)). */
  arrangements: { childId: string; taskId: string; result: TaskResult; placementId?: string }[];
}

// ── Accountability: oversight of agencies that let tasks lapse (FT 三(三)2(4), issue #17 item 6) ─────────────────

/** The pack's referral rule as a task and the oversight workflow carry it (accountability.procuratorateReferral). */
export interface ReferralRule {
  exhaustedLadders: number;
  /** ISO-8601 duration: exhaustions older than this before the latest one no longer count. */
  period: string;
  clause: string;
}

/** One oversight workflow per agency, started by the first exhausted ladder of its tasks. */
export function oversightWorkflowId(agencyId: string): string {
  return `oversight-${agencyId}`;
}

export interface OversightInput {
  agencyId: string;
  districtCode: string;
  procuratorateAgencyId: string;
  rule: ReferralRule;
  /** The pack of the first exhausted task: the referral task's rule and ladder come from it. */
  pack: PackRef;
  /** Set only by continue-as-new. */
  carried?: OversightState;
}

export interface OversightReferral {
  taskId: string;
  at: string;
  exhaustions: LadderExhaustion[];
}

export interface OversightState {
  agencyId: string;
  /** Exhaustions not yet part of a referral, inside the period (older ones are dropped as they age out). */
  pending: LadderExhaustion[];
  /** `taskId:phase` of every exhaustion ever counted, so a retried report counts once (trimmed to the period). */
  seen: { key: string; at: string }[];
  referrals: OversightReferral[];
  referralSeq: number;
}

export const ladderExhaustedSignal = defineSignal<[LadderExhaustion]>('ladderExhausted');
export const oversightStatusQuery = defineQuery<OversightState>('oversightStatus');
