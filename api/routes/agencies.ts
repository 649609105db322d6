/** The agency directory of the three-level network (CN 五(一), FT 三(三)1), filtered by district and type. */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { AgencyRecord } from '../../models/agency';
import { listAgencies } from '../../models/agency-directory';
import { AGENCY_LEVELS } from '../../contracts/enums';
import { AGENCY_TYPES } from '../../policies/schema';
import { ROLES } from '../auth/roles';
import { createApiRouter } from '../http/api-router';

const agencyQuery = z.strictObject({
  districtCode: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit district code')
    .optional(),
  type: z.enum(AGENCY_TYPES).optional(),
});

const agencyView = z.object({
  code: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  type: z.enum(AGENCY_TYPES),
  level: z.enum(AGENCY_LEVELS),
  jurisdiction: z.object({
    districtCode: z.string(),
    streetCode: z.string().optional(),
    committeeCode: z.string().optional(),
  }),
  parentCode: z.string().optional(),
});

function viewOf(a: AgencyRecord): z.input<typeof agencyView> {
  const { districtCode = '', streetCode, committeeCode } = a.jurisdiction ?? {};
  return {
    code: a.code,
    name: { zh: a.name.zh, en: a.name.en },
    type: a.type,
    level: a.level,
    jurisdiction: {
      districtCode,
      ...(streetCode ? { streetCode } : {}),
      ...(committeeCode ? { committeeCode } : {}),
    },
    ...(a.parentCode ? { parentCode: a.parentCode } : {}),
  };
}

export function createAgencyRouter(deps: { authenticate: RequestHandler }): Router {
  const api = createApiRouter({ tag: 'agencies', authenticate: deps.authenticate });

  api.route(
    {
      method: 'get',
      path: '/',
      summary: 'Agencies of the network, by district and type',
      description: 'Names, types, levels and jurisdictions; contacts stay in the directory.',
      roles: ROLES,
      request: { query: agencyQuery },
      response: { status: 200, description: 'Agencies', schema: z.object({ items: z.array(agencyView) }) },
    },
    async ({ query }) => {
      const agencies = await listAgencies({ districtCode: query.districtCode, type: query.type });
      return { items: agencies.map(viewOf) };
    },
  );

  return api.router;
}
