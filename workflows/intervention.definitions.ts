/**
 * Messages, outcome schemas and shared types of the intervention (FT 三(二)4 帮扶干预; CN 四(三), 四(四), 五(一)):
 * temporary guardianship placements with their caps, guardian search, escort to the registration place, services
 * during placement, the legal ladder against a guardian, the neglect clock and revocation of guardianship, follow-up
 * and closure. Shared by the workflows, the API and the tests, like definitions.ts. This module imports only types
 * from definitions.ts, so there is no cycle.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LegalStep, RevocationGround, ServiceKind } from '../contracts/enums';
import type { PlacementDecision } from '../contracts/interventions';
import { COORDINATOR_ROLES } from '../contracts/roles';
import { isDuration } from '../policies/duration';
import type { Actor, Clock, PackRef } from './definitions';

// The intervention's outcome schemas and enumerations live in the contract (contracts/outcomes.ts, contracts/enums.ts).
export {
  courtHearingOutcomeSchema,
  dailyCareOutcomeSchema,
  escortOutcomeSchema,
  followUpVisitOutcomeSchema,
  guardianSearchOutcomeSchema,
  guardianshipPetitionOutcomeSchema,
  laterAssessmentOutcomeSchema,
  legalAidOutcomeSchema,
  legalWarningOutcomeSchema,
  longTermPlacementOutcomeSchema,
  medicalCareOutcomeSchema,
  placementFitSchema,
  psychologicalSupportOutcomeSchema,
  schoolingOutcomeSchema,
  shortTermPlacementOutcomeSchema,
} from '../contracts/outcomes';
export { PERMANENT_ARRANGEMENTS, type PermanentArrangement } from '../contracts/outcomes';
import type { PermanentArrangement } from '../contracts/outcomes';
export {
  LEGAL_STEPS,
  REVOCATION_GROUNDS,
  SERVICE_KINDS,
  type LegalStep,
  type RevocationGround,
  type ServiceKind,
} from '../contracts/enums';

// ── Ids ────────────────────────────────────────────────────────────────────────────────────────────────────────────

export const PLACEMENT_TERMS = ['short_term', 'long_term'] as const;
export type PlacementTerm = (typeof PLACEMENT_TERMS)[number];

/** A placement is a child workflow of the case; its id is the case's business id plus a sequence carried in state. */
export function placementWorkflowId(caseId: string, seq: number, term: PlacementTerm): string {
  return `${caseId}/placement-${seq}-${term}`;
}

// ── Typed failures ────────────────────────────────────────────────────────────────────────────────────────────────

// The failure names live in the catalogue (workflows/failures.ts); re-exported here for existing importers.
export { InterventionRejection } from './failures';

// ── Who may approve ───────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A coordinator of the protection network (CN 五(一), FT 三(三)1). The API fills the role from the authenticated
 * session and must only send it for users who hold it; the workflow rejects commands that need one without it.
 */
export { COORDINATOR_ROLES };
export interface Coordinator extends Actor {
  role: (typeof COORDINATOR_ROLES)[number];
}

// ── Placement workflow ────────────────────────────────────────────────────────────────────────────────────────────

export interface PoliceCertificate {
  certificateRef: string;
  issuedAt: string;
  recordedBy: Actor;
  /** The guardian-search task whose outcome carried it, when it came that way. */
  taskId?: string;
}

// The decision's schema is the contract's (contracts/interventions.ts): the API and the web app validate with it too.
export { placementDecisionSchema, type PlacementDecision } from '../contracts/interventions';

/** The court revoked the guardian and designated a new one (CN 四(四)3, FT 三(三)2(5)); the case passes it on. */
export interface CourtDesignation {
  judgmentRef: string;
  designatedAt: string;
  /** The court designated civil affairs as the guardian (FT 三(一)4(2)). */
  civilAffairs: boolean;
  /** The court-hearing task whose outcome carried it. */
  taskId?: string;
}

export interface PlacementInput {
  placementId: string;
  /** The case's workflow id (not a run id): placements outlive the case's continue-as-new and signal it by id. */
  ownerWorkflowId: string;
  term: PlacementTerm;
  /** When the child was placed: the cap counts from here (may lie before the workflow started). */
  startedAt: string;
  /** The agency responsible for the placement (street office short-term, civil affairs long-term): it is reminded. */
  agencyId: string;
  siteAgencyId: string;
  /** Agencies whose users may record the police certificate (the case's police). */
  policeAgencyIds: string[];
  /** A long-term placement starts with the certificate that allowed it. */
  policeCertificate?: PoliceCertificate;
  /** Court designations already recorded in the case when the placement starts. */
  courtDesignations?: CourtDesignation[];
  /** pack.placement: the cap of this term, reminders before it, and the overrun escalation interval. */
  cap: { duration: string; clause: string; label: { zh: string; en: string } };
  remindBefore: string[];
  overrunEscalationEvery: string;
  pack: PackRef;
}

export interface PlacementExtension {
  approvedBy: Coordinator;
  reason: string;
  extendBy: string;
  previousEndsAt: string;
  endsAt: string;
  approvedAt: string;
}

export interface PlacementReminder {
  before: string;
  capAt: string;
  at: string;
}

export interface PlacementOverrun {
  /** 1 for the first interval after the cap, 2 for the second … */
  n: number;
  capAt: string;
  at: string;
}

export interface PlacementState {
  placementId: string;
  ownerWorkflowId: string;
  term: PlacementTerm;
  status: 'running' | 'ended';
  agencyId: string;
  siteAgencyId: string;
  startedAt: string;
  /** The current end: the cap, or the last approved extension. */
  endsAt: string;
  clause: string;
  capReachedAt?: string;
  extensions: PlacementExtension[];
  reminders: PlacementReminder[];
  overruns: PlacementOverrun[];
  policeCertificate?: PoliceCertificate;
  /** The court's designations the case passed on: what `new_guardian` and civil-affairs guardianship need. */
  courtDesignations?: CourtDesignation[];
  decision?: PlacementDecision & { decidedBy: Actor; decidedAt: string; reason?: string };
  endedAt?: string;
  clocks: Clock[];
}

export interface RecordPlacementDecisionCommand {
  /** The placement's responsible agency, or a coordinator (send the role for a coordinator). */
  actor: Actor | Coordinator;
  decision: PlacementDecision;
  reason?: string;
}
export interface ApproveExtensionCommand {
  approver: Coordinator;
  /** CN 四(三) says "in principle": an extension is allowed, with its reason. */
  reason: string;
  /** ISO-8601 duration added to the current end, e.g. P14D. */
  extendBy: string;
}
export interface RecordPoliceCertificateCommand {
  actor: Actor;
  certificateRef: string;
  issuedAt: string;
}

export const recordPlacementDecisionUpdate = defineUpdate<PlacementState, [RecordPlacementDecisionCommand]>(
  'recordPlacementDecision',
);
export const approveExtensionUpdate = defineUpdate<PlacementState, [ApproveExtensionCommand]>('approveExtension');
export const recordPoliceCertificateUpdate = defineUpdate<PlacementState, [RecordPoliceCertificateCommand]>(
  'recordPoliceCertificate',
);
export const placementStatusQuery = defineQuery<PlacementState>('placementStatus');
/** From the case: the court revoked the guardian and designated a new one. */
export const courtDesignationSignal = defineSignal<[CourtDesignation]>('courtDesignation');
/** From the case: a police guardian-search outcome carried the certificate. */
export const policeCertificateSignal = defineSignal<[PoliceCertificate]>('policeCertificate');

/** Sent by a placement to its case (by workflow id) on every change, and once when it ends. */
export const placementChangedSignal = defineSignal<[PlacementState]>('placementChanged');

export function isValidDuration(value: unknown): value is string {
  return typeof value === 'string' && isDuration(value);
}

// ── The case's intervention commands and state ────────────────────────────────────────────────────────────────────

export interface LegalStepRecord {
  step: LegalStep;
  evidenceRef: string;
  occurredAt: string;
  recordedAt: string;
  recordedBy: Actor;
  taskId?: string;
}

export interface NeglectEpisode {
  /** When the guardian's refusal to perform duties began (may lie before it was recorded). */
  since: string;
  firesAt: string;
  clause: string;
  label: string;
  evidenceRef: string;
  childWithoutMeansOfLiving: boolean;
  recordedAt: string;
  recordedBy: Actor;
  end?: { reason: 'resumed' | 'guardianship_revoked'; at: string; evidenceRef: string; recordedAt: string };
  /** When the clock passed the threshold (neglectThreshold) without the guardian resuming. */
  thresholdReachedAt?: string;
}

export interface GroundRecord {
  ground: RevocationGround;
  clause: string;
  evidenceRef: string;
  recordedAt: string;
  recordedBy: Actor;
  petitionerAgencyId: string;
  /** The petition task this ground opened or joined. */
  petitionTaskId?: string;
}

export interface PetitionRecord {
  petitionTaskId: string;
  grounds: RevocationGround[];
  petitionerAgencyId: string;
  courtRef?: string;
  courtTaskId?: string;
  decision?:
    | { result: 'revoked'; newGuardianRef: string; designatedAt: string; judgmentRef: string }
    | { result: 'rejected'; judgmentRef: string; decidedAt: string };
}

export interface InterventionState {
  placementSeq: number;
  placements: PlacementState[];
  /** CN 四(三): the police's written certificate that the guardian search failed (opens medium/long-term guardianship). */
  policeCertificate?: PoliceCertificate;
  guardianSearch: {
    taskIds: string[];
    foundAt?: string;
    foundByTaskId?: string;
    returnAssessmentTaskId?: string;
    returnAssessmentDoneAt?: string;
  };
  /** Placement decisions the case has acted on (by placement id). */
  handledDecisions: string[];
  /** Services during placement (CN 四(四)) opened once for the first placement; more on request. */
  servicesOpened: boolean;
  pendingServices: ServiceKind[];
  escort?: { taskId: string; registrationPlace: string; confirmedAt?: string; confirmationRef?: string };
  legalSteps: LegalStepRecord[];
  neglect: NeglectEpisode[];
  grounds: GroundRecord[];
  petitions: PetitionRecord[];
  followUp: { taskIds: string[] };
  /** CN 四(四)3: the court's designations of a new guardian (recorded from issue #17 on). */
  courtDesignations?: CourtDesignation[];
  /** FT 三(一)4(2): permanent arrangements decided, each carried out by a civil-affairs task. */
  arrangements?: {
    placementId: string;
    arrangement: PermanentArrangement;
    taskId: string;
    arrangedAt?: string;
    documentRef?: string;
  }[];
  /** FT 三(三)4: later-stage assessment reports and what they recommended (recorded from issue #17 on). */
  laterAssessments?: { taskId: string; recommendation: 'close_case' | 'continue_support'; at: string }[];
  closure?: { approvedBy: Coordinator; reason: string; at: string };
  /** Coordinators' reopenings of the closed case, with their reasons (absent on cases never reopened). */
  reopenings?: { by: Coordinator; reason: string; at: string }[];
}

export interface RecordLegalStepCommand {
  actor: Actor;
  /** The type of the actor's agency as the directory has it (the API fills it); else read from the case's agencies. */
  agencyType?: string;
  step: LegalStep;
  evidenceRef: string;
  occurredAt: string;
}
export interface RecordGuardianRefusalCommand {
  actor: Actor;
  since: string;
  evidenceRef: string;
  childWithoutMeansOfLiving: boolean;
}
export interface RecordGuardianResumedCommand {
  actor: Actor;
  at: string;
  evidenceRef: string;
}
export interface RecordHarmGroundCommand {
  actor: Actor;
  ground: RevocationGround;
  evidenceRef: string;
  /** A petitioner code from the pack (guardianshipRevocation.petitioners); civil affairs by default. */
  petitioner?: string;
}
export interface RequestServicesCommand {
  actor: Actor;
  services: ServiceKind[];
}
export interface ApproveClosureCommand {
  approver: Coordinator;
  reason: string;
}
export interface ReopenCaseCommand {
  approver: Coordinator;
  reason: string;
}

/** Updates on the case workflow; each returns the case's intervention state. */
export const recordLegalStepUpdate = defineUpdate<InterventionState, [RecordLegalStepCommand]>('recordLegalStep');
export const recordGuardianRefusalUpdate = defineUpdate<InterventionState, [RecordGuardianRefusalCommand]>(
  'recordGuardianRefusal',
);
export const recordGuardianResumedUpdate = defineUpdate<InterventionState, [RecordGuardianResumedCommand]>(
  'recordGuardianResumed',
);
export const recordHarmGroundUpdate = defineUpdate<InterventionState, [RecordHarmGroundCommand]>('recordHarmGround');
export const requestServicesUpdate = defineUpdate<InterventionState, [RequestServicesCommand]>('requestServices');
export const approveClosureUpdate = defineUpdate<InterventionState, [ApproveClosureCommand]>('approveClosure');
export const reopenCaseUpdate = defineUpdate<InterventionState, [ReopenCaseCommand]>('reopenCase');
