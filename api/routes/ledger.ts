/**
 * The street ledger (台账, issue #18 items 1, 3, 4; CN 五(一), FT 三(一)1, 三(二)2, 三(三)1): enrol a child without a
 * report, the ledger list within the caller's reach, a child's ledger page and its corrections, visits recorded on a
 * phone, transfers to another street or district, visit compliance and the XLSX export.
 *
 * Who: the committee's child welfare supervisor (the committee agency's account) its committee's ledger, the street
 * office's staff and the street coordinator the street's, the district coordinator the district's (ledgerReachOf).
 * Anyone else is refused (403); a child outside the caller's reach answers 404 like one that does not exist.
 *
 * Temporal down: the enrolment (or a change) is written to the child's file with `ledger.monitoringPending` set
 * before the monitoring workflow is started (or signalled) and cleared after; when Temporal cannot be reached the
 * answer still carries the enrolment (`monitoring: 'pending'`) and the reconciler starts the workflow once Temporal is
 * back (resumePendingLedgerMonitoring) — written and retried durably, never half-done silently. A visit goes through
 * the workflow itself, so with Temporal down it is 503 and nothing is written.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, ErrorCode, validationError, type FieldError } from '../../common/errors';
import { residentIdBirthDate } from '../../contracts/text';
import {
  complianceView,
  enrolBody,
  enrolResult,
  ledgerChildParams,
  ledgerChildView,
  ledgerList,
  ledgerListQuery,
  ledgerPatchBody,
  transferBody,
  transferResult,
  visitBody,
  visitResult,
} from '../../contracts/ledger';
import { startLedgerMonitoring, tellLedgerChanged } from '../../activities/ledger';
import { committeeKnown, findAgency, streetKnown } from '../../models/agency-directory';
import { findCaseInScope } from '../../models/case-repository';
import type { ChildRecord } from '../../models/child';
import type { ChildRepository } from '../../models/child-repository';
import type { IdentityCrypto } from '../../models/identity-crypto';
import {
  createLedgerRepository,
  getLedgerChild,
  LedgerConflictError,
  readLedgerCompliance,
  ledgerReachOf,
  listLedger,
  openCaseSummaryOfChild,
  setMonitoringPending,
  transferLedgerEntry,
  updateLedgerEntry,
  withinReach,
  type LedgerActor,
  type LedgerFacts,
  type LedgerReach,
} from '../../models/ledger-repository';
import type { PolicyPack } from '../../policies/schema';
import { intakeWorkflow } from '../../workflows/intake.workflow';
import { intakeWorkflowId, type IntakeInput } from '../../workflows/definitions';
import {
  LedgerRejection,
  ledgerWorkflowId,
  recordLedgerVisitUpdate,
  type LedgerVisitReport,
} from '../../workflows/ledger.definitions';
import { isDependencyDown } from '../dependency-errors';
import type { Actor } from '../auth/actor';
import { CASE_WORKER_ROLES } from '../auth/roles';
import type { AuditSink } from '../auth/audit';
import { scopeOf } from '../auth/scope';
import { createApiRouter } from '../http/api-router';
import { intakeKey, requestFingerprint, startIdempotently } from '../intake/receipts';
import { routeReport } from '../intake/routing';
import { beijingToday } from '../screening/rows';
import { CONTENT_TYPE, writeSheet } from '../read-models/exports';
import {
  complianceViewOf,
  ledgerChildViewOf,
  ledgerNames,
  ledgerPackOf,
  ledgerRowOf,
  ledgerSheet,
} from '../read-models/ledger';

/** Who keeps the ledger: committee and street office staff (agency accounts), street and district coordinators. */
const LEDGER_ROLES = ['agency_staff', 'agency_supervisor', 'street_coordinator', 'district_coordinator'] as const;
/** The most rows one export carries (the whole ledger of a street is a few thousand children). */
export const LEDGER_EXPORT_LIMIT = 20_000;

export interface LedgerRouterDependencies {
  temporal: Client;
  taskQueue: string;
  authenticate: RequestHandler;
  audit: AuditSink;
  children: Pick<ChildRepository, 'findOrCreateChildFile' | 'lookUpChildFiles' | 'findChildByIdNumber'>;
  identity: Pick<IdentityCrypto, 'decrypt'>;
  now?: () => Date;
}

const notFound = () => new AppError(ErrorCode.NotFound, 'No such child on your ledger');

/** The caller's reach over the ledger; none (a police officer, a school) is refused outright. */
async function reachOf(actor: Actor): Promise<Exclude<LedgerReach, { kind: 'none' }>> {
  const scope = scopeOf(actor);
  const agency = scope.kind === 'agency' ? await findAgency(actor.agencyCode) : null;
  const reach = ledgerReachOf(scope, agency);
  if (reach.kind === 'none')
    throw new AppError(
      ErrorCode.Forbidden,
      "Only the committee, the street office and the coordinators keep a street's ledger",
    );
  return reach;
}

const actorOf = (actor: Actor): LedgerActor => ({
  kind: 'user',
  id: actor.userId,
  role: actor.role,
  agencyCode: actor.agencyCode,
});

/** Every category and benefit code the district's pack does not know, named by its field. */
function unknownCodes(
  pack: PolicyPack,
  body: { categories?: readonly string[] | undefined; benefits?: readonly string[] | undefined },
): FieldError[] {
  const fields: FieldError[] = [];
  const categories = new Set(pack.categories.map((c) => c.code));
  const benefits = new Set(pack.benefits.map((b) => b.code));
  body.categories?.forEach((code, i) => {
    if (!categories.has(code)) fields.push({ field: `categories.${i}`, message: `is not a category of ${pack.id}` });
  });
  body.benefits?.forEach((code, i) => {
    if (!benefits.has(code)) fields.push({ field: `benefits.${i}`, message: `is not a benefit of ${pack.id}` });
  });
  return fields;
}

/** The ledger place of an enrolment: within the caller's reach and in the directory, every problem named. */
async function placeWithin(
  reach: Exclude<LedgerReach, { kind: 'none' }>,
  given: { streetCode: string; committeeCode?: string | undefined },
  fields: FieldError[],
): Promise<{ districtCode: string; streetCode: string; committeeCode?: string } | undefined> {
  const { districtCode } = reach;
  // A committee's supervisor enrols on their own committee's ledger; omitting it means theirs.
  const committeeCode = given.committeeCode ?? (reach.kind === 'committee' ? reach.committeeCode : undefined);
  if (reach.kind !== 'district' && given.streetCode !== reach.streetCode) {
    fields.push({ field: 'place.streetCode', message: 'is not your street' });
    return undefined;
  }
  if (reach.kind === 'committee' && committeeCode !== reach.committeeCode) {
    fields.push({ field: 'place.committeeCode', message: 'is not your committee' });
    return undefined;
  }
  if (!(await streetKnown(districtCode, given.streetCode))) {
    fields.push({ field: 'place.streetCode', message: 'is not a street or township of your district' });
    return undefined;
  }
  if (committeeCode && !(await committeeKnown(districtCode, given.streetCode, committeeCode))) {
    fields.push({ field: 'place.committeeCode', message: 'is not a committee of that street' });
    return undefined;
  }
  return { districtCode, streetCode: given.streetCode, ...(committeeCode ? { committeeCode } : {}) };
}

/** A stored date as the day it names (YYYY-MM-DD), or undefined. */
const dayOf = (at: Date | string | null | undefined) => (at ? new Date(at).toISOString().slice(0, 10) : undefined);

/**
 * The paper ledger's last visit (上次走访日期) must have happened: not after today in Beijing time (the districts' day)
 * and not before the child was born (the date given, else the one in the ID number).
 */
function paperVisitProblems(
  lastVisitedOn: string,
  child: { idNumber: string; dateOfBirth?: string | undefined },
  at: Date,
): FieldError[] {
  if (lastVisitedOn > beijingToday(at)) return [{ field: 'lastVisitedOn', message: 'lies in the future' }];
  const born = child.dateOfBirth ?? residentIdBirthDate(child.idNumber);
  if (born && lastVisitedOn < born)
    return [{ field: 'lastVisitedOn', message: `lies before the child's date of birth (${born})` }];
  return [];
}

/** The Temporal failure type of a rejected update (its ApplicationFailure), if any. */
function rejectionOf(err: unknown): { type: string; message: string } | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  return cause instanceof ApplicationFailure && cause.type ? { type: cause.type, message: cause.message } : undefined;
}

export function createLedgerRouter(deps: LedgerRouterDependencies): Router {
  const api = createApiRouter({ tag: 'ledger', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());
  const ledger = createLedgerRepository({ children: deps.children });

  /** The child on the caller's ledger; outside the reach (or sealed) it answers 404 like no child at all. */
  async function reachableChild(actor: Actor, childId: string) {
    const reach = await reachOf(actor);
    const child = await getLedgerChild(childId);
    if (!child || child.mergedInto || child.flags?.recordSealed || !withinReach(reach, child)) throw notFound();
    return { reach, child };
  }

  /**
   * Runs a call to the child's monitoring workflow with the pending mark set around it: when Temporal cannot be
   * reached the mark stays and the reconciler makes the call later. Answers whether the call went through now.
   */
  async function toMonitoring(childId: string, call: () => Promise<unknown>): Promise<'started' | 'pending'> {
    await setMonitoringPending(childId, true);
    try {
      await call();
    } catch (err) {
      if (isDependencyDown(err)) return 'pending';
      throw err;
    }
    await setMonitoringPending(childId, false);
    return 'started';
  }

  /** The child's open case for the page: named by number and stage; its id only when the reader may open it. */
  async function openCaseFor(actor: Actor, child: ChildRecord) {
    const open = await openCaseSummaryOfChild(child._id);
    if (!open) return null;
    const { workflowId, ...named } = open;
    const readable =
      (CASE_WORKER_ROLES as readonly string[]).includes(actor.role) &&
      (await findCaseInScope(scopeOf(actor), workflowId)) !== null;
    return readable ? { ...named, caseId: workflowId } : named;
  }

  async function childView(actor: Actor, child: ChildRecord) {
    // A transfer from another district names that district's street and committee too (names, never codes).
    const transferred = (child.ledger!.transfers ?? []).flatMap((t) => [t.from.districtCode, t.to.districtCode]);
    const [names, openCase] = await Promise.all([
      ledgerNames([child.ledger!.place.districtCode, ...transferred]),
      openCaseFor(actor, child),
    ]);
    return ledgerChildViewOf(child, names, now(), openCase);
  }

  async function recordRead(actor: Actor, req: Parameters<RequestHandler>[0], childId: string, via: string) {
    await deps.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      action: 'child_file.read',
      childId,
      reason: `ledger: ${via}`,
      requestId: req.requestId,
    });
  }

  api.route(
    {
      method: 'post',
      path: '/children',
      summary: "Enrol a child on my street's ledger (台账), without a report",
      description:
        'One file per child: the same child enrolled again is the same file (200, facts updated). A child already on ' +
        "another street's ledger is 409: that street transfers it. Starts the child's visit monitoring; when Temporal " +
        "cannot be reached the enrolment is kept and `monitoring` is 'pending' (started by the reconciler). " +
        "`lastVisitedOn` (上次走访日期, the street's paper ledger): the first visit is due that day plus the child's " +
        'interval (at once overdue, and the street told, when that has passed); 400 when it is after today or before ' +
        'the date of birth; 409 for a child already on this ledger whose recorded last visit is another day.',
      roles: LEDGER_ROLES,
      request: { body: enrolBody },
      response: { status: 201, description: 'Enrolled', schema: enrolResult },
      errors: [ErrorCode.Conflict, ErrorCode.DependencyUnavailable],
    },
    async ({ actor, body, res }) => {
      const reach = await reachOf(actor);
      const pack = ledgerPackOf(reach.districtCode);
      if (!pack) throw new AppError(ErrorCode.Forbidden, 'Your district has no policy pack');
      const fields = unknownCodes(pack, body);
      if (body.lastVisitedOn) fields.push(...paperVisitProblems(body.lastVisitedOn, body.child, now()));
      const place = await placeWithin(reach, body.place, fields);
      if (fields.length || !place) throw validationError(fields);

      const existing = await deps.children.findChildByIdNumber(body.child.idNumber);
      const onOther = (c: ChildRecord | null) =>
        c?.ledger &&
        (c.ledger.place.districtCode !== place.districtCode || c.ledger.place.streetCode !== place.streetCode);
      const otherLedger = () =>
        new AppError(
          ErrorCode.Conflict,
          "The child is on another street's ledger: that street transfers the child to yours (POST /ledger/children/:childId/transfer)",
          { field: 'child.idNumber' },
        );
      if (onOther(existing)) throw otherLedger();
      // The schedule of a child already on this ledger counts from its own last visit: a paper date does not move it.
      const movesSchedule = (c: ChildRecord | null) =>
        body.lastVisitedOn !== undefined && !!c?.ledger && dayOf(c.ledger.lastVisitAt) !== body.lastVisitedOn;
      const alreadyOnLedger = () =>
        new AppError(
          ErrorCode.Conflict,
          'The child is already on this ledger: its visits count from the last one recorded here; record the visit on its ledger page instead',
          { field: 'lastVisitedOn' },
        );
      if (movesSchedule(existing)) throw alreadyOnLedger();

      const facts: LedgerFacts = {
        categories: body.categories,
        leftBehind: body.leftBehind,
        ...(body.riskLevel ? { riskLevel: body.riskLevel } : {}),
        ...(body.benefits ? { benefits: body.benefits } : {}),
        ...(body.child.school ? { school: { name: body.child.school } } : {}),
        ...(body.guardians ? { guardians: body.guardians } : {}),
        ...(body.arrangement
          ? {
              arrangement: {
                ...body.arrangement,
                since: body.arrangement.since ? new Date(`${body.arrangement.since}T00:00:00Z`) : undefined,
              },
            }
          : {}),
      };
      if (facts.arrangement && facts.arrangement.since === undefined) delete facts.arrangement.since;
      const result = await ledger.enrolOnLedger({
        identity: {
          idNumber: body.child.idNumber,
          name: body.child.name,
          sex: body.child.sex,
          ...(body.child.dateOfBirth ? { dateOfBirth: new Date(`${body.child.dateOfBirth}T00:00:00Z`) } : {}),
          districtCode: place.districtCode,
          residence: place,
          ...(body.child.school ? { school: { name: body.child.school } } : {}),
          ...(body.guardians ? { guardians: body.guardians } : {}),
        },
        place,
        source: reach.kind === 'committee' ? 'committee' : 'street',
        by: actorOf(actor),
        reason: 'enrolled on the ledger',
        ...(body.lastVisitedOn ? { lastVisitedOn: new Date(`${body.lastVisitedOn}T00:00:00Z`) } : {}),
        ...facts,
      });
      // Another request put the child on another ledger in between: that one stands.
      if (result.onOtherLedger) throw otherLedger();
      if (!result.enrolled && movesSchedule(result.child)) throw alreadyOnLedger();

      const monitoring = await toMonitoring(result.childId, () =>
        startLedgerMonitoring(deps.temporal, deps.taskQueue, {
          childId: result.childId,
          districtCode: place.districtCode,
        }),
      );
      const answer = {
        childId: result.childId,
        fileCreated: result.fileCreated,
        enrolled: result.enrolled,
        monitoring,
        version: result.child.ledger?.version ?? 1,
      };
      res.setHeader('Location', `/api/v1/ledger/children/${result.childId}`);
      if (!result.enrolled) {
        res.status(200).json(enrolResult.parse(answer));
      }
      return answer;
    },
  );

  api.route(
    {
      method: 'get',
      path: '/children',
      summary: 'The ledger within my reach: filter by street, committee, category, left-behind, risk, overdue visit',
      description: 'The most overdue visit first. Streets, committees and categories by name.',
      roles: LEDGER_ROLES,
      request: { query: ledgerListQuery },
      response: { status: 200, description: 'One page of the ledger', schema: ledgerList },
    },
    async ({ actor, query }) => {
      const reach = await reachOf(actor);
      const at = now();
      const { items, total, overdue } = await listLedger(
        reach,
        {
          ...(query.street ? { streetCode: query.street } : {}),
          ...(query.committee ? { committeeCode: query.committee } : {}),
          ...(query.category ? { category: query.category } : {}),
          ...(query.leftBehind ? { leftBehind: query.leftBehind === 'true' } : {}),
          ...(query.risk ? { riskLevel: query.risk } : {}),
          ...(query.overdue ? { overdue: true } : {}),
        },
        { page: query.page, limit: query.limit },
        at,
      );
      const names = await ledgerNames(items.map((c) => c.ledger!.place.districtCode));
      return { items: items.map((c) => ledgerRowOf(c, names, at)), total, overdueTotal: overdue, page: query.page };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/children/:childId',
      summary: "A child's ledger page: family, arrangement, visit schedule, visits and transfers",
      description: "Audited read. A child outside the caller's reach answers 404, like one that does not exist.",
      roles: LEDGER_ROLES,
      request: { params: ledgerChildParams },
      response: { status: 200, description: "The child's ledger page", schema: ledgerChildView },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, req }) => {
      const { child } = await reachableChild(actor, params.childId);
      await recordRead(actor, req, params.childId, 'ledger page');
      return childView(actor, child);
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/children/:childId',
      summary:
        "Correct a child's ledger facts (categories, left-behind, risk, guardians, arrangement, school, benefits)",
      description:
        'Send the `version` you read: a stale one is 409 (read again). The monitoring workflow recomputes the visit ' +
        'interval (ledgerChanged).',
      roles: LEDGER_ROLES,
      request: { params: ledgerChildParams, body: ledgerPatchBody },
      response: { status: 200, description: "The child's ledger page, changed", schema: ledgerChildView },
      errors: [ErrorCode.NotFound, ErrorCode.Conflict],
    },
    async ({ actor, params, body, req }) => {
      const { child } = await reachableChild(actor, params.childId);
      const pack = ledgerPackOf(child.ledger!.place.districtCode);
      const fields = pack ? unknownCodes(pack, body) : [];
      if (fields.length) throw validationError(fields);
      const { version, school, arrangement, ...rest } = body;
      const facts: LedgerFacts = {
        ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
        ...(school
          ? { school: { ...(child.school?.agencyCode ? { agencyCode: child.school.agencyCode } : {}), name: school } }
          : {}),
        ...(arrangement
          ? {
              arrangement: {
                caregiverName: arrangement.caregiverName,
                relation: arrangement.relation,
                ...(arrangement.phone ? { phone: arrangement.phone } : {}),
                ...(arrangement.since ? { since: new Date(`${arrangement.since}T00:00:00Z`) } : {}),
                ...(arrangement.parentsWorkplace ? { parentsWorkplace: arrangement.parentsWorkplace } : {}),
                ...(arrangement.parentsPhone ? { parentsPhone: arrangement.parentsPhone } : {}),
              },
            }
          : {}),
      };
      let updated;
      try {
        updated = await updateLedgerEntry(params.childId, facts, actorOf(actor), {
          expectedVersion: version,
          reason: 'ledger facts corrected',
        });
      } catch (err) {
        if (err instanceof LedgerConflictError)
          throw new AppError(ErrorCode.Conflict, 'The ledger entry changed since you read it: read it again', {
            field: 'version',
            version: child.ledger!.version,
          });
        throw err;
      }
      if (updated.changed) {
        await toMonitoring(params.childId, () =>
          tellLedgerChanged(deps.temporal, deps.taskQueue, {
            childId: params.childId,
            districtCode: updated.child.ledger!.place.districtCode,
          }),
        );
      }
      await recordRead(actor, req, params.childId, 'ledger page (after a change)');
      return childView(actor, updated.child);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/children/:childId/visits',
      summary: 'Record a visit (present, guardian present, arrangement adequate, needs, new concern) from a phone',
      description:
        'Send an Idempotency-Key (reused on retry); without one the visit is keyed by its visitor, child and time. ' +
        'The same visit sent twice is one visit. A new concern opens a report through the ordinary intake (its ' +
        'receipt is returned); an inadequate arrangement opens a committee task. 409 while a case is open for the ' +
        "child (the case's visits run).",
      roles: LEDGER_ROLES,
      request: { params: ledgerChildParams, body: visitBody },
      response: { status: 201, description: 'Recorded', schema: visitResult },
      errors: [ErrorCode.NotFound, ErrorCode.Conflict, ErrorCode.DependencyUnavailable],
    },
    async ({ actor, params, body, req }) => {
      const { child } = await reachableChild(actor, params.childId);
      const at = now();
      const fields: FieldError[] = [];
      if (new Date(body.visitedAt).getTime() > at.getTime() + 60_000)
        fields.push({ field: 'visitedAt', message: 'lies in the future' });
      if (body.newConcern && !body.concern)
        fields.push({ field: 'concern', message: 'is required with a new concern (what was seen)' });
      if (!body.newConcern && body.concern)
        fields.push({ field: 'concern', message: 'is only sent with newConcern: true' });
      const place = child.ledger!.place;
      const pack = ledgerPackOf(place.districtCode);
      if (pack && body.concern) {
        const known = new Set(pack.concernTypes.map((c) => c.code));
        body.concern.concerns.forEach((code, i) => {
          if (!known.has(code))
            fields.push({ field: `concern.concerns.${i}`, message: `is not a concern type of ${pack.id}` });
        });
      }
      const key = req.get('idempotency-key');
      if (key !== undefined && !/^[A-Za-z0-9_-]{8,128}$/.test(key))
        fields.push({ field: 'Idempotency-Key', message: 'must be 8-128 letters, digits, "-" or "_"' });
      if (fields.length) throw validationError(fields);
      // The visit's identity: the visitor's key, or the visitor, child and time of the visit.
      const visitId = createHash('sha256')
        .update(`childsafe-ledger-visit\0${actor.userId}\0${params.childId}\0${key ?? body.visitedAt}`)
        .digest('hex')
        .slice(0, 32);

      const visit: LedgerVisitReport = {
        visitId,
        visitedAt: new Date(body.visitedAt).toISOString(),
        visitor: { userId: actor.userId, role: actor.role, agencyCode: actor.agencyCode },
        childPresent: body.childPresent,
        guardianPresent: body.guardianPresent,
        arrangementAdequate: body.arrangementAdequate,
        needs: body.needs,
        newConcern: body.newConcern,
        ...(body.note ? { note: body.note } : {}),
      };
      const handle = deps.temporal.workflow.getHandle(ledgerWorkflowId(params.childId));
      const record = () => handle.executeUpdate(recordLedgerVisitUpdate, { args: [visit] });
      let view;
      try {
        try {
          view = await record();
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          // Monitoring not started yet (an enrolment while Temporal was down): start it, then record.
          await startLedgerMonitoring(deps.temporal, deps.taskQueue, {
            childId: params.childId,
            districtCode: place.districtCode,
          });
          await setMonitoringPending(params.childId, false);
          view = await record();
        }
      } catch (err) {
        const rejection = rejectionOf(err);
        if (rejection?.type === LedgerRejection.CaseOpen)
          throw new AppError(ErrorCode.Conflict, "The child's case is open: its visits are recorded on the case", {
            rejection: rejection.type,
          });
        if (rejection?.type === LedgerRejection.InvalidVisit)
          throw validationError([{ field: 'visitedAt', message: rejection.message }]);
        throw err;
      }
      // A new concern is a report like any other (CN 四(一)): the same durable receipt path as POST /reports, keyed
      // by the visit, so a retried visit is one report. Filed after the visit is recorded: the case it opens pauses
      // the ledger's visits, and a retry of this visit is still answered (the workflow remembers its id).
      let report: { receipt: string; status: string } | null = null;
      if (body.newConcern && body.concern && pack) {
        report = await fileConcern(actor, child, pack, body, visitId, at, req.requestId);
      }

      return {
        visitId,
        visitNo: view.visitNo - 1,
        nextVisitDue: view.dueAt ?? null,
        committeeTaskIds: visit.arrangementAdequate ? [] : view.committeeTaskIds.slice(-1),
        report,
      };
    },
  );

  /** Files the visit's new concern through the intake, as the visitor, for this child at the ledger's place. */
  async function fileConcern(
    actor: Actor,
    child: ChildRecord,
    pack: PolicyPack,
    body: { visitedAt: string; concern?: { concerns: string[]; account: string } | undefined },
    visitId: string,
    at: Date,
    requestId: string,
  ): Promise<{ receipt: string; status: string }> {
    const place = child.ledger!.place;
    const where = {
      districtCode: place.districtCode,
      streetCode: place.streetCode,
      ...(place.committeeCode ? { committeeCode: place.committeeCode } : {}),
    };
    const routing = await routeReport(pack, { incident: where, longTermResidence: where });
    const { key, receipt } = intakeKey(actor.userId, `ledger-visit-${visitId}`);
    const agency = await findAgency(actor.agencyCode);
    const idNumber = child.idNumberSealed ? deps.identity.decrypt(child.idNumberSealed) : undefined;
    const input: IntakeInput = {
      submission: {
        idempotencyKey: key,
        receipt,
        child: {
          name: child.name,
          ...(child.sex === 'male' || child.sex === 'female' ? { sex: child.sex } : {}),
          ...(child.dateOfBirth ? { dateOfBirth: new Date(child.dateOfBirth).toISOString().slice(0, 10) } : {}),
          ...(idNumber ? { idNumber } : {}),
          ...(child.school?.name ? { school: child.school.name } : {}),
          leftBehind: child.flags?.leftBehind ?? false,
          residence: { ...where, ...(child.residence?.address ? { address: child.residence.address } : {}) },
        },
        reporter: {
          unitId: actor.agencyCode,
          unitType: agency?.type ?? 'street_office',
          staffId: actor.userId,
          unitName: agency?.name.zh ?? actor.agencyCode,
        },
        place: where,
        concerns: body.concern!.concerns,
        discoveredAt: new Date(body.visitedAt).toISOString(),
        receivedAt: at.toISOString(),
        leftBehind: child.flags?.leftBehind ?? false,
        narrative: `走访发现（台账走访 ${visitId.slice(0, 8)}）：${body.concern!.account}`,
        // As for any report: the intake's first activity writes 'report.filed' from this, once, durable with the start.
        filed: { actorRole: actor.role, requestId },
      },
      pack: { id: pack.id, version: pack.version },
      agencies: routing.agencies,
      ongoingAgencies: routing.ongoingAgencies,
      fallbackAgencies: routing.fallbackAgencies,
      caseJurisdiction: routing.caseJurisdiction,
      fileInOneStep: true,
    };
    await startIdempotently(deps.temporal, {
      workflow: intakeWorkflow,
      workflowId: intakeWorkflowId(key),
      taskQueue: deps.taskQueue,
      args: [input],
      fingerprint: requestFingerprint({ childId: String(child._id), visitId, concern: body.concern }),
    });
    return { receipt, status: 'received' };
  }

  api.route(
    {
      method: 'post',
      path: '/children/:childId/transfer',
      summary: 'Transfer the child to the ledger of another street or district (the child moved): moved, not copied',
      description:
        'The new street sees the child, the old one no longer does; the monitoring workflow recomputes the visits.',
      roles: LEDGER_ROLES,
      request: { params: ledgerChildParams, body: transferBody },
      response: { status: 200, description: 'Transferred', schema: transferResult },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, body }) => {
      await reachableChild(actor, params.childId);
      const fields: FieldError[] = [];
      if (!(await streetKnown(body.districtCode, body.streetCode)))
        fields.push({ field: 'streetCode', message: 'is not a street or township of that district' });
      else if (body.committeeCode && !(await committeeKnown(body.districtCode, body.streetCode, body.committeeCode)))
        fields.push({ field: 'committeeCode', message: 'is not a committee of that street' });
      if (fields.length) throw validationError(fields);
      const to = {
        districtCode: body.districtCode,
        streetCode: body.streetCode,
        ...(body.committeeCode ? { committeeCode: body.committeeCode } : {}),
      };
      const moved = await transferLedgerEntry(params.childId, to, actorOf(actor), body.reason);
      if (moved.changed) {
        await toMonitoring(params.childId, () =>
          tellLedgerChanged(deps.temporal, deps.taskQueue, { childId: params.childId, districtCode: to.districtCode }),
        );
      }
      const names = await ledgerNames([to.districtCode]);
      return {
        childId: params.childId,
        changed: moved.changed,
        districtCode: to.districtCode,
        streetCode: to.streetCode,
        streetName: names.street(to.districtCode, to.streetCode),
        committeeCode: to.committeeCode ?? null,
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/compliance',
      summary: 'Visit compliance per committee, and the ledger by category and by street, within my reach',
      roles: LEDGER_ROLES,
      request: {},
      response: { status: 200, description: 'The coordinator dashboard figures', schema: complianceView },
    },
    async ({ actor }) => {
      const reach = await reachOf(actor);
      // The district's snapshot (one document by _id, recomputed every minute), counted now before its first.
      const { data, asOf } = await readLedgerCompliance(reach, now());
      return {
        ...complianceViewOf(data, reach.districtCode, await ledgerNames([reach.districtCode])),
        asOf: asOf.toISOString(),
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/export.xlsx',
      summary: 'The ledger within my reach as XLSX (Chinese headers with English alongside, names not codes)',
      description: `The list's filters, every page at once (at most ${LEDGER_EXPORT_LIMIT} children). Audited.`,
      roles: LEDGER_ROLES,
      request: { query: ledgerListQuery.omit({ page: true, limit: true }) },
      response: { status: 200, description: 'The file (attachment)' },
    },
    async ({ actor, query, req, res }) => {
      const reach = await reachOf(actor);
      const at = now();
      const filters = {
        ...(query.street ? { streetCode: query.street } : {}),
        ...(query.committee ? { committeeCode: query.committee } : {}),
        ...(query.category ? { category: query.category } : {}),
        ...(query.leftBehind ? { leftBehind: query.leftBehind === 'true' } : {}),
        ...(query.risk ? { riskLevel: query.risk } : {}),
        ...(query.overdue ? { overdue: true } : {}),
      };
      const { items, total } = await listLedger(reach, filters, { page: 1, limit: LEDGER_EXPORT_LIMIT }, at);
      if (total > LEDGER_EXPORT_LIMIT)
        throw validationError([{ field: 'query', message: `at most ${LEDGER_EXPORT_LIMIT} children per export` }]);
      const names = await ledgerNames(items.map((c) => c.ledger!.place.districtCode));
      const file = await writeSheet(ledgerSheet(items.map((c) => ledgerRowOf(c, names, at))), 'xlsx');
      const described =
        Object.entries(filters)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ') || 'none';
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'ledger.export',
        reason: `xlsx: ${items.length} children; filters ${described}`,
        requestId: req.requestId,
      });
      res
        .status(200)
        .set('Content-Type', CONTENT_TYPE.xlsx)
        .set('Content-Disposition', `attachment; filename="ledger-${at.toISOString().slice(0, 10)}.xlsx"`)
        .set('Cache-Control', 'no-store')
        .send(file);
    },
  );

  return api.router;
}
