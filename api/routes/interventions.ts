/**
 * Commands on a case's intervention (CN 四(三), 四(四)): the legal ladder against a guardian, the neglect clock,
 * grounds for revoking guardianship, services during placement, closure, and the decisions a placement's cap requires.
 * Each is an update on the case or placement workflow, validated there: an illegal move answers 409 or 422 with the
 * workflow's reason before anything enters history. A case outside the caller's scope answers 404 with no data.
 * The court seals or unseals the child's juvenile record (FT 三(三)2(5)) on the child's file, audited. Bodies are the
 * contract's (contracts/interventions.ts), shared with the web app's forms.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import { rejectedCommand } from '../middleware/error-handler';
import {
  closureBody,
  commandAccepted as accepted,
  extensionBody,
  guardianRefusalBody,
  guardianResumedBody,
  legalStepBody,
  placementDecisionBody,
  policeCertificateBody,
  recordSealBody,
  reopenBody,
  revocationGroundBody,
  servicesBody,
} from '../../contracts/interventions';
import type { AttachmentStore } from '../../models/attachment-repository';
import type { CaseRecord } from '../../models/case';
import { findCaseInScope } from '../../models/case-repository';
import { setRecordSealed } from '../../models/child-repository';
import { findAgency } from '../../models/agency-directory';
import { listPolicyPacks, loadPolicyPack } from '../../policies';
import type { AgencyType, LegalLadderStep } from '../../policies/schema';
import {
  approveClosureUpdate,
  approveExtensionUpdate,
  recordGuardianRefusalUpdate,
  recordGuardianResumedUpdate,
  recordHarmGroundUpdate,
  recordLegalStepUpdate,
  recordPlacementDecisionUpdate,
  recordPoliceCertificateUpdate,
  reopenCaseUpdate,
  requestServicesUpdate,
  type Coordinator,
} from '../../workflows/intervention.definitions';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { CASE_WORKER_ROLES, type Role } from '../auth/roles';
import { createApiRouter } from '../http/api-router';
import { checkEvidenceRefs, type EvidenceFields } from '../http/evidence';
import { scopeOf } from '../auth/scope';

const caseParams = z.strictObject({
  caseId: z.string().regex(/^case-[A-Za-z0-9_-]{1,64}$/, 'must be a case id'),
});
const placementParams = z.strictObject({
  caseId: z.string().regex(/^case-[A-Za-z0-9_-]{1,64}$/, 'must be a case id'),
  placementId: z.string().regex(/^[A-Za-z0-9_./-]{1,200}$/, 'must be a placement id'),
});

const COORDINATORS = ['street_coordinator', 'district_coordinator'] as const;

function notFound(): AppError {
  return new AppError(ErrorCode.NotFound, 'No such case');
}

/**
 * A workflow that is no longer there has finished. A rejected update goes on to the error middleware, which maps its
 * failure type (workflows/failures.ts): "not yours" looks like "not there", the others keep the workflow's reason.
 */
function commandError(err: unknown): unknown {
  return err instanceof WorkflowNotFoundError
    ? new AppError(ErrorCode.Conflict, 'The case or placement is closed')
    : err;
}

/**
 * Who may record each rung of the legal ladder (CN 四(四)3, FT 三(三)2(3)-(4)): only the police give criticism, a
 * written warning or a penalty; the police or the procuratorate transfer to the judicial organs. Read from the newest
 * pack of the caller's district (every version from 1.1.0 says it); a district without one falls back to the same rule.
 */
const LADDER_RECORDERS_FALLBACK: Record<LegalLadderStep, readonly AgencyType[]> = {
  criticism_education: ['police_station', 'police_substation'],
  written_warning: ['police_station', 'police_substation'],
  administrative_penalty: ['police_station', 'police_substation'],
  judicial_transfer: ['police_station', 'police_substation', 'procuratorate'],
};

function ladderRecorders(districtCode: string, step: LegalLadderStep): readonly AgencyType[] {
  const id = listPolicyPacks().find((p) => p.district.code === districtCode)?.id;
  const ladder = id ? loadPolicyPack(id).legalLadder : undefined;
  return ladder?.recordedBy[step] ?? LADDER_RECORDERS_FALLBACK[step];
}

/** A 403 that carries, for the audit log only, why the caller was refused (the answer itself says nothing more). */
class RefusedRecorder extends AppError {
  constructor(readonly auditReason: string) {
    super(ErrorCode.Forbidden, 'Not permitted');
  }
}

/**
 * 403 unless the caller's agency is one the law names for this step; says nothing about the case. Returns the agency's
 * type, which the workflow checks again (CN 四(四)3).
 */
async function assertMayRecordLegalStep(actor: Actor, step: LegalLadderStep): Promise<AgencyType> {
  const agency = await findAgency(actor.agencyCode);
  const allowed = ladderRecorders(actor.jurisdiction.districtCode, step);
  if (!agency || !allowed.includes(agency.type as AgencyType)) {
    throw new RefusedRecorder(
      `CN 四(四)3: ${step} is recorded only by ${allowed.join(', ')}, not by ${agency?.type ?? 'an unknown agency'}`,
    );
  }
  return agency.type as AgencyType;
}

/** Why a command was refused, for the audit log: the workflow's rejection type and reason, or the API's. */
function refusalReason(err: unknown): string | undefined {
  if (err instanceof RefusedRecorder) return `not_permitted: ${err.auditReason}`;
  const rejected = rejectedCommand(err);
  if (rejected) {
    const cause = (err as { cause?: { type?: string; message?: string } }).cause;
    return `${cause?.type ?? rejected.code}: ${cause?.message ?? rejected.message}`;
  }
  if (err instanceof AppError && err.code !== ErrorCode.DependencyUnavailable) return `${err.code}: ${err.message}`;
  return undefined;
}

export interface InterventionRouterDependencies {
  temporal: Client;
  authenticate: RequestHandler;
  audit: AuditSink;
  /** Evidence fields may point to the case's attachments (`attachment:<id>`), checked here. */
  attachments: Pick<AttachmentStore, 'exists'>;
}

export function createInterventionRouter(deps: InterventionRouterDependencies): Router {
  const api = createApiRouter({ tag: 'interventions', authenticate: deps.authenticate });

  async function caseInScope(actor: Actor, caseId: string): Promise<CaseRecord> {
    const record = await findCaseInScope(scopeOf(actor), caseId);
    if (!record) throw notFound();
    return record;
  }

  async function run(
    actor: Actor,
    req: { requestId: string },
    caseId: string,
    action: string,
    command: () => Promise<unknown>,
  ): Promise<{ ok: true }> {
    const record = await caseInScope(actor, caseId);
    try {
      await command();
    } catch (err) {
      throw commandError(err);
    }
    await deps.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      action: `case.${action}`,
      ...(record.childId ? { childId: String(record.childId) } : {}),
      caseId,
      requestId: req.requestId,
    });
    return { ok: true };
  }

  const workflowActor = (actor: Actor) => ({ userId: actor.userId, agencyId: actor.agencyCode });
  const coordinator = (actor: Actor): Coordinator => ({
    ...workflowActor(actor),
    role: actor.role as Coordinator['role'],
  });
  const caseHandle = (caseId: string) => deps.temporal.workflow.getHandle(caseId);
  /** Runs after the case was found in the caller's scope (run), so a reference is checked against a case they see. */
  const evidence = (caseId: string, fields: EvidenceFields) => checkEvidenceRefs(deps.attachments, caseId, fields);

  const caseCommand = <S extends z.ZodType>(
    path: string,
    summary: string,
    body: S,
    roles: readonly Role[],
    handler: (actor: Actor, caseId: string, body: z.output<S>) => Promise<unknown>,
    /** Checks on the caller alone, before the case is looked up (so a refusal says nothing about the case). */
    authorise?: (actor: Actor, body: z.output<S>) => Promise<unknown>,
    /** Record every refused attempt in the audit log with its reason (sanctions, CN 四(四)3). */
    auditRefusals = false,
  ) =>
    api.route(
      {
        method: 'post',
        path: `/:caseId/${path}`,
        summary,
        roles,
        request: { params: caseParams, body },
        response: { status: 200, description: 'Recorded by the case workflow', schema: accepted() },
        errors: [ErrorCode.NotFound, ErrorCode.Conflict, ErrorCode.IllegalTransition, ErrorCode.DependencyUnavailable],
      },
      async ({ actor, params, body: parsed, req }) => {
        // The registry parsed the body with `body`; TypeScript cannot follow the generic through it.
        try {
          await authorise?.(actor, parsed as z.output<S>);
          return await run(actor, req, params.caseId, path, () => handler(actor, params.caseId, parsed as z.output<S>));
        } catch (err) {
          const reason = auditRefusals ? refusalReason(err) : undefined;
          if (reason) {
            await deps.audit
              .record({
                actorId: actor.userId,
                actorRole: actor.role,
                action: `case.${path}.refused`,
                caseId: params.caseId,
                reason,
                requestId: req.requestId,
              })
              .catch(() => undefined); // the refusal stands; a failed audit write must not turn it into a 500
          }
          throw err;
        }
      },
    );

  caseCommand(
    'legal-steps',
    'Record a rung of the legal ladder against the guardian (CN 四(四)3)',
    legalStepBody(),
    // Every role that works for an agency passes the gate, so that the agency check below refuses (and audits) a
    // school's or hospital's attempt to sanction a guardian like anyone else's (CN 四(四)3).
    [...CASE_WORKER_ROLES, 'mandated_reporter'],
    async (actor, caseId, b) => {
      const agencyType = await assertMayRecordLegalStep(actor, b.step);
      await evidence(caseId, [['evidenceRef', b.evidenceRef]]);
      return caseHandle(caseId).executeUpdate(recordLegalStepUpdate, {
        args: [{ actor: workflowActor(actor), agencyType, ...b }],
      });
    },
    (actor, b) => assertMayRecordLegalStep(actor, b.step),
    true,
  );
  caseCommand(
    'guardian-refusals',
    'Record that the guardian refuses their duties (starts the 6-month neglect clock, CN 四(四)3)',
    guardianRefusalBody(),
    CASE_WORKER_ROLES,
    async (actor, caseId, b) => {
      await evidence(caseId, [['evidenceRef', b.evidenceRef]]);
      return caseHandle(caseId).executeUpdate(recordGuardianRefusalUpdate, {
        args: [{ actor: workflowActor(actor), ...b }],
      });
    },
  );
  caseCommand(
    'guardian-resumptions',
    'Record that the guardian resumed their duties (stops the neglect clock)',
    guardianResumedBody(),
    CASE_WORKER_ROLES,
    async (actor, caseId, b) => {
      await evidence(caseId, [['evidenceRef', b.evidenceRef]]);
      return caseHandle(caseId).executeUpdate(recordGuardianResumedUpdate, {
        args: [{ actor: workflowActor(actor), ...b }],
      });
    },
  );
  caseCommand(
    'revocation-grounds',
    'Record a ground for revoking guardianship; opens the petition task at once (CN 四(四)3)',
    revocationGroundBody(),
    CASE_WORKER_ROLES,
    async (actor, caseId, b) => {
      await evidence(caseId, [['evidenceRef', b.evidenceRef]]);
      return caseHandle(caseId).executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: workflowActor(actor), ...b }],
      });
    },
  );
  caseCommand(
    'services',
    'Open service tasks during placement (CN 四(四))',
    servicesBody(),
    CASE_WORKER_ROLES,
    (actor, caseId, b) =>
      caseHandle(caseId).executeUpdate(requestServicesUpdate, { args: [{ actor: workflowActor(actor), ...b }] }),
  );
  caseCommand(
    'closure',
    'Approve closing the case, with the reason (coordinators only)',
    closureBody(),
    COORDINATORS,
    (actor, caseId, b) =>
      caseHandle(caseId).executeUpdate(approveClosureUpdate, { args: [{ approver: coordinator(actor), ...b }] }),
  );
  caseCommand(
    'reopen',
    'Reopen a closed case, with the reason (coordinators only; the same case workflow carries on)',
    reopenBody(),
    COORDINATORS,
    (actor, caseId, b) =>
      caseHandle(caseId).executeUpdate(reopenCaseUpdate, { args: [{ approver: coordinator(actor), ...b }] }),
  );

  // FT 三(三)2(5): the court seals a juvenile record; sealed, the file opens only to the court and the procuratorate.
  api.route(
    {
      method: 'post',
      path: '/:caseId/record-seal',
      summary: "Seal or unseal the child's juvenile record, citing the court's decision (court only, FT 三(三)2(5))",
      description:
        'Audited as child_file.sealed or child_file.unsealed. Once sealed, every other role is answered as if the ' +
        "child's file did not exist; the district's court and procuratorate still open it as a sealed record.",
      roles: ['court_staff'],
      request: { params: caseParams, body: recordSealBody() },
      response: { status: 200, description: 'The seal is recorded on the child’s file', schema: accepted() },
      errors: [ErrorCode.NotFound, ErrorCode.DependencyUnavailable],
    },
    async ({ actor, params, body, req }) => {
      const record = await caseInScope(actor, params.caseId);
      await evidence(record.workflowId, [['courtRef', body.courtRef]]);
      const childId = record.childId ? String(record.childId) : undefined;
      if (!childId || !(await setRecordSealed(childId, body.sealed))) throw notFound();
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: body.sealed ? 'child_file.sealed' : 'child_file.unsealed',
        childId,
        caseId: params.caseId,
        reason: `FT 三(三)2(5) ${body.courtRef}: ${body.reason}`,
        requestId: req.requestId,
      });
      return { ok: true as const };
    },
  );

  const placementCommand = <S extends z.ZodType>(
    path: string,
    summary: string,
    body: S,
    roles: readonly (typeof CASE_WORKER_ROLES)[number][],
    handler: (actor: Actor, placementId: string, body: z.output<S>) => Promise<unknown>,
    /** The body's evidence fields, checked against the case's attachments. */
    evidenceOf?: (body: z.output<S>) => EvidenceFields,
  ) =>
    api.route(
      {
        method: 'post',
        path: `/:caseId/placements/:placementId/${path}`,
        summary,
        roles,
        request: { params: placementParams, body },
        response: { status: 200, description: 'Recorded by the placement workflow', schema: accepted() },
        errors: [ErrorCode.NotFound, ErrorCode.Conflict, ErrorCode.IllegalTransition, ErrorCode.DependencyUnavailable],
      },
      ({ actor, params, body: parsed, req }) => {
        // A placement belongs to its case: its id starts with the case id, so scope is the case's.
        if (!params.placementId.startsWith(`${params.caseId}/`)) throw notFound();
        return run(actor, req, params.caseId, `placement.${path}`, async () => {
          if (evidenceOf) await evidence(params.caseId, evidenceOf(parsed as z.output<S>));
          return handler(actor, params.placementId, parsed as z.output<S>);
        });
      },
    );

  placementCommand(
    'decision',
    'Record the decision a placement cap requires (CN 四(三))',
    placementDecisionBody(),
    CASE_WORKER_ROLES,
    (actor, placementId, b) =>
      deps.temporal.workflow.getHandle(placementId).executeUpdate(recordPlacementDecisionUpdate, {
        args: [{ actor: COORDINATORS.some((r) => r === actor.role) ? coordinator(actor) : workflowActor(actor), ...b }],
      }),
  );
  placementCommand(
    'extension',
    'Approve extending a placement past its cap, with the reason ("in principle", CN 四(三); coordinators only)',
    extensionBody(),
    COORDINATORS,
    (actor, placementId, b) =>
      deps.temporal.workflow
        .getHandle(placementId)
        .executeUpdate(approveExtensionUpdate, { args: [{ approver: coordinator(actor), ...b }] }),
  );
  placementCommand(
    'police-certificate',
    "Record the police's written certificate that the guardian search failed (CN 四(三))",
    policeCertificateBody(),
    CASE_WORKER_ROLES,
    (actor, placementId, b) =>
      deps.temporal.workflow
        .getHandle(placementId)
        .executeUpdate(recordPoliceCertificateUpdate, { args: [{ actor: workflowActor(actor), ...b }] }),
    (b) => [['certificateRef', b.certificateRef]],
  );

  return api.router;
}
