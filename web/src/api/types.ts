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
  reportId: string;
  status: string;
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
  acceptBy: string;
  completeBy: string;
  overdue: boolean;
  clause: string;
  /** Concern codes an emergency response must address (police_response only). */
  concerns?: string[];
}

export interface TaskDetail extends TaskSummary {
  escalations: EscalationRecord[];
  outcome?: Record<string, unknown>;
  declineReason?: string;
}

export interface TaskView {
  task: TaskDetail;
  policy: { clause: string; label: Bilingual; text: Bilingual };
  /** Only the fields of the child's file that this task needs (least privilege). */
  child: Record<string, unknown>;
}

export type RiskLevel = 'low' | 'medium' | 'high';

export const CASE_STAGES = [
  'awaiting_report',
  'emergency_response',
  'placement_pending',
  'assessment',
  'monitoring',
  'services',
  'temporary_guardianship_pending',
  'legal_measures_pending',
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
  nextDeadline?: string | null;
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

export interface Clock {
  id: string;
  label: string | Bilingual;
  clause: string;
  startedAt: string;
  firesAt: string;
}

export interface CaseOpenTask {
  taskId: string;
  kind: string;
  agencyId?: string;
  agencyCode?: string;
  label?: Bilingual;
  status: string;
  acceptBy: string;
  completeBy: string;
  acceptedAt?: string;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  detail?: string | Record<string, unknown> | null;
}

export interface CaseView {
  case: CaseSummary & Record<string, unknown>;
  status: {
    stage: CaseStage;
    openTasks: CaseOpenTask[];
    clocks: Clock[];
    escalations: EscalationRecord[];
    findings: Array<Record<string, unknown> & { kind: string; clause?: string }>;
  };
  child: Record<string, unknown>;
  timeline: TimelineEntry[];
}

export interface Indicators {
  casesByStage: Partial<Record<string, number>>;
  overdueByAgency: Array<{ agencyCode: string; name: string | Bilingual; count: number }>;
  reportsBySourceType: Partial<Record<string, number>>;
  medianMinutesToPoliceAck: number | null;
  medianHoursToAssessment: number | null;
  perStreet: Array<{ streetCode: string; name: string | Bilingual; cases: number; overdue: number }>;
  escalationsThisWeek: number;
  clocksEndingSoon: Array<{
    caseId: string;
    clockId: string;
    label: string | Bilingual;
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
  readAt?: string | null;
  /** Absolute address of the task or case (the same one the e-mail carries). */
  link?: string | null;
  taskId?: string;
  caseId?: string;
  dueAt?: string;
}

export interface ListOf<T> {
  items: T[];
  total?: number;
}
