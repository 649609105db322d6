/**
 * The street ledger (台账, issue #18): enrolment without a report, the ledger list and its filters, a child's ledger
 * page, visits recorded on a phone, transfers (/api/v1/ledger). One contract for the API and the web app.
 */
import { z } from 'zod';
import { GUARDIAN_RELATIONS, GUARDIAN_STATUSES, RISK_LEVELS, SEXES } from './enums';
import { birthDatesAgree, childDateOfBirthField, nameField, residentIdField } from './text-fields';

const code = z.string().trim().min(1).max(64);
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{5,30}$/, 'must be a phone number');
const day = z.iso.date('must be a date (YYYY-MM-DD)');

/** FT 三(一)4(1): who cares for a left-behind child while the parents work away, since when, and how to reach them. */
export const arrangementBody = z.strictObject({
  caregiverName: nameField(60),
  relation: z.string().trim().min(1).max(30),
  phone: phone.optional(),
  since: day.optional(),
  parentsWorkplace: z.string().trim().min(1).max(120).optional(),
  parentsPhone: phone.optional(),
});

export const enrolBody = z.strictObject({
  child: z
    .strictObject({
      /** Required: the ledger keeps one file per child (一人一档案), found by the identity number. */
      idNumber: residentIdField(),
      name: nameField(60),
      sex: z.enum(SEXES),
      dateOfBirth: childDateOfBirthField().optional(),
      school: nameField(120).optional(),
    })
    .superRefine(birthDatesAgree),
  /** The ledger's street and committee (the caller's own, within their reach). */
  place: z.strictObject({ streetCode: code, committeeCode: code.optional() }),
  /** Pack category codes (FT 二(一) eight categories, CN 一 three kinds). */
  categories: z
    .array(z.string().regex(/^[a-z_]+$/))
    .max(10)
    .default([]),
  leftBehind: z.boolean().default(false),
  riskLevel: z.enum(RISK_LEVELS).optional(),
  benefits: z
    .array(z.string().regex(/^[a-z_]+$/))
    .max(10)
    .optional(),
  guardians: z
    .array(
      z.strictObject({
        name: nameField(60),
        relation: z.enum(GUARDIAN_RELATIONS),
        phone: phone.optional(),
        status: z.enum(GUARDIAN_STATUSES).optional(),
      }),
    )
    .max(6)
    .optional(),
  arrangement: arrangementBody.optional(),
  /**
   * 上次走访日期: the last visit the street's paper ledger records for a child already on it. The first visit in
   * ChildSafe is then due that day plus the child's interval (overdue at once if that has passed), not enrolment plus
   * the interval. Not after today (Beijing time), not before the child's date of birth; ignored on a child already
   * enrolled unless it is the date already recorded (409 otherwise: record a visit instead).
   */
  lastVisitedOn: day
    .optional()
    .describe(
      "YYYY-MM-DD: the last visit on the street's paper ledger; the first visit is due that day plus the interval",
    ),
});
export type EnrolBody = z.input<typeof enrolBody>;

export const ledgerListQuery = z.strictObject({
  street: code.optional(),
  committee: code.optional(),
  category: z
    .string()
    .regex(/^[a-z_]+$/)
    .optional(),
  leftBehind: z.enum(['true', 'false']).optional(),
  risk: z.enum(['unassessed', ...RISK_LEVELS]).optional(),
  overdue: z.enum(['true']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ledgerRow = z.object({
  childId: z.string(),
  name: z.string(),
  sex: z.string(),
  approximateAge: z.number().nullable(),
  streetCode: z.string(),
  streetName: z.object({ zh: z.string(), en: z.string() }).nullable(),
  committeeCode: z.string().nullable(),
  committeeName: z.object({ zh: z.string(), en: z.string() }).nullable(),
  categories: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
  leftBehind: z.boolean(),
  multipleDifficulty: z.boolean(),
  riskLevel: z.string(),
  status: z.string(),
  nextVisitDue: z.string().nullable(),
  overdue: z.boolean(),
  lastVisitAt: z.string().nullable(),
});
export type LedgerRow = z.infer<typeof ledgerRow>;

export const ledgerList = z.object({
  items: z.array(ledgerRow),
  total: z.number(),
  /** Of `total`, the children whose next visit is past due (every page, the same filters): the overdue filter's count. */
  overdueTotal: z.number(),
  page: z.number(),
});

export const visitBody = z.strictObject({
  visitedAt: z.iso.datetime({ offset: true }),
  childPresent: z.boolean(),
  guardianPresent: z.boolean(),
  arrangementAdequate: z.boolean(),
  needs: z.array(z.string().trim().min(1).max(200)).max(10).default([]),
  newConcern: z.boolean(),
  /** With a new concern: what was seen (the report's account) and its concern codes (the pack's). */
  concern: z
    .strictObject({
      concerns: z
        .array(z.string().regex(/^[a-z_]+$/))
        .min(1)
        .max(10),
      account: z.string().trim().min(1).max(4000),
    })
    .optional(),
  note: z.string().trim().min(1).max(1000).optional(),
});
export type VisitBody = z.input<typeof visitBody>;

export const transferBody = z.strictObject({
  districtCode: z.string().regex(/^\d{6}$/, 'must be a 6-digit district code'),
  streetCode: code,
  committeeCode: code.optional(),
  reason: z.string().trim().min(1).max(500),
});

export const ledgerChildView = ledgerRow.extend({
  school: z.string().nullable(),
  guardians: z.array(
    z.object({ name: z.string(), relation: z.string(), status: z.string(), phone: z.string().optional() }),
  ),
  arrangement: z
    .object({
      caregiverName: z.string(),
      relation: z.string(),
      phone: z.string().nullable(),
      since: z.string().nullable(),
      parentsWorkplace: z.string().nullable(),
      adequate: z.boolean().nullable(),
    })
    .nullable(),
  benefits: z.array(z.string()),
  visitInterval: z.object({ duration: z.string(), clause: z.string() }).nullable(),
  missedVisits: z.number(),
  visits: z.array(
    z.object({
      visitedAt: z.string(),
      childPresent: z.boolean(),
      guardianPresent: z.boolean(),
      arrangementAdequate: z.boolean(),
      needs: z.array(z.string()),
      newConcern: z.boolean(),
    }),
  ),
  transfers: z.array(z.object({ at: z.string(), from: z.string(), to: z.string(), reason: z.string() })),
  version: z.number(),
  /**
   * The child's case still open, if any (its visits run, the ledger's wait): its readable number (null until its
   * first projection gave it one) and its stage; its id only for a reader who may open the case's page.
   */
  openCase: z
    .object({ caseNumber: z.string().nullable(), stage: z.string(), caseId: z.string().optional() })
    .nullable(),
});
export type LedgerChildView = z.infer<typeof ledgerChildView>;

export const complianceView = z.object({
  committees: z.array(
    z.object({
      committeeCode: z.string(),
      name: z.object({ zh: z.string(), en: z.string() }).nullable(),
      children: z.number(),
      overdue: z.number(),
      /** Children whose next visit is not past due, over all children (1 when none). */
      compliance: z.number(),
    }),
  ),
  byCategory: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string(), children: z.number() })),
  byStreet: z.array(
    z.object({
      streetCode: z.string(),
      name: z.object({ zh: z.string(), en: z.string() }).nullable(),
      children: z.number(),
    }),
  ),
  asOf: z
    .string()
    .optional()
    .describe("The instant the figures were counted for (the district's snapshot, every minute), ISO 8601"),
});
export type ComplianceView = z.infer<typeof complianceView>;

/** What the enrolment answers: the child's one file, and whether its monitoring workflow runs yet. */
export const enrolResult = z.object({
  childId: z.string(),
  /** A new child file was opened (false: the child already had one, from a case or a screening). */
  fileCreated: z.boolean(),
  /** Put on the ledger by this request (false: already on this ledger; its facts were updated). */
  enrolled: z.boolean(),
  /** 'pending': Temporal could not be reached; the enrolment is kept and the start is retried (the reconciler). */
  monitoring: z.enum(['started', 'pending']),
  version: z.number(),
});
export type EnrolResult = z.infer<typeof enrolResult>;

/** PATCH /ledger/children/:childId: the facts to change, and the `version` the caller read (409 when stale). */
export const ledgerPatchBody = z.strictObject({
  version: z.number().int().min(1),
  categories: enrolBody.shape.categories.unwrap().optional(),
  leftBehind: z.boolean().optional(),
  multipleDifficulty: z.boolean().optional(),
  riskLevel: z.enum(RISK_LEVELS).optional(),
  guardians: enrolBody.shape.guardians,
  arrangement: arrangementBody.optional(),
  school: nameField(120).optional(),
  benefits: enrolBody.shape.benefits,
});
export type LedgerPatchBody = z.input<typeof ledgerPatchBody>;

export const ledgerChildParams = z.strictObject({ childId: z.string().regex(/^[a-f0-9]{24}$/, 'must be a child id') });

/** What recording a visit answers: the visit's id, the next visit, and the report a new concern opened. */
export const visitResult = z.object({
  visitId: z.string(),
  visitNo: z.number(),
  nextVisitDue: z.string().nullable(),
  /** The arrangement was found inadequate: the committee's task to put it right (its id). */
  committeeTaskIds: z.array(z.string()),
  report: z.object({ receipt: z.string(), status: z.string() }).nullable(),
});
export type VisitResult = z.infer<typeof visitResult>;

export const transferResult = z.object({
  childId: z.string(),
  changed: z.boolean(),
  districtCode: z.string(),
  streetCode: z.string(),
  streetName: z.object({ zh: z.string(), en: z.string() }).nullable(),
  committeeCode: z.string().nullable(),
});
