/**
 * Intake activities: persist the report and find or create the child's file (ReportStore, over MongoDB), then route
 * the report to the child's case with signal-with-start, so a report about a child whose case is open joins it and
 * otherwise starts one (architecture.md, "Intake that cannot lose a report").
 */
import type { Client } from '@temporalio/client';
import { caseWorkflow } from '../workflows/case.workflow';
import { filedReportOf, type ReportRouting } from '../workflows/intake.workflow';
import {
  caseStageSearchAttribute,
  caseWorkflowId,
  policyPackSearchAttribute,
  reportFiledSignal,
  type CaseJurisdiction,
  type FallbackAgencies,
  type FiledReport,
  type IntakeResult,
  type PinnedPack,
  type ReportSubmission,
  type ResponsibleAgencies,
} from '../workflows/definitions';

export interface RecordedReport {
  reportId: string;
  childId: string;
  /** Shown to the reporter as proof of reporting (CN 四(一): who reported what, when). */
  receipt: string;
}

/** Implemented over MongoDB in models/; idempotent on `submission.idempotencyKey` (the same report returns the same ids). */
export interface ReportStore {
  recordReport(submission: ReportSubmission): Promise<RecordedReport>;
}

export interface RouteReportInput {
  report: FiledReport;
  /** Passed on as it came: a reference from the API, the whole pack from intakes recorded before references. */
  pack: PinnedPack;
  agencies: ResponsibleAgencies;
  ongoingAgencies?: ResponsibleAgencies;
  fallbackAgencies?: FallbackAgencies;
  /** Recorded only when this report opens the case. */
  jurisdiction?: CaseJurisdiction;
}

export function createIntakeActivities({
  reports,
  client,
  taskQueue,
}: {
  reports: ReportStore;
  client: Client;
  taskQueue: string;
}) {
  /**
   * Joins the child's open case (signal-with-start signals a running workflow of that id) or starts one; the case
   * dedupes by report id, so a retry is harmless. Start args and search attributes apply only to a new case.
   */
  async function routeReportToCase({
    report,
    pack,
    agencies,
    ongoingAgencies,
    fallbackAgencies,
    jurisdiction,
  }: RouteReportInput): Promise<{ caseWorkflowId: string }> {
    const workflowId = caseWorkflowId(report.childId);
    await client.workflow.signalWithStart(caseWorkflow, {
      workflowId,
      taskQueue,
      args: [
        {
          caseId: workflowId,
          childId: report.childId,
          pack,
          agencies,
          ...(ongoingAgencies ? { ongoingAgencies } : {}),
          ...(fallbackAgencies ? { fallbackAgencies } : {}),
          ...(jurisdiction ? { jurisdiction } : {}),
        },
      ],
      signal: reportFiledSignal,
      signalArgs: [report],
      typedSearchAttributes: [
        { key: caseStageSearchAttribute, value: 'awaiting_report' },
        { key: policyPackSearchAttribute, value: `${pack.id}@${pack.version}` },
      ],
    });
    // A child on a ledger is visited by its case while it is open: the case tells the child's monitoring itself, once
    // its first projection is written (tellLedgerOfOpenCase), which closes the window an enrolment could slip into
    // between a routing's signal and that projection (issue #18); routing tells no ledger (issue #19: one Temporal
    // round trip fewer per report about a known child).
    return { caseWorkflowId: workflowId };
  }

  return {
    async recordReport(submission: ReportSubmission): Promise<RecordedReport> {
      return reports.recordReport(submission);
    },

    routeReportToCase,

    /**
     * Both steps of an intake in one activity (issue #19: the intake's one local activity): records the report and
     * the child's file, then routes the report to the case. Each step is idempotent, so a retry of the whole is too.
     */
    async fileReport({
      submission,
      routing,
    }: {
      submission: ReportSubmission;
      routing: ReportRouting;
    }): Promise<IntakeResult> {
      const recorded = await reports.recordReport(submission);
      const { caseWorkflowId: routedTo } = await routeReportToCase({
        report: filedReportOf(submission, recorded),
        ...routing,
      });
      return {
        reportId: recorded.reportId,
        childId: recorded.childId,
        receipt: recorded.receipt,
        caseWorkflowId: routedTo,
      };
    },
  };
}

export type IntakeActivities = ReturnType<typeof createIntakeActivities>;
