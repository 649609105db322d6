/** Mandatory reports (CN 四(一), FT 三(二)4) as filed and followed by their reporters (/api/v1/reports). */
import { z } from 'zod';
import { bilingual } from './common';
import { REPORTING_UNIT_TYPES, REPORT_STATUSES, SEXES } from './enums';
import { birthDatesAgree, childDateOfBirthField, eventInstantField, nameField, residentIdField } from './text-fields';
/** A place the child lives or is registered: a district (GB/T 2260, the report's own when left out) and its street. */
export const childPlace = z.strictObject({
  districtCode: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit district code')
    .optional(),
  streetCode: z.string().min(1).max(64).optional(),
  committeeCode: z.string().min(1).max(64).optional(),
  address: z.string().trim().min(1).max(300).optional(),
});

export const reportBody = z.strictObject({
  policyPackId: z.string().regex(/^[a-z0-9-]+$/),
  concerns: z
    .array(z.string().regex(/^[a-z_]+$/))
    .min(1, 'name at least one concern')
    .max(10),
  discoveredAt: eventInstantField(),
  place: z.strictObject({
    streetCode: z.string().min(1).max(64).optional(),
    committeeCode: z.string().min(1).max(64).optional(),
    address: z.string().min(1).max(300),
  }),
  account: z.string().trim().min(1, 'say what was seen').max(4000),
  child: z
    .strictObject({
      name: nameField(60).optional(),
      sex: z.enum(SEXES).optional(),
      dateOfBirth: childDateOfBirthField().optional(),
      approximateAge: z.number().int().min(0).max(17).optional(),
      idNumber: residentIdField().optional(),
      school: nameField(120).optional(),
      leftBehind: z.boolean().optional(),
      /** 长期居住地 and 户籍 (CN 二 四是): who carries the case, when known. */
      residence: childPlace.optional(),
      householdRegistration: childPlace.optional(),
    })
    .superRefine(birthDatesAgree),
  reporterUnit: z.strictObject({
    name: nameField(120),
    type: z.enum(REPORTING_UNIT_TYPES),
    /** How the responding police reach the reporter. */
    phone: z
      .string()
      .trim()
      .regex(/^[0-9+\-() ]{5,30}$/, 'must be a phone number')
      .optional(),
  }),
});
export type ReportBody = z.infer<typeof reportBody>;
/** What the report form sends. */
export type NewReport = z.input<typeof reportBody>;
export type ReportChild = NewReport['child'];

export const receiptView = z.object({
  receipt: z.string(),
  status: z.enum(REPORT_STATUSES),
  statusLabel: bilingual,
});
export type ReportReceipt = z.infer<typeof receiptView>;

export const myReportView = z.object({
  receipt: z.string(),
  filedAt: z.iso.datetime(),
  concerns: z.array(z.string()),
  status: z.enum(REPORT_STATUSES),
  statusLabel: bilingual,
});
export type MyReport = z.infer<typeof myReportView>;
