/**
 * Accounts, managed by a district's administrator (/api/v1/accounts), and setting a new password with the one-time
 * code the administrator hands over (/api/v1/auth/password-reset). Agencies are shown by name; the code is only the
 * key the forms send back.
 */
import { z } from 'zod';
import { bilingual } from './common';
import { roleSchema } from './roles';

const agencyCode = z
  .string()
  .regex(/^[a-z0-9.-]{2,80}$/, 'must be an agency of the directory')
  .describe("The agency's key in the directory (the screen shows its name)");

export const accountIdParams = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{24}$/, 'must be an account id'),
});

export const createAccountBody = z.strictObject({
  email: z.email().max(254),
  displayName: z.string().trim().min(1, 'give the person’s name').max(100),
  role: roleSchema(),
  agencyCode,
});
export type CreateAccountBody = z.infer<typeof createAccountBody>;

export const updateAccountBody = z
  .strictObject({
    displayName: z.string().trim().min(1, 'give the person’s name').max(100).optional(),
    role: roleSchema().optional(),
    agencyCode: agencyCode.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one of displayName, role, agencyCode' });
export type UpdateAccountBody = z.infer<typeof updateAccountBody>;

export const accountView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema(),
  agency: z.object({ code: z.string(), name: bilingual }),
  jurisdiction: z.object({ districtCode: z.string(), streetCode: z.string().optional() }),
  active: z.boolean(),
  /** A one-time reset code was issued and is neither used nor expired. */
  resetPending: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Account = z.infer<typeof accountView>;

/** The one-time code: shown once to the administrator, who hands it to the person; it is never shown again. */
export const passwordResetIssued = z.object({
  account: accountView,
  code: z.string(),
  expiresAt: z.iso.datetime(),
});
export type PasswordResetIssued = z.infer<typeof passwordResetIssued>;

export const PASSWORD_MIN_LENGTH = 12;

export const passwordResetBody = z.strictObject({
  email: z.email().max(254),
  code: z.string().trim().min(1).max(64),
  newPassword: z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(256),
});
