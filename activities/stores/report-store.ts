/**
 * The intake's ReportStore over MongoDB: find or create the child's file (one file per child, by the keyed hash of
 * the ID number; a provisional file keyed by the receipt otherwise), then save the report once per receipt number.
 * Both steps are idempotent, so a retried activity lands on the same file and the same report.
 */
import { Types } from 'mongoose';
import type { ChildRepository } from '../../models/child-repository';
import { appendAuditMany } from '../../models/audit-repository';
import { saveReport } from '../../models/report-repository';
import { SHARED_STAMP_AGE_MS, StampedCache } from '../../models/cache-stamps';
import { UserModel } from '../../models/user';
import { REPORTING_UNIT_TYPES } from '../../models/report';
import { caseWorkflowId, type ReportSubmission } from '../../workflows/definitions';
import type { RecordedReport, ReportStore } from '../intake';

/** A child reported without a name still gets a file; the placeholder says so in both languages. */
export const UNKNOWN_CHILD_NAME = '姓名不详 (name unknown)';

type UnitType = (typeof REPORTING_UNIT_TYPES)[number];
const isUnitType = (t: string): t is UnitType => (REPORTING_UNIT_TYPES as readonly string[]).includes(t);

type StaffContact = { displayName?: string; email?: string };

/**
 * The filer's name and address as the report records them, cached per process and stamped like the accounts
 * (models/cache-stamps.ts): a filer's look-up by `_id` per report was one FerretDB read on every intake (issue #19); a
 * renamed account is seen once its write has stamped `users` (within SHARED_STAMP_AGE_MS).
 */
const staffContacts = new StampedCache<StaffContact | null>('users');

function staffContact(staffId: string): Promise<StaffContact | null> {
  return staffContacts.get(
    staffId,
    async () => {
      const user = await UserModel.findById(staffId).select({ displayName: 1, email: 1 }).lean().exec();
      return user
        ? Object.freeze({
            ...(user.displayName ? { displayName: user.displayName } : {}),
            ...(user.email ? { email: user.email } : {}),
          })
        : null;
    },
    SHARED_STAMP_AGE_MS,
  );
}

export function createMongoReportStore(deps: { children: ChildRepository }): ReportStore {
  return {
    async recordReport(submission: ReportSubmission): Promise<RecordedReport> {
      const { child: reported, place } = submission;
      const { child, created } = await deps.children.findOrCreateChildFile({
        ...(reported.idNumber ? { idNumber: reported.idNumber } : { provisionalKey: submission.receipt }),
        name: reported.name ?? UNKNOWN_CHILD_NAME,
        ...(reported.sex ? { sex: reported.sex } : {}),
        ...(reported.dateOfBirth ? { dateOfBirth: new Date(`${reported.dateOfBirth}T00:00:00Z`) } : {}),
        districtCode: place.districtCode,
        // The place of discovery stays on the report; residence and registration are the child's own facts (CN 二 四是).
        ...(reported.residence ? { residence: reported.residence } : {}),
        ...(reported.householdRegistration ? { householdRegistration: reported.householdRegistration } : {}),
        ...(reported.school ? { school: { name: reported.school } } : {}),
      });
      const staff =
        submission.reporter.staffId && Types.ObjectId.isValid(submission.reporter.staffId)
          ? await staffContact(submission.reporter.staffId)
          : null;
      const { report } = await saveReport({
        receiptNumber: submission.receipt,
        ...(submission.reporter.staffId ? { reporterUserId: submission.reporter.staffId } : {}),
        reporter: {
          name: staff?.displayName ?? submission.reporter.unitName ?? submission.reporter.unitId,
          ...(staff?.email ? { email: staff.email } : {}),
          ...(submission.reporter.phone ? { phone: submission.reporter.phone } : {}),
        },
        reportingUnit: {
          name: submission.reporter.unitName,
          type: isUnitType(submission.reporter.unitType) ? submission.reporter.unitType : 'individual',
          agencyCode: submission.reporter.unitId,
        },
        concernTypes: submission.concerns,
        discoveredAt: new Date(submission.discoveredAt),
        reportedAt: new Date(submission.receivedAt),
        place,
        account: submission.narrative ?? '',
        childId: child._id,
        caseWorkflowId: caseWorkflowId(String(child._id)),
      });
      // Every write to a child's file is audited: this report opened the file or was added to it. Once per report
      // (keys from the idempotency key). The filing itself ('report.filed', who filed in which role, by which request)
      // is recorded here too, from the fields the API put into the durable intake input, so the 202 waits for no
      // audit write of its own; both in one insert. Intakes started before the API passed `filed` wrote it there.
      const actor = submission.reporter.staffId
        ? ({ kind: 'user', id: submission.reporter.staffId } as const)
        : ({ kind: 'system', id: 'intake' } as const);
      await appendAuditMany([
        ...(submission.filed
          ? [
              {
                key: `${submission.idempotencyKey}:filed`,
                actor,
                action: 'report.filed',
                childId: child._id,
                reason: `receipt ${submission.receipt}`,
                at: new Date(submission.receivedAt),
                details: { actorRole: submission.filed.actorRole, requestId: submission.filed.requestId },
              },
            ]
          : []),
        {
          key: `${submission.idempotencyKey}:child-file`,
          actor,
          action: created ? 'child_file.created_by_report' : 'child_file.report_added',
          childId: child._id,
          caseWorkflowId: caseWorkflowId(String(child._id)),
          reason: `mandatory report ${submission.receipt}`,
        },
      ]);
      return {
        reportId: String(report._id),
        childId: String(child._id),
        receipt: report.receiptNumber,
      };
    },
  };
}
