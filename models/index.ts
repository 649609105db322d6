/** The records ChildSafe keeps in MongoDB and the repositories activities use on them. */
import { AgencyModel } from './agency';
import { AuditEventModel } from './audit-event';
import { CaseModel } from './case';
import { ChildModel } from './child';
import { ReportModel } from './report';
import { TaskModel } from './task';
import { ProjectionLockModel } from './projection-lock';
import { ScreeningImportModel, ScreeningRowModel } from './screening';

export { AgencyModel, type AgencyRecord, AGENCY_LEVELS, type AgencyLevel } from './agency';
export { AuditEventModel, type AuditEventRecord, AppendOnlyError } from './audit-event';
export { CaseModel, type CaseRecord } from './case';
export { ChildModel, type ChildRecord, type ChildHistoryEntry, GUARDIAN_STATUSES } from './child';
export { ReportModel, type ReportRecord } from './report';
export { TaskModel, type TaskRecord, PROJECTED_TASK_STATUSES, apiTaskStatus } from './task';
export { RISK_LEVELS, type RiskLevel, isDuplicateKeyError } from './common';
export { createIdentityCrypto, type IdentityKeys, IdentityKeyError, IdentityCiphertextError } from './identity-crypto';
export { appendAudit, auditTrailForChild, type AuditActor, type AuditEntry } from './audit-repository';
export {
  createChildRepository,
  type ChildRepository,
  type ChildIdentity,
  type MergeRequest,
  ChildMergeError,
  ChildNotFoundError,
  MissingIdentityError,
} from './child-repository';
export { saveReport, linkReportToChild, reportsForChild, type ReportInput } from './report-repository';
export {
  upsertCaseProjection,
  upsertTaskProjection,
  getCaseProjection,
  getTaskProjection,
  type ProjectionWrite,
  type CaseProjectionFields,
  type TaskProjectionFields,
  ProjectionVersionError,
} from './projection-repository';
export { ProjectionBusyError } from './projection-lock';

/**
 * Builds every index (the unique keys that make upserts atomic among them) before a process starts serving. Run at
 * worker and API start-up; it is idempotent.
 */
export async function ensureIndexes(): Promise<void> {
  for (const model of [
    ChildModel,
    ReportModel,
    CaseModel,
    TaskModel,
    AgencyModel,
    AuditEventModel,
    ProjectionLockModel,
    ScreeningImportModel,
    ScreeningRowModel,
  ]) {
    await model.createIndexes();
  }
}
