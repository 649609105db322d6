/**
 * The JSON shapes of the ChildSafe API (/api/v1) as the web app reads them. The server is the authority: these mirror
 * its contract, and the outcome shapes in ../outcomes/types.ts mirror workflows/definitions.ts.
 */

export type Bilingual = { zh: string; en: string };

export const ROLES = [
  'mandated_reporter',
  'agency_staff',
  'agency_supervisor',
  'street_coordinator',
  'district_coordinator',
  'court_staff',
  'procuratorate_staff',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  agencyCode: string;
  jurisdiction: { districtCode: string; streetCode?: string };
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: User;
}

export interface ConcernType {
  code: string;
  label: Bilingual;
  clause: string;
}

export interface PolicySummary {
  id: string;
  version: string;
  district: { code: string; name: Bilingual };
  concernTypes: ConcernType[];
}

export type Sex = 'male' | 'female' | 'unknown';

export interface ReportChild {
  name?: string;
  sex?: Sex;
  dateOfBirth?: string;
  approximateAge?: number;
  idNumber?: string;
  school?: string;
}

export interface NewReport {
  policyPackId: string;
  concerns: string[];
  discoveredAt: string;
  place: { streetCode?: string; address: string };
  account: string;
  child: ReportChild;
  reporterUnit: { name: string; type: string };
}

export interface ReportReceipt {
  receipt: string;
  status: string;
  statusLabel: Bilingual;
}

export interface MyReport {
  receipt: string;
  filedAt: string;
  concerns: string[];
  status: string;
  statusLabel: Bilingual;
}

export type TaskStatus = 'created' | 'notified' | 'accepted' | 'completed' | 'declined';

export interface EscalationRecord {
  taskId?: string;
  kind?: string;
  phase: 'accept' | 'complete';
  rung: number;
  notify: string;
  clause: string;
  deadline: string;
  dueAt: string;
  at: string;
}

export interface TaskSummary {
  taskId: string;
  caseId: string;
  kind: string;
  label: Bilingual;
  status: TaskStatus;
  agencyCode: string;
  /** Null only for a task the projection knows without its deadlines yet. */
  acceptBy: string | null;
  completeBy: string | null;
  overdue: boolean;
  clause: string;
  /** Concern codes an emergency response must address (police_response only). */
  concerns?: string[];
}

export interface TaskDetail extends TaskSummary {
  collaboratingAgencyCodes: string[];
  escalations: EscalationRecord[];
  acceptedAt?: string;
  closedAt?: string;
  outcome?: Record<string, unknown>;
  declineReason?: string;
  redirectToAgencyId?: string;
  /** false: the workflow did not answer and the view is the projection only. */
  live: boolean;
}

export interface TaskView {
  task: TaskDetail;
  policy: { clause: string; label: Bilingual; text: Bilingual };
  /** Only the fields of the child's file that this task needs (least privilege). */
  child: Record<string, unknown>;
}

export type RiskLevel = 'unassessed' | 'low' | 'medium' | 'high';

export const CASE_STAGES = [
  'awaiting_report',
  'emergency_response',
  'placement_pending',
  'assessment',
  'monitoring',
  'services',
  'temporary_guardianship_pending',
  'legal_measures_pending',
  'short_term_guardianship',
  'long_term_guardianship',
  'escort',
  'legal_proceedings',
  'follow_up',
  'closed',
] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

export interface CaseSummary {
  caseId: string;
  caseNumber: string;
  stage: CaseStage;
  risk: RiskLevel;
  districtCode: string;
  streetCode?: string;
  categories: string[];
  openTasks: number;
  nextDeadline: string | null;
  overdueTasks: number;
}

export interface CaseFilters {
  stage?: string;
  districtCode?: string;
  streetCode?: string;
  category?: string;
  risk?: string;
  overdue?: boolean;
  dueWithinDays?: number;
}

/**
 * A running clock. The API's label is the English text of the pack's deadline (case clocks) or "<task kind>
 * accepted|completed" (a task's deadlines, id "<taskId>:accept|complete"); the case page finds the words to show.
 */
export interface Clock {
  id: string;
  label: string;
  clause: string;
  startedAt: string | null;
  firesAt: string;
}

export interface CaseOpenTask {
  taskId: string;
  kind: string;
  agencyCode: string;
  label: Bilingual;
  status: string;
  acceptBy: string | null;
  completeBy: string | null;
  acceptedAt?: string;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  detail: string | null;
}

export interface CaseView {
  case: CaseSummary & {
    childId: string | null;
    policyPackId: string | null;
    policyPackVersion: string | null;
    openedAt: string | null;
    leftBehind: boolean | null;
    nextStep: string | null;
  };
  status: {
    stage: CaseStage;
    openTasks: CaseOpenTask[];
    clocks: Clock[];
    escalations: EscalationRecord[];
    findings: Array<Record<string, unknown> & { kind: string; clause?: string }>;
    /** false: the workflow did not answer and the status is the projection. */
    live: boolean;
  };
  child: Record<string, unknown>;
  timeline: TimelineEntry[];
}

export interface Indicators {
  districtCode: string;
  casesByStage: Partial<Record<string, number>>;
  overdueByAgency: Array<{ agencyCode: string; name: Bilingual; count: number }>;
  reportsBySourceType: Partial<Record<string, number>>;
  medianMinutesToPoliceAck: number | null;
  medianHoursToAssessment: number | null;
  perStreet: Array<{ streetCode: string; name: Bilingual; cases: number; overdue: number }>;
  escalationsThisWeek: number;
  clocksEndingSoon: Array<{
    caseId: string;
    clockId: string;
    /** English only, like a case clock's label: see ../clocks.ts. */
    label: string;
    clause: string;
    firesAt: string;
  }>;
}

export interface Notification {
  id: string;
  kind: string;
  subject: string;
  createdAt: string;
  read: boolean;
  readAt: string | null;
  /** Absolute address of the task or case (the same one the e-mail carries). */
  link: string | null;
  taskId?: string;
  caseId?: string;
  dueAt?: string;
}

export interface ListOf<T> {
  items: T[];
  total?: number;
}
