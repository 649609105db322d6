/**
 * Projection activities: the only writers of the MongoDB read model of cases and tasks (architecture.md). Each write
 * carries a version that only grows (kept in workflow state, so it survives continue-as-new); the store ignores a
 * write older than what it holds, so retries and replays cannot move the projection backwards.
 */
import type {
  CaseJurisdiction,
  CaseStage,
  Clock,
  EscalationRecord,
  Finding,
  TaskKind,
  TaskStatus,
  TaskSubject,
  TaskWithdrawalReason,
} from '../workflows/definitions';
import type { CaseRiskLevel } from '../contracts/enums';
import type { BenefitResult } from '../policies/benefits';
import type { InterventionState } from '../workflows/intervention.definitions';

/** What the pack's rules decided about the child: written to the child's file and the case (issue #14 item 3). */
export interface DecidedByRules {
  /** 'unassessed' until the social-work grading or a raise of the risk. */
  risk: CaseRiskLevel;
  classification?: {
    categories: { code: string; clause: string; kind: 'difficulty' | 'left_behind' }[];
    inDifficulty: boolean;
    leftBehind: boolean;
    leftBehindHandledAsDifficulty: boolean;
    multipleDifficulty: boolean;
  };
  benefits?: BenefitResult;
}

/** What the case list, filters and dashboards need: ids, codes and instants only. */
export interface CaseProjectionFields {
  childId: string;
  pack: { id: string; version: string };
  jurisdiction: CaseJurisdiction | null;
  /** Every agency that holds or held a task on the case: agency roles see the case through it. */
  agencyCodes: string[];
  stage: CaseStage;
  /** 'unassessed' until the risk was graded or raised (the workflow's initial 'low' is provisional). */
  risk: CaseRiskLevel;
  leftBehind: boolean;
  reportIds: string[];
  openTaskIds: string[];
  nextDeadline: string | null;
  clocks: Clock[];
  escalations: EscalationRecord[];
  findings: Finding[];
  nextStep: string | null;
  /** The categories of the child from the assessed facts (the case list filters on them); empty before assessment. */
  categories?: string[];
  /** When the first report reached ChildSafe: the case's opening, from which the dashboard measures. */
  openedAt?: string | null;
  /** Sent when it changed since the run last projected it (absent: unchanged, the store keeps what it has). */
  decided?: DecidedByRules;
  /** The intervention's state for the case page, sent when it changed (absent: unchanged). */
  intervention?: InterventionState;
}

export interface TaskProjectionFields {
  ownerWorkflowId: string;
  kind: TaskKind;
  agencyId: string;
  collaboratingAgencyIds: string[];
  status: TaskStatus;
  createdAt: string;
  acceptBy: string;
  completeBy: string;
  closedAt: string | null;
  escalations: EscalationRecord[];
  acceptedAt: string | null;
  /** Who accepted the task for the agency (user id; their name is shown as the task's assignee). */
  acceptedBy?: string | null;
  concerns: string[];
  /** Benefit codes a benefit_application task decides; absent on other tasks. */
  benefits?: string[];
  pack: { id: string; version: string };
  declineReason: string | null;
  redirectToAgencyId: string | null;
  /** Why the owning case withdrew the task (status 'withdrawn'); absent in projections written before withdrawal. */
  withdrawalReason?: TaskWithdrawalReason | null;
  /** Accountability tasks (issue #17 item 6): what the task is about, and what was done once completed. */
  subject?: TaskSubject;
  outcome?: { code: string; note: string };
}

/** An audit entry; `key` is unique (workflow id + logical key) so appending twice stores it once. */
export interface AuditEvent {
  key: string;
  workflowId: string;
  type: string;
  at: string;
  clause?: string;
  details: Record<string, string | number | boolean | null>;
}

/**
 * The court revoked the guardian and designated a new one (CN 四(四)3, FT 三(三)2(5)): written to the child's file.
 * The guardian's name travels in the workflow's (encrypted) history like the court-hearing outcome it comes from.
 */
export interface GuardianDesignation {
  childId: string;
  caseId: string;
  guardian: { name: string; relation: string };
  /** The court designated civil affairs (FT 三(一)4(2)). */
  civilAffairs: boolean;
  judgmentRef: string;
  designatedAt: string;
}

/** Implemented over MongoDB in models/ (versioned idempotent upserts, unique index on audit `key`). */
export interface CaseProjectionStore {
  upsertCaseProjection(workflowId: string, version: number, fields: CaseProjectionFields): Promise<void>;
  upsertTaskProjection(taskId: string, version: number, fields: TaskProjectionFields): Promise<void>;
  appendAudit(event: AuditEvent): Promise<void>;
  /** Several at once, each once per key (one write to the store instead of one per event); else one by one. */
  appendAudits?(events: AuditEvent[]): Promise<void>;
  /** Idempotent per judgment: the old guardians marked revoked, the designated one added, a history entry. */
  recordGuardianDesignation(designation: GuardianDesignation): Promise<void>;
}

export interface CaseSnapshot {
  workflowId: string;
  version: number;
  fields: CaseProjectionFields;
  /** Audit events produced by the change this snapshot follows. */
  audit: AuditEvent[];
}

export interface TaskSnapshot {
  taskId: string;
  version: number;
  fields: TaskProjectionFields;
  audit: AuditEvent[];
}

export function createProjectionActivities({ cases }: { cases: CaseProjectionStore }) {
  const appendAll = async (events: AuditEvent[]) => {
    if (cases.appendAudits) await cases.appendAudits(events);
    else for (const event of events) await cases.appendAudit(event);
  };
  return {
    async projectCase(snapshot: CaseSnapshot): Promise<void> {
      // Audit first: if the projection write fails the retry appends nothing twice (unique key), then upserts.
      await appendAll(snapshot.audit);
      await cases.upsertCaseProjection(snapshot.workflowId, snapshot.version, snapshot.fields);
    },
    async projectTask(snapshot: TaskSnapshot): Promise<void> {
      await appendAll(snapshot.audit);
      await cases.upsertTaskProjection(snapshot.taskId, snapshot.version, snapshot.fields);
    },
    /** The child's file records the guardian the court designated (一人一档案, CN 五(一)). */
    async recordGuardianDesignation(designation: GuardianDesignation): Promise<void> {
      await cases.recordGuardianDesignation(designation);
    },
  };
}

export type ProjectionActivities = ReturnType<typeof createProjectionActivities>;
