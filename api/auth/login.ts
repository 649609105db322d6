/**
 * Signing in: email and password against the account, with a lock after repeated failures. Every refusal looks the
 * same from outside (no account, wrong password, locked, deactivated) and costs the same time, since a password hash
 * is always computed, so nothing tells a caller whether an address has an account.
 */
import { randomUUID } from 'node:crypto';
import type { UserRecord, UserRepository } from '../../models/user';
import { hashPassword, verifyPassword } from './passwords';
import type { IssuedToken, TokenService } from './tokens';

/** Five consecutive failures lock the account for fifteen minutes. */
export const LOCKOUT_POLICY = Object.freeze({ maxFailures: 5, lockMinutes: 15 });

export type LoginResult =
  | { ok: true; user: UserRecord; session: IssuedToken }
  | { ok: false; reason: 'unknown_account' | 'wrong_password' | 'locked' | 'inactive'; user?: UserRecord };

export interface LoginService {
  login(email: string, password: string): Promise<LoginResult>;
}

export function createLoginService(deps: {
  users: Pick<UserRepository, 'findByEmail' | 'recordFailedLogin' | 'recordSuccessfulLogin'>;
  tokens: TokenService;
  now?: () => Date;
}): LoginService {
  const now = deps.now ?? (() => new Date());
  // Verified against when there is no account, so an unknown address takes as long as a known one.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => (decoy ??= hashPassword(randomUUID()));

  return {
    async login(email, password) {
      const user = await deps.users.findByEmail(email);
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user) return { ok: false, reason: 'unknown_account' };
      const at = now();
      if (user.lockedUntil && user.lockedUntil > at) return { ok: false, reason: 'locked', user };
      if (!user.active) return { ok: false, reason: 'inactive', user };
      if (!matches) {
        const lockUntil = new Date(at.getTime() + LOCKOUT_POLICY.lockMinutes * 60_000);
        await deps.users.recordFailedLogin(user._id, { now: at, maxFailures: LOCKOUT_POLICY.maxFailures, lockUntil });
        return { ok: false, reason: 'wrong_password', user };
      }
      await deps.users.recordSuccessfulLogin(user._id);
      return {
        ok: true,
        user,
        session: deps.tokens.issue({ userId: String(user._id), tokenVersion: user.tokenVersion }),
      };
    },
  };
}
