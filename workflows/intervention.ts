/**
 * The case's intervention (FT 三(二)4 帮扶干预): what follows the assessment's decision or an urgent placement.
 * Kept out of case.workflow.ts so it is easy to find; the case calls it from its handlers and main loop, and the state
 * lives in `CaseState.intervention`, so continue-as-new carries it like everything else.
 *
 * - Placements (CN 四(三)) are child workflows (placement.workflow.ts) that signal every change back; the case acts on
 *   their decision: return home or to a court-designated guardian → follow-up (CN 五(一), FT 三(三)4); move to
 *   medium/long-term → civil affairs places the child and civil affairs, the court and the police search in parallel;
 *   escort → the registration place's civil affairs (confirmed before the case may close).
 * - Services during placement (CN 四(四)): one agency task per service, each with its pack deadline.
 * - The guardian (CN 四(四)3): the legal ladder, the neglect clock, grounds → petition task → court hearing task.
 * - Closure needs a coordinator's approval and its reason.
 * Handlers only record (with audit entries, which wake the case's main loop); `act` opens tasks and starts placements.
 */
import { ParentClosePolicy, getExternalWorkflowHandle, log, setHandler, startChild } from '@temporalio/workflow';
import type { AuditEvent } from '../activities';
import { addDuration } from '../policies/duration';
import type { PolicyPack } from '../policies/schema';
import { msUntil, nowIso } from './clocks';
import type {
  CaseStage,
  CaseState,
  Clock,
  FiledReport,
  NextStep,
  OutcomeOf,
  ResponsibleAgencies,
  TaskKind,
  TaskResult,
  TaskWithdrawalReason,
} from './definitions';
import { withdrawTaskSignal } from './definitions';
import { recordGuardianDesignation } from './proxies';
import {
  defaultPetitionerAgency,
  groundClause,
  neglectClock,
  neglectEpisode,
  reject,
  runningNeglect,
  validateGround,
  validateLegalStep,
  validateLegalStepRecorder,
  actorAgencyTypes,
  validateRefusal,
  validateResumed,
} from './guardianship';
import {
  InterventionRejection,
  SERVICE_KINDS,
  approveClosureUpdate,
  courtDesignationSignal,
  placementChangedSignal,
  reopenCaseUpdate,
  placementWorkflowId,
  policeCertificateSignal,
  recordGuardianRefusalUpdate,
  recordGuardianResumedUpdate,
  recordHarmGroundUpdate,
  recordLegalStepUpdate,
  requestServicesUpdate,
  type CourtDesignation,
  type InterventionState,
  type PlacementInput,
  type PlacementState,
  type PlacementTerm,
  type PoliceCertificate,
  type ApproveClosureCommand,
  type ReopenCaseCommand,
  type RecordGuardianRefusalCommand,
  type RecordGuardianResumedCommand,
  type RecordHarmGroundCommand,
  type RecordLegalStepCommand,
  type RequestServicesCommand,
  type RevocationGround,
  type ServiceKind,
} from './intervention.definitions';
import { assertCoordinator, placementWorkflow } from './placement.workflow';

type AuditEntry = Omit<AuditEvent, 'key' | 'workflowId'>;
type Completed = Extract<TaskResult, { status: 'completed' }>;

/** The patch that withdraws moot tasks (issue #17); histories recorded before it replay without withdrawals. */
export const WITHDRAW_MOOT_TASKS_PATCH = 'withdraw-moot-tasks';
/**
 * Issue #17 item 1: outcomes the seeds follow with an action open it (protective placement → placement, missing child
 * not found → search task, services decision → service tasks, new concern at follow-up → report, continue_support →
 * monitoring). Histories recorded before it replay with the outcomes only recorded.
 */
export const OUTCOMES_OPEN_ACTIONS_PATCH = 'outcomes-open-actions';
/** Issue #17 item 4: benefits decided by the assessment open benefit application tasks (CN 五(一)). */
export const BENEFIT_APPLICATIONS_PATCH = 'benefit-applications';
/**
 * Issue #17 item 3: the court's designation is recorded, passed to running placements and written to the child's
 * file; permanent-arrangement decisions open their civil-affairs task.
 */
export const PERMANENT_ARRANGEMENTS_PATCH = 'permanent-arrangements';

/** Open tasks about the old guardian that a court's revocation and designation of a new guardian make moot. */
const MOOT_AFTER_REVOCATION: TaskKind[] = ['legal_warning', 'guardianship_petition', 'guardian_search'];

/** Task kinds the intervention opens; a pack without them cannot run this part of a case. */
export const INTERVENTION_TASK_KINDS: TaskKind[] = [
  'short_term_placement',
  'long_term_placement',
  'guardian_search',
  'escort_to_registration_place',
  ...SERVICE_KINDS,
  'guardianship_petition',
  'court_hearing',
  'follow_up_visit',
  'later_assessment',
  'legal_warning',
];

export function emptyIntervention(): InterventionState {
  return {
    placementSeq: 0,
    placements: [],
    guardianSearch: { taskIds: [] },
    handledDecisions: [],
    servicesOpened: false,
    pendingServices: [],
    legalSteps: [],
    neglect: [],
    grounds: [],
    petitions: [],
    followUp: { taskIds: [] },
  };
}

export function isCaseClosed(state: CaseState): boolean {
  const closure = state.intervention?.closure;
  // A report received after the closure reopens the case (the same workflow id carries on), as does a coordinator.
  return (
    closure !== undefined &&
    !state.reports.some((r) => r.receivedAt > closure.at) &&
    !(state.intervention?.reopenings ?? []).some((r) => r.at > closure.at)
  );
}

const isServiceKind = (s: string): s is ServiceKind => (SERVICE_KINDS as readonly string[]).includes(s);

const openOf = (state: CaseState, ...kinds: TaskKind[]) =>
  state.tasks.some((t) => t.status === 'open' && kinds.includes(t.kind));

/** The stage the intervention puts the case in, or undefined to let the decision decide (case deriveStage). */
export function interventionStage(state: CaseState): CaseStage | undefined {
  const iv = state.intervention;
  if (!iv) return undefined;
  if (isCaseClosed(state)) return 'closed';
  const running = iv.placements.find((p) => p.status === 'running');
  if (running) return running.term === 'short_term' ? 'short_term_guardianship' : 'long_term_guardianship';
  if (openOf(state, 'long_term_placement')) return 'long_term_guardianship';
  if (openOf(state, 'escort_to_registration_place')) return 'escort';
  if (openOf(state, 'permanent_arrangement')) return 'permanent_arrangement';
  if (openOf(state, 'guardianship_petition', 'court_hearing')) return 'legal_proceedings';
  if (openOf(state, 'follow_up_visit', 'later_assessment')) return 'follow_up';
  // FT 三(三)4: the later-stage report recommended continuing support: the child stays on the ledger's visits.
  if (iv.laterAssessments?.at(-1)?.recommendation === 'continue_support') return 'monitoring';
  return undefined;
}

/** The intervention's running clocks for the case status: each placement's and the neglect clock. */
export function interventionClocks(state: CaseState): Clock[] {
  const iv = state.intervention;
  if (!iv) return [];
  const neglect = runningNeglect(iv);
  return [
    ...iv.placements.filter((p) => p.status === 'running').flatMap((p) => p.clocks),
    ...(neglect && !neglect.thresholdReachedAt ? [neglectClock(neglect)] : []),
  ];
}

/** The placement as the case records it before the placement's own first signal arrives. */
function provisionalPlacement(input: PlacementInput): PlacementState {
  const endsAt = addDuration(new Date(input.startedAt), input.cap.duration).toISOString();
  return {
    placementId: input.placementId,
    ownerWorkflowId: input.ownerWorkflowId,
    term: input.term,
    status: 'running',
    agencyId: input.agencyId,
    siteAgencyId: input.siteAgencyId,
    startedAt: input.startedAt,
    endsAt,
    clause: input.cap.clause,
    extensions: [],
    reminders: [],
    overruns: [],
    policeCertificate: input.policeCertificate,
    clocks: [
      {
        id: `${input.placementId}:end`,
        label: input.cap.label.en,
        clause: input.cap.clause,
        startedAt: input.startedAt,
        firesAt: endsAt,
      },
    ],
  };
}

export interface InterventionDeps {
  state: CaseState;
  pack: PolicyPack;
  agencies: ResponsibleAgencies;
  openTask: (kind: TaskKind, opts?: { agencyId?: string; collaborators?: string[] }) => Promise<string>;
  agencyFor: (kind: TaskKind) => string;
  audit: (event: AuditEntry) => void;
  /** The police of this case (who responded, else the pack's police agency). */
  policeAgencyId: () => string | undefined;
  /** Records a report in the case as if filed (a concern found on a follow-up visit, CN 四(一)). */
  fileReport: (report: FiledReport) => void;
  /** The ledger's periodic visits go on (a visit scheduled unless one is scheduled or open). */
  continueMonitoring: () => void;
  /** Whether a patch holds for the case's run (CaseRun.holds): the intervention asks its patches through it. */
  holds: (patchId: string) => boolean;
}

type GroundBy = Parameters<typeof neglectEpisode>[1]['actor'];

/**
 * The intervention's named steps over `CaseState.intervention`. Handlers (`registerHandlers`) only record, with audit
 * entries that wake the case's main loop; `act`, `onDecision` and `handleResult` open tasks and start placements.
 */
export class Intervention {
  private readonly state: CaseState;
  private readonly pack: PolicyPack;
  private readonly agencies: ResponsibleAgencies;

  constructor(private readonly deps: InterventionDeps) {
    this.state = deps.state;
    this.pack = deps.pack;
    this.agencies = deps.agencies;
  }

  /** The intervention's record, created on first write. */
  private iv(): InterventionState {
    return (this.state.intervention ??= emptyIntervention());
  }

  /** For validators: read without creating. */
  private view(): InterventionState {
    return this.state.intervention ?? emptyIntervention();
  }

  private audit(event: AuditEntry): void {
    this.deps.audit(event);
  }

  private openTask(kind: TaskKind, opts?: { agencyId?: string; collaborators?: string[] }): Promise<string> {
    return this.deps.openTask(kind, opts);
  }

  private policeAgencies(): string[] {
    const { agencies } = this;
    const ids = [this.deps.policeAgencyId(), agencies.police_station, agencies.police_substation];
    return [...new Set(ids.filter((a): a is string => !!a))];
  }

  private pendingDecisions(): PlacementState[] {
    const record = this.view();
    return record.placements.filter(
      (p) => p.status === 'ended' && p.decision && !record.handledDecisions.includes(p.placementId),
    );
  }

  private neglectDue(): boolean {
    const episode = runningNeglect(this.state.intervention);
    return episode !== undefined && !episode.thresholdReachedAt && msUntil(episode.firesAt) === 0;
  }

  registerHandlers(): void {
    const now = () => Date.now();
    setHandler(placementChangedSignal, (placement) => this.recordPlacement(placement));
    setHandler(recordLegalStepUpdate, (cmd) => this.recordLegalStep(cmd), {
      validator: (cmd) => {
        // The police agency that handled the emergency counts as police even when the directory moved it.
        const types = actorAgencyTypes(cmd, this.agencies);
        if (!cmd.agencyType && this.policeAgencies().includes(cmd.actor.agencyId)) types.push('police_station');
        validateLegalStepRecorder(this.pack, cmd, types);
        validateLegalStep(this.view(), cmd, now(), this.pack);
      },
    });
    setHandler(recordGuardianRefusalUpdate, (cmd) => this.recordRefusal(cmd), {
      validator: (cmd) => validateRefusal(this.view(), cmd, now()),
    });
    setHandler(recordGuardianResumedUpdate, (cmd) => this.recordResumed(cmd), {
      validator: (cmd) => validateResumed(this.view(), cmd, now()),
    });
    setHandler(recordHarmGroundUpdate, (cmd) => this.recordHarmGround(cmd), {
      validator: (cmd) => void validateGround(this.pack, this.agencies, this.view(), cmd),
    });
    setHandler(requestServicesUpdate, (cmd) => this.requestServices(cmd), {
      validator: (cmd) => this.validateServices(cmd),
    });
    setHandler(approveClosureUpdate, (cmd) => this.approveClosure(cmd), {
      validator: (cmd) => this.validateClosure(cmd),
    });
    setHandler(reopenCaseUpdate, (cmd) => this.reopen(cmd), {
      validator: (cmd) => this.validateReopen(cmd),
    });
  }

  // ── Handlers: record, with their audit entries ───────────────────────────────────────────────────────────────────

  /** A placement signalled its state: every new reminder, overrun, extension, certificate and decision is audited. */
  recordPlacement(placement: PlacementState): void {
    const record = this.iv();
    const index = record.placements.findIndex((p) => p.placementId === placement.placementId);
    const previous = index >= 0 ? record.placements[index] : undefined;
    const details = { placementId: placement.placementId, term: placement.term };
    const audit = (type: string, at: string, more: AuditEntry['details']) =>
      this.audit({ type, at, clause: placement.clause, details: { ...details, ...more } });
    for (const r of placement.reminders.slice(previous?.reminders.length ?? 0))
      audit('placement_reminder', r.at, { before: r.before, endsAt: r.capAt });
    if (placement.capReachedAt && placement.capReachedAt !== previous?.capReachedAt) {
      audit('placement_end_reached', placement.capReachedAt, { endsAt: placement.endsAt });
    }
    for (const o of placement.overruns.slice(previous?.overruns.length ?? 0))
      audit('placement_overrun', o.at, { n: o.n, endsAt: o.capAt });
    for (const e of placement.extensions.slice(previous?.extensions.length ?? 0)) {
      audit('placement_extended', e.approvedAt, {
        approvedBy: e.approvedBy.userId,
        reason: e.reason,
        endsAt: e.endsAt,
      });
    }
    if (placement.policeCertificate && !previous?.policeCertificate) {
      record.policeCertificate ??= placement.policeCertificate;
      audit('police_certificate_recorded', nowIso(), { certificateRef: placement.policeCertificate.certificateRef });
    }
    if (placement.decision && !previous?.decision) {
      const { decision } = placement;
      audit('placement_decided', decision.decidedAt, { decision: decision.kind, by: decision.decidedBy.userId });
    }
    if (index >= 0) record.placements[index] = placement;
    else record.placements.push(placement);
  }

  recordLegalStep(cmd: RecordLegalStepCommand): InterventionState {
    const record = this.iv();
    record.legalSteps.push({
      step: cmd.step,
      evidenceRef: cmd.evidenceRef,
      occurredAt: new Date(cmd.occurredAt).toISOString(),
      recordedAt: nowIso(),
      recordedBy: cmd.actor,
    });
    this.audit({
      type: 'legal_step_recorded',
      at: nowIso(),
      clause: 'CN 四(四)3',
      details: { step: cmd.step, evidenceRef: cmd.evidenceRef, by: cmd.actor.userId },
    });
    return record;
  }

  recordRefusal(cmd: RecordGuardianRefusalCommand): InterventionState {
    const record = this.iv();
    const episode = neglectEpisode(this.pack, cmd, nowIso());
    record.neglect.push(episode);
    this.audit({
      type: 'guardian_refusal_recorded',
      at: episode.recordedAt,
      clause: episode.clause,
      details: { since: episode.since, firesAt: episode.firesAt, evidenceRef: episode.evidenceRef },
    });
    return record;
  }

  recordResumed(cmd: RecordGuardianResumedCommand): InterventionState {
    const record = this.iv();
    const episode = runningNeglect(record);
    if (episode) {
      episode.end = {
        reason: 'resumed',
        at: new Date(cmd.at).toISOString(),
        evidenceRef: cmd.evidenceRef,
        recordedAt: nowIso(),
      };
      this.audit({
        type: 'guardian_resumed_duties',
        at: nowIso(),
        clause: episode.clause,
        details: { since: episode.since, resumedAt: episode.end.at, evidenceRef: cmd.evidenceRef },
      });
    }
    return record;
  }

  recordHarmGround(cmd: RecordHarmGroundCommand): InterventionState {
    const record = this.iv();
    const petitionerAgencyId = validateGround(this.pack, this.agencies, record, cmd);
    this.addGround(cmd.ground, cmd.evidenceRef, cmd.actor, petitionerAgencyId);
    return record;
  }

  validateServices({ services }: RequestServicesCommand): void {
    if (!Array.isArray(services) || services.length === 0)
      reject('name at least one service', InterventionRejection.InvalidCommand);
    const unknown = services.filter((s) => !(SERVICE_KINDS as readonly string[]).includes(s));
    if (unknown.length > 0)
      reject(
        `unknown services ${unknown.join(', ')}; CN 四(四) lists ${SERVICE_KINDS.join(', ')}`,
        InterventionRejection.InvalidCommand,
      );
    if (isCaseClosed(this.state)) reject('the case is closed', InterventionRejection.CaseClosed);
  }

  requestServices({ actor, services }: RequestServicesCommand): InterventionState {
    const record = this.iv();
    record.pendingServices.push(...services.filter((s) => !record.pendingServices.includes(s)));
    this.audit({
      type: 'services_requested',
      at: nowIso(),
      clause: 'CN 四(四)',
      details: { services: services.join(','), by: actor.userId },
    });
    return record;
  }

  validateClosure({ approver, reason }: ApproveClosureCommand): void {
    const { state } = this;
    // CN 五(一), FT 三(三)4: closing needs a coordinator's approval and says why.
    assertCoordinator(approver);
    if (!reason?.trim()) reject('closing a case needs its reason', InterventionRejection.InvalidCommand);
    if (isCaseClosed(state)) reject('the case is already closed', InterventionRejection.CaseClosed);
    const running = this.view().placements.find((p) => p.status === 'running');
    if (running)
      reject(
        `placement ${running.placementId} is still running: record its decision first`,
        InterventionRejection.CaseNotClosable,
      );
    if (openOf(state, 'escort_to_registration_place')) {
      reject(
        'CN 四(三): the case closes locally only after the registration place confirms the handover',
        InterventionRejection.CaseNotClosable,
      );
    }
    const open = state.tasks.filter((t) => t.status === 'open');
    if (open.length > 0)
      reject(
        `open tasks must be completed first: ${open.map((t) => t.kind).join(', ')}`,
        InterventionRejection.CaseNotClosable,
      );
  }

  approveClosure({ approver, reason }: ApproveClosureCommand): InterventionState {
    const record = this.iv();
    record.closure = { approvedBy: approver, reason: reason.trim(), at: nowIso() };
    // A closed case is no longer visited on the ledger's schedule (CN 五(一)); a new report reopens it.
    this.state.clocks = this.state.clocks.filter((c) => c.id !== 'next_visit');
    this.audit({
      type: 'case_closed',
      at: record.closure.at,
      clause: 'CN 五(一)',
      details: { approvedBy: approver.userId, reason: record.closure.reason },
    });
    return record;
  }

  validateReopen({ approver, reason }: ReopenCaseCommand): void {
    // Like closing, reopening is a coordinator's decision with its reason (CN 五(一)).
    assertCoordinator(approver);
    if (!reason?.trim()) reject('reopening a case needs its reason', InterventionRejection.InvalidCommand);
    if (!isCaseClosed(this.state)) reject('the case is not closed', InterventionRejection.CaseNotClosed);
  }

  reopen({ approver, reason }: ReopenCaseCommand): InterventionState {
    const record = this.iv();
    const at = nowIso();
    (record.reopenings ??= []).push({ by: approver, reason: reason.trim(), at });
    this.audit({
      type: 'case_reopened',
      at,
      clause: 'CN 五(一)',
      details: { approvedBy: approver.userId, reason: reason.trim() },
    });
    return record;
  }

  private addGround(ground: RevocationGround, evidenceRef: string, by: GroundBy, petitionerAgencyId: string): void {
    const clause = groundClause(this.pack, ground);
    this.iv().grounds.push({ ground, clause, evidenceRef, recordedAt: nowIso(), recordedBy: by, petitionerAgencyId });
    this.audit({
      type: 'revocation_ground_recorded',
      at: nowIso(),
      clause,
      details: { ground, evidenceRef, petitionerAgencyId },
    });
  }

  // ── Placements, searches, follow-up ──────────────────────────────────────────────────────────────────────────────

  /** CN 四(三): a placement child workflow with the pack's cap; services begin, and the police search if needed. */
  async startPlacement(
    term: PlacementTerm,
    startedAt: string,
    siteAgencyId: string,
    opts: { certificate?: PoliceCertificate; searchIfUnknown?: boolean } = {},
  ): Promise<void> {
    const { certificate, searchIfUnknown = true } = opts;
    const { state, pack } = this;
    const record = this.iv();
    record.placementSeq += 1;
    const placementId = placementWorkflowId(state.caseId, record.placementSeq, term);
    const kind = term === 'short_term' ? 'short_term_placement' : 'long_term_placement';
    const input: PlacementInput = {
      placementId,
      ownerWorkflowId: state.caseId,
      term,
      startedAt: new Date(startedAt).toISOString(),
      agencyId: this.deps.agencyFor(kind),
      siteAgencyId,
      policeAgencyIds: this.policeAgencies(),
      policeCertificate: certificate,
      ...(record.courtDesignations?.length ? { courtDesignations: record.courtDesignations } : {}),
      cap: term === 'short_term' ? pack.placement.shortTermCap : pack.placement.longTermCap,
      remindBefore: pack.placement.remindBefore,
      overrunEscalationEvery: pack.placement.overrunEscalationEvery,
      pack: state.pack,
    };
    record.placements.push(provisionalPlacement(input));
    this.audit({
      type: 'placement_started',
      at: nowIso(),
      clause: input.cap.clause,
      details: { placementId, term, siteAgencyId, startedAt: input.startedAt },
    });
    await startChild(placementWorkflow, {
      workflowId: placementId,
      // Like tasks, placements outlive a continue-as-new of the case and report back by signal to its workflow id.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [input],
    });
    if (!record.servicesOpened) {
      // CN 四(四): during placement the child gets daily care, schooling, psychological support, medical care, legal aid.
      record.servicesOpened = true;
      record.pendingServices.push(...SERVICE_KINDS.filter((s) => !record.pendingServices.includes(s)));
    }
    const guardianship = state.assessment.joint?.guardianship;
    if (searchIfUnknown && term === 'short_term' && guardianship !== 'adequate' && guardianship !== 'improper') {
      // CN 四(三): parents and close relatives unknown → the police search; their written certificate of failure is
      // what allows medium/long-term guardianship.
      await this.openSearch([this.deps.policeAgencyId() ?? this.deps.agencyFor('guardian_search')]);
    }
  }

  private async openSearch(agencyIds: string[]): Promise<void> {
    for (const agencyId of agencyIds) {
      const taskId = await this.openTask('guardian_search', { agencyId });
      this.iv().guardianSearch.taskIds.push(taskId);
    }
  }

  private async openFollowUp(): Promise<void> {
    // CN 五(一), FT 三(三)4: after temporary guardianship ends, follow-up visits and a later-stage assessment report.
    const record = this.iv();
    record.followUp.taskIds.push(await this.openTask('follow_up_visit'), await this.openTask('later_assessment'));
  }

  /** A placement's decision: follow-up, medium/long-term placement with a parallel search, or the escort. */
  private async actOnDecision(placement: PlacementState): Promise<void> {
    const record = this.iv();
    record.handledDecisions.push(placement.placementId);
    const decision = placement.decision;
    if (!decision) return;
    switch (decision.kind) {
      case 'return_home':
      case 'new_guardian':
        await this.openFollowUp();
        return;
      case 'move_to_long_term': {
        await this.openTask('long_term_placement');
        // CN 四(三): meanwhile civil affairs, the court and the police keep searching for the guardian, in parallel.
        const fallback = () => this.deps.agencyFor('guardian_search');
        const searchers = [
          this.agencies.civil_affairs ?? fallback(),
          this.agencies.court ?? fallback(),
          this.deps.policeAgencyId() ?? fallback(),
        ];
        await this.openSearch([...new Set(searchers)]);
        return;
      }
      case 'escort_to_registration_place': {
        const taskId = await this.openTask('escort_to_registration_place');
        record.escort = { taskId, registrationPlace: decision.registrationPlace };
        return;
      }
      case 'permanent_arrangement': {
        // FT 三(一)4(2): civil affairs carries it out; a case pinned to a pack without the task goes to follow-up.
        if (!this.pack.taskKinds.permanent_arrangement) return this.openFollowUp();
        const taskId = await this.openTask('permanent_arrangement');
        record.arrangements = [
          ...(record.arrangements ?? []),
          { placementId: placement.placementId, arrangement: decision.arrangement, taskId },
        ];
        return;
      }
    }
  }

  // ── The guardian: neglect clock, grounds, petitions ──────────────────────────────────────────────────────────────

  /** CN 四(四)3 (b): refused for 6 months or more AND the child is without means of living → a revocation ground. */
  private reachNeglectThreshold(): void {
    const episode = runningNeglect(this.state.intervention);
    if (!episode || !this.neglectDue()) return;
    episode.thresholdReachedAt = nowIso();
    this.audit({
      type: 'neglect_threshold_reached',
      at: episode.thresholdReachedAt,
      clause: episode.clause,
      details: { since: episode.since, childWithoutMeansOfLiving: episode.childWithoutMeansOfLiving },
    });
    const petitioner = defaultPetitionerAgency(this.agencies);
    if (episode.childWithoutMeansOfLiving && petitioner)
      this.addGround('refused_duties_six_months', episode.evidenceRef, episode.recordedBy, petitioner);
  }

  private async openPetitions(): Promise<void> {
    const record = this.iv();
    for (const ground of record.grounds.filter((g) => !g.petitionTaskId)) {
      const pending = record.petitions.find((p) => !p.decision && p.petitionerAgencyId === ground.petitionerAgencyId);
      if (pending) {
        ground.petitionTaskId = pending.petitionTaskId;
        if (!pending.grounds.includes(ground.ground)) pending.grounds.push(ground.ground);
        continue;
      }
      // CN 四(四)3: the petitioner applies to the court to revoke the guardian's qualification.
      const petitionTaskId = await this.openTask('guardianship_petition', { agencyId: ground.petitionerAgencyId });
      ground.petitionTaskId = petitionTaskId;
      record.petitions.push({
        petitionTaskId,
        grounds: [ground.ground],
        petitionerAgencyId: ground.petitionerAgencyId,
      });
    }
  }

  // ── Called from the case's main loop ─────────────────────────────────────────────────────────────────────────────

  /** Acts on what handlers recorded: placement decisions, the neglect clock, grounds, requested services. */
  async act(): Promise<void> {
    if (!this.state.intervention) return;
    for (const placement of this.pendingDecisions()) await this.actOnDecision(placement);
    this.reachNeglectThreshold();
    await this.openPetitions();
    const record = this.state.intervention;
    while (record.pendingServices.length > 0) {
      const service = record.pendingServices.shift();
      if (service && !openOf(this.state, service)) await this.openTask(service);
    }
  }

  hasWork(): boolean {
    const record = this.state.intervention;
    return (
      record !== undefined &&
      (this.pendingDecisions().length > 0 ||
        this.neglectDue() ||
        this.view().grounds.some((g) => !g.petitionTaskId) ||
        record.pendingServices.length > 0)
    );
  }

  /** When the main loop must wake for the intervention even without a message (the neglect clock). */
  nextWake(): string | undefined {
    const episode = runningNeglect(this.state.intervention);
    return episode && !episode.thresholdReachedAt ? episode.firesAt : undefined;
  }

  /** The assessment decided (FT 三(三)4): temporary guardianship or legal measures lead into the intervention. */
  async onDecision(nextStep: NextStep): Promise<void> {
    const { state } = this;
    if (nextStep === 'temporary_guardianship') {
      const running = state.intervention?.placements.some((p) => p.status === 'running');
      // CN 四(三): the street office places the child at a temporary care site (unless already placed urgently).
      if (!running && !openOf(state, 'short_term_placement')) await this.openTask('short_term_placement');
    } else if (nextStep === 'legal_measures') {
      // CN 四(四)3: the police start with criticism and education or a written warning of the guardian.
      if (!openOf(state, 'legal_warning')) await this.openTask('legal_warning');
    } else if (nextStep === 'services' && this.deps.holds(OUTCOMES_OPEN_ACTIONS_PATCH)) {
      // FT 三(二)4 (教育帮扶、医疗救治、心理疏导…): the services the grading named; where it named none, psychological
      // support (心理疏导、精神慰藉), the one service every child in difficulty is offered — an interpretation.
      const grading = state.assessment.grading;
      const named = [...(grading?.services ?? []), ...(grading?.needs ?? [])].filter(isServiceKind);
      const services: ServiceKind[] = named.length > 0 ? [...new Set(named)] : ['psychological_support'];
      const record = this.iv();
      record.pendingServices.push(...services.filter((s) => !record.pendingServices.includes(s)));
      this.audit({
        type: 'services_requested',
        at: nowIso(),
        clause: grading ? this.pack.deadlines.riskGrading.clause : 'FT 三(二)4',
        details: { services: services.join(','), by: 'risk_grading' },
      });
    }
  }

  // ── Results of the intervention's tasks ──────────────────────────────────────────────────────────────────────────

  /**
   * A completed task the intervention owns. Returns true when handled (the case does nothing more with it); an urgent
   * placement starts the short-term clock and returns false so the case goes on to the assessment as before.
   */
  async handleResult(result: Completed): Promise<boolean> {
    const { outcome, taskId } = result;
    const task = this.state.tasks.find((t) => t.taskId === taskId);
    // Recorded through a task: the task's own state names the user who completed it.
    const by = { userId: taskId, agencyId: task?.agencyId ?? '' };
    if (
      outcome.kind === 'joint_assessment' &&
      this.state.intervention?.guardianSearch.returnAssessmentTaskId === taskId
    ) {
      this.recordReturnAssessment(result, outcome);
      return true;
    }
    switch (outcome.kind) {
      case 'urgent_placement':
        // CN 四(二)/四(三): the urgent placement is where short-term temporary guardianship begins; its cap runs now.
        await this.startPlacement('short_term', outcome.placedAt, outcome.siteAgencyId);
        return false;
      case 'short_term_placement':
        await this.startPlacement('short_term', outcome.placedAt, outcome.siteAgencyId);
        return true;
      case 'long_term_placement': {
        const record = this.iv();
        const certificate =
          record.policeCertificate ?? record.placements.find((p) => p.policeCertificate)?.policeCertificate;
        await this.startPlacement('long_term', outcome.placedAt, outcome.institutionAgencyId, { certificate });
        return true;
      }
      case 'guardian_search':
        if (outcome.found) await this.guardianFound(taskId, outcome);
        else await this.searchFailed(taskId, outcome, by);
        return true;
      case 'escort_to_registration_place':
        this.recordEscort(taskId, outcome);
        return true;
      case 'guardianship_petition': {
        const petition = this.iv().petitions.find((p) => p.petitionTaskId === taskId);
        if (petition) {
          petition.courtRef = outcome.courtRef;
          petition.courtTaskId = await this.openTask('court_hearing');
        }
        return true;
      }
      case 'court_hearing':
        await this.recordCourtDecision(taskId, outcome);
        return true;
      case 'permanent_arrangement':
        return this.arrangementMade(taskId, outcome);
      case 'legal_warning':
        this.applyLegalWarning(taskId, outcome, by);
        return true;
      case 'daily_care':
      case 'schooling':
      case 'psychological_support':
      case 'medical_care':
      case 'legal_aid':
      case 'follow_up_visit':
      case 'later_assessment':
        if (outcome.kind === 'follow_up_visit') this.afterFollowUp(result, outcome);
        if (outcome.kind === 'later_assessment' && this.deps.holds(OUTCOMES_OPEN_ACTIONS_PATCH)) {
          const record = this.iv();
          record.laterAssessments = [
            ...(record.laterAssessments ?? []),
            { taskId, recommendation: outcome.recommendation, at: outcome.submittedAt },
          ];
          // CN 五(一): continuing support means the periodic visits go on.
          if (outcome.recommendation === 'continue_support') this.deps.continueMonitoring();
        }
        this.audit({
          type: `${outcome.kind}_recorded`,
          at: nowIso(),
          clause: task?.completeClause,
          details: { taskId },
        });
        return true;
      default:
        return false;
    }
  }

  /**
   * CN 四(一): a concern found on a follow-up visit is reported like any other (the social worker is a mandatory
   * reporter); the report joins this case, so the police respond and a closed case reopens.
   */
  private afterFollowUp(result: Completed, outcome: OutcomeOf<'follow_up_visit'>): void {
    if (!outcome.newConcern || !this.deps.holds(OUTCOMES_OPEN_ACTIONS_PATCH)) return;
    const task = this.state.tasks.find((t) => t.taskId === result.taskId);
    this.deps.fileReport({
      reportId: `${result.taskId}:new-concern`,
      childId: this.state.childId,
      reporter: { unitId: task?.agencyId ?? '', unitType: 'social_work' },
      concerns: outcome.concerns ?? [],
      discoveredAt: outcome.visitedAt,
      reportedAt: result.closedAt,
      leftBehind: this.state.leftBehind,
    });
  }

  private recordReturnAssessment(result: Completed, outcome: OutcomeOf<'joint_assessment'>): void {
    this.iv().guardianSearch.returnAssessmentDoneAt = result.closedAt;
    this.audit({
      type: 'return_assessment_completed',
      at: result.closedAt,
      clause: 'CN 四(三)',
      details: { taskId: result.taskId, guardianship: outcome.guardianship },
    });
  }

  /** A guardian found ends the search and opens a return assessment (CN 四(三): street office with the police). */
  private async guardianFound(taskId: string, outcome: OutcomeOf<'guardian_search'>): Promise<void> {
    const search = this.iv().guardianSearch;
    if (search.foundAt) return;
    search.foundAt = outcome.searchedUntil;
    search.foundByTaskId = taskId;
    const stillSearching = this.state.tasks
      .filter((t) => t.kind === 'guardian_search' && t.status === 'open')
      .map((t) => t.taskId);
    this.audit({
      type: 'guardian_found',
      at: nowIso(),
      clause: 'CN 四(三)',
      details: { taskId, stillOpen: stillSearching.join(',') },
    });
    // The other searches have nothing left to find: withdrawn, so they no longer wait on their agencies or the closure.
    await this.withdrawMoot(stillSearching, 'guardian_found', taskId);
    const police = this.deps.policeAgencyId();
    search.returnAssessmentTaskId = await this.openTask('joint_assessment', { collaborators: police ? [police] : [] });
  }

  /** The police's written certificate that the search failed: recorded and passed to running short-term placements. */
  private async searchFailed(
    taskId: string,
    outcome: OutcomeOf<'guardian_search'>,
    by: { userId: string; agencyId: string },
  ): Promise<void> {
    const record = this.iv();
    if (!outcome.certificateRef || !this.policeAgencies().includes(by.agencyId) || record.policeCertificate) return;
    const certificate: PoliceCertificate = {
      certificateRef: outcome.certificateRef,
      issuedAt: outcome.searchedUntil,
      recordedBy: by,
      taskId,
    };
    record.policeCertificate = certificate;
    this.audit({
      type: 'police_certificate_recorded',
      at: nowIso(),
      clause: 'CN 四(三)',
      details: { taskId, certificateRef: outcome.certificateRef },
    });
    for (const placement of record.placements.filter((p) => p.status === 'running' && p.term === 'short_term')) {
      try {
        await getExternalWorkflowHandle(placement.placementId).signal(policeCertificateSignal, certificate);
      } catch (err) {
        log.warn('could not pass the certificate to the placement', {
          placementId: placement.placementId,
          error: String(err),
        });
      }
    }
  }

  private recordEscort(taskId: string, outcome: OutcomeOf<'escort_to_registration_place'>): void {
    this.iv().escort = {
      taskId,
      registrationPlace: outcome.registrationPlace,
      confirmedAt: outcome.confirmation.confirmedAt,
      confirmationRef: outcome.confirmation.reference,
    };
    this.audit({
      type: 'escort_confirmed',
      at: nowIso(),
      clause: 'CN 四(三)',
      details: {
        taskId,
        registrationPlace: outcome.registrationPlace,
        confirmationRef: outcome.confirmation.reference,
      },
    });
  }

  private async recordCourtDecision(taskId: string, outcome: OutcomeOf<'court_hearing'>): Promise<void> {
    const record = this.iv();
    const petition = record.petitions.find((p) => p.courtTaskId === taskId);
    const decision = outcome.decision;
    const clause = this.pack.guardianshipRevocation.clause;
    if (petition) {
      petition.decision =
        decision.result === 'revoked'
          ? {
              result: 'revoked',
              newGuardianRef: `${outcome.judgmentRef}:${decision.newGuardian.relation}`,
              designatedAt: decision.designatedAt,
              judgmentRef: outcome.judgmentRef,
            }
          : { result: 'rejected', judgmentRef: outcome.judgmentRef, decidedAt: outcome.hearingDate };
    }
    this.audit({
      type: 'court_decided',
      at: nowIso(),
      clause,
      details: { taskId, result: decision.result, judgmentRef: outcome.judgmentRef },
    });
    const episode = runningNeglect(record);
    if (decision.result === 'revoked' && episode) {
      // The old guardian is no longer the guardian: their refusal stops counting.
      episode.end = {
        reason: 'guardianship_revoked',
        at: decision.designatedAt,
        evidenceRef: outcome.judgmentRef,
        recordedAt: nowIso(),
      };
    }
    if (decision.result === 'revoked' && this.deps.holds(PERMANENT_ARRANGEMENTS_PATCH)) {
      await this.recordDesignation(taskId, outcome, decision);
    }
    if (decision.result === 'revoked') {
      // A new guardian is designated: warnings, petitions and searches about the old guardian are moot.
      const moot = this.state.tasks.filter((t) => t.status === 'open' && MOOT_AFTER_REVOCATION.includes(t.kind));
      await this.withdrawMoot(
        moot.map((t) => t.taskId),
        'court_decided',
        taskId,
      );
    }
  }

  /**
   * CN 四(四)3, FT 三(三)2(5): the court's designation is recorded, written to the child's file (the guardians: the old
   * ones revoked, the new one added) and passed to running placements, whose `new_guardian` decision needs it.
   */
  private async recordDesignation(
    taskId: string,
    outcome: OutcomeOf<'court_hearing'>,
    decision: Extract<OutcomeOf<'court_hearing'>['decision'], { result: 'revoked' }>,
  ): Promise<void> {
    const record = this.iv();
    const designation: CourtDesignation = {
      judgmentRef: outcome.judgmentRef,
      designatedAt: decision.designatedAt,
      civilAffairs: decision.civilAffairs === true,
      taskId,
    };
    record.courtDesignations = [...(record.courtDesignations ?? []), designation];
    await recordGuardianDesignation({
      childId: this.state.childId,
      caseId: this.state.caseId,
      guardian: decision.newGuardian,
      civilAffairs: designation.civilAffairs,
      judgmentRef: outcome.judgmentRef,
      designatedAt: decision.designatedAt,
    });
    this.audit({
      type: 'guardian_designated',
      at: nowIso(),
      clause: this.pack.guardianshipRevocation.clause,
      details: { taskId, judgmentRef: outcome.judgmentRef, civilAffairs: designation.civilAffairs },
    });
    for (const placement of record.placements.filter((p) => p.status === 'running')) {
      try {
        await getExternalWorkflowHandle(placement.placementId).signal(courtDesignationSignal, designation);
      } catch (err) {
        log.warn('could not pass the designation to the placement', {
          placementId: placement.placementId,
          error: String(err),
        });
      }
    }
  }

  /** FT 三(一)4(2): the arrangement is in place; temporary guardianship is over, so follow-up begins (CN 五(一)). */
  private async arrangementMade(taskId: string, outcome: OutcomeOf<'permanent_arrangement'>): Promise<boolean> {
    const arrangement = this.iv().arrangements?.find((a) => a.taskId === taskId);
    if (arrangement) {
      arrangement.arrangedAt = outcome.arrangedAt;
      arrangement.documentRef = outcome.documentRef;
    }
    this.audit({
      type: 'permanent_arrangement_made',
      at: nowIso(),
      clause: 'FT 三(一)4(2)',
      details: { taskId, arrangement: outcome.arrangement, documentRef: outcome.documentRef },
    });
    await this.openFollowUp();
    return true;
  }

  /**
   * Withdraws open tasks made moot (issue #17): closed in the case at once, so they no longer block its closure, and
   * told to their task workflows, which close as 'withdrawn' with the reason for the agency to see.
   */
  private async withdrawMoot(taskIds: string[], reason: TaskWithdrawalReason, byTaskId: string): Promise<void> {
    const open = this.state.tasks.filter((t) => t.status === 'open' && taskIds.includes(t.taskId));
    if (open.length === 0 || !this.deps.holds(WITHDRAW_MOOT_TASKS_PATCH)) return;
    for (const task of open) {
      task.status = 'withdrawn';
      task.closedAt = nowIso();
      this.audit({
        type: 'task_withdrawn',
        at: task.closedAt,
        details: { taskId: task.taskId, kind: task.kind, reason, byTaskId },
      });
      try {
        await getExternalWorkflowHandle(task.taskId).signal(withdrawTaskSignal, { reason, byTaskId });
      } catch (err) {
        // The task may have closed meanwhile; the case's record of the withdrawal stands.
        log.warn('could not withdraw the task', { taskId: task.taskId, error: String(err) });
      }
    }
  }

  private applyLegalWarning(
    taskId: string,
    outcome: OutcomeOf<'legal_warning'>,
    by: { userId: string; agencyId: string },
  ): void {
    const record = this.iv();
    const cmd = { actor: by, step: outcome.step, evidenceRef: outcome.evidenceRef, occurredAt: outcome.issuedAt };
    try {
      validateLegalStep(record, cmd, Date.now(), this.pack);
    } catch (err) {
      this.audit({
        type: 'legal_step_out_of_order',
        at: nowIso(),
        clause: 'CN 四(四)3',
        details: { taskId, step: outcome.step, reason: String(err) },
      });
      return;
    }
    record.legalSteps.push({
      step: outcome.step,
      evidenceRef: outcome.evidenceRef,
      occurredAt: outcome.issuedAt,
      recordedAt: nowIso(),
      recordedBy: by,
      taskId,
    });
    this.audit({
      type: 'legal_step_recorded',
      at: nowIso(),
      clause: 'CN 四(四)3',
      details: { step: outcome.step, evidenceRef: outcome.evidenceRef, taskId },
    });
  }

  /** A declined task was reopened for another agency (FT 三(二)5): the intervention's records follow the new task. */
  taskReopened(oldTaskId: string, newTaskId: string): void {
    const record = this.state.intervention;
    if (!record) return;
    const swap = (id: string | undefined) => (id === oldTaskId ? newTaskId : id);
    const search = record.guardianSearch;
    search.taskIds = search.taskIds.map((id) => swap(id) ?? id);
    search.returnAssessmentTaskId = swap(search.returnAssessmentTaskId);
    if (record.escort) record.escort.taskId = swap(record.escort.taskId) ?? record.escort.taskId;
    for (const petition of record.petitions) {
      petition.petitionTaskId = swap(petition.petitionTaskId) ?? petition.petitionTaskId;
      petition.courtTaskId = swap(petition.courtTaskId);
    }
    for (const ground of record.grounds) ground.petitionTaskId = swap(ground.petitionTaskId);
    record.followUp.taskIds = record.followUp.taskIds.map((id) => swap(id) ?? id);
    for (const arrangement of record.arrangements ?? [])
      arrangement.taskId = swap(arrangement.taskId) ?? arrangement.taskId;
  }
}
