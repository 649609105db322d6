/**
 * The reporting form's own checks, run before anything is sent. The server checks again and its messages land on the
 * same dotted paths ("child.dateOfBirth"), so both kinds of message appear next to the same field.
 */
import type { ReportingUnitType, Sex } from '../../../contracts/enums';
import type { NewReport } from '../../../contracts/reports';
import type { Translate } from '../i18n/messages';
import { fromLocalInput } from '../format';

export interface ReportDraft {
  policyPackId: string;
  concerns: string[];
  discoveredAt: string;
  address: string;
  streetCode?: string;
  committeeCode?: string;
  /** 户籍 street of the child, when the reporter knows it (CN 二 四是): it carries the case. */
  registrationStreetCode?: string;
  unitPhone?: string;
  account: string;
  childName: string;
  childSex: Sex | '';
  childDateOfBirth: string;
  childApproximateAge: string;
  childIdNumber: string;
  childSchool: string;
  unitName: string;
  unitType: string;
}

/** Resident ID numbers: 17 digits and a check character (GB 11643). */
const ID_NUMBER = /^\d{17}[\dXx]$/;

export function validateReport(d: ReportDraft, t: Translate, now = new Date()): Record<string, string> {
  const e: Record<string, string> = {};
  if (d.concerns.length === 0) e.concerns = t('report.concernsRequired');
  const discovered = fromLocalInput(d.discoveredAt);
  if (!discovered) e.discoveredAt = t('report.discoveredAtRequired');
  // A minute of grace for clocks that disagree slightly.
  else if (Date.parse(discovered) > now.getTime() + 60_000) e.discoveredAt = t('report.discoveredAtFuture');
  if (!d.address.trim()) e['place.address'] = t('report.addressRequired');
  if (!d.account.trim()) e.account = t('report.accountRequired');
  if (d.childDateOfBirth) {
    const dob = Date.parse(`${d.childDateOfBirth}T00:00:00`);
    if (!Number.isFinite(dob) || dob > now.getTime()) e['child.dateOfBirth'] = t('report.childDobInvalid');
  }
  if (d.childApproximateAge.trim()) {
    const age = Number(d.childApproximateAge);
    if (!Number.isInteger(age) || age < 0 || age > 17) e['child.approximateAge'] = t('report.childAgeInvalid');
  }
  if (d.childIdNumber.trim() && !ID_NUMBER.test(d.childIdNumber.trim()))
    e['child.idNumber'] = t('report.childIdInvalid');
  if (!d.unitName.trim()) e['reporterUnit.name'] = t('report.unitNameRequired');
  if (!d.unitType) e['reporterUnit.type'] = t('report.unitTypeRequired');
  return e;
}

/** The request body: empty optional fields are left out rather than sent as "". */
export function toNewReport(d: ReportDraft): NewReport {
  const child: NewReport['child'] = {};
  if (d.childName.trim()) child.name = d.childName.trim();
  if (d.childSex) child.sex = d.childSex;
  if (d.childDateOfBirth) child.dateOfBirth = d.childDateOfBirth;
  if (d.childApproximateAge.trim()) child.approximateAge = Number(d.childApproximateAge);
  if (d.childIdNumber.trim()) child.idNumber = d.childIdNumber.trim().toUpperCase();
  if (d.childSchool.trim()) child.school = d.childSchool.trim();
  return {
    policyPackId: d.policyPackId,
    concerns: d.concerns,
    discoveredAt: fromLocalInput(d.discoveredAt)!,
    place: {
      address: d.address.trim(),
      ...(d.streetCode ? { streetCode: d.streetCode } : {}),
      ...(d.streetCode && d.committeeCode ? { committeeCode: d.committeeCode } : {}),
    },
    account: d.account.trim(),
    child: {
      ...child,
      ...(d.registrationStreetCode ? { householdRegistration: { streetCode: d.registrationStreetCode } } : {}),
    },
    // validateReport refused an empty type; the select offers only the contract's unit types.
    reporterUnit: {
      name: d.unitName.trim(),
      type: d.unitType as ReportingUnitType,
      ...(d.unitPhone?.trim() ? { phone: d.unitPhone.trim() } : {}),
    },
  };
}
