/**
 * Intake of one mandatory report (CN 四(一), FT 三(二)4). The API starts it with workflow id intakeWorkflowId(the
 * report's idempotency key), so a report submitted twice is one intake; once Temporal accepted the start the report
 * is durable. It persists the report and the child's file, then routes the report to the child's case.
 *
 * Both steps run as local activities (INTAKE_LOCAL_ACTIVITIES_PATCH, issue #19): in the intake's first workflow task,
 * without task-queue round trips. Intakes started before the patch replay with their scheduled activities.
 */
import { patched } from '@temporalio/workflow';
import type { FiledReport, IntakeInput, IntakeResult } from './definitions';
import { recordReport, recordReportLocally, routeReportToCase, routeReportToCaseLocally } from './proxies';

/** The intake's activities run as local activities. */
export const INTAKE_LOCAL_ACTIVITIES_PATCH = 'intake-local-activities';

export async function intakeWorkflow({
  submission,
  pack,
  agencies,
  ongoingAgencies,
  fallbackAgencies,
  caseJurisdiction,
}: IntakeInput): Promise<IntakeResult> {
  const local = patched(INTAKE_LOCAL_ACTIVITIES_PATCH);
  const recorded = await (local ? recordReportLocally : recordReport)(submission);
  const report: FiledReport = {
    reportId: recorded.reportId,
    childId: recorded.childId,
    reporter: submission.reporter,
    concerns: submission.concerns,
    discoveredAt: submission.discoveredAt,
    // The unit reported when the system received it; discovered → received is what CN 四(一) measures.
    reportedAt: submission.receivedAt,
    leftBehind: submission.leftBehind,
  };
  const { districtCode, streetCode, committeeCode } = submission.place;
  // Intakes started before routing had two places carry only the place of discovery.
  const jurisdiction = caseJurisdiction ?? {
    districtCode,
    ...(streetCode ? { streetCode } : {}),
    ...(committeeCode ? { committeeCode } : {}),
  };
  const { caseWorkflowId } = await (local ? routeReportToCaseLocally : routeReportToCase)({
    report,
    pack,
    agencies,
    jurisdiction,
    ...(ongoingAgencies ? { ongoingAgencies } : {}),
    ...(fallbackAgencies ? { fallbackAgencies } : {}),
  });
  return { ...recorded, caseWorkflowId };
}
