/**
 * The audit trail of a child's file or a case, for oversight (domain.md §6: every access recorded): district and
 * street coordinators within their jurisdiction, and administrators of their district. Reading the trail is itself
 * recorded.
 */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import type { AuditEventRecord } from '../../models/audit-event';
import { auditTrail } from '../../models/audit-repository';
import { caseJurisdiction, caseJurisdictionsOfChild } from '../../models/case-repository';
import { findChildById } from '../../models/child-repository';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { createApiRouter } from '../http/api-router';

const AUDIT_ROLES = ['district_coordinator', 'street_coordinator', 'administrator'] as const;

const auditQuery = z
  .strictObject({
    childId: z
      .string()
      .regex(/^[a-f0-9]{24}$/, 'must be a child id')
      .optional(),
    caseId: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9._:-]+$/, 'must be a case id')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => q.childId !== undefined || q.caseId !== undefined, { message: 'give childId or caseId' });

const entryView = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.string() }),
  action: z.string(),
  childId: z.string().optional(),
  caseId: z.string().optional(),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A place is within the actor's jurisdiction: the district, and for a street coordinator the street too. */
function withinJurisdiction(actor: Actor, place: { districtCode?: string | null; streetCode?: string | null }) {
  const { districtCode, streetCode } = actor.jurisdiction;
  if (place.districtCode !== districtCode) return false;
  if (actor.role !== 'street_coordinator') return true;
  return streetCode !== undefined && place.streetCode === streetCode;
}

function viewOf(e: AuditEventRecord): z.input<typeof entryView> {
  return {
    id: String(e._id),
    at: new Date(e.at).toISOString(),
    actor: { kind: e.actor?.kind ?? 'unknown', id: e.actor?.id ?? '' },
    action: e.action,
    ...(e.childId ? { childId: String(e.childId) } : {}),
    ...(e.caseWorkflowId ? { caseId: e.caseWorkflowId } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.details && typeof e.details === 'object' ? { details: { ...(e.details as Record<string, unknown>) } } : {}),
  };
}

export function createAuditRouter(deps: { authenticate: RequestHandler; audit: AuditSink }): Router {
  const api = createApiRouter({ tag: 'audit', authenticate: deps.authenticate });
  const notFound = () => new AppError(ErrorCode.NotFound, 'No such child file or case');

  async function childInJurisdiction(actor: Actor, childId: string): Promise<boolean> {
    const child = await findChildById(childId);
    if (!child) return false;
    if (withinJurisdiction(actor, { districtCode: child.districtCode, streetCode: child.residence?.streetCode }))
      return true;
    return (await caseJurisdictionsOfChild(child._id)).some((j) => withinJurisdiction(actor, j));
  }

  api.route(
    {
      method: 'get',
      path: '/',
      summary: "The audit trail of a child's file or a case, newest first",
      description: "A file or case outside the caller's jurisdiction answers 404.",
      roles: AUDIT_ROLES,
      request: { query: auditQuery },
      response: { status: 200, description: 'Audit entries', schema: z.object({ items: z.array(entryView) }) },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, query, req }) => {
      if (query.caseId) {
        const jurisdiction = await caseJurisdiction(query.caseId);
        if (!jurisdiction || !withinJurisdiction(actor, jurisdiction)) throw notFound();
      }
      if (query.childId && !(await childInJurisdiction(actor, query.childId))) throw notFound();
      const events = await auditTrail({
        ...(query.caseId ? { caseId: query.caseId } : {}),
        ...(query.childId ? { childId: query.childId } : {}),
        limit: query.limit,
      });
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'audit.read',
        ...(query.childId ? { childId: query.childId } : {}),
        ...(query.caseId ? { caseId: query.caseId } : {}),
        requestId: req.requestId,
      });
      return { items: events.map(viewOf) };
    },
  );

  return api.router;
}
