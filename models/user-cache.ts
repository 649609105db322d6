/**
 * Accounts as authentication needs them, cached per process and stamped like the directory (models/cache-stamps.ts):
 * each request checks the `users` stamp against a read started less than AUTH_STAMP_AGE_MS ago, and a change to an
 * account returns only after that long, so an account deactivated, demoted or signed out anywhere is refused on its
 * next request after the change, in every process; the same read serves the request's directory look-ups.
 */
import type { UserRecord, UserRepository } from './user';
import { AUTH_STAMP_AGE_MS, StampedCache } from './cache-stamps';

/** What authentication reads of an account (no password hash or reset code is kept in memory). */
export type AuthAccount = Pick<UserRecord, '_id' | 'role' | 'agencyCode' | 'jurisdiction' | 'active' | 'tokenVersion'>;

const accounts = new StampedCache<AuthAccount | null>('users');

export function cachedAccountLookup(users: Pick<UserRepository, 'findById'>): {
  findById(id: string): Promise<AuthAccount | null>;
} {
  return {
    findById: (id) =>
      accounts.get(
        id,
        async () => {
          const user = await users.findById(id);
          if (!user) return null;
          const { _id, role, agencyCode, jurisdiction, active, tokenVersion } = user;
          return Object.freeze({ _id, role, agencyCode, jurisdiction: { ...jurisdiction }, active, tokenVersion });
        },
        AUTH_STAMP_AGE_MS,
      ),
  };
}
