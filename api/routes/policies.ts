/** District policy packs: the list (for the report form and dashboards) and one whole pack, every rule with its clause. */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import {
  getPolicyPack,
  listPolicyPacks,
  loadPolicyPack,
  UnknownPolicyPackError,
  type PolicyPack,
} from '../../policies';
import { ROLES } from '../auth/roles';
import { packParams, packQuery, policySummary } from '../../contracts/policies';
import { createApiRouter } from '../http/api-router';

function summaryOf(pack: PolicyPack): z.input<typeof policySummary> {
  return {
    id: pack.id,
    version: pack.version,
    district: { code: pack.district.code, name: pack.district.name },
    concernTypes: pack.concernTypes.map((c) => ({ code: c.code, label: c.label, clause: c.clause })),
    benefitTypes: pack.benefits.map((b) => ({ code: b.code, label: b.label, clause: b.clause })),
    categoryTypes: pack.categories.map((c) => ({ code: c.code, label: c.label, clause: c.clause })),
  };
}

export function createPolicyRouter(deps: { authenticate: RequestHandler }): Router {
  const api = createApiRouter({ tag: 'policies', authenticate: deps.authenticate });

  api.route(
    {
      method: 'get',
      path: '/',
      summary: 'Every policy pack version, with its district and concern types',
      roles: ROLES,
      request: {},
      response: { status: 200, description: 'Policy packs', schema: z.array(policySummary) },
    },
    async () => listPolicyPacks().map((p) => summaryOf(getPolicyPack(p.id, p.version))),
  );

  api.route(
    {
      method: 'get',
      path: '/:id',
      summary: 'One whole policy pack: every deadline, ladder, rule and the clause it comes from',
      roles: ROLES,
      request: { params: packParams, query: packQuery },
      response: {
        status: 200,
        description: 'The pack',
        schema: z.record(z.string(), z.unknown()).describe('A policy pack (policies/schema.ts)'),
      },
      errors: [ErrorCode.NotFound],
    },
    async ({ params, query }) => {
      try {
        const pack = query.version ? getPolicyPack(params.id, query.version) : loadPolicyPack(params.id);
        return { ...pack };
      } catch (err) {
        if (err instanceof UnknownPolicyPackError) throw new AppError(ErrorCode.NotFound, 'No such policy pack');
        throw err;
      }
    },
  );

  return api.router;
}
