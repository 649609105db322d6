/**
 * Every enumeration the API, the workflows, the models and the web app share: one definition each. The workflows
 * import these through workflows/definitions.ts (pure data, safe in the deterministic sandbox); the web app imports
 * them directly (Vite bundles this folder).
 */

// ── Agencies, reports, notifications ─────────────────────────────────────────────────────────────────────────────

/** The kinds of agency in the protection network (CN 二, FT 三(三)): the pack assigns task kinds to these. */
export const AGENCY_TYPES = [
  'civil_affairs',
  'womens_children_office',
  'police_substation',
  'police_station',
  'education',
  'health',
  'womens_federation',
  'justice',
  'procuratorate',
  'court',
  'hrss',
  'housing',
  'finance',
  'disabled_federation',
  'youth_league',
  'social_work',
  'street_office',
  'residents_committee',
  'villagers_committee',
  'welfare_institution',
  'temporary_care_site',
  'school',
  'kindergarten',
  'hospital',
  /** 救助保护机构 / 救助管理机构: the rescue and protection institution of civil affairs (FT 三(一)4(2), 三(三)2(1)). */
  'rescue_protection_institution',
  /** 监狱: an executing organ for a sentence (CN 三(四) 执行机关, FT 三(一)4(2)). */
  'prison',
  /** 强制隔离戒毒所: an executing organ for compulsory drug rehabilitation (CN 三(四), FT 三(一)4(2)). */
  'drug_rehabilitation_centre',
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

/** The three levels of the network (CN 五(一)): district, street or township, residents' or villagers' committee. */
export const AGENCY_LEVELS = ['district', 'street_township', 'committee'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

/** Who files a report: an agency of the network, or a private person. */
export const REPORTING_UNIT_TYPES = [...AGENCY_TYPES, 'individual'] as const;
export type ReportingUnitType = (typeof REPORTING_UNIT_TYPES)[number];

/** A report's status in plain words for the person who filed it: where the case stands, and nothing about the child. */
export const REPORT_STATUSES = [
  'received',
  'police_responding',
  'placement',
  'in_assessment',
  'in_care',
  'closed',
  /** The reconciler flagged the case: it failed or stalled, and the coordinators are on it. */
  'needs_attention',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** What a notification (email and in-app inbox) is about. */
export const NOTIFICATION_KINDS = [
  'task_created',
  'task_reminder',
  'task_escalated',
  'decision_needed',
  'delivery_failed',
  /** A task's notice could not be delivered to its agency (mail refused): escalated to the coordinators as such. */
  'missed_notice',
  'case_update',
  'accountability_finding',
  'routed_to_fallback',
  'case_needs_attention',
  /** Issue #18: a ledger child's periodic visit passed its due time unrecorded; told to the street. */
  'ledger_visit_missed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

/** Who a guardian is to the child (the child's file, the ledger's guardians). */
export const GUARDIAN_RELATIONS = [
  'mother',
  'father',
  'grandparent',
  'relative',
  'entrusted_adult',
  'institution',
  'other',
] as const;

/** Why a guardian can or cannot act (CN 三(四), FT 二(一)2, 二(二)). */
export const GUARDIAN_STATUSES = [
  'able',
  'unknown',
  'cannot_be_found',
  'working_away',
  'unable',
  'imprisoned',
  'drug_rehabilitation',
  'seriously_ill',
  'severely_disabled',
  'deceased',
  'detained',
  'under_community_correction',
  'guardianship_revoked',
] as const;

// ── Cases ─────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Where a case stands (workflows/case.workflow.ts); also the CaseStage search attribute. */
export const CASE_STAGES = [
  'awaiting_report',
  'emergency_response',
  'placement_pending',
  'assessment',
  'monitoring',
  'services',
  'temporary_guardianship_pending',
  'legal_measures_pending',
  // The intervention (workflows/intervention.ts interventionStage).
  'short_term_guardianship',
  'long_term_guardianship',
  'escort',
  /** FT 三(一)4(2): civil affairs carries out a permanent arrangement (issue #17). */
  'permanent_arrangement',
  'legal_proceedings',
  'follow_up',
  'closed',
] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

/** A graded risk (FT 三(三)4 risk grading). */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** A case's risk as the read model keeps it: 'unassessed' until the first grading or repeat concern. */
export const CASE_RISK_LEVELS = ['unassessed', ...RISK_LEVELS] as const;
export type CaseRiskLevel = (typeof CASE_RISK_LEVELS)[number];

/** What the risk grading recommends next (FT 三(三)4). */
export const NEXT_STEPS = ['monitoring_only', 'services', 'temporary_guardianship', 'legal_measures'] as const;
export type NextStep = (typeof NEXT_STEPS)[number];

// ── Tasks ─────────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A task's status: the agency-task workflow's own, and the API's. The projection stores 'open' for created-and-notified
 * and 'cancelled' for a task closed without outcome (models/task.ts PROJECTED_TASK_STATUSES); models/task-status.ts
 * maps those to these in one place.
 */
export const TASK_STATUSES = ['created', 'notified', 'accepted', 'completed', 'declined', 'withdrawn'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Why the owning case withdrew a task that became moot (issue #17): another search found the guardian (CN 四(三)), or
 * the court revoked the guardianship and designated a new guardian (CN 四(四)3), so warnings, petitions and searches
 * about the old guardian have nothing left to do. A withdrawn task no longer blocks the case's closure.
 */
export const TASK_WITHDRAWAL_REASONS = ['guardian_found', 'court_decided'] as const;
export type TaskWithdrawalReason = (typeof TASK_WITHDRAWAL_REASONS)[number];

/** Which of a task's two deadlines: accept by, complete by. */
export const TASK_PHASES = ['accept', 'complete'] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];

// ── Assessment and intervention ───────────────────────────────────────────────────────────────────────────────────

/**
 * Facts an assessment records about a child and family (CN 四(三), FT 三(三)4). Categories and benefits are rules over
 * these facts, so a pack can say "poverty = 低保 family or low-income family" as data.
 */
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
  /** Personal safety under threat, not (yet) harmed (CN 一 "人身安全受到威胁或侵害"). */
  'personal_safety_threatened',
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

/** The services during placement (CN 四(四)); each is a task kind. */
export const SERVICE_KINDS = ['daily_care', 'schooling', 'psychological_support', 'medical_care', 'legal_aid'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const REVOCATION_GROUNDS = [
  'unattended_in_danger',
  'refused_duties_six_months',
  'serious_harm',
  'other_statutory',
] as const;
export type RevocationGround = (typeof REVOCATION_GROUNDS)[number];

/** CN 四(四)3: the legal ladder against a guardian who fails their duties. */
export const LEGAL_STEPS = [
  'criticism_education',
  'written_warning',
  'administrative_penalty',
  'judicial_transfer',
] as const;
export type LegalStep = (typeof LEGAL_STEPS)[number];
