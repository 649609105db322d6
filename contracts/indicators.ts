/** The district dashboard's indicators (CN 五(一), FT 三(四)3): aggregates only (/api/v1/indicators). */
import { z } from 'zod';
import { bilingual } from './common';

export const indicatorsView = z.object({
  districtCode: z.string(),
  casesByStage: z.record(z.string(), z.number()),
  overdueByAgency: z.array(z.object({ agencyCode: z.string(), name: bilingual, count: z.number() })),
  reportsBySourceType: z.record(z.string(), z.number()),
  medianMinutesToPoliceAck: z.number().nullable().describe('Police task created → accepted, recent tasks'),
  medianHoursToAssessment: z.number().nullable().describe('Case opened → joint assessment completed, recent cases'),
  perStreet: z.array(z.object({ streetCode: z.string(), name: bilingual, cases: z.number(), overdue: z.number() })),
  escalationsThisWeek: z.number(),
  missedNoticesThisWeek: z
    .number()
    .describe('Task notices refused by the mail server and escalated as missed, last 7 days'),
  perReportingUnit: z
    .array(
      z.object({
        agencyCode: z.string(),
        name: bilingual,
        reports: z.number().describe('Reports the unit filed about children of the district'),
        lateReports: z.number().describe('Late-report findings against the unit (CN 四(一))'),
        medianMinutesToReport: z.number().nullable().describe('Found → filed, median over its recent reports'),
      }),
    )
    .optional()
    .describe('Mandatory reporters held to account (CN 四(一), issue #17 item 6): most late reports first'),
  clocksEndingSoon: z.array(
    z.object({ caseId: z.string(), clockId: z.string(), label: z.string(), clause: z.string(), firesAt: z.string() }),
  ),
  asOf: z.string().describe("The instant the indicators were computed for (the district's snapshot), ISO 8601"),
  stale: z
    .boolean()
    .describe(
      'The snapshot is older than twice a round of its workflow (interval + computation) plus 2 minutes: out of date',
    ),
});

export const indicatorQuery = z.strictObject({
  districtCode: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit district code')
    .optional()
    .describe("My own district's code; the default"),
});

export type Indicators = z.infer<typeof indicatorsView>;
