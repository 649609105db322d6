/** The district dashboard's indicators (CN 五(一), FT 三(四)3), for coordinators and oversight; aggregates only. */
import type { RequestHandler, Router } from 'express';
import { AppError, ErrorCode } from '../../common/errors';
import { indicatorQuery, indicatorsView } from '../../contracts/indicators';
import { createApiRouter } from '../http/api-router';
import { readIndicators } from '../read-models/indicators';

const INDICATOR_ROLES = ['district_coordinator', 'street_coordinator', 'procuratorate_staff', 'administrator'] as const;

export function createIndicatorRouter(deps: { authenticate: RequestHandler; now?: () => Date }): Router {
  const api = createApiRouter({ tag: 'indicators', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());

  api.route(
    {
      method: 'get',
      path: '/',
      summary: "My district's indicators",
      description:
        "Another district answers 403: each district assesses its own agencies. Read from the district's snapshot " +
        '(recomputed every minute), `asOf` its instant and `stale` when it is out of date.',
      roles: INDICATOR_ROLES,
      request: { query: indicatorQuery },
      response: { status: 200, description: 'Indicators', schema: indicatorsView },
    },
    async ({ actor, query }) => {
      const districtCode = query.districtCode ?? actor.jurisdiction.districtCode;
      if (districtCode !== actor.jurisdiction.districtCode) {
        throw new AppError(ErrorCode.Forbidden, 'Indicators of another district are not yours to see');
      }
      return readIndicators(districtCode, now());
    },
  );

  return api.router;
}
