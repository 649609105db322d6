/**
 * Children's files within scope. Search by name (within the caller's scope) or by exact identity number, which is
 * looked up by its keyed hash only (the number is never stored or matched in clear). A sealed juvenile record
 * (FT 三(三)2(5)) is visible to the court and the procuratorate only; to everyone else it answers 404 and is left
 * out of searches. Every file returned is an audited read.
 */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import type { ChildRecord } from '../../models/child';
import { findChildById, searchChildrenInScope, type ChildRepository } from '../../models/child-repository';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { canSeeSealedRecord } from '../auth/permissions';
import { CASE_WORKER_ROLES } from '../auth/roles';
import { scopeOf } from '../auth/scope';
import { createApiRouter } from '../http/api-router';
import { accessPurpose, childScope, fullChildFields, recordChildRead } from '../read-models/child-file';

const childView = z.object({
  id: z.string(),
  name: z.string(),
  sex: z.string(),
  dateOfBirth: z.string().nullable(),
  approximateAge: z.number().nullable(),
  provisional: z.boolean(),
  idNumberOnFile: z.boolean().describe('Whether the file holds an identity number; the number itself is never sent'),
  districtCode: z.string(),
  address: z.string().nullable(),
  residence: z
    .object({ districtCode: z.string(), streetCode: z.string().nullish(), committeeCode: z.string().nullish() })
    .nullable(),
  householdRegistration: z.object({ districtCode: z.string(), streetCode: z.string().optional() }).nullable(),
  school: z.string().nullable(),
  guardians: z.array(
    z.object({ name: z.string(), relation: z.string(), status: z.string(), phone: z.string().optional() }),
  ),
  categories: z.array(z.string()),
  benefits: z.array(z.string()),
  riskLevel: z.string(),
  flags: z.object({ leftBehind: z.boolean(), multipleDifficulty: z.boolean(), recordSealed: z.boolean() }),
  mergedInto: z.string().nullable(),
});

/** 18-character resident identity number (GB 11643), or the old 15-digit form. */
const ID_NUMBER = /^(\d{17}[\dXx]|\d{15})$/;

const searchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .describe('Part of a name, or an exact identity number (matched by its keyed hash only)'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const childParams = z.strictObject({ childId: z.string().regex(/^[a-f0-9]{24}$/, 'must be a child id') });

export interface ChildRouterDependencies {
  children: Pick<ChildRepository, 'findChildByIdNumber'>;
  authenticate: RequestHandler;
  audit: AuditSink;
  now?: () => Date;
}

export function createChildRouter(deps: ChildRouterDependencies): Router {
  const api = createApiRouter({ tag: 'children', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());

  /** The file if this actor may open it, and why; sealed files are judicial only. */
  async function openable(actor: Actor, child: ChildRecord) {
    const purpose = accessPurpose(actor, child, await childScope(child));
    return purpose ? { child, purpose } : undefined;
  }

  api.route(
    {
      method: 'get',
      path: '/',
      summary: "Find children's files by name or identity number, within my scope",
      description:
        'An identity number is matched exactly, through its keyed hash; anything else searches names. Sealed ' +
        'juvenile records appear only to court and procuratorate staff (FT 三(三)2(5)). Every file listed is an ' +
        'audited read.',
      roles: CASE_WORKER_ROLES,
      request: { query: searchQuery },
      response: { status: 200, description: 'Matching files', schema: z.object({ items: z.array(childView) }) },
    },
    async ({ actor, query, req }) => {
      let candidates: ChildRecord[];
      if (ID_NUMBER.test(query.q)) {
        const found = await deps.children.findChildByIdNumber(query.q);
        candidates = found ? [found] : [];
      } else {
        candidates = await searchChildrenInScope(scopeOf(actor), query.q, {
          includeSealed: canSeeSealedRecord(actor),
          limit: query.limit,
        });
      }
      const visible = (await Promise.all(candidates.map((c) => openable(actor, c)))).filter(
        (v): v is NonNullable<typeof v> => v !== undefined,
      );
      for (const { child, purpose } of visible) {
        await recordChildRead(deps.audit, actor, req, { childId: child._id, purpose, via: 'search' });
      }
      const at = now();
      return { items: visible.map(({ child }) => fullChildFields(child, at)) };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/:childId',
      summary: "One child's file, within my scope",
      description:
        "A file outside the caller's scope, and a sealed juvenile record for anyone but court and procuratorate " +
        'staff, answers 404 like a file that does not exist. The read is audited.',
      roles: CASE_WORKER_ROLES,
      request: { params: childParams },
      response: { status: 200, description: "The child's file", schema: childView },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, req }) => {
      const record = await findChildById(params.childId);
      const allowed = record ? await openable(actor, record) : undefined;
      if (!allowed) throw new AppError(ErrorCode.NotFound, 'No such child file');
      await recordChildRead(deps.audit, actor, req, {
        childId: allowed.child._id,
        purpose: allowed.purpose,
        via: 'child file',
      });
      return fullChildFields(allowed.child, now());
    },
  );

  return api.router;
}
