/**
 * Task outcomes as the API's complete endpoint takes them. These mirror the zod schemas in workflows/definitions.ts
 * (policeResponseOutcomeSchema …), which stay the authority: the server validates every outcome again.
 */
export type Iso = string;

export interface HandoverRecord {
  receiverName: string;
  receiverRole: 'relative' | 'other_guardian' | 'residents_committee';
  relation: string;
  handedOverAt: Iso;
  documentRef: string;
  childCanExpressView: boolean;
  childView?: string;
}

export type ConcernResponse =
  | {
      concern: string;
      response: 'guardian_recalled';
      measure: 'parents_ordered_to_return' | 'entrusted_guardian_named';
      entrustedGuardianName?: string;
    }
  | { concern: string; response: 'child_search'; searchStartedAt: Iso; found: boolean; foundAt?: Iso }
  | { concern: string; response: 'violence_stopped'; childMovedToProtection: boolean; protectionInstitution?: string }
  | { concern: string; response: 'medical_care'; medicalCareArranged: boolean; injuryAssessmentRef?: string };
export type ResponseKind = ConcernResponse['response'];
export const RESPONSE_KINDS: readonly ResponseKind[] = [
  'guardian_recalled',
  'child_search',
  'violence_stopped',
  'medical_care',
];

/** The response a concern code calls for (CN 四(二)); mirrors RESPONSE_FOR_CONCERN. */
export const RESPONSE_FOR_CONCERN: Readonly<Record<string, ResponseKind>> = {
  living_alone: 'guardian_recalled',
  lacking_guardianship: 'guardian_recalled',
  missing: 'child_search',
  domestic_violence: 'violence_stopped',
  injury: 'medical_care',
  infringement: 'medical_care',
};

export type Custody =
  | { kind: 'remains_with_guardian' }
  | { kind: 'handed_over'; handover: HandoverRecord }
  | { kind: 'protective_placement'; institution: string }
  | { kind: 'nobody_can_take'; reason: string };
export type CustodyKind = Custody['kind'];
export const CUSTODY_KINDS: readonly CustodyKind[] = [
  'remains_with_guardian',
  'handed_over',
  'protective_placement',
  'nobody_can_take',
];

export interface PoliceResponseOutcome {
  kind: 'police_response';
  dispatchedAt: Iso;
  responses: ConcernResponse[];
  custody: Custody;
  evidenceRefs?: string[];
}

export interface UrgentPlacementOutcome {
  kind: 'urgent_placement';
  placedAt: Iso;
  siteType: 'temporary_care_site' | 'welfare_institution';
  siteAgencyId: string;
}

export const ARRANGEMENTS = [
  'entrusted_to_relative',
  'entrusted_to_other_adult',
  'placed_by_street_office',
  'not_needed',
] as const;
export interface DetentionCareOutcome {
  kind: 'detention_care_arrangement';
  arrangement: (typeof ARRANGEMENTS)[number];
  caregiverName?: string;
  handover?: HandoverRecord;
}

/** Mirrors ASSESSMENT_FACTS in policies/schema.ts. */
export const ASSESSMENT_FACTS = [
  'family_dibao',
  'family_low_income',
  'family_poverty_hardship',
  'sudden_family_hardship',
  'disabled',
  'severely_disabled',
  'seriously_ill',
  'hiv_affected',
  'mental_or_self_care_impaired',
  'no_labour_capacity',
  'no_income',
  'no_legal_supporter',
  'supporter_unable',
  'parents_unable_to_raise',
  'raised_by_relatives_or_others',
  'orphan',
  'abandoned_infant',
  'de_facto_unsupported',
  'street_child',
  'street_history',
  'scattered_orphan',
  'guardianship_missing_or_improper',
  'abused_or_harmed',
  'guardian_imprisoned',
  'guardian_drug_use',
  'guardian_seriously_ill',
  'guardian_severely_disabled',
  'trafficking_rescued',
  'temporarily_lost_family_support',
  'under_guardianship_intervention',
  'guardian_sentenced',
  'guardian_community_correction',
  'non_prosecution',
  'urgently_needs_support',
  'legal_representative_neglects_duty',
  'joint_meeting_decision',
  'both_parents_migrant',
  'one_parent_migrant',
  'other_parent_unable_to_guard',
  'meets_child_living_guarantee_conditions',
] as const;
export type AssessmentFact = (typeof ASSESSMENT_FACTS)[number];

export const GUARDIANSHIP = ['adequate', 'improper', 'missing'] as const;
export interface JointAssessmentOutcome {
  kind: 'joint_assessment';
  ageYears: number;
  facts: AssessmentFact[];
  familySituation: string;
  guardianship: (typeof GUARDIANSHIP)[number];
  physicalHealth: string;
  mentalHealth: string;
}

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const NEXT_STEPS = ['monitoring_only', 'services', 'temporary_guardianship', 'legal_measures'] as const;
export interface RiskGradingOutcome {
  kind: 'risk_grading';
  riskLevel: (typeof RISK_LEVELS)[number];
  recommendation: (typeof NEXT_STEPS)[number];
  needs?: string[];
}

export interface MonitoringVisitOutcome {
  kind: 'monitoring_visit';
  visitedAt: Iso;
  childSeen: boolean;
  guardianshipArrangementAdequate: boolean;
  newConcern: boolean;
}

// ── The intervention (CN 四(三), 四(四), 五(一)): mirrors workflows/intervention.definitions.ts ────────────────────

/** CN 四(三): why the temporary care site fits the child's wishes, health, address and school. */
export interface PlacementFit {
  wishes: string;
  health: string;
  address: string;
  school: string;
}

export interface ShortTermPlacementOutcome {
  kind: 'short_term_placement';
  placedAt: Iso;
  siteAgencyId: string;
  fit: PlacementFit;
}

export interface LongTermPlacementOutcome {
  kind: 'long_term_placement';
  placedAt: Iso;
  institutionAgencyId: string;
}

export interface GuardianSearchOutcome {
  kind: 'guardian_search';
  searchedUntil: Iso;
  found: boolean;
  guardianRef?: string;
  /** The police's written certificate that the search failed; never with a found guardian. */
  certificateRef?: string;
}

export interface EscortOutcome {
  kind: 'escort_to_registration_place';
  registrationPlace: string;
  handover: { receivingOffice: string; receiverName: string; handedOverAt: Iso; documentRef: string };
  confirmation: { confirmedAt: Iso; reference: string };
}

/** Mirrors SERVICE_KINDS: the services during placement (CN 四(四)). */
export const SERVICE_KINDS = ['daily_care', 'schooling', 'psychological_support', 'medical_care', 'legal_aid'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export function isServiceKind(kind: string): kind is ServiceKind {
  return (SERVICE_KINDS as readonly string[]).includes(kind);
}
interface ServiceFields {
  startedAt: Iso;
  providedBy: string;
  provided: string;
}
export type ServiceOutcome =
  | ({ kind: 'daily_care' | 'schooling' | 'medical_care' | 'legal_aid' } & ServiceFields)
  | ({ kind: 'psychological_support'; familyEducationGuidance: boolean } & ServiceFields);

export interface GuardianshipPetitionOutcome {
  kind: 'guardianship_petition';
  filedAt: Iso;
  courtRef: string;
}

export const COURT_RESULTS = ['revoked', 'rejected'] as const;
export interface CourtHearingOutcome {
  kind: 'court_hearing';
  hearingDate: Iso;
  judgmentRef: string;
  decision:
    | { result: 'revoked'; newGuardian: { name: string; relation: string }; designatedAt: Iso }
    | { result: 'rejected'; reason: string };
}

export interface FollowUpVisitOutcome {
  kind: 'follow_up_visit';
  visitedAt: Iso;
  childSeen: boolean;
  newConcern: boolean;
}

export const LATER_RECOMMENDATIONS = ['close_case', 'continue_support'] as const;
export interface LaterAssessmentOutcome {
  kind: 'later_assessment';
  submittedAt: Iso;
  reportRef: string;
  recommendation: (typeof LATER_RECOMMENDATIONS)[number];
}

/** The police's own rungs of the legal ladder (CN 四(四)3). */
export const WARNING_STEPS = ['criticism_education', 'written_warning'] as const;
export interface LegalWarningOutcome {
  kind: 'legal_warning';
  step: (typeof WARNING_STEPS)[number];
  issuedAt: Iso;
  evidenceRef: string;
}

export type OutcomeInput =
  | PoliceResponseOutcome
  | UrgentPlacementOutcome
  | DetentionCareOutcome
  | JointAssessmentOutcome
  | RiskGradingOutcome
  | MonitoringVisitOutcome
  | ShortTermPlacementOutcome
  | LongTermPlacementOutcome
  | GuardianSearchOutcome
  | EscortOutcome
  | ServiceOutcome
  | GuardianshipPetitionOutcome
  | CourtHearingOutcome
  | FollowUpVisitOutcome
  | LaterAssessmentOutcome
  | LegalWarningOutcome;
export type OutcomeKind = OutcomeInput['kind'];
export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'police_response',
  'urgent_placement',
  'detention_care_arrangement',
  'joint_assessment',
  'risk_grading',
  'monitoring_visit',
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
export function hasOutcomeForm(kind: string): kind is OutcomeKind {
  return (OUTCOME_KINDS as readonly string[]).includes(kind);
}
