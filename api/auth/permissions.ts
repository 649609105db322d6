/**
 * Every authorisation rule of ChildSafe, as pure functions of an Actor and the thing asked about. Routes ask these
 * questions (or build repository filters with scope.ts, which follows the same rules); no route decides on its own.
 *
 * - Mandated reporters see only the reports they filed, never a case or a child's file.
 * - Agency staff and supervisors (and court and procuratorate staff, who are agencies too) see the cases their agency
 *   has a task on, and act on the tasks assigned to their agency.
 * - A street coordinator sees every case of their street; a district coordinator every case of their district.
 * - Sealed juvenile criminal records are for the court and the procuratorate only (FT 三(三)2(5)).
 * - Administrators manage accounts and see no child data (least privilege, domain.md §6).
 */
import type { Actor } from './actor';
import { CASE_WORKER_ROLES, type Role } from './roles';

/** Where a case (or a child's file, or a report) sits: enough to decide who may see it. */
export interface CaseScope {
  districtCode: string;
  streetCode?: string;
  /** Every agency that holds or held a task on the case. */
  agencyCodes: readonly string[];
}

export interface TaskRef {
  assigneeAgencyCode: string;
}

export interface ReportRef {
  reporterUserId: string;
  /** The case the report joined, once intake has placed it. */
  caseScope?: CaseScope;
}

/** Why a child's file is opened; recorded in the audit trail with the access. */
export const ACCESS_PURPOSES = ['case_work', 'sealed_record'] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

const isCaseWorker = (role: Role): boolean => (CASE_WORKER_ROLES as readonly Role[]).includes(role);

export function canReadCase(actor: Actor, target: CaseScope): boolean {
  const { districtCode, streetCode } = actor.jurisdiction;
  switch (actor.role) {
    case 'district_coordinator':
      return target.districtCode === districtCode;
    case 'street_coordinator':
      return streetCode !== undefined && target.districtCode === districtCode && target.streetCode === streetCode;
    case 'agency_staff':
    case 'agency_supervisor':
    case 'court_staff':
    case 'procuratorate_staff':
      return target.agencyCodes.includes(actor.agencyCode);
    case 'mandated_reporter':
    case 'administrator':
      return false;
  }
}

/** Accept, complete or decline a task: people of the agency it is assigned to, nobody else. */
export function canActOnTask(actor: Actor, task: TaskRef): boolean {
  return isCaseWorker(actor.role) && task.assigneeAgencyCode === actor.agencyCode;
}

/**
 * Whoever filed a report follows it (a mandated reporter, or agency staff who discovered a case); a mandated reporter
 * sees nobody else's; case workers see the reports of cases they can read.
 */
export function canReadReport(actor: Actor, report: ReportRef): boolean {
  if (report.reporterUserId === actor.userId) return true;
  if (actor.role === 'mandated_reporter') return false;
  return report.caseScope !== undefined && canReadCase(actor, report.caseScope);
}

/** Juvenile criminal records are sealed; only judicial organs may consult them (FT 三(三)2(5)). */
export function canSeeSealedRecord(actor: Actor): boolean {
  return actor.role === 'court_staff' || actor.role === 'procuratorate_staff';
}

export function canReadChildFile(actor: Actor, child: CaseScope, purpose: AccessPurpose): boolean {
  switch (purpose) {
    case 'case_work':
      return canReadCase(actor, child);
    case 'sealed_record':
      // The district's own court or procuratorate, for a case it handles or a lawful query in its district.
      return canSeeSealedRecord(actor) && child.districtCode === actor.jurisdiction.districtCode;
  }
}
