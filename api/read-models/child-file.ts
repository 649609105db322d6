/**
 * The child's file as the API shows it: who may see it (permissions.ts, with sealed juvenile records for the court
 * and the procuratorate only, FT 三(三)2(5)), which fields each task kind needs (least privilege, domain.md §6), and
 * the audit record every read leaves behind ("every access recorded"). A read is recorded before the data leaves.
 */
import { type Request } from 'express';
import { isValidObjectId, Types } from 'mongoose';
import { CaseModel } from '../../models/case';
import { ChildModel, type ChildRecord } from '../../models/child';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { canReadChildFile, type AccessPurpose, type CaseScope } from '../auth/permissions';

export type ChildFields = Record<string, unknown>;

export async function findChild(childId: unknown): Promise<ChildRecord | null> {
  if (!childId || !isValidObjectId(childId)) return null;
  return ChildModel.findById(new Types.ObjectId(String(childId)))
    .lean<ChildRecord>()
    .exec();
}

/** Where a child's file sits for the children routes: its district and street, and every agency on its cases. */
export async function childScope(child: ChildRecord): Promise<CaseScope> {
  const cases = await CaseModel.find({ childId: child._id }, { agencyCodes: 1 }).limit(200).lean().exec();
  const streetCode = child.residence?.streetCode ?? child.householdRegistration?.streetCode ?? undefined;
  return {
    districtCode: child.districtCode,
    ...(streetCode ? { streetCode } : {}),
    agencyCodes: [...new Set(cases.flatMap((c) => c.agencyCodes ?? []))],
  };
}

/**
 * Why this actor may open this file, or undefined when they may not. A sealed file (FT 三(三)2(5)) opens only as a
 * sealed record, to the district's court or procuratorate; everyone else is answered as if it did not exist.
 */
export function accessPurpose(actor: Actor, child: ChildRecord, scope: CaseScope): AccessPurpose | undefined {
  if (child.flags?.recordSealed) return canReadChildFile(actor, scope, 'sealed_record') ? 'sealed_record' : undefined;
  return canReadChildFile(actor, scope, 'case_work') ? 'case_work' : undefined;
}

/** Whole years; an estimate is all most tasks need, so the date of birth itself stays in the file. */
export function approximateAge(dateOfBirth: Date | null | undefined, now = new Date()): number | undefined {
  if (!dateOfBirth) return undefined;
  const dob = new Date(dateOfBirth);
  let age = now.getUTCFullYear() - dob.getUTCFullYear();
  const birthdayPassed =
    now.getUTCMonth() > dob.getUTCMonth() ||
    (now.getUTCMonth() === dob.getUTCMonth() && now.getUTCDate() >= dob.getUTCDate());
  if (!birthdayPassed) age -= 1;
  return Math.max(0, age);
}

function place(child: ChildRecord) {
  const r = child.residence;
  return r ? { districtCode: r.districtCode, streetCode: r.streetCode, committeeCode: r.committeeCode } : undefined;
}

const guardians = (child: ChildRecord, withPhone: boolean) =>
  child.guardians.map((g) => ({
    name: g.name,
    relation: g.relation,
    status: g.status,
    ...(withPhone && g.phone ? { phone: g.phone } : {}),
  }));

/** The fields of the file a task of this kind needs, nothing more (domain.md §6, least privilege). */
export function taskChildFields(child: ChildRecord, kind: string, now = new Date()): ChildFields {
  const base = {
    approximateAge: approximateAge(child.dateOfBirth, now),
    sex: child.sex,
    address: child.residence?.address,
    place: place(child),
  };
  switch (kind) {
    case 'police_response':
      // CN 四(二): the police need to find the child and know whom they look for: the name and school as reported
      // (issue 12), not the identity number or the family's file.
      return { ...base, name: child.name, school: child.school?.name };
    case 'urgent_placement':
    case 'detention_care_arrangement':
      return { ...base, name: child.name, guardians: guardians(child, true) };
    case 'monitoring_visit':
      return {
        ...base,
        name: child.name,
        guardians: guardians(child, true),
        riskLevel: child.riskLevel,
        leftBehind: child.flags?.leftBehind ?? false,
      };
    case 'joint_assessment':
    case 'risk_grading':
    case 'grading_review':
      // CN 四(三): the assessment looks at family, guardianship, health and schooling; FT 三(三)4: the protection
      // committee reviews the grading against the same part of the file.
      return {
        ...base,
        name: child.name,
        dateOfBirth: child.dateOfBirth?.toISOString(),
        school: child.school?.name,
        guardians: guardians(child, true),
        categories: child.categories,
        benefits: child.benefits,
        riskLevel: child.riskLevel,
        leftBehind: child.flags?.leftBehind ?? false,
        multipleDifficulty: child.flags?.multipleDifficulty ?? false,
      };
    default:
      return { ...base, name: child.name };
  }
}

/** The file for the children and case routes: everything but the identity number, which is never sent in clear. */
export function fullChildFields(child: ChildRecord, now = new Date()) {
  return {
    id: String(child._id),
    name: child.name,
    sex: child.sex,
    dateOfBirth: child.dateOfBirth ? child.dateOfBirth.toISOString() : null,
    approximateAge: approximateAge(child.dateOfBirth, now) ?? null,
    provisional: child.provisional,
    idNumberOnFile: Boolean(child.idNumberSealed),
    districtCode: child.districtCode,
    address: child.residence?.address ?? null,
    residence: place(child) ?? null,
    householdRegistration: child.householdRegistration
      ? {
          districtCode: child.householdRegistration.districtCode,
          streetCode: child.householdRegistration.streetCode ?? undefined,
        }
      : null,
    school: child.school?.name ?? null,
    guardians: guardians(child, true),
    categories: child.categories,
    benefits: child.benefits,
    riskLevel: child.riskLevel,
    flags: {
      leftBehind: child.flags?.leftBehind ?? false,
      multipleDifficulty: child.flags?.multipleDifficulty ?? false,
      recordSealed: child.flags?.recordSealed ?? false,
    },
    mergedInto: child.mergedInto ? String(child.mergedInto) : null,
  };
}

/** Records one read of a child's file; awaited before the answer, so no file leaves the API unrecorded. */
export async function recordChildRead(
  audit: AuditSink,
  actor: Actor,
  req: Request,
  read: { childId: Types.ObjectId | string; purpose: AccessPurpose; via: string; caseId?: string },
): Promise<void> {
  await audit.record({
    actorId: actor.userId,
    actorRole: actor.role,
    action: 'child_file.read',
    childId: String(read.childId),
    ...(read.caseId ? { caseId: read.caseId } : {}),
    reason: `${read.purpose}: ${read.via}`,
    requestId: req.requestId,
  });
}
