/**
 * One temporary guardianship placement (CN 四(三)), short-term (at a temporary care site, 1 month in principle) or
 * medium/long-term (in a child welfare institution, 6 months in principle): a child workflow of the case, id
 * placementWorkflowId(caseId, seq, term).
 *
 * It runs the cap clock: reminders before the end (pack.placement.remindBefore), at the end a decision is required,
 * and while none is recorded the overrun escalates every pack.placement.overrunEscalationEvery. "In principle" allows
 * an extension, which only a coordinator approves, with its reason. The decision ends the placement; moving to
 * medium/long-term needs the police's written certificate that the guardian search failed. Every change is signalled
 * to the case (by workflow id, so it reaches the case's current run), which records it and acts on the decision.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
} from '@temporalio/workflow';
import { addDuration, subtractDuration } from '../policies/duration';
import type { EscalationTarget } from '../policies/schema';
import { msUntil, nowIso } from './clocks';
import type { Actor, Clock } from './definitions';
import {
  COORDINATOR_ROLES,
  InterventionRejection,
  approveExtensionUpdate,
  courtDesignationSignal,
  isValidDuration,
  placementChangedSignal,
  placementDecisionSchema,
  placementStatusQuery,
  policeCertificateSignal,
  recordPlacementDecisionUpdate,
  recordPoliceCertificateUpdate,
  type ApproveExtensionCommand,
  type Coordinator,
  type CourtDesignation,
  type PlacementDecision,
  type PlacementInput,
  type PlacementState,
  type PoliceCertificate,
  type RecordPlacementDecisionCommand,
  type RecordPoliceCertificateCommand,
} from './intervention.definitions';
import { sendNotice } from './proxies';

function reject(message: string, type: InterventionRejection): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true });
}

export function isCoordinator(actor: Actor | Coordinator | undefined): actor is Coordinator {
  return actor !== undefined && 'role' in actor && (COORDINATOR_ROLES as readonly string[]).includes(actor.role);
}

export function assertCoordinator(approver: Coordinator | undefined): void {
  if (!isCoordinator(approver)) {
    reject('only a street or district coordinator may approve this', InterventionRejection.NotCoordinator);
  }
}

/** The task kind whose agency is responsible for a placement of this term (used to address notifications). */
export function placementTaskKind(term: PlacementInput['term']): 'short_term_placement' | 'long_term_placement' {
  return term === 'short_term' ? 'short_term_placement' : 'long_term_placement';
}

/** The n-th overrun instant: the end plus n escalation intervals (calendar arithmetic, so P1M stays a month). */
export function overrunAt(endsAt: string, every: string, n: number): string {
  let at = new Date(endsAt);
  for (let i = 0; i < n; i += 1) at = addDuration(at, every);
  return at.toISOString();
}

interface Due {
  at: string;
  fire: () => Promise<void>;
}

/**
 * One placement's state and its named steps. Update handlers and the certificate signal only record and mark the
 * placement changed; the main loop fires what is due (reminder, end, overrun) and reports every change to the case.
 */
export class Placement {
  readonly state: PlacementState;
  private readonly kind: 'short_term_placement' | 'long_term_placement';
  /** Reminders count back from the current end, but only those after the period began (start or extension). */
  private periodStart: string;
  changed = true;

  constructor(private readonly input: PlacementInput) {
    this.state = {
      placementId: input.placementId,
      ownerWorkflowId: input.ownerWorkflowId,
      term: input.term,
      status: 'running',
      agencyId: input.agencyId,
      siteAgencyId: input.siteAgencyId,
      startedAt: input.startedAt,
      endsAt: addDuration(new Date(input.startedAt), input.cap.duration).toISOString(),
      clause: input.cap.clause,
      extensions: [],
      reminders: [],
      overruns: [],
      policeCertificate: input.policeCertificate,
      ...(input.courtDesignations?.length ? { courtDesignations: input.courtDesignations } : {}),
      clocks: [],
    };
    this.kind = placementTaskKind(input.term);
    this.periodStart = input.startedAt;
  }

  get ended(): boolean {
    return this.state.status === 'ended';
  }

  private generation(): number {
    return this.state.extensions.length;
  }

  private reminderSent(before: string): boolean {
    return this.state.reminders.some((r) => r.capAt === this.state.endsAt && r.before === before);
  }

  private overrunsOfPeriod(): number {
    return this.state.overruns.filter((o) => o.capAt === this.state.endsAt).length;
  }

  private nextReminder(): { before: string; at: string } | undefined {
    const { endsAt } = this.state;
    return this.input.remindBefore
      .map((before) => ({ before, at: subtractDuration(new Date(endsAt), before).toISOString() }))
      .filter(({ before, at }) => !this.reminderSent(before) && at >= this.periodStart && at < endsAt)
      .sort((a, b) => a.at.localeCompare(b.at))[0];
  }

  /** The running clocks shown on the case: the end, the next reminder and, past the end, the next overrun. */
  refreshClocks(): void {
    const { state, input } = this;
    if (state.status === 'ended') {
      state.clocks = [];
      return;
    }
    const clock = (suffix: string, label: string, startedAt: string, firesAt: string): Clock => ({
      id: `${state.placementId}:${suffix}`,
      label,
      clause: input.cap.clause,
      startedAt,
      firesAt,
    });
    const clocks: Clock[] = [clock('end', input.cap.label.en, state.startedAt, state.endsAt)];
    const next = this.nextReminder();
    if (next) clocks.push(clock('reminder', `reminder ${next.before} before the end`, this.periodStart, next.at));
    if (state.capReachedAt) {
      const n = this.overrunsOfPeriod() + 1;
      const firesAt = overrunAt(state.endsAt, input.overrunEscalationEvery, n);
      clocks.push(clock('overrun', `decision overdue: escalation ${n}`, state.endsAt, firesAt));
    }
    state.clocks = clocks;
  }

  private escalate(logicalKey: string, rung: number, target: EscalationTarget): Promise<void> {
    // Reminders (rung 0, to the assignee) and overruns travel as task escalations of the placing task kind, so the
    // directory notifier resolves the placing agency's desk and the coordinators as for any missed deadline.
    return sendNotice({
      workflowId: this.state.placementId,
      logicalKey,
      event: {
        type: 'task_escalated',
        taskId: this.state.placementId,
        kind: this.kind,
        agencyId: this.state.agencyId,
        phase: 'complete',
        rung,
        target,
        clause: this.input.cap.clause,
        deadline: this.state.endsAt,
      },
    });
  }

  /** What fires next: a reminder before the end, the end itself, or the next overrun escalation. */
  nextDue(): Due | undefined {
    const { state } = this;
    if (state.status === 'ended') return undefined;
    const reminder = this.nextReminder();
    if (reminder && !state.capReachedAt) {
      return {
        at: reminder.at,
        fire: async () => {
          state.reminders.push({ before: reminder.before, capAt: state.endsAt, at: nowIso() });
          await this.escalate(`remind:${this.generation()}:${reminder.before}`, 0, 'assignee');
        },
      };
    }
    if (!state.capReachedAt) {
      return {
        at: state.endsAt,
        fire: async () => {
          // CN 四(三): at the end the placement cannot simply run on; a decision is now required.
          state.capReachedAt = nowIso();
          await this.escalate(`end:${this.generation()}`, 0, 'street_coordinator');
        },
      };
    }
    const n = this.overrunsOfPeriod() + 1;
    return {
      at: overrunAt(state.endsAt, this.input.overrunEscalationEvery, n),
      fire: async () => {
        state.overruns.push({ n, capAt: state.endsAt, at: nowIso() });
        await this.escalate(`overrun:${this.generation()}:${n}`, n, 'district_coordinator');
      },
    };
  }

  // ── Commands (the certificate signal, update handlers and their validators) ──────────────────────────────────────

  private assertRunning(): void {
    if (this.ended) reject(`placement ${this.state.placementId} has ended`, InterventionRejection.PlacementEnded);
  }

  applyCertificate(certificate: PoliceCertificate): void {
    if (this.state.policeCertificate) return;
    this.state.policeCertificate = certificate;
    this.changed = true;
  }

  applyDesignation(designation: CourtDesignation): void {
    const known = this.state.courtDesignations ?? [];
    if (known.some((d) => d.judgmentRef === designation.judgmentRef)) return;
    this.state.courtDesignations = [...known, designation];
    this.changed = true;
  }

  /**
   * What a decision needs on record (issue #17): the guardian the court designated (CN 四(四)3, FT 三(三)2(5)), civil
   * affairs designated for civil-affairs guardianship, and for the other permanent arrangements a child who lost the
   * parents (court revocation) or cannot find them (the police certificate, FT 三(一)4(2)).
   */
  private validateGrounds(decision: PlacementDecision): void {
    const { state } = this;
    const designations = state.courtDesignations ?? [];
    if (decision.kind === 'new_guardian') {
      if (!designations.some((d) => d.judgmentRef === decision.courtRef && !d.civilAffairs))
        reject(
          `CN 四(四)3: no court designation of a new guardian is recorded under ${decision.courtRef}`,
          InterventionRejection.NoCourtDesignation,
        );
      return;
    }
    if (decision.kind !== 'permanent_arrangement') return;
    const civil = designations.filter(
      (d) => d.civilAffairs && (!decision.courtRef || d.judgmentRef === decision.courtRef),
    );
    switch (decision.arrangement) {
      case 'civil_affairs_guardianship':
        if (civil.length === 0)
          reject(
            'FT 三(一)4(2): civil affairs is guardian only when the court designated it',
            InterventionRejection.NoCourtDesignation,
          );
        return;
      case 'registration_place_welfare_institution':
        // "父母没有监护能力且无其他监护人的儿童，以及人民法院指定由民政部门担任监护人的儿童".
        if (!state.policeCertificate && civil.length === 0)
          reject(
            "FT 三(一)4(2): the registration place's welfare institution takes a child without guardians (the police certificate) or one whose guardian the court made civil affairs",
            InterventionRejection.ArrangementNotAllowed,
          );
        return;
      default:
        // "对于失去父母、查找不到生父母的儿童": the parents' guardianship revoked, or the police could not find them.
        if (!state.policeCertificate && designations.length === 0)
          reject(
            'FT 三(一)4(2): kinship, foster, institutional care and adoption are for a child who lost the parents (court revocation) or whose parents cannot be found (police certificate)',
            InterventionRejection.ArrangementNotAllowed,
          );
    }
  }

  validateCertificate({ actor, certificateRef, issuedAt }: RecordPoliceCertificateCommand): void {
    this.assertRunning();
    if (!this.input.policeAgencyIds.includes(actor.agencyId)) {
      reject(
        `only the police (${this.input.policeAgencyIds.join(', ')}) certify that the guardian search failed`,
        InterventionRejection.WrongAgency,
      );
    }
    if (!certificateRef?.trim())
      reject('the written certificate needs its reference', InterventionRejection.InvalidCommand);
    if (Number.isNaN(Date.parse(issuedAt))) reject('issuedAt must be an instant', InterventionRejection.InvalidCommand);
    if (this.state.policeCertificate)
      reject('a police certificate is already recorded', InterventionRejection.InvalidCommand);
  }

  recordCertificate({ actor, certificateRef, issuedAt }: RecordPoliceCertificateCommand): PlacementState {
    this.applyCertificate({ certificateRef, issuedAt, recordedBy: actor });
    return this.state;
  }

  validateDecision({ actor, decision }: RecordPlacementDecisionCommand): void {
    const { state } = this;
    this.assertRunning();
    // The responsible agency (street office short-term, civil affairs long-term) or a coordinator decides.
    if (actor?.agencyId !== state.agencyId && !isCoordinator(actor)) {
      reject(
        `placement ${state.placementId} is decided by agency ${state.agencyId} or a coordinator`,
        InterventionRejection.WrongAgency,
      );
    }
    const parsed = placementDecisionSchema().safeParse(decision);
    if (!parsed.success) {
      reject(
        `invalid decision: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        InterventionRejection.InvalidCommand,
      );
    }
    this.validateGrounds(parsed.data);
    if (parsed.data.kind === 'move_to_long_term') {
      if (state.term !== 'short_term')
        reject('the placement is already medium/long-term', InterventionRejection.InvalidCommand);
      // CN 四(三): medium/long-term guardianship only after the police certify in writing that the search failed.
      if (!state.policeCertificate) {
        reject(
          'CN 四(三): medium/long-term guardianship needs the police written certificate that the guardian search failed',
          InterventionRejection.NoPoliceCertificate,
        );
      }
    }
  }

  recordDecision({ actor, decision, reason }: RecordPlacementDecisionCommand): PlacementState {
    const { state } = this;
    state.decision = { ...placementDecisionSchema().parse(decision), decidedBy: actor, decidedAt: nowIso(), reason };
    state.status = 'ended';
    state.endedAt = state.decision.decidedAt;
    this.changed = true;
    return state;
  }

  validateExtension({ approver, reason, extendBy }: ApproveExtensionCommand): void {
    this.assertRunning();
    // CN 四(三) "原则上": an extension beyond the cap is an exception a coordinator approves, with the reason.
    assertCoordinator(approver);
    if (!reason?.trim()) reject('an extension needs its reason', InterventionRejection.InvalidCommand);
    if (!isValidDuration(extendBy))
      reject('extendBy must be an ISO-8601 duration such as P14D', InterventionRejection.InvalidCommand);
  }

  approveExtension({ approver, reason, extendBy }: ApproveExtensionCommand): PlacementState {
    const { state } = this;
    const previousEndsAt = state.endsAt;
    const approvedAt = nowIso();
    state.endsAt = addDuration(new Date(previousEndsAt), extendBy).toISOString();
    state.extensions.push({
      approvedBy: approver,
      reason: reason.trim(),
      extendBy,
      previousEndsAt,
      endsAt: state.endsAt,
      approvedAt,
    });
    state.capReachedAt = undefined;
    this.periodStart = approvedAt;
    this.changed = true;
    return state;
  }

  // ── Steps of the main loop ───────────────────────────────────────────────────────────────────────────────────────

  /** Signals the placement's state to the case, which records it and acts on a decision. */
  async report(): Promise<void> {
    this.changed = false;
    this.refreshClocks();
    try {
      await getExternalWorkflowHandle(this.input.ownerWorkflowId).signal(placementChangedSignal, this.state);
    } catch (err) {
      // The case may be gone (a test, or a closed case); the placement's own history still holds the record.
      log.warn('could not signal the case', { placementId: this.state.placementId, error: String(err) });
    }
  }

  /** Waits for the next due instant or a change; fires what is due and reports every change. Ends with the decision. */
  async run(): Promise<void> {
    await this.report();
    for (;;) {
      const due = this.nextDue();
      if (!due) break;
      const timedOut = !(await condition(() => this.changed || this.ended, Math.max(1, msUntil(due.at))));
      if (timedOut && !this.ended && msUntil(due.at) === 0) {
        await due.fire();
        this.changed = true;
      }
      if (this.changed) await this.report();
    }
  }
}

export async function placementWorkflow(input: PlacementInput): Promise<PlacementState> {
  const placement = new Placement(input);
  setHandler(placementStatusQuery, () => placement.state);
  setHandler(policeCertificateSignal, (certificate) => placement.applyCertificate(certificate));
  setHandler(courtDesignationSignal, (designation) => placement.applyDesignation(designation));
  setHandler(recordPoliceCertificateUpdate, (cmd) => placement.recordCertificate(cmd), {
    validator: (cmd) => placement.validateCertificate(cmd),
  });
  setHandler(recordPlacementDecisionUpdate, (cmd) => placement.recordDecision(cmd), {
    validator: (cmd) => placement.validateDecision(cmd),
  });
  setHandler(approveExtensionUpdate, (cmd) => placement.approveExtension(cmd), {
    validator: (cmd) => placement.validateExtension(cmd),
  });

  await placement.run();
  await condition(allHandlersFinished);
  if (placement.changed) await placement.report();
  return placement.state;
}
