/** Cases: the coordinators' list and one case with its status, clocks, child file and timeline (/api/v1/cases). */
import { z } from 'zod';
import { bilingual } from './common';
import { CASE_RISK_LEVELS as RISK_LEVELS, CASE_STAGES } from './enums';
import { escalationView } from './tasks';
import { timelineEntryView } from './timeline';

export const caseListQuery = z.strictObject({
  stage: z.enum(CASE_STAGES).optional(),
  districtCode: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit district code')
    .optional(),
  streetCode: z
    .string()
    .regex(/^[a-z0-9-]{1,60}$/, 'must be a street code')
    .optional(),
  category: z
    .string()
    .regex(/^[a-z_]{1,60}$/, 'must be a category code')
    .optional(),
  risk: z.enum(RISK_LEVELS).optional(),
  overdue: z.enum(['true', 'false']).optional().describe('"true": only cases with a clock that has passed'),
  attention: z
    .enum(['true', 'false'])
    .optional()
    .describe('"true": only cases the reconciler flagged (failed, stuck, or no first response in time)'),
  dueWithinDays: z.coerce.number().int().min(0).max(366).optional().describe('Next clock fires within N days'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const caseSummary = z.object({
  caseId: z.string(),
  caseNumber: z.string(),
  stage: z.string().describe(`One of ${CASE_STAGES.join(', ')}`),
  risk: z.enum(RISK_LEVELS),
  districtCode: z.string(),
  streetCode: z.string().optional(),
  categories: z.array(z.string()),
  openTasks: z.number().int(),
  nextDeadline: z.string().nullable(),
  overdueTasks: z.number().int(),
  /** Set by the reconciler: the case needs a person now (its process failed or stalled). */
  attention: z
    .object({ reason: z.enum(['workflow_failed', 'workflow_task_failing', 'no_first_response']), since: z.string() })
    .optional(),
});

export const clockView = z.object({
  id: z.string(),
  label: z.string(),
  clause: z.string(),
  startedAt: z.string().nullable(),
  firesAt: z.string(),
});

export const openTaskView = z.object({
  taskId: z.string(),
  kind: z.string(),
  agencyCode: z.string(),
  label: bilingual,
  status: z.string(),
  acceptBy: z.string().nullable(),
  completeBy: z.string().nullable(),
  acceptedAt: z.string().optional(),
});

/** An accountability finding (late report, late dispatch): its kind, the clause, and the facts of its kind. */
export const findingView = z.object({ kind: z.string(), clause: z.string().optional() }).catchall(z.unknown());

export { timelineEntryView, type TimelineEntry } from './timeline';

export const caseView = z.object({
  case: caseSummary.extend({
    childId: z.string().nullable(),
    policyPackId: z.string().nullable(),
    policyPackVersion: z.string().nullable(),
    openedAt: z.string().nullable(),
    leftBehind: z.boolean().nullable(),
    nextStep: z.string().nullable(),
  }),
  status: z.object({
    stage: z.string(),
    openTasks: z.array(openTaskView),
    clocks: z.array(clockView),
    escalations: z.array(escalationView),
    findings: z.array(findingView),
    live: z.boolean().describe('false: the workflow did not answer; the status is the projection'),
  }),
  child: z.record(z.string(), z.unknown()).describe("The child's file within the caller's scope; the read is audited"),
  timeline: z.array(timelineEntryView),
});

export const caseIdParams = z.strictObject({
  caseId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._:-]+$/, 'must be a case id'),
});

export type CaseListQuery = z.input<typeof caseListQuery>;
export type CaseSummary = z.infer<typeof caseSummary>;
/**
 * A running clock. The label is the English text of the pack's deadline (case clocks) or "<task kind>
 * accepted|completed" (a task's deadlines, id "<taskId>:accept|complete"); the case page finds the words to show.
 */
export type ClockView = z.infer<typeof clockView>;
export type CaseOpenTask = z.infer<typeof openTaskView>;
export type CaseView = z.infer<typeof caseView>;

/** The list filters as a client holds them; sent as the query of GET /cases (overdue as "true"). */
export type CaseFilters = Partial<
  Pick<z.output<typeof caseListQuery>, 'stage' | 'districtCode' | 'streetCode' | 'category' | 'risk' | 'dueWithinDays'>
> & { overdue?: boolean; attention?: boolean };
