/**
 * Finding, creating and merging child files. Atomic without transactions: one file per identity is enforced by the
 * unique index on the keyed hash (an upsert; a concurrent loser's duplicate-key error becomes a re-read), and every
 * step of a merge is a guarded single-document update, so a retried merge finishes the job without repeating it.
 */
import { isValidObjectId, Types } from 'mongoose';
import { appendAudit, type AuditActor } from './audit-repository';
import { ChildModel, type ChildRecord, type GUARDIAN_RELATIONS, type GUARDIAN_STATUSES, type SEXES } from './child';
import { isDuplicateKeyError } from './common';
import { createIdentityCrypto, type IdentityKeys } from './identity-crypto';
import { childIdsOfAgencyCases } from './case-repository';
import { ReportModel } from './report';
import type { Scope } from './scope';

export interface PlaceInput {
  districtCode: string;
  streetCode?: string;
  committeeCode?: string;
  address?: string;
}

export interface ChildIdentity {
  /** 居民身份证号. Without it the child gets a provisional file. */
  idNumber?: string;
  /** Required without idNumber: a stable key of the first report (its receipt number), so a retry finds the same provisional file. */
  provisionalKey?: string;
  name: string;
  sex?: (typeof SEXES)[number];
  dateOfBirth?: Date;
  districtCode: string;
  householdRegistration?: PlaceInput;
  residence?: PlaceInput;
  school?: { name?: string; agencyCode?: string };
  guardians?: {
    name: string;
    relation: (typeof GUARDIAN_RELATIONS)[number];
    phone?: string;
    status?: (typeof GUARDIAN_STATUSES)[number];
  }[];
}

export interface MergeRequest {
  provisionalId: Types.ObjectId;
  targetId: Types.ObjectId;
  actor: AuditActor;
  reason: string;
}

/** A merge that cannot be done as asked; not retryable. */
export class ChildMergeError extends Error {
  override readonly name = 'ChildMergeError';
}

export class ChildNotFoundError extends Error {
  override readonly name = 'ChildNotFoundError';
}

export class MissingIdentityError extends Error {
  override readonly name = 'MissingIdentityError';
}

/**
 * What one look-up of many identities found (ChildRepository.lookUpChildFiles): per identity its file, null when it
 * had none at the time of the look-up, undefined when it was not looked up.
 */
export interface ChildFileLookup {
  get(identity: ChildIdentity): ChildRecord | null | undefined;
}

export function createChildRepository(deps: { identityKeys: IdentityKeys }) {
  const crypto = createIdentityCrypto(deps.identityKeys);

  function identityKeyOf(identity: ChildIdentity): string {
    if (identity.idNumber) return crypto.hash(identity.idNumber);
    if (!identity.provisionalKey) throw new MissingIdentityError('a child without an ID number needs a provisionalKey');
    return `provisional:${crypto.hashKey('provisional', identity.provisionalKey)}`;
  }

  async function followMerge(child: ChildRecord): Promise<ChildRecord> {
    if (!child.mergedInto) return child;
    const target = await ChildModel.findById(child.mergedInto).lean<ChildRecord>().exec();
    if (!target) throw new ChildNotFoundError(`merge target ${String(child.mergedInto)} is missing`);
    return target;
  }

  return {
    /**
     * The one file for this child, created on first sight. Concurrent calls with the same ID number return the same
     * file; `created` is true for exactly one of them. A provisional file that was merged resolves to its target.
     */
    async findOrCreateChildFile(
      identity: ChildIdentity,
      /** An earlier look-up of this identity (lookUpChildFiles): its answer replaces the look-up here. */
      known?: ChildFileLookup,
    ): Promise<{ child: ChildRecord; created: boolean }> {
      const identityKey = identityKeyOf(identity);
      const looked = known?.get(identity);
      const existing =
        looked === undefined ? await ChildModel.findOne({ identityKey }).lean<ChildRecord>().exec() : looked;
      if (existing) return { child: await followMerge(existing), created: false };
      const now = new Date();
      // An insert, not an upsert: FerretDB v1 drops empty arrays and nulls from an upserted document. The unique
      // index on identityKey still makes it atomic: of concurrent inserts one wins, the others re-read.
      try {
        const created = await ChildModel.create({
          identityKey,
          provisional: !identity.idNumber,
          ...(identity.idNumber ? { idNumberSealed: crypto.encrypt(identity.idNumber) } : {}),
          name: identity.name,
          sex: identity.sex ?? 'unknown',
          dateOfBirth: identity.dateOfBirth,
          districtCode: identity.districtCode,
          householdRegistration: identity.householdRegistration,
          residence: identity.residence,
          school: identity.school,
          guardians: identity.guardians ?? [],
          history: [{ at: now, event: identity.idNumber ? 'file_opened' : 'provisional_file_opened' }],
        });
        return { child: created.toObject<ChildRecord>(), created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const child = await ChildModel.findOne({ identityKey }).lean<ChildRecord>().exec();
        if (!child) throw error;
        return { child: await followMerge(child), created: false };
      }
    },

    /**
     * The files of many identities in one query: FerretDB v1 filters every query but one by `_id` alone by reading the
     * whole collection, so a look-up per identity reads it once per child. A merged provisional file resolves to its
     * target. A file opened after the look-up is still found by findOrCreateChildFile (its insert meets the unique
     * index and reads the file).
     */
    async lookUpChildFiles(identities: ChildIdentity[]): Promise<ChildFileLookup> {
      const keys = [...new Set(identities.map(identityKeyOf))];
      const found = keys.length
        ? await ChildModel.find({ identityKey: { $in: keys } })
            .lean<ChildRecord[]>()
            .exec()
        : [];
      const files = new Map<string, ChildRecord | null>(keys.map((k) => [k, null]));
      for (const child of found) files.set(child.identityKey, await followMerge(child));
      return { get: (identity) => files.get(identityKeyOf(identity)) };
    },

    async getChild(childId: Types.ObjectId): Promise<ChildRecord | null> {
      return ChildModel.findById(childId).lean<ChildRecord>().exec();
    },

    /** The child's file for an identity number, without creating one. */
    async findChildByIdNumber(idNumber: string): Promise<ChildRecord | null> {
      const child = await ChildModel.findOne({ identityKey: crypto.hash(idNumber) })
        .lean<ChildRecord>()
        .exec();
      return child ? followMerge(child) : null;
    },

    /** Decrypts a child's identity number; the access is audited first, so no one reads it unrecorded. */
    async revealIdNumber(childId: Types.ObjectId, actor: AuditActor, reason: string): Promise<string | null> {
      const child = await ChildModel.findById(childId).lean<ChildRecord>().exec();
      if (!child) throw new ChildNotFoundError(`no child file ${String(childId)}`);
      if (!child.idNumberSealed) return null;
      await appendAudit({ actor, action: 'child.id_number_revealed', childId, reason });
      return crypto.decrypt(child.idNumberSealed);
    },

    /**
     * Merges a provisional file into the identified file of the same child: the target gains the provisional
     * history (tagged with fromChildId), reports and categories; the provisional file is marked mergedInto; the
     * reports move to the target; an audit event records who merged and why. Safe to retry.
     */
    async mergeProvisionalChild(request: MergeRequest): Promise<ChildRecord> {
      const { provisionalId, targetId, actor, reason } = request;
      const [provisional, target] = await Promise.all([
        ChildModel.findById(provisionalId).lean<ChildRecord>().exec(),
        ChildModel.findById(targetId).lean<ChildRecord>().exec(),
      ]);
      if (!provisional) throw new ChildNotFoundError(`no child file ${String(provisionalId)}`);
      if (!target) throw new ChildNotFoundError(`no child file ${String(targetId)}`);
      if (!provisional.provisional) throw new ChildMergeError('only a provisional file can be merged');
      if (target.provisional || target.mergedInto) {
        throw new ChildMergeError('the merge target must be an identified, unmerged file');
      }
      if (provisional.mergedInto && !provisional.mergedInto.equals(targetId)) {
        throw new ChildMergeError(
          `file ${String(provisionalId)} is already merged into ${String(provisional.mergedInto)}`,
        );
      }
      const now = new Date();

      // Guarded by mergedFrom, so a retry does not copy the history twice.
      await ChildModel.updateOne(
        { _id: targetId, mergedFrom: { $ne: provisionalId } },
        {
          $push: {
            history: {
              $each: [
                ...provisional.history.map((entry) => ({ ...entry, fromChildId: provisionalId })),
                { at: now, event: 'merged_from_provisional', fromChildId: provisionalId, note: reason },
              ],
            },
          },
          $addToSet: {
            mergedFrom: provisionalId,
            reportIds: { $each: provisional.reportIds },
            categories: { $each: provisional.categories },
          },
        },
      ).exec();

      await ChildModel.updateOne(
        { _id: provisionalId, mergedInto: null },
        {
          $set: { mergedInto: targetId, mergedAt: now },
          $push: { history: { at: now, event: 'merged_into', note: reason } },
        },
      ).exec();

      await ReportModel.updateMany(
        { childId: provisionalId },
        { $set: { childId: targetId, provisionalChildId: provisionalId } },
      ).exec();

      await appendAudit({
        key: `child.merged:${String(provisionalId)}:${String(targetId)}`,
        actor,
        action: 'child.merged',
        childId: targetId,
        reason,
        at: now,
        details: { provisionalId: String(provisionalId) },
      });

      const merged = await ChildModel.findById(targetId).lean<ChildRecord>().exec();
      if (!merged) throw new ChildNotFoundError(`no child file ${String(targetId)}`);
      return merged;
    },
  };
}

export type ChildRepository = ReturnType<typeof createChildRepository>;

/**
 * One child's file by id (null for a malformed or unknown id). Whether the reader may open it depends on the file's
 * cases and seal, not only on a filter, so every caller decides that with accessPurpose (api/read-models/child-file.ts)
 * before showing anything.
 */
export function findChildById(childId: string): Promise<ChildRecord | null> {
  if (!isValidObjectId(childId)) return Promise.resolve(null);
  return ChildModel.findById(new Types.ObjectId(childId)).lean<ChildRecord>().exec();
}

/** The children a scope reaches: its district or street, or the children of its agency's cases. */
async function childScopeFilter(scope: Scope): Promise<Record<string, unknown>> {
  switch (scope.kind) {
    case 'district':
      return { districtCode: scope.districtCode };
    case 'street':
      return { districtCode: scope.districtCode, 'residence.streetCode': scope.streetCode };
    case 'agency':
      return { _id: { $in: await childIdsOfAgencyCases(scope.agencyCode) } };
    case 'reporter':
    case 'none':
      return { _id: { $in: [] } };
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Unmerged files within the scope whose name contains `text`, by name; sealed records only when `includeSealed`. */
export async function searchChildrenInScope(
  scope: Scope,
  text: string,
  options: { includeSealed: boolean; limit: number },
): Promise<ChildRecord[]> {
  const filter = {
    $and: [
      await childScopeFilter(scope),
      { name: { $regex: escapeRegex(text) } },
      { mergedInto: null },
      ...(options.includeSealed ? [] : [{ 'flags.recordSealed': { $ne: true } }]),
    ],
  };
  return ChildModel.find(filter).sort({ name: 1 }).limit(options.limit).lean<ChildRecord[]>().exec();
}

/**
 * FT 三(三)2(5): the court seals (or unseals) a child's juvenile record. Only the flag changes; who may then open the
 * file is decided by accessPurpose (api/read-models/child-file.ts). False when there is no such file.
 */
export async function setRecordSealed(childId: string, sealed: boolean): Promise<boolean> {
  if (!isValidObjectId(childId)) return false;
  const result = await ChildModel.updateOne(
    { _id: new Types.ObjectId(childId) },
    { $set: { 'flags.recordSealed': sealed } },
  ).exec();
  return result.matchedCount > 0;
}

/** The file's relation for a court-designated guardian, from the court's words (anything else: other). */
function relationOf(relation: string, civilAffairs: boolean): (typeof GUARDIAN_RELATIONS)[number] {
  if (civilAffairs) return 'institution';
  if (/祖|grand/i.test(relation)) return 'grandparent';
  if (/^(母亲|妈妈|母)$|^mother$/i.test(relation.trim())) return 'mother';
  if (/^(父亲|爸爸|父)$|^father$/i.test(relation.trim())) return 'father';
  if (/叔|伯|姑|舅|姨|兄|姐|哥|弟|妹|亲属|relative|aunt|uncle|sibling/i.test(relation)) return 'relative';
  return 'other';
}

/**
 * CN 四(四)3, FT 三(三)2(5): the court revoked the guardians' qualification and designated a new guardian. The file's
 * guardians become revoked and the designated one is added, with a history entry naming the judgment; once per
 * judgment (the history entry guards a retry). A child without a file (a provisional id that is no ObjectId) is
 * skipped. Read, then one guarded write: no transaction (FerretDB), and the guard keeps a retry from writing twice.
 */
export async function recordCourtDesignatedGuardian(d: {
  childId: string;
  caseId: string;
  guardian: { name: string; relation: string };
  civilAffairs: boolean;
  judgmentRef: string;
  designatedAt: string;
}): Promise<void> {
  if (!isValidObjectId(d.childId)) return;
  const _id = new Types.ObjectId(d.childId);
  const note = `court_designation:${d.judgmentRef}`;
  const child = await ChildModel.findById(_id).lean<ChildRecord>().exec();
  if (!child || child.history.some((h) => h.note === note)) return;
  const guardians = [
    ...child.guardians.map((g) => ({ ...g, status: 'guardianship_revoked' as const })),
    { name: d.guardian.name, relation: relationOf(d.guardian.relation, d.civilAffairs), status: 'able' as const },
  ];
  await ChildModel.updateOne(
    { _id, 'history.note': { $ne: note } },
    {
      $set: { guardians },
      $push: {
        history: { at: new Date(d.designatedAt), event: 'guardian_designated', caseWorkflowId: d.caseId, note },
      },
    },
  ).exec();
}
