/**
 * Zod fields for the text rules of contracts/text.ts, so a route's schema says which strings are names, identity
 * numbers, children's dates of birth and event instants; every refusal names its field through `validate`.
 * (Every string in a request is also NFC-normalised and checked for control and bidi characters by `validate`.)
 */
import { z } from 'zod';
import {
  calendarDate,
  childBirthDateProblem,
  EARLIEST_EVENT,
  nameProblem,
  residentIdBirthDate,
  residentIdProblem,
} from './text';

const refuse =
  (problem: (value: string) => string | undefined) => (value: string, ctx: z.core.$RefinementCtx<string>) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };

/** A person's or a unit's name: one line, visible characters, at least one letter. */
export const nameField = (max: number) => z.string().trim().min(1).max(max).superRefine(refuse(nameProblem));

/** An 18-character resident ID number with a correct GB 11643 check digit and a real birth date. */
export const residentIdField = () =>
  z
    .string()
    .regex(/^\d{17}[\dXx]$/, 'must be an 18-character resident ID number')
    .superRefine(refuse((v) => residentIdProblem(v)))
    .describe('居民身份证号码: 18 characters, GB 11643 check digit, birth date inside it agreeing with dateOfBirth');

/** A minor's date of birth: a real date, in the past, less than 18 years ago. */
export const childDateOfBirthField = () =>
  z.iso
    .date()
    .superRefine(refuse((v) => childBirthDateProblem(v)))
    .describe('YYYY-MM-DD; in the past and less than 18 years ago (a minor)');

/** The instant of an event someone witnessed (discovery, detention): with an offset, not before 2000. */
export const eventInstantField = () =>
  z.iso
    .datetime({ offset: true })
    .refine((v) => Date.parse(v) >= Date.parse(EARLIEST_EVENT), 'lies before 2000')
    .describe('ISO 8601 with an offset; not before 2000 and not in the future');

/** Cross-field: the date of birth inside an ID number agrees with a date of birth given beside it. */
export function birthDatesAgree(
  child: { idNumber?: string | undefined; dateOfBirth?: string | undefined },
  ctx: z.core.$RefinementCtx,
) {
  if (!child.idNumber || !child.dateOfBirth) return;
  // Only two dates that are each valid are compared; an invalid one has its own issue already.
  const [year, month, day] = child.dateOfBirth.split('-').map(Number);
  if (calendarDate(year!, month!, day!) !== child.dateOfBirth || childBirthDateProblem(child.dateOfBirth)) return;
  if (residentIdProblem(child.idNumber)) return;
  const inId = residentIdBirthDate(child.idNumber);
  if (inId && inId !== child.dateOfBirth) {
    ctx.addIssue({
      code: 'custom',
      path: ['dateOfBirth'],
      message: `does not match the date of birth in the ID number (${inId})`,
    });
  }
}
