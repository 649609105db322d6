/**
 * The projection activities' store over MongoDB: versioned upserts of the case and task read models (an older
 * version changes nothing) and the audit log (once per key).
 */
import { Types } from 'mongoose';
import { appendAudit, appendAuditMany, type AuditEntry } from '../../models/audit-repository';
import { recordCourtDesignatedGuardian } from '../../models/child-repository';
import { allocateCaseNumber, ensureCaseNumber } from '../../models/case-number';
import { recordChildDecisions, type ChildDecisions } from '../../models/child-decisions';
import { getPolicyPack } from '../../policies';
import { upsertCaseProjection, upsertTaskProjection } from '../../models/projection-repository';
import type {
  CaseProjectionStore,
  CaseProjectionFields,
  DecidedByRules,
  TaskProjectionFields,
  AuditEvent,
} from '../projection';
import type { TaskStatus } from '../../workflows/definitions';

const objectIdOrUndefined = (id: string) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : undefined);
const date = (iso: string | null | undefined) => (iso ? new Date(iso) : undefined);

/** The read model's task statuses: created/notified are both "open" to a person. */
const TASK_STATUS: Record<TaskStatus, 'open' | 'accepted' | 'completed' | 'declined' | 'withdrawn'> = {
  created: 'open',
  notified: 'open',
  accepted: 'accepted',
  completed: 'completed',
  declined: 'declined',
  withdrawn: 'withdrawn',
};

function decidedFields(d: DecidedByRules) {
  return {
    decided: d,
    ...(d.classification ? { multipleDifficulty: d.classification.multipleDifficulty } : {}),
    ...(d.benefits ? { benefits: d.benefits.granted.map((b) => b.code) } : {}),
  };
}

function childDecisions(d: DecidedByRules): ChildDecisions {
  return {
    riskLevel: d.risk,
    ...(d.classification
      ? {
          categories: d.classification.categories.map((c) => c.code),
          multipleDifficulty: d.classification.multipleDifficulty,
          leftBehind: d.classification.leftBehind,
        }
      : {}),
    ...(d.benefits ? { benefits: d.benefits.granted.map((b) => b.code) } : {}),
  };
}

/** Cases this process has seen numbered: their later projections skip the look-up. */
const numbered = new Set<string>();

function districtOf(f: CaseProjectionFields): { code: string; name: string } | undefined {
  const code = f.jurisdiction?.districtCode;
  if (!code) return undefined;
  try {
    return { code, name: getPolicyPack(f.pack.id, f.pack.version).district.name.zh };
  } catch {
    return { code, name: code };
  }
}

function markNumbered(workflowId: string): void {
  if (numbered.size >= 50_000) numbered.clear();
  numbered.add(workflowId);
}

/** Gives the case its readable number (长宁-2026-000123) once it knows its district; once per case. */
async function numberCase(workflowId: string, f: CaseProjectionFields): Promise<void> {
  const district = districtOf(f);
  if (numbered.has(workflowId) || !district) return;
  const number = await ensureCaseNumber(workflowId, district, new Date(f.openedAt ?? Date.now()));
  if (number) markNumbered(workflowId);
}

const auditEntry = (event: AuditEvent): AuditEntry => ({
  key: event.key,
  actor: { kind: 'workflow', id: event.workflowId },
  action: event.type,
  caseWorkflowId: event.workflowId.startsWith('case-') ? event.workflowId : undefined,
  at: new Date(event.at),
  ...(event.clause ? { reason: event.clause } : {}),
  details: event.details,
});

export function createMongoProjectionStore(): CaseProjectionStore {
  return {
    async recordGuardianDesignation(d) {
      await recordCourtDesignatedGuardian(d);
    },
    async upsertCaseProjection(workflowId: string, version: number, f: CaseProjectionFields): Promise<void> {
      // The first projection carries the case's number, so numbering costs no look-ups, lock or second write.
      const district = version === 1 ? districtOf(f) : undefined;
      const caseNumber = district ? await allocateCaseNumber(district, new Date(f.openedAt ?? Date.now())) : undefined;
      const written = await upsertCaseProjection(workflowId, version, {
        ...(caseNumber ? { caseNumber } : {}),
        childId: objectIdOrUndefined(f.childId),
        ...(f.jurisdiction ? { jurisdiction: f.jurisdiction } : {}),
        stage: f.stage,
        policyPackId: f.pack.id,
        policyPackVersion: f.pack.version,
        openTaskCount: f.openTaskIds.length,
        nextDeadline: date(f.nextDeadline),
        riskLevel: f.risk,
        agencyCodes: f.agencyCodes,
        leftBehind: f.leftBehind,
        reportIds: f.reportIds,
        openTaskIds: f.openTaskIds,
        clocks: f.clocks.map((c) => ({ ...c, startedAt: new Date(c.startedAt), firesAt: new Date(c.firesAt) })),
        escalations: f.escalations,
        findings: f.findings,
        nextStep: f.nextStep ?? undefined,
        ...(f.categories ? { categories: f.categories } : {}),
        ...(f.openedAt ? { openedAt: new Date(f.openedAt) } : {}),
        // FT 三(一)4(2): lists put multiple-difficulty children first, so every case says whether it is one. Without a
        // category it cannot be (it needs two); once classified, the rules' decision says (decidedFields).
        ...((f.categories ?? []).length === 0 && !f.decided?.classification ? { multipleDifficulty: false } : {}),
        ...(f.decided ? decidedFields(f.decided) : {}),
        ...(f.intervention ? { intervention: f.intervention } : {}),
      });
      // What the rules decided goes to the child's file too, versioned like the case (an older write changes nothing).
      if (f.decided) await recordChildDecisions(f.childId, version, childDecisions(f.decided));
      if (caseNumber && written === 'applied') markNumbered(workflowId);
      else await numberCase(workflowId, f);
    },
    async upsertTaskProjection(taskId: string, version: number, f: TaskProjectionFields): Promise<void> {
      await upsertTaskProjection(taskId, version, {
        caseWorkflowId: f.ownerWorkflowId,
        kind: f.kind,
        agencyCode: f.agencyId,
        collaboratingAgencyCodes: f.collaboratingAgencyIds,
        status: TASK_STATUS[f.status],
        openedAt: new Date(f.createdAt),
        acceptDueAt: new Date(f.acceptBy),
        completeDueAt: new Date(f.completeBy),
        completedAt: date(f.closedAt),
        acceptedAt: date(f.acceptedAt),
        ...(f.acceptedBy ? { assignee: f.acceptedBy } : {}),
        concerns: f.concerns,
        ...(f.benefits?.length ? { benefits: f.benefits } : {}),
        policyPackId: f.pack.id,
        policyPackVersion: f.pack.version,
        ...(f.declineReason ? { declineReason: f.declineReason } : {}),
        ...(f.redirectToAgencyId ? { redirectToAgencyCode: f.redirectToAgencyId } : {}),
        ...(f.withdrawalReason ? { withdrawalReason: f.withdrawalReason } : {}),
        ...(f.subject ? { subject: f.subject } : {}),
        ...(f.outcome ? { outcome: f.outcome } : {}),
        escalations: f.escalations.map((e) => ({
          at: new Date(e.at),
          notify: e.notify,
          deadline: e.phase,
          clause: e.clause,
        })),
      });
    },
    async appendAudit(event: AuditEvent): Promise<void> {
      await appendAudit(auditEntry(event));
    },
    async appendAudits(events: AuditEvent[]): Promise<void> {
      await appendAuditMany(events.map(auditEntry));
    },
  };
}
