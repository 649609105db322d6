/**
 * Accounts as authentication needs them, cached per process and stamped like the directory (models/cache-stamps.ts):
 * each request still reads the `users` stamp (one look-up by `_id`), so an account deactivated, demoted or signed out
 * anywhere is refused on its next request in every process; what it saves is the account's own look-up, and the same
 * fresh stamp serves the request's directory look-ups.
 */
import type { UserRecord, UserRepository } from './user';
import { StampedCache } from './cache-stamps';

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
        0,
      ),
  };
}
