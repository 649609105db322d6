/** Agency tasks: the inbox, one task, and its commands (/api/v1/tasks). */
import { z } from 'zod';
import { bilingual } from './common';
import { NEXT_STEPS, RISK_LEVELS, SERVICE_KINDS, TASK_PHASES, TASK_STATUSES, TASK_WITHDRAWAL_REASONS } from './enums';
import { taskOutcomeSchema } from './outcomes';

/** A missed deadline and who was told (the workflow's EscalationRecord, or the projection's). */
export const escalationView = z.object({
  taskId: z.string().optional(),
  kind: z.string().optional(),
  phase: z.enum(TASK_PHASES),
  rung: z.number().int(),
  notify: z.string(),
  clause: z.string(),
  deadline: z.string(),
  dueAt: z.string(),
  at: z.string(),
});
export type EscalationView = z.infer<typeof escalationView>;

export const taskSummary = z.object({
  taskId: z.string(),
  caseId: z.string(),
  kind: z.string(),
  label: bilingual,
  status: z.enum(TASK_STATUSES),
  agencyCode: z.string(),
  acceptBy: z.string().nullable().describe('Null only for a task the projection knows without its deadlines yet'),
  completeBy: z.string().nullable(),
  overdue: z.boolean().describe('The deadline that applies now (accept, then complete) has passed'),
  clause: z.string(),
  concerns: z.array(z.string()).optional().describe('Concern codes an emergency response must address'),
  benefits: z.array(z.string()).optional().describe('Benefit codes a benefit application must grant or refuse'),
  multipleDifficulty: z
    .boolean()
    .optional()
    .describe('The child is in multiple difficulty (FT 三(一)4(2)): listed first, marked 多重困境'),
  withdrawalReason: z
    .enum(TASK_WITHDRAWAL_REASONS)
    .optional()
    .describe('Why the case withdrew the task as moot (status withdrawn)'),
});
export type TaskSummary = z.infer<typeof taskSummary>;

/** An agency by code and name (the page shows the name, never the code). */
const namedAgency = z.object({ code: z.string(), name: bilingual });

/**
 * What an accountability task is about (issue #17 item 6): the late report a superior follows up (CN 四(一)), or
 * the tasks of an agency that ran through their whole escalation ladder and referred it to the procuratorate
 * (FT 三(三)2(4)).
 */
export const taskSubjectView = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('late_report'),
    caseId: z.string(),
    reportId: z.string(),
    againstUnit: namedAgency,
    discoveredAt: z.string(),
    reportedAt: z.string(),
    deadline: z.string(),
    clause: z.string(),
  }),
  z.object({
    kind: z.literal('ladder_exhaustion'),
    againstAgency: namedAgency,
    exhaustions: z.array(
      z.object({ taskId: z.string(), kind: z.string(), label: bilingual, phase: z.enum(TASK_PHASES), at: z.string() }),
    ),
    threshold: z.number().int(),
    period: z.string(),
    clause: z.string(),
  }),
]);
export type TaskSubjectView = z.infer<typeof taskSubjectView>;

export const taskDetail = taskSummary.extend({
  collaboratingAgencyCodes: z.array(z.string()),
  escalations: z.array(escalationView),
  acceptedAt: z.string().optional(),
  closedAt: z.string().optional(),
  outcome: z.record(z.string(), z.unknown()).optional(),
  declineReason: z.string().optional(),
  redirectToAgencyId: z.string().optional(),
  gradingUnderReview: z
    .object({
      gradingTaskId: z.string(),
      riskLevel: z.enum(RISK_LEVELS),
      recommendation: z.enum(NEXT_STEPS),
      needs: z.array(z.string()).optional(),
      services: z.array(z.enum(SERVICE_KINDS)).optional(),
    })
    .optional()
    .describe('grading_review: the social-work grading the protection committee reviews (FT 三(三)4)'),
  sentBack: z
    .object({ reason: z.string(), byTaskId: z.string(), at: z.string() })
    .optional()
    .describe('risk_grading: the committee sent the earlier grading back, and why (FT 三(三)4)'),
  subject: taskSubjectView.optional().describe('Accountability tasks: what the task is about (issue #17 item 6)'),
  live: z.boolean().describe('false: the workflow did not answer; the view is the projection only'),
});
export type TaskDetail = z.infer<typeof taskDetail>;

/** A report about the child as the responding agency reads it (CN 四(一): who saw what, when, where, how to reach them). */
export const taskReportView = z.object({
  receipt: z.string(),
  reportedAt: z.string(),
  discoveredAt: z.string(),
  concerns: z.array(z.string()),
  account: z.string(),
  place: z.object({
    street: bilingual.optional(),
    committee: bilingual.optional(),
    address: z.string().optional(),
  }),
  reporter: z.object({
    unitName: z.string().optional(),
    unitType: z.string(),
    name: z.string(),
    phone: z.string().optional(),
    email: z.string().optional(),
  }),
  /** One of the reports this case was opened or joined by; the others are earlier reports about the same child. */
  thisCase: z.boolean(),
});
export type TaskReport = z.infer<typeof taskReportView>;

export const taskView = z.object({
  task: taskDetail,
  policy: z.object({
    clause: z.string(),
    label: bilingual,
    text: bilingual,
    /**
     * For the joint assessment: the benefits the pinned pack chooses between by 择高 (FT 三(一)1), each with its
     * standard monthly amount, so the assessor can record the actual amounts.
     */
    benefitChoices: z
      .array(
        z.object({
          code: z.string(),
          label: bilingual,
          clause: z.string(),
          standardMonthlyYuan: z.number().optional(),
        }),
      )
      .optional(),
  }),
  reports: z
    .array(taskReportView)
    .optional()
    .describe(
      'For the tasks that act on the reports (first response, urgent placement, assessment); audited with the file',
    ),
  child: z
    .record(z.string(), z.unknown())
    .describe("Only the fields of the child's file this task kind needs; every read is audited"),
});
export type TaskView = z.infer<typeof taskView>;

export const taskCommandResult = z.object({ task: taskSummary });

export const taskIdParams = z.strictObject({
  taskId: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[A-Za-z0-9._:/-]+$/, 'must be a task id'),
});

export const taskInboxQuery = z.strictObject({
  status: z.enum(['open', 'closed']).optional().describe('open: not yet completed or declined; closed: the others'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const noBody = z.strictObject({}).optional();
export const completeTaskBody = z.strictObject({ outcome: taskOutcomeSchema() });
export const declineTaskBody = z.strictObject({
  reason: z.string().trim().min(1).max(2000),
  redirectToAgencyId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('"One door accepts" (FT 三(二)5): the agency that should act instead'),
});

/** The procuratorate's supervision referrals (FT 三(三)2(4), issue #17 item 6), newest first. */
export const referralView = z.object({
  taskId: z.string(),
  status: z.enum(TASK_STATUSES),
  openedAt: z.string().nullable(),
  completeBy: z.string().nullable(),
  overdue: z.boolean(),
  againstAgency: namedAgency,
  exhaustedTasks: z.number().int(),
  period: z.string(),
  outcome: z.object({ code: z.string(), note: z.string() }).optional(),
});
export type ReferralView = z.infer<typeof referralView>;
export const referralList = z.object({ items: z.array(referralView), total: z.number() });
