/**
 * Intake of one mandatory report (CN 四(一), FT 三(二)4). The API starts it with workflow id intakeWorkflowId(the
 * report's idempotency key), so a report submitted twice is one intake; once Temporal accepted the start the report
 * is durable. It persists the report and the child's file, then routes the report to the child's case.
 *
 * Both steps run in ONE local activity, `fileReport` (INTAKE_ONE_LOCAL_ACTIVITY_PATCH, issue #19): one workflow task
 * with one activation fewer than two local activities. The API says so in the input (`fileInOneStep`), so the intake
 * asks no patch. Intakes started before replay as they were recorded: the patch asked, two local activities
 * (INTAKE_LOCAL_ACTIVITIES_PATCH), or before that two scheduled activities.
 */
import { patched } from '@temporalio/workflow';
import type { RecordedReport, RouteReportInput } from '../activities/intake';
import type { FiledReport, IntakeInput, IntakeResult, ReportSubmission } from './definitions';
import {
  fileReportLocally,
  recordReport,
  recordReportLocally,
  routeReportToCase,
  routeReportToCaseLocally,
} from './proxies';

/** The intake's activities run as local activities. */
export const INTAKE_LOCAL_ACTIVITIES_PATCH = 'intake-local-activities';

/** The intake's two steps run as one local activity (fileReport). */
export const INTAKE_ONE_LOCAL_ACTIVITY_PATCH = 'intake-one-local-activity';

/** The report as the case receives it: the submission with the ids its recording gave it. */
export function filedReportOf(submission: ReportSubmission, recorded: RecordedReport): FiledReport {
  return {
    reportId: recorded.reportId,
    childId: recorded.childId,
    reporter: submission.reporter,
    concerns: submission.concerns,
    discoveredAt: submission.discoveredAt,
    // The unit reported when the system received it; discovered → received is what CN 四(一) measures.
    reportedAt: submission.receivedAt,
    leftBehind: submission.leftBehind,
  };
}

/** Where the report goes, but for the report itself (known once it is recorded). */
export type ReportRouting = Omit<RouteReportInput, 'report'>;

export async function intakeWorkflow({
  submission,
  pack,
  agencies,
  ongoingAgencies,
  fallbackAgencies,
  caseJurisdiction,
  fileInOneStep,
}: IntakeInput): Promise<IntakeResult> {
  const { districtCode, streetCode, committeeCode } = submission.place;
  // Intakes started before routing had two places carry only the place of discovery.
  const jurisdiction = caseJurisdiction ?? {
    districtCode,
    ...(streetCode ? { streetCode } : {}),
    ...(committeeCode ? { committeeCode } : {}),
  };
  const routing: ReportRouting = {
    pack,
    agencies,
    jurisdiction,
    ...(ongoingAgencies ? { ongoingAgencies } : {}),
    ...(fallbackAgencies ? { fallbackAgencies } : {}),
  };
  if (fileInOneStep || patched(INTAKE_ONE_LOCAL_ACTIVITY_PATCH)) return fileReportLocally({ submission, routing });

  const local = patched(INTAKE_LOCAL_ACTIVITIES_PATCH);
  const recorded = await (local ? recordReportLocally : recordReport)(submission);
  const { caseWorkflowId } = await (local ? routeReportToCaseLocally : routeReportToCase)({
    report: filedReportOf(submission, recorded),
    ...routing,
  });
  return { reportId: recorded.reportId, childId: recorded.childId, receipt: recorded.receipt, caseWorkflowId };
}
