/**
 * Mandatory reports (强制报告, CN 四(一), FT 三(二)4). Filing validates, authorises and starts the intake workflow
 * with an id derived from the filer and the Idempotency-Key: once Temporal has accepted the start the report is
 * durable (in encrypted history) and the answer is 202 with the receipt. The API writes nothing itself (the filing's
 * audit record is written by the intake's first activity, from who filed it as carried in the intake input); if
 * Temporal or the directory cannot be reached the answer is 503 and nothing was written.
 */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { AppError, ErrorCode, validationError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { childPlace, myReportView, receiptView, reportBody, type ReportBody } from '../../contracts/reports';
import { reportFiledBy, reportsFiledBy } from '../../models/report-repository';
import { committeeKnown, districtKnown, streetKnown } from '../../models/agency-directory';
import type { Place } from '../../policies/jurisdiction';
import { loadPolicyPack, UnknownPolicyPackError } from '../../policies';
import type { PolicyPack } from '../../policies/schema';
import { intakeWorkflow } from '../../workflows/intake.workflow';
import { intakeWorkflowId, type IntakeInput, type ReportSubmission } from '../../workflows/definitions';
import { createApiRouter } from '../http/api-router';
import { rateLimit, type RateLimitStore } from '../http/rate-limit';
import { intakeKey, requestFingerprint, requireIdempotencyKey, startIdempotently } from '../intake/receipts';
import { reportStatusOf, REPORT_STATUS_LABELS } from '../intake/report-status';
import { routeReport, type ReportPlaces } from '../intake/routing';

/** Roles that file reports: mandated reporters, and agency staff (police, street offices) who discover a case. */
const FILERS = [
  'mandated_reporter',
  'agency_staff',
  'agency_supervisor',
  'street_coordinator',
  'district_coordinator',
] as const;

export { reportBody, type ReportBody };

export interface ReportRouterDependencies {
  temporal: Client;
  taskQueue: string;
  authenticate: RequestHandler;
  rateLimits: RateLimitStore;
  logger: Logger;
  reportRateLimit?: { limit: number; windowSeconds: number };
  now?: () => Date;
}

/** Cross-field checks against the pack (which concerns and streets exist), every problem named. */
function checkAgainstPack(body: ReportBody, pack: PolicyPack, now: Date): void {
  const fields: { field: string; message: string }[] = [];
  const known = new Set(pack.concernTypes.map((c) => c.code));
  body.concerns.forEach((code, i) => {
    if (!known.has(code)) fields.push({ field: `concerns.${i}`, message: `is not a concern type of ${pack.id}` });
  });
  if (new Date(body.discoveredAt).getTime() > now.getTime() + 60_000) {
    fields.push({ field: 'discoveredAt', message: 'lies in the future' });
  }
  if (body.child.dateOfBirth && new Date(body.child.dateOfBirth).getTime() > now.getTime()) {
    fields.push({ field: 'child.dateOfBirth', message: 'lies in the future' });
  }
  if (fields.length) throw validationError(fields);
}

type PlaceBody = z.infer<typeof childPlace> & { streetCode?: string; committeeCode?: string };

/**
 * Checks every place of the report against the directory (each bad street or committee named) and fills in the
 * district; a street of a district outside the directory cannot be checked and is kept as given.
 */
async function checkPlaces(body: ReportBody, districtCode: string): Promise<ReportPlaces> {
  const fields: { field: string; message: string }[] = [];
  const check = async (field: string, given: PlaceBody | undefined): Promise<Place | undefined> => {
    if (!given) return undefined;
    const district = given.districtCode ?? districtCode;
    const known = await districtKnown(district);
    if (given.committeeCode && !given.streetCode) {
      fields.push({ field: `${field}.streetCode`, message: 'is required with a committee' });
      return undefined;
    }
    if (known && given.streetCode && !(await streetKnown(district, given.streetCode))) {
      fields.push({ field: `${field}.streetCode`, message: 'is not a street or township of that district' });
      return undefined;
    }
    if (known && given.streetCode && given.committeeCode) {
      if (!(await committeeKnown(district, given.streetCode, given.committeeCode))) {
        fields.push({ field: `${field}.committeeCode`, message: 'is not a committee of that street' });
        return undefined;
      }
    }
    return {
      districtCode: district,
      ...(given.streetCode ? { streetCode: given.streetCode } : {}),
      ...(given.committeeCode ? { committeeCode: given.committeeCode } : {}),
    };
  };
  const incident = await check('place', body.place);
  const longTermResidence = await check('child.residence', body.child.residence);
  const householdRegistration = await check('child.householdRegistration', body.child.householdRegistration);
  if (fields.length) throw validationError(fields);
  return {
    incident: incident ?? { districtCode },
    ...(longTermResidence ? { longTermResidence } : {}),
    ...(householdRegistration ? { householdRegistration } : {}),
  };
}

export function createReportRouter(deps: ReportRouterDependencies): Router {
  const api = createApiRouter({ tag: 'reports', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());
  const fileLimit = rateLimit({
    store: deps.rateLimits,
    logger: deps.logger,
    name: 'report',
    // Keyed on the signed-in filer (it runs after authentication). Decided at once: the 202 waits for no counter write,
    // the shared counter is updated behind it and its last-seen count feeds the next decision (api/http/rate-limit.ts
    // says what that guarantees); never refuses a report for a store error of ours.
    decide: 'at-once',
    ...(deps.reportRateLimit ?? { limit: 120, windowSeconds: 60 }),
  });

  api.route(
    {
      method: 'post',
      path: '/',
      summary: 'File a mandatory report',
      description:
        'Send an Idempotency-Key header (a new random value per report, reused on retry): the same key always returns the same receipt and is one report.',
      roles: FILERS,
      request: { body: reportBody },
      response: {
        status: 202,
        description: 'Accepted: the report is durable; the receipt proves it was filed',
        schema: receiptView,
      },
      errors: [ErrorCode.IdempotencyKeyReused, ErrorCode.RateLimited, ErrorCode.DependencyUnavailable],
      idempotencyKey: true,
    },
    async ({ body, actor, req, res }) => {
      const idempotencyKey = requireIdempotencyKey(req);
      let pack: PolicyPack;
      try {
        pack = loadPolicyPack(body.policyPackId);
      } catch (err) {
        if (err instanceof UnknownPolicyPackError)
          throw validationError([{ field: 'policyPackId', message: 'is not a known policy pack' }]);
        throw err;
      }
      const receivedAt = now();
      checkAgainstPack(body, pack, receivedAt);
      const districtCode = pack.district.code;
      const places = await checkPlaces(body, districtCode);
      const routing = await routeReport(pack, places);
      const incident = places.incident;

      const { key, receipt } = intakeKey(actor.userId, idempotencyKey);
      const { residence: _residence, householdRegistration: _registration, ...reportedChild } = body.child;
      const submission: ReportSubmission = {
        idempotencyKey: key,
        receipt,
        child: {
          ...reportedChild,
          leftBehind: body.child.leftBehind ?? false,
          ...(places.longTermResidence
            ? { residence: { ...places.longTermResidence, address: body.child.residence?.address } }
            : {}),
          ...(places.householdRegistration
            ? {
                householdRegistration: {
                  ...places.householdRegistration,
                  address: body.child.householdRegistration?.address,
                },
              }
            : {}),
        },
        reporter: {
          unitId: actor.agencyCode,
          unitType: body.reporterUnit.type,
          staffId: actor.userId,
          unitName: body.reporterUnit.name,
          ...(body.reporterUnit.phone ? { phone: body.reporterUnit.phone } : {}),
        },
        concerns: body.concerns,
        discoveredAt: new Date(body.discoveredAt).toISOString(),
        receivedAt: receivedAt.toISOString(),
        leftBehind: body.child.leftBehind ?? false,
        narrative: body.account,
        place: { ...incident, address: body.place.address },
        // The intake's first activity writes the 'report.filed' audit record from this (once per report, keyed on the
        // idempotency key), so it is as durable as the start and the 202 waits for no audit write.
        filed: { actorRole: actor.role, requestId: req.requestId },
      };
      const input: IntakeInput = {
        submission,
        // By reference: the workflows read the rules from the bundled pack file (workflows/packs.ts).
        pack: { id: pack.id, version: pack.version },
        agencies: routing.agencies,
        ongoingAgencies: routing.ongoingAgencies,
        fallbackAgencies: routing.fallbackAgencies,
        caseJurisdiction: routing.caseJurisdiction,
        fileInOneStep: true,
      };
      // A second submission with the same key is the same report, or a 422 if its body differs.
      await startIdempotently(deps.temporal, {
        workflow: intakeWorkflow,
        workflowId: intakeWorkflowId(key),
        taskQueue: deps.taskQueue,
        args: [input],
        fingerprint: requestFingerprint(body),
      });
      res.setHeader('Location', `/api/v1/reports/${receipt}`);
      return { receipt, status: 'received' as const, statusLabel: REPORT_STATUS_LABELS.received };
    },
    { afterAuthentication: [fileLimit] },
  );

  api.route(
    {
      method: 'get',
      path: '/mine',
      summary: 'My reports and what happened to them',
      description: 'A reporter sees the status of their own reports in plain words, and nothing else about the child.',
      roles: FILERS,
      request: {},
      response: {
        status: 200,
        description: 'My reports, newest first',
        schema: z.object({ items: z.array(myReportView) }),
      },
    },
    async ({ actor }) => {
      const reports = await reportsFiledBy(actor);
      return {
        items: reports.map(({ report: r, caseStage }) => {
          const status = reportStatusOf(caseStage?.stage, caseStage?.attention);
          return {
            receipt: r.receiptNumber,
            filedAt: r.reportedAt.toISOString(),
            concerns: r.concernTypes,
            status,
            statusLabel: REPORT_STATUS_LABELS[status],
          };
        }),
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/:receipt',
      summary: 'The status of one of my reports',
      roles: FILERS,
      request: { params: z.strictObject({ receipt: z.string().regex(/^CS-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/) }) },
      response: { status: 200, description: 'The report', schema: myReportView },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params }) => {
      // Not yet recorded (the intake is a moment behind) and not yours look the same: nothing to show. This route
      // shows the filer's own view (no case scope): the repository finds only the filer's own report.
      const found = await reportFiledBy(actor, params.receipt);
      if (!found) throw new AppError(ErrorCode.NotFound, 'No such report');
      const { report, caseStage } = found;
      const status = reportStatusOf(caseStage?.stage, caseStage?.attention);
      return {
        receipt: report.receiptNumber,
        filedAt: report.reportedAt.toISOString(),
        concerns: report.concernTypes,
        status,
        statusLabel: REPORT_STATUS_LABELS[status],
      };
    },
  );

  return api.router;
}
