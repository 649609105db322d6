/** The district dashboard's indicators (CN 五(一), FT 三(四)3), for coordinators and oversight; aggregates only. */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import { createApiRouter } from '../http/api-router';
import { computeIndicators } from '../read-models/indicators';

const INDICATOR_ROLES = ['district_coordinator', 'street_coordinator', 'procuratorate_staff', 'administrator'] as const;

const bilingual = z.object({ zh: z.string(), en: z.string() });

const indicatorsView = z.object({
  districtCode: z.string(),
  casesByStage: z.record(z.string(), z.number()),
  overdueByAgency: z.array(z.object({ agencyCode: z.string(), name: bilingual, count: z.number() })),
  reportsBySourceType: z.record(z.string(), z.number()),
  medianMinutesToPoliceAck: z.number().nullable().describe('Police task created → accepted, recent tasks'),
  medianHoursToAssessment: z.number().nullable().describe('Case opened → joint assessment completed, recent cases'),
  perStreet: z.array(z.object({ streetCode: z.string(), name: bilingual, cases: z.number(), overdue: z.number() })),
  escalationsThisWeek: z.number(),
  clocksEndingSoon: z.array(
    z.object({ caseId: z.string(), clockId: z.string(), label: z.string(), clause: z.string(), firesAt: z.string() }),
  ),
});

const indicatorQuery = z.strictObject({
  districtCode: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit district code')
    .optional()
    .describe("My own district's code; the default"),
});

export function createIndicatorRouter(deps: { authenticate: RequestHandler; now?: () => Date }): Router {
  const api = createApiRouter({ tag: 'indicators', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());

  api.route(
    {
      method: 'get',
      path: '/',
      summary: "My district's indicators",
      description: 'Another district answers 403: each district assesses its own agencies.',
      roles: INDICATOR_ROLES,
      request: { query: indicatorQuery },
      response: { status: 200, description: 'Indicators', schema: indicatorsView },
    },
    async ({ actor, query }) => {
      const districtCode = query.districtCode ?? actor.jurisdiction.districtCode;
      if (districtCode !== actor.jurisdiction.districtCode) {
        throw new AppError(ErrorCode.Forbidden, 'Indicators of another district are not yours to see');
      }
      return computeIndicators(districtCode, now());
    },
  );

  return api.router;
}
