/** Sign-in and the signed-in user (/api/v1/auth). */
import { z } from 'zod';
import { roleSchema } from './roles';

export const loginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
});

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema(),
  agencyCode: z.string(),
  jurisdiction: z.object({ districtCode: z.string(), streetCode: z.string().optional() }),
});
export type User = z.infer<typeof userView>;

export const sessionView = z.object({
  token: z.string().describe('Bearer token for API clients; the web app uses the session cookie set with it.'),
  expiresAt: z.iso.datetime(),
  user: userView,
});
export type LoginResponse = z.infer<typeof sessionView>;
