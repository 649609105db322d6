/** Saving mandatory reports, idempotently by receipt number, and linking them to the child's file. */
import type { Types } from 'mongoose';
import type { Actor } from './actor';
import { CaseModel, type CaseRecord } from './case';
import { ChildModel } from './child';
import { isDuplicateKeyError } from './common';
import { ReportModel, type ReportRecord, type REPORTING_UNIT_TYPES } from './report';

export interface ReportInput {
  receiptNumber: string;
  reporterUserId?: string;
  reporter: { name: string; role?: string; phone?: string; email?: string };
  reportingUnit: { name?: string; type: (typeof REPORTING_UNIT_TYPES)[number]; agencyCode?: string };
  concernTypes: string[];
  discoveredAt: Date;
  reportedAt: Date;
  place: { districtCode: string; streetCode?: string; committeeCode?: string; address?: string };
  account: string;
  childId?: Types.ObjectId;
  caseWorkflowId?: string;
}

/**
 * Saves a report once per receipt number: a retry returns the stored report (first write wins) with
 * `created: false`. When the report names a child, the child's file lists it and records it in its history, once.
 */
export async function saveReport(input: ReportInput): Promise<{ report: ReportRecord; created: boolean }> {
  let report: ReportRecord | null;
  let created = false;
  // Insert first (issue #19: a look-up before every insert was one FerretDB read per report, and a receipt is new but
  // on a retry): the unique index on the receipt number turns a retry's insert into a duplicate key, and the stored
  // report is read then.
  try {
    report = (await ReportModel.create(input)).toObject<ReportRecord>();
    created = true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    report = await ReportModel.findOne({ receiptNumber: input.receiptNumber }).lean<ReportRecord>().exec();
    if (!report) throw error;
  }
  if (report.childId) await linkReportToChild(report.childId, report);
  return { report, created };
}

/** Adds the report to the child's file (reportIds and a history entry); guarded so a retry adds nothing. */
export async function linkReportToChild(childId: Types.ObjectId, report: ReportRecord): Promise<void> {
  await ChildModel.updateOne(
    { _id: childId, reportIds: { $ne: report._id } },
    {
      $addToSet: { reportIds: report._id },
      $push: {
        history: {
          at: report.reportedAt,
          event: 'report_received',
          reportId: report._id,
          caseWorkflowId: report.caseWorkflowId ?? undefined,
          note: report.concernTypes.join(','),
        },
      },
    },
  ).exec();
}

/** Reports about a child, newest first. */
export function reportsForChild(childId: Types.ObjectId): Promise<ReportRecord[]> {
  return ReportModel.find({ childId }).sort({ reportedAt: -1 }).lean<ReportRecord[]>().exec();
}

/** What a filer may see of a report's case: where it stands, nothing about the child. */
export type ReportCaseStage = Pick<CaseRecord, 'stage' | 'attention'>;

/**
 * The reports this person filed, newest first (at most `limit`), each with its case's stage. The filer's own view:
 * the filer is the scope, so nobody else's report can come back.
 */
export async function reportsFiledBy(
  filer: Pick<Actor, 'userId'>,
  limit = 200,
): Promise<{ report: ReportRecord; caseStage?: ReportCaseStage }[]> {
  const reports = await ReportModel.find({ reporterUserId: filer.userId })
    .sort({ reportedAt: -1 })
    .limit(limit)
    .select({ receiptNumber: 1, reportedAt: 1, concernTypes: 1, caseWorkflowId: 1 })
    .lean<ReportRecord[]>()
    .exec();
  const caseIds = [...new Set(reports.map((r) => r.caseWorkflowId).filter((id): id is string => Boolean(id)))];
  const cases = caseIds.length
    ? await CaseModel.find({ workflowId: { $in: caseIds } })
        .select({ workflowId: 1, stage: 1, attention: 1 })
        .lean<CaseRecord[]>()
        .exec()
    : [];
  const caseOf = new Map(cases.map((c) => [c.workflowId, c]));
  return reports.map((report) => {
    const found = report.caseWorkflowId ? caseOf.get(report.caseWorkflowId) : undefined;
    return found ? { report, caseStage: found } : { report };
  });
}

/** One report by receipt if this person filed it (else null, like a receipt not yet recorded), with its case's stage. */
export async function reportFiledBy(
  filer: Pick<Actor, 'userId'>,
  receiptNumber: string,
): Promise<{ report: ReportRecord; caseStage?: ReportCaseStage } | null> {
  const report = await ReportModel.findOne({ receiptNumber, reporterUserId: filer.userId }).lean<ReportRecord>().exec();
  if (!report) return null;
  const caseStage = report.caseWorkflowId
    ? await CaseModel.findOne({ workflowId: report.caseWorkflowId })
        .select({ stage: 1, attention: 1 })
        .lean<CaseRecord>()
        .exec()
    : null;
  return caseStage ? { report, caseStage } : { report };
}
