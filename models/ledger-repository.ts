/**
 * The street ledger (台账) over the child's file (models/ledger.ts). Enrolment is idempotent by child: the file is found
 * or created by identity (models/child-repository.ts), and a child already on a ledger is updated, never enrolled
 * twice. Every write to one file is serialised by the projection lock (FerretDB v1 does not apply a filter and its
 * update atomically) and bumps the ledger's version; every write is audited with its actor. No transactions.
 */
import { Types } from 'mongoose';
import { appendAudit } from './audit-repository';
import { CaseModel } from './case';
import { ChildModel, type ChildRecord } from './child';
import type { ChildFileLookup, ChildIdentity, ChildRepository } from './child-repository';
import type { RiskLevel } from './common';
import { loadIndicatorSnapshot } from './indicator-snapshot';
import type { LedgerSource } from './ledger';
import { withProjectionLock } from './projection-lock';
import type { Scope } from './scope';

export interface LedgerPlace {
  districtCode: string;
  streetCode: string;
  committeeCode?: string;
}

/** Who writes the ledger: a signed-in person, or a workflow (a screening import, a monitoring workflow). */
export interface LedgerActor {
  kind: 'user' | 'workflow';
  /** The user id, or the workflow id. */
  id: string;
  /** The account's role, or 'system' for a workflow. */
  role: string;
  agencyCode?: string;
}

export interface GuardianshipArrangement {
  caregiverName: string;
  relation: string;
  phone?: string;
  since?: Date;
  parentsWorkplace?: string;
  parentsPhone?: string;
}

/** What the ledger knows about a child besides its identity; every field optional on an update. */
export interface LedgerFacts {
  /** Pack category codes (FT 二(一), CN 一); replaces the file's categories when given. */
  categories?: string[];
  leftBehind?: boolean;
  multipleDifficulty?: boolean;
  /** Written only while no case has graded the child (a case's grading wins). */
  riskLevel?: RiskLevel;
  benefits?: string[];
  school?: { name?: string; agencyCode?: string };
  guardians?: ChildIdentity['guardians'];
  arrangement?: GuardianshipArrangement;
}

export interface LedgerEnrolment extends LedgerFacts {
  identity: ChildIdentity;
  place: LedgerPlace;
  source: LedgerSource;
  by: LedgerActor;
  /** Why, in the audit log (e.g. "screening import 2026-11 row 17"). */
  reason?: string;
  /**
   * The last visit the street's paper ledger records (上次走访日期), kept as the ledger's `lastVisitAt` on a new
   * enrolment only: the monitoring workflow counts the first visit from it. A child already enrolled keeps its own.
   */
  lastVisitedOn?: Date;
}

export interface LedgerEnrolResult {
  childId: string;
  /** A new child file was opened. */
  fileCreated: boolean;
  /** The child was put on a ledger by this call (false: it already was, and the facts were updated). */
  enrolled: boolean;
  /** Whether this call changed anything (false: the same enrolment again). */
  changed: boolean;
  /** The child is on the ledger of another street: it stays there (a move is a transfer, done by a person). */
  onOtherLedger: boolean;
  child: ChildRecord;
}

export class LedgerNotFoundError extends Error {
  override readonly name = 'LedgerNotFoundError';
}

/** Another write changed the entry since the caller read it (version mismatch): read again and retry. */
export class LedgerConflictError extends Error {
  override readonly name = 'LedgerConflictError';
}

const lockKey = (childId: Types.ObjectId | string) => `child:${String(childId)}`;

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The $set of the facts that differ from the file (nothing for facts not given or unchanged). */
function factChanges(child: ChildRecord, facts: LedgerFacts): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  const sorted = (list: string[]) => [...new Set(list)].sort();
  if (facts.categories && !sameJson(sorted(child.categories), sorted(facts.categories)))
    set.categories = sorted(facts.categories);
  if (facts.benefits && !sameJson(sorted(child.benefits), sorted(facts.benefits)))
    set.benefits = sorted(facts.benefits);
  if (facts.leftBehind !== undefined && child.flags?.leftBehind !== facts.leftBehind)
    set['flags.leftBehind'] = facts.leftBehind;
  if (facts.multipleDifficulty !== undefined && child.flags?.multipleDifficulty !== facts.multipleDifficulty)
    set['flags.multipleDifficulty'] = facts.multipleDifficulty;
  if (facts.riskLevel && child.decidedVersion === undefined && child.riskLevel !== facts.riskLevel)
    set.riskLevel = facts.riskLevel;
  if (facts.school && !sameJson(child.school, facts.school)) set.school = facts.school;
  if (facts.guardians) {
    const guardians = facts.guardians.map((g) => ({ ...g, status: g.status ?? 'unknown' }));
    if (!sameJson(child.guardians, guardians)) set.guardians = guardians;
  }
  if (facts.arrangement) {
    const current = child.ledger?.arrangement;
    const next = { ...facts.arrangement, ...(current?.adequate === undefined ? {} : { adequate: current.adequate }) };
    if (!sameJson(current && { ...current }, next)) set['ledger.arrangement'] = next;
  }
  return set;
}

const actorRef = (by: LedgerActor) => ({
  userId: by.id,
  role: by.role,
  ...(by.agencyCode ? { agencyCode: by.agencyCode } : {}),
});

async function readChild(childId: Types.ObjectId): Promise<ChildRecord> {
  const child = await ChildModel.findById(childId).lean<ChildRecord>().exec();
  if (!child) throw new LedgerNotFoundError(`no child file ${String(childId)}`);
  return child;
}

/** The enrolment's audit record, once per child and enrolment (keyed by the enrolment's time). */
async function auditEnrolment(childId: Types.ObjectId, enrolledAt: Date, input: LedgerEnrolment): Promise<void> {
  await appendAudit({
    key: `ledger.enrolled:${String(childId)}:${enrolledAt.getTime()}`,
    actor: { kind: input.by.kind, id: input.by.id },
    action: 'ledger.enrolled',
    childId,
    reason: input.reason,
    at: enrolledAt,
    details: {
      source: input.source,
      ...input.place,
      actorRole: input.by.role,
      ...(input.lastVisitedOn ? { lastVisitedOn: input.lastVisitedOn.toISOString().slice(0, 10) } : {}),
    },
  });
}

function toObjectId(childId: string | Types.ObjectId): Types.ObjectId {
  if (typeof childId !== 'string') return childId;
  if (!Types.ObjectId.isValid(childId)) throw new LedgerNotFoundError(`no child file ${childId}`);
  return new Types.ObjectId(childId);
}

export function createLedgerRepository(deps: {
  children: Pick<ChildRepository, 'findOrCreateChildFile' | 'lookUpChildFiles'>;
}) {
  return {
    /** The files of many children in one query, for enrolOnLedger's `known` (a screening import's chunk). */
    lookUpFiles(identities: ChildIdentity[]): Promise<ChildFileLookup> {
      return deps.children.lookUpChildFiles(identities);
    },

    /**
     * Puts a child on a street's ledger (or updates the facts of a child already on one). Idempotent by child: the
     * same enrolment twice changes nothing the second time; concurrent enrolments of one child enrol it once.
     * `known`: what an earlier look-up of many children (lookUpFiles) found for this one, instead of a look-up here.
     */
    async enrolOnLedger(input: LedgerEnrolment, known?: ChildFileLookup): Promise<LedgerEnrolResult> {
      const { child: found, created } = await deps.children.findOrCreateChildFile(input.identity, known);
      return withProjectionLock(lockKey(found._id), async () => {
        const child = await readChild(found._id);
        const now = new Date();
        const set = factChanges(child, input);
        if (!child.ledger) {
          // The arrangement goes in with the new section, not as a path into a section that does not exist yet.
          const rest = Object.fromEntries(Object.entries(set).filter(([path]) => !path.startsWith('ledger.')));
          await ChildModel.updateOne(
            { _id: child._id },
            {
              $set: {
                ...rest,
                ledger: {
                  place: input.place,
                  status: 'monitoring',
                  source: input.source,
                  enrolledAt: now,
                  enrolledBy: actorRef(input.by),
                  ...(input.arrangement ? { arrangement: input.arrangement } : {}),
                  ...(input.riskLevel ? { riskAtEnrolment: input.riskLevel } : {}),
                  ...(input.lastVisitedOn ? { lastVisitAt: input.lastVisitedOn } : {}),
                  missedVisits: 0,
                  visits: [],
                  transfers: [],
                  version: 1,
                },
              },
              $push: { history: { at: now, event: 'ledger_enrolled', note: input.source } },
            },
          ).exec();
          await auditEnrolment(child._id, now, input);
          return {
            childId: String(child._id),
            fileCreated: created,
            enrolled: true,
            changed: true,
            onOtherLedger: false,
            child: await readChild(child._id),
          };
        }
        const onOtherLedger =
          child.ledger.place.districtCode !== input.place.districtCode ||
          child.ledger.place.streetCode !== input.place.streetCode;
        // The same enrolment again (a retried activity after a crash between the write and its audit): the audit of
        // the enrolment is recorded if it is missing; its key makes it once.
        if (child.ledger.source === input.source && child.ledger.enrolledBy?.userId === input.by.id)
          await auditEnrolment(child._id, new Date(child.ledger.enrolledAt), input);
        if (Object.keys(set).length === 0) {
          return {
            childId: String(child._id),
            fileCreated: created,
            enrolled: false,
            changed: false,
            onOtherLedger,
            child,
          };
        }
        await ChildModel.updateOne(
          { _id: child._id },
          {
            $set: set,
            $inc: { 'ledger.version': 1 },
            $push: { history: { at: now, event: 'ledger_updated', note: input.source } },
          },
        ).exec();
        await appendAudit({
          actor: { kind: input.by.kind, id: input.by.id },
          action: 'ledger.updated',
          childId: child._id,
          reason: input.reason,
          at: now,
          details: { source: input.source, fields: Object.keys(set), actorRole: input.by.role },
        });
        return {
          childId: String(child._id),
          fileCreated: created,
          enrolled: false,
          changed: true,
          onOtherLedger,
          child: await readChild(child._id),
        };
      });
    },
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;

/**
 * Changes the ledger facts of an enrolled child. `expectedVersion`, when given, must be the version the caller read
 * (LedgerConflictError otherwise). Returns the file, unchanged when nothing differs.
 */
export async function updateLedgerEntry(
  childId: string | Types.ObjectId,
  facts: LedgerFacts,
  by: LedgerActor,
  options: { expectedVersion?: number; reason?: string } = {},
): Promise<{ changed: boolean; child: ChildRecord }> {
  const _id = toObjectId(childId);
  return withProjectionLock(lockKey(_id), async () => {
    const child = await readChild(_id);
    if (!child.ledger) throw new LedgerNotFoundError(`child ${String(_id)} is not on a ledger`);
    if (options.expectedVersion !== undefined && child.ledger.version !== options.expectedVersion)
      throw new LedgerConflictError(`ledger entry is at version ${child.ledger.version}`);
    const set = factChanges(child, facts);
    if (Object.keys(set).length === 0) return { changed: false, child };
    const now = new Date();
    await ChildModel.updateOne(
      { _id },
      { $set: set, $inc: { 'ledger.version': 1 }, $push: { history: { at: now, event: 'ledger_updated' } } },
    ).exec();
    await appendAudit({
      actor: { kind: by.kind, id: by.id },
      action: 'ledger.updated',
      childId: _id,
      reason: options.reason,
      at: now,
      details: { fields: Object.keys(set), actorRole: by.role },
    });
    return { changed: true, child: await readChild(_id) };
  });
}

/**
 * Moves the child's ledger entry to another street or district (the child moved): the same file, its place changed,
 * the transfer kept on the entry and in the history, audited. Moved, never copied. A transfer to the place it is
 * already on changes nothing.
 */
export async function transferLedgerEntry(
  childId: string | Types.ObjectId,
  to: LedgerPlace,
  by: LedgerActor,
  reason: string,
): Promise<{ changed: boolean; child: ChildRecord }> {
  const _id = toObjectId(childId);
  return withProjectionLock(lockKey(_id), async () => {
    const child = await readChild(_id);
    if (!child.ledger) throw new LedgerNotFoundError(`child ${String(_id)} is not on a ledger`);
    const from = child.ledger.place;
    if (
      from.districtCode === to.districtCode &&
      from.streetCode === to.streetCode &&
      (from.committeeCode ?? undefined) === to.committeeCode
    )
      return { changed: false, child };
    const now = new Date();
    const fromPlace = {
      districtCode: from.districtCode,
      streetCode: from.streetCode,
      ...(from.committeeCode ? { committeeCode: from.committeeCode } : {}),
    };
    await ChildModel.updateOne(
      { _id },
      {
        $set: {
          'ledger.place': to,
          // The file belongs to the district whose ledger holds it (CN 五(一)); the residence follows the move.
          districtCode: to.districtCode,
          residence: { ...to },
        },
        $inc: { 'ledger.version': 1 },
        $push: {
          'ledger.transfers': { at: now, from: fromPlace, to, by: actorRef(by), reason },
          history: {
            at: now,
            event: 'ledger_transferred',
            note: `${from.districtCode}/${from.streetCode} → ${to.districtCode}/${to.streetCode}`,
          },
        },
      },
    ).exec();
    await appendAudit({
      actor: { kind: by.kind, id: by.id },
      action: 'ledger.transferred',
      childId: _id,
      reason,
      at: now,
      details: { from: fromPlace, to, actorRole: by.role },
    });
    return { changed: true, child: await readChild(_id) };
  });
}

/** The ledger entry of a child (null: no file, or not on a ledger). The caller checks the reader's scope. */
export async function getLedgerChild(childId: string): Promise<ChildRecord | null> {
  if (!Types.ObjectId.isValid(childId)) return null;
  // By _id alone, the ledger checked here: one search of the _id index on any store (`ledger: { $exists: true }`
  // beside it is not an index condition).
  const child = await ChildModel.findById(new Types.ObjectId(childId)).lean<ChildRecord>().exec();
  return child?.ledger ? child : null;
}

/** The children on a ledger among `childIds` (their names and places only), by id; unknown ids are left out. */
export async function getLedgerChildren(childIds: readonly string[]): Promise<ChildRecord[]> {
  const ids = childIds.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
  if (ids.length === 0) return [];
  const found = await ChildModel.find(
    { _id: { $in: ids } },
    { name: 1, 'ledger.place': 1, mergedInto: 1, 'flags.recordSealed': 1 },
  )
    .lean<ChildRecord[]>()
    .exec();
  return found.filter((c) => c.ledger);
}

/**
 * Which ledger entries a reader reaches: a district coordinator the district's, a street coordinator (or the street
 * office's child social worker) the street's, a committee's child welfare supervisor the committee's.
 */
export type LedgerReach =
  | { kind: 'district'; districtCode: string }
  | { kind: 'street'; districtCode: string; streetCode: string }
  | { kind: 'committee'; districtCode: string; streetCode: string; committeeCode: string }
  | { kind: 'none' };

/** The agencies that keep a ledger: a police station sits at the street level too, and keeps none. */
const LEDGER_KEEPERS = {
  committee: ['residents_committee', 'villagers_committee'],
  street_township: ['street_office'],
};

/**
 * The reach of a scope; an agency scope reaches the ledger only through its agency's place in the directory (a
 * committee: its committee; a street office: its street), which the caller looks up.
 */
export function ledgerReachOf(
  scope: Scope,
  agency?: {
    type: string;
    level: string;
    jurisdiction?: { districtCode: string; streetCode?: string | null; committeeCode?: string | null } | null;
  } | null,
): LedgerReach {
  switch (scope.kind) {
    case 'district':
      return { kind: 'district', districtCode: scope.districtCode };
    case 'street':
      return { kind: 'street', districtCode: scope.districtCode, streetCode: scope.streetCode };
    case 'agency': {
      const j = agency?.jurisdiction;
      if (!j?.streetCode) return { kind: 'none' };
      if (agency?.level === 'committee' && LEDGER_KEEPERS.committee.includes(agency.type) && j.committeeCode)
        return {
          kind: 'committee',
          districtCode: j.districtCode,
          streetCode: j.streetCode,
          committeeCode: j.committeeCode,
        };
      if (agency?.level === 'street_township' && LEDGER_KEEPERS.street_township.includes(agency.type))
        return { kind: 'street', districtCode: j.districtCode, streetCode: j.streetCode };
      return { kind: 'none' };
    }
    case 'reporter':
    case 'none':
      return { kind: 'none' };
  }
}

export function ledgerReachFilter(reach: LedgerReach): Record<string, unknown> {
  switch (reach.kind) {
    case 'district':
      return { 'ledger.place.districtCode': reach.districtCode };
    case 'street':
      return { 'ledger.place.districtCode': reach.districtCode, 'ledger.place.streetCode': reach.streetCode };
    case 'committee':
      return {
        'ledger.place.districtCode': reach.districtCode,
        'ledger.place.streetCode': reach.streetCode,
        'ledger.place.committeeCode': reach.committeeCode,
      };
    case 'none':
      return { _id: { $in: [] } };
  }
}

/** Whether a ledger entry is within the reach. */
export function withinReach(reach: LedgerReach, child: ChildRecord): boolean {
  const place = child.ledger?.place;
  if (!place) return false;
  switch (reach.kind) {
    case 'district':
      return place.districtCode === reach.districtCode;
    case 'street':
      return place.districtCode === reach.districtCode && place.streetCode === reach.streetCode;
    case 'committee':
      return (
        place.districtCode === reach.districtCode &&
        place.streetCode === reach.streetCode &&
        place.committeeCode === reach.committeeCode
      );
    case 'none':
      return false;
  }
}

export interface LedgerFilters {
  streetCode?: string;
  committeeCode?: string;
  category?: string;
  leftBehind?: boolean;
  riskLevel?: string;
  /** Only children whose next visit is past due at `now`. */
  overdue?: boolean;
}

export function ledgerListFilter(reach: LedgerReach, filters: LedgerFilters, now: Date): Record<string, unknown> {
  const within = ledgerReachFilter(reach);
  // A filter may narrow the reach, never widen it: a street or committee outside the reach matches nothing.
  const outside = (path: string, value: string | undefined) =>
    value !== undefined && typeof within[path] === 'string' && within[path] !== value;
  if (
    outside('ledger.place.streetCode', filters.streetCode) ||
    outside('ledger.place.committeeCode', filters.committeeCode)
  )
    return { _id: { $in: [] } };
  return {
    ...within,
    ledger: { $exists: true },
    mergedInto: null,
    'flags.recordSealed': { $ne: true },
    ...(filters.streetCode ? { 'ledger.place.streetCode': filters.streetCode } : {}),
    ...(filters.committeeCode ? { 'ledger.place.committeeCode': filters.committeeCode } : {}),
    ...(filters.category ? { categories: filters.category } : {}),
    ...(filters.leftBehind !== undefined ? { 'flags.leftBehind': filters.leftBehind } : {}),
    ...(filters.riskLevel ? { riskLevel: filters.riskLevel } : {}),
    ...(filters.overdue ? { 'ledger.nextVisitDue': { $lt: now } } : {}),
  };
}

/** The ledger list's order (the most overdue visit first) and what a list item leaves out of the child's file. */
export const LEDGER_LIST_ORDER = { 'ledger.nextVisitDue': 1, _id: 1 } as const;
export const LEDGER_LIST_OMITS = { history: 0, 'ledger.visits': 0, 'ledger.transfers': 0, idNumberSealed: 0 } as const;

/**
 * One page of the ledger within reach, the most overdue visit first; `total` counts the children the filters match,
 * `overdue` those of them whose next visit is past due at `now` (what the overdue filter would list), all pages.
 */
export async function listLedger(
  reach: LedgerReach,
  filters: LedgerFilters,
  page: { page: number; limit: number },
  now: Date,
): Promise<{ items: ChildRecord[]; total: number; overdue: number }> {
  const filter = ledgerListFilter(reach, filters, now);
  const skip = (page.page - 1) * page.limit;
  const items = await ChildModel.find(filter)
    .select(LEDGER_LIST_OMITS)
    .sort(LEDGER_LIST_ORDER)
    .skip(skip)
    .limit(page.limit)
    .lean<ChildRecord[]>()
    .exec();
  // A page that is not full is the last one, so the total is known without counting: one query instead of two for a
  // committee's or a small street's ledger.
  // The same for the overdue ones when this one page is the whole list, or when the list is the overdue ones.
  const whole = skip === 0 && items.length < page.limit;
  const total =
    items.length < page.limit && (items.length > 0 || skip === 0)
      ? skip + items.length
      : await ChildModel.countDocuments(filter).exec();
  const overdue = filters.overdue
    ? total
    : whole
      ? items.filter((c) => c.ledger?.nextVisitDue != null && new Date(c.ledger.nextVisitDue) < now).length
      : await ChildModel.countDocuments(ledgerListFilter(reach, { ...filters, overdue: true }, now)).exec();
  return { items, total, overdue };
}

/**
 * Marks that the child's monitoring workflow still has to be started or told of a change (set before the call to
 * Temporal, cleared after it succeeded), so an enrolment or change whose call did not reach Temporal is retried by the
 * reconciler, never lost. The version is not bumped: it is not a fact of the ledger. Under the child's lock, like the
 * workflow's schedule writes (activities/ledger.ts): FerretDB v1 writes the whole document back, so a clearing that
 * raced the schedule a transfer's signal wrote could restore the old interval, or the schedule restore the mark.
 */
export async function setMonitoringPending(childId: string | Types.ObjectId, pending: boolean): Promise<void> {
  const _id = toObjectId(childId);
  await withProjectionLock(lockKey(_id), () =>
    ChildModel.updateOne(
      { _id, ledger: { $exists: true } },
      pending ? { $set: { 'ledger.monitoringPending': true } } : { $unset: { 'ledger.monitoringPending': '' } },
    ).exec(),
  );
}

/** Children whose monitoring workflow still has to be started or told (oldest change first), at most `limit`. */
export async function childrenAwaitingMonitoring(limit: number): Promise<{ childId: string; districtCode: string }[]> {
  const found = await ChildModel.find({ 'ledger.monitoringPending': true }, { 'ledger.place': 1 })
    .sort({ _id: 1 })
    .limit(limit)
    .lean<ChildRecord[]>()
    .exec();
  return found.map((c) => ({ childId: String(c._id), districtCode: c.ledger!.place.districtCode }));
}

/**
 * How a monitoring workflow started now for the child begins: `since`, the ledger's last visit (`ledger.lastVisitAt`:
 * a visit recorded here, or the paper ledger's 上次走访日期 given at enrolment), so no start moves the schedule the
 * enrolment set (none: the start's own time); `openCaseId`, the child's case still open (openCaseOfChild), on which it
 * starts paused. Read by every start of the workflow (startLedgerMonitoring, tellLedgerChanged in
 * activities/ledger.ts), after the caller's write of the ledger entry. An id that is no ObjectId names no file: nothing.
 */
export async function monitoringStartOf(
  childId: string | Types.ObjectId,
): Promise<{ since?: Date; openCaseId?: string }> {
  if (typeof childId === 'string' && !Types.ObjectId.isValid(childId)) return {};
  const [file, openCaseId] = await Promise.all([
    ChildModel.findById(toObjectId(childId), { 'ledger.lastVisitAt': 1 }).lean<Pick<ChildRecord, 'ledger'>>().exec(),
    openCaseOfChild(childId),
  ]);
  const lastVisitAt = file?.ledger?.lastVisitAt;
  return { ...(lastVisitAt ? { since: new Date(lastVisitAt) } : {}), ...(openCaseId ? { openCaseId } : {}) };
}

/** The child's newest case still open (not closed) in the projection, with the fields asked for. */
function findOpenCase<T>(childId: string | Types.ObjectId, fields: Record<string, 1>) {
  return CaseModel.findOne({ childId: toObjectId(childId), stage: { $ne: 'closed' } }, fields)
    .sort({ openedAt: -1 })
    .lean<T>()
    .exec();
}

/** The child's case still open (not closed), if any: its visits run first (the monitoring workflow waits). */
async function openCaseOfChild(childId: string | Types.ObjectId): Promise<string | undefined> {
  const open = await findOpenCase<{ workflowId: string }>(childId, { workflowId: 1 });
  return open?.workflowId;
}

/** The child's open case as its ledger page names it: its readable number (from its first projection) and stage. */
export async function openCaseSummaryOfChild(
  childId: string | Types.ObjectId,
): Promise<{ workflowId: string; caseNumber: string | null; stage: string } | null> {
  const open = await findOpenCase<{ workflowId: string; caseNumber?: string; stage?: string }>(childId, {
    workflowId: 1,
    caseNumber: 1,
    stage: 1,
  });
  return open
    ? { workflowId: open.workflowId, caseNumber: open.caseNumber ?? null, stage: open.stage ?? 'awaiting_report' }
    : null;
}

export interface LedgerCompliance {
  /** Per committee: children on its ledger and those whose visit is past due at `now`. */
  committees: { committeeCode: string; children: number; overdue: number }[];
  byCategory: { code: string; children: number }[];
  byStreet: { streetCode: string; children: number }[];
}

type Counted = { _id: string | null; n: number };

/**
 * Visit compliance per committee and the ledger's counts by category and street, within reach (the coordinator
 * dashboard, issue #18 item 4). $match/$group/$unwind only (FerretDB v1: no $facet, no $lookup); on MongoDB each $match
 * is served by the ledger.place indexes (models/child.ts).
 */
export async function ledgerCompliance(reach: LedgerReach, now: Date): Promise<LedgerCompliance> {
  const match = { ...ledgerReachFilter(reach), ledger: { $exists: true }, mergedInto: null };
  // Counts per committee, per street and per committee overdue are each a $match and a $group of one field with
  // { $sum: 1 }: the embedded store counts those in SQLite without decoding the children (README.md, "What we learned
  // about FerretDB v1"); MongoDB serves each $match from the ledger.place indexes (models/child.ts). The counts by
  // category unwind an array, which only the store's own pipeline does.
  const countBy = (field: string, extra: Record<string, unknown> = {}) =>
    ChildModel.aggregate<Counted>([
      { $match: { ...match, ...extra } },
      { $group: { _id: `$${field}`, n: { $sum: 1 } } },
    ]).exec();
  const [committees, streets, overdue, categories] = await Promise.all([
    countBy('ledger.place.committeeCode'),
    countBy('ledger.place.streetCode'),
    countBy('ledger.place.committeeCode', { 'ledger.nextVisitDue': { $lt: now } }),
    ChildModel.aggregate<Counted>([
      { $match: match },
      { $project: { categories: 1 } },
      { $unwind: '$categories' },
      { $group: { _id: '$categories', n: { $sum: 1 } } },
    ]).exec(),
  ]);
  const counts = (rows: Counted[]) => new Map(rows.map((c) => [c._id ?? '', c.n]));
  return complianceOfCounts({
    perCommittee: counts(committees),
    overdueOf: counts(overdue),
    perStreet: counts(streets),
    perCategory: counts(categories),
  });
}

/**
 * The panel from its counts (code → children), largest first, ties by code: what the live count and the snapshot's
 * cells both hand the dashboard.
 */
function complianceOfCounts(counts: {
  perCommittee: Map<string, number>;
  overdueOf: Map<string, number>;
  perStreet: Map<string, number>;
  perCategory: Map<string, number>;
}): LedgerCompliance {
  const sorted = <T extends { children: number }>(rows: T[], key: (r: T) => string) =>
    rows.sort((a, b) => b.children - a.children || key(a).localeCompare(key(b)));
  return {
    committees: sorted(
      [...counts.perCommittee].map(([committeeCode, children]) => ({
        committeeCode,
        children,
        overdue: counts.overdueOf.get(committeeCode) ?? 0,
      })),
      (r) => r.committeeCode,
    ),
    byCategory: sorted(
      [...counts.perCategory].map(([code, children]) => ({ code, children })),
      (r) => r.code,
    ),
    byStreet: sorted(
      [...counts.perStreet].map(([streetCode, children]) => ({ streetCode, children })),
      (r) => r.streetCode,
    ),
  };
}

/**
 * One street × committee of a district's ledger at an instant: its children, those whose visit is past due, and its
 * children per category. Every reach's compliance is a sum of cells (complianceFromCells), so the district's snapshot
 * (models/indicator-snapshot.ts, written every minute by workflows/indicator-snapshot.workflow.ts) holds the cells
 * once and the dashboard of a district, a street or a committee reads one document by `_id` (issue #18: the
 * dashboard's cost independent of the number of children). The cells are computed in one read of the district's
 * ledger (the fields they need only), instead of the live panel's four aggregations, one of which unwinds the
 * categories in the embedded store's own process.
 */
export interface LedgerCell {
  streetCode: string;
  committeeCode: string;
  children: number;
  overdue: number;
  categories: Record<string, number>;
}

export async function ledgerCells(districtCode: string, now: Date): Promise<LedgerCell[]> {
  const rows = await ChildModel.find(
    { ...ledgerReachFilter({ kind: 'district', districtCode }), ledger: { $exists: true }, mergedInto: null },
    { 'ledger.place': 1, 'ledger.nextVisitDue': 1, categories: 1 },
  )
    .lean<Pick<ChildRecord, 'ledger' | 'categories'>[]>()
    .exec();
  const cells = new Map<string, LedgerCell>();
  for (const row of rows) {
    // As the live panel groups them: a missing street or committee is the empty code.
    const streetCode = row.ledger?.place?.streetCode ?? '';
    const committeeCode = row.ledger?.place?.committeeCode ?? '';
    const key = JSON.stringify([streetCode, committeeCode]);
    const cell = cells.get(key) ?? { streetCode, committeeCode, children: 0, overdue: 0, categories: {} };
    cell.children += 1;
    const due = row.ledger?.nextVisitDue;
    if (due && new Date(due).getTime() < now.getTime()) cell.overdue += 1;
    for (const code of row.categories ?? []) cell.categories[code] = (cell.categories[code] ?? 0) + 1;
    cells.set(key, cell);
  }
  return [...cells.values()];
}

/** A reach's compliance from its district's cells: what ledgerCompliance counts, at the cells' instant. */
export function complianceFromCells(cells: readonly LedgerCell[], reach: LedgerReach): LedgerCompliance {
  const within = cells.filter((c) =>
    reach.kind === 'district'
      ? true
      : reach.kind === 'street'
        ? c.streetCode === reach.streetCode
        : reach.kind === 'committee'
          ? c.streetCode === reach.streetCode && c.committeeCode === reach.committeeCode
          : false,
  );
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  const perCommittee = new Map<string, number>();
  const overdueOf = new Map<string, number>();
  const perStreet = new Map<string, number>();
  const perCategory = new Map<string, number>();
  for (const c of within) {
    add(perCommittee, c.committeeCode, c.children);
    add(overdueOf, c.committeeCode, c.overdue);
    add(perStreet, c.streetCode, c.children);
    for (const [code, n] of Object.entries(c.categories)) add(perCategory, code, n);
  }
  return complianceOfCounts({ perCommittee, overdueOf, perStreet, perCategory });
}

/**
 * The compliance panel as the dashboard reads it: from the district's snapshot (one document by `_id`) with its
 * instant; before the district's first snapshot, counted now.
 */
export async function readLedgerCompliance(
  reach: LedgerReach,
  now: Date,
): Promise<{ data: LedgerCompliance; asOf: Date }> {
  if (reach.kind === 'none') return { data: await ledgerCompliance(reach, now), asOf: now };
  const snapshot = await loadIndicatorSnapshot<unknown>(reach.districtCode);
  if (snapshot?.ledger) return { data: complianceFromCells(snapshot.ledger, reach), asOf: snapshot.asOf };
  return { data: await ledgerCompliance(reach, now), asOf: now };
}
