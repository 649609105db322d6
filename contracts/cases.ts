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
  number: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[\p{Script=Han}A-Za-z0-9-]+$/u, 'must be a case number or part of one')
    .optional()
    .describe('A case number or part of it, e.g. "长宁-2026-000123" or "000123"'),
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
  /** The street's name, where the directory knows it. */
  streetName: bilingual.optional(),
  categories: z.array(z.string()),
  /** The categories by their pack labels, in the same order. */
  categoryLabels: z.array(bilingual),
  /** FT 三(一)4(2): in two or more difficulty categories; such cases come first in the list. */
  multipleDifficulty: z.boolean(),
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
  agencyName: bilingual,
  label: bilingual,
  status: z.string(),
  acceptBy: z.string().nullable(),
  completeBy: z.string().nullable(),
  acceptedAt: z.string().optional(),
});

/** An accountability finding (late report, late dispatch): its kind, the clause, and the facts of its kind. */
export const findingView = z
  .object({
    kind: z.string(),
    clause: z.string().optional(),
    againstUnitName: bilingual.optional().describe('The reporting unit a late-report finding is against, by name'),
    superiorName: bilingual
      .optional()
      .describe('From pack 1.3.0: the superior a late report went to for follow-up (CN 四(一)), by name'),
  })
  .catchall(z.unknown());

export { timelineEntryView, type TimelineEntry } from './timeline';

// ── The cockpit: everything the workflows know about a case, with names (issue #14) ─────────────────────────────

/** An agency by its code and its name (names are shown, the code only links). */
export const agencyRef = z.object({ code: z.string(), name: bilingual });
/** A person of the network by name ("" when the account is gone). */
export const personName = z.string();

const taskRef = z.object({
  taskId: z.string(),
  kind: z.string(),
  label: bilingual,
  agency: agencyRef,
  status: z.string(),
});

export const placementView = z.object({
  placementId: z.string(),
  term: z.enum(['short_term', 'long_term']),
  status: z.enum(['running', 'ended']),
  agency: agencyRef,
  site: agencyRef,
  startedAt: z.string(),
  endsAt: z.string().describe('The cap, or the last approved extension'),
  clause: z.string(),
  capReachedAt: z.string().nullable(),
  reminders: z.array(z.object({ before: z.string(), at: z.string() })),
  overruns: z.array(z.object({ n: z.number().int(), at: z.string() })),
  extensions: z.array(
    z.object({
      approvedBy: personName,
      reason: z.string(),
      extendBy: z.string(),
      endsAt: z.string(),
      approvedAt: z.string(),
    }),
  ),
  certificate: z
    .object({ certificateRef: z.string(), issuedAt: z.string(), recordedBy: personName, agency: agencyRef })
    .nullable(),
  decision: z
    .object({
      kind: z.enum([
        'return_home',
        'move_to_long_term',
        'escort_to_registration_place',
        'new_guardian',
        'permanent_arrangement',
      ]),
      decidedBy: personName,
      decidedAt: z.string(),
      reason: z.string().nullable(),
    })
    .nullable(),
  endedAt: z.string().nullable(),
});

export const classificationView = z.object({
  categories: z.array(
    z.object({ code: z.string(), label: bilingual, clause: z.string(), kind: z.enum(['difficulty', 'left_behind']) }),
  ),
  inDifficulty: z.boolean(),
  leftBehind: z.boolean(),
  leftBehindHandledAsDifficulty: z.boolean(),
  multipleDifficulty: z.boolean(),
});

export const benefitsView = z.object({
  granted: z.array(z.object({ code: z.string(), label: bilingual, clause: z.string() })),
  /** Eligible, but dropped by 择高 (FT 三(一)1): the group, its clause, and what was kept instead. */
  excluded: z.array(
    z.object({
      code: z.string(),
      label: bilingual,
      clause: z.string(),
      group: bilingual,
      groupClause: z.string(),
      keptInstead: z.array(bilingual),
    }),
  ),
});

export const cockpitView = z.object({
  /** Where this came from: the workflow's answer, or the projection its activities wrote (when it did not answer). */
  source: z.enum(['workflow', 'projection']),
  classification: classificationView.nullable(),
  benefits: benefitsView.nullable(),
  placements: z.array(placementView),
  policeCertificate: z
    .object({ certificateRef: z.string(), issuedAt: z.string(), recordedBy: personName, agency: agencyRef })
    .nullable(),
  guardianSearch: z.object({
    tasks: z.array(taskRef),
    foundAt: z.string().nullable(),
    foundBy: agencyRef.nullable(),
    returnAssessmentDoneAt: z.string().nullable(),
  }),
  services: z.object({ tasks: z.array(taskRef), pending: z.array(z.object({ kind: z.string(), label: bilingual })) }),
  legalSteps: z.array(
    z.object({
      step: z.string(),
      /** The seed clause of the legal ladder in the case's pinned pack ("CN 四(四)3"). */
      clause: z.string().nullable(),
      evidenceRef: z.string(),
      occurredAt: z.string(),
      recordedAt: z.string(),
      recordedBy: personName,
      agency: agencyRef,
    }),
  ),
  neglect: z.array(
    z.object({
      since: z.string(),
      firesAt: z.string(),
      clause: z.string(),
      label: bilingual,
      evidenceRef: z.string(),
      childWithoutMeansOfLiving: z.boolean(),
      recordedBy: personName,
      thresholdReachedAt: z.string().nullable(),
      end: z.object({ reason: z.enum(['resumed', 'guardianship_revoked']), at: z.string() }).nullable(),
    }),
  ),
  grounds: z.array(
    z.object({
      ground: z.string(),
      label: bilingual,
      clause: z.string(),
      evidenceRef: z.string(),
      recordedAt: z.string(),
      recordedBy: personName,
      petitioner: agencyRef,
    }),
  ),
  petitions: z.array(
    z.object({
      petitionTaskId: z.string(),
      grounds: z.array(z.object({ code: z.string(), label: bilingual })),
      petitioner: agencyRef,
      courtRef: z.string().nullable(),
      decision: z
        .union([
          z.object({
            result: z.literal('revoked'),
            newGuardianRef: z.string(),
            designatedAt: z.string(),
            judgmentRef: z.string(),
          }),
          z.object({ result: z.literal('rejected'), judgmentRef: z.string(), decidedAt: z.string() }),
        ])
        .nullable(),
    }),
  ),
  escort: z
    .object({
      registrationPlace: z.string(),
      agency: agencyRef.nullable(),
      confirmedAt: z.string().nullable(),
      confirmationRef: z.string().nullable(),
    })
    .nullable(),
  closure: z.object({ approvedBy: personName, reason: z.string(), at: z.string() }).nullable(),
  /** Every task of the case, open and closed, with its agency by name. */
  tasks: z.array(
    taskRef.extend({
      createdAt: z.string().nullable(),
      closedAt: z.string().nullable(),
      assignee: personName.nullable(),
    }),
  ),
});
export type CockpitView = z.infer<typeof cockpitView>;
export type PlacementView = z.infer<typeof placementView>;

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
  cockpit: cockpitView,
  /**
   * The printed summary only (GET /cases/{caseId}/summary): each completed task's recorded outcome, by task id, as its
   * task page shows it.
   */
  outcomes: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

/** Why a coordinator prints a case's summary (issue 15 item 5): for a court petition or a joint meeting (联席会议). */
export const SUMMARY_PURPOSES = ['court_petition', 'joint_meeting'] as const;
export type SummaryPurpose = (typeof SUMMARY_PURPOSES)[number];
export const caseSummaryQuery = z.strictObject({ purpose: z.enum(SUMMARY_PURPOSES) });

export const caseIdParams = z.strictObject({
  caseId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._:-]+$/, 'must be a case id'),
});

/**
 * The case list counts its total up to this many cases (GET /cases `totalCapped`): a district's count would otherwise
 * grow with every case it ever had (issue #19). Beyond it the list says "1,000+ 件 / 1,000+ cases", never a number
 * presented as exact that is not.
 */
export const CASE_LIST_COUNT_CAP = 1000;

/** One page of the case list: `total` is exact unless `totalCapped`, which says more than `total` cases match. */
export interface CaseListPage {
  items: CaseSummary[];
  total: number;
  totalCapped?: boolean;
  page: number;
}

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
  Pick<
    z.output<typeof caseListQuery>,
    'stage' | 'districtCode' | 'streetCode' | 'category' | 'risk' | 'dueWithinDays' | 'number'
  >
> & { overdue?: boolean; attention?: boolean };
