/**
 * Detention notices (CN 三(四), FT 三(一)4(2)): police detaining an adult record whether that person's minor
 * children need entrusted care; for each child who does, a care-arrangement task opens for the agency the policy pack
 * names. Filing starts the notice's workflow (id from the filer and the Idempotency-Key, so a retry is one notice);
 * the children's files are opened by the workflow's activity, not here.
 */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { AppError, ErrorCode, validationError } from '../../common/errors';
import { findAgency, responsibleAgencies } from '../../models/agency-directory';
import { loadPolicyPack, UnknownPolicyPackError } from '../../policies';
import type { PolicyPack } from '../../policies/schema';
import { detentionWorkflowId, type DetentionNoticeInput } from '../../workflows/definitions';
import { detentionNoticeWorkflow } from '../../workflows/detention.workflow';
import type { AuditSink } from '../auth/audit';
import { createApiRouter } from '../http/api-router';
import {
  birthDatesAgree,
  childDateOfBirthField,
  eventInstantField,
  nameField,
  residentIdField,
} from '../../contracts/text-fields';
import { intakeKey, requestFingerprint, requireIdempotencyKey, startIdempotently } from '../intake/receipts';

const POLICE_TYPES = new Set(['police_station', 'police_substation']);

const noticeBody = z.strictObject({
  policyPackId: z.string().regex(/^[a-z0-9-]+$/),
  detainedAt: eventInstantField(),
  /** The police's own record number of the detention: no name of the adult is stored here. */
  detainedPersonRef: z.string().trim().min(1).max(100),
  place: z.strictObject({
    streetCode: z.string().min(1).max(64),
    address: z.string().trim().min(1).max(300).optional(),
  }),
  children: z
    .array(
      z
        .strictObject({
          name: nameField(60).optional(),
          sex: z.enum(['male', 'female', 'unknown']).optional(),
          dateOfBirth: childDateOfBirthField().optional(),
          idNumber: residentIdField().optional(),
          needsEntrustedCare: z.boolean(),
        })
        .superRefine(birthDatesAgree),
    )
    .min(1, 'name at least one child')
    .max(12),
});

const noticeView = z.object({ noticeId: z.string(), childrenNeedingCare: z.number().int() });

export interface DetentionNoticeRouterDependencies {
  temporal: Client;
  taskQueue: string;
  authenticate: RequestHandler;
  audit: AuditSink;
}

export function createDetentionNoticeRouter(deps: DetentionNoticeRouterDependencies): Router {
  const api = createApiRouter({ tag: 'detention-notices', authenticate: deps.authenticate });

  api.route(
    {
      method: 'post',
      path: '/',
      summary: "Record a detained adult's minor children and whether they need entrusted care (CN 三(四))",
      description:
        'The 办案机关 (police) and, from pack 1.1.0, the 执行机关 (prisons, compulsory drug rehabilitation centres) the pack names (CN 三(四), FT 三(一)4(2)). Send an Idempotency-Key header; the same key is the same notice.',
      roles: ['agency_staff', 'agency_supervisor'],
      request: { body: noticeBody },
      response: {
        status: 202,
        description: 'Accepted: the notice is durable; care tasks open for children who need it',
        schema: noticeView,
      },
      errors: [ErrorCode.IdempotencyKeyReused, ErrorCode.DependencyUnavailable],
      idempotencyKey: true,
    },
    async ({ body, actor, req, res }) => {
      const agency = await findAgency(actor.agencyCode);
      if (!agency) throw new AppError(ErrorCode.Forbidden, 'Not permitted');
      let pack: PolicyPack | undefined;
      try {
        pack = loadPolicyPack(body.policyPackId);
      } catch (err) {
        if (!(err instanceof UnknownPolicyPackError)) throw err;
      }
      // Police always; the executing organs where the pack names them (CN 三(四) "办案机关及执行机关").
      const filers = new Set<string>([...POLICE_TYPES, ...(pack?.detentionNotice?.filedBy ?? [])]);
      if (!filers.has(agency.type)) throw new AppError(ErrorCode.Forbidden, 'Not permitted');
      const key = requireIdempotencyKey(req);
      if (!pack) throw validationError([{ field: 'policyPackId', message: 'is not a known policy pack' }]);
      const districtCode = pack.district.code;
      const agencies = await responsibleAgencies({ districtCode, streetCode: body.place.streetCode });
      if (!agencies.street_office) {
        throw validationError([{ field: 'place.streetCode', message: `is not a street of ${pack.district.name.en}` }]);
      }
      const noticeId = intakeKey(actor.userId, `detention:${key}`).key;
      const input: DetentionNoticeInput = {
        noticeId,
        detainingAgencyId: actor.agencyCode,
        detainedPersonRef: body.detainedPersonRef,
        detainedAt: new Date(body.detainedAt).toISOString(),
        minorChildren: [],
        children: body.children,
        place: {
          districtCode,
          streetCode: body.place.streetCode,
          ...(body.place.address ? { address: body.place.address } : {}),
        },
        // By reference: the workflows read the rules from the bundled pack file (workflows/packs.ts).
        pack: { id: pack.id, version: pack.version },
        agencies,
      };
      await startIdempotently(deps.temporal, {
        workflow: detentionNoticeWorkflow,
        workflowId: detentionWorkflowId(noticeId),
        taskQueue: deps.taskQueue,
        args: [input],
        fingerprint: requestFingerprint(body),
      });
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'detention_notice.filed',
        reason: noticeId,
        requestId: req.requestId,
      });
      res.setHeader('Location', `/api/v1/detention-notices/${noticeId}`);
      return { noticeId, childrenNeedingCare: body.children.filter((c) => c.needsEntrustedCare).length };
    },
  );

  return api.router;
}
