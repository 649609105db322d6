/**
 * Accounts: who may sign in, with which role, for which agency and jurisdiction. Passwords are stored only as scrypt
 * hashes (api/auth/passwords.ts). Failed sign-ins are counted to lock an account for a while after repeated failures.
 */
import { Schema, isValidObjectId, model, type InferSchemaType, type Model, type Types } from 'mongoose';
import { ROLES } from '../contracts/roles';
import { isDuplicateKeyError } from './common';
import { stampOnWrite } from './cache-stamps';

const jurisdictionSchema = new Schema(
  {
    districtCode: { type: String, required: true },
    /** Set for street-level accounts (street coordinators, street agencies). */
    streetCode: { type: String },
  },
  { _id: false },
);

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    displayName: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    /** The agency directory's code, e.g. CN-POLICE-HUAYANG. */
    agencyCode: { type: String, required: true },
    jurisdiction: { type: jurisdictionSchema, required: true },
    passwordHash: { type: String, required: true },
    /** Consecutive failures since the last success or lock. */
    failedLogins: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date, default: null },
    /** Part of every token; bumping it (logout) voids the tokens issued before. */
    tokenVersion: { type: Number, required: true, default: 0 },
    active: { type: Boolean, required: true, default: true },
    /**
     * A pending password reset an administrator issued: the SHA-256 of the one-time code (the code itself is shown
     * once to the administrator and never stored) and when it stops working. Cleared when used.
     */
    passwordReset: {
      type: new Schema(
        { codeHash: { type: String, required: true }, expiresAt: { type: Date, required: true } },
        { _id: false },
      ),
      default: null,
    },
  },
  { timestamps: true, collection: 'users' },
);

// Authentication and the notifier cache accounts (models/user-cache.ts): every write through this model stamps them,
// except one touching only the sign-in failure count and lock, which no cache reads (every sign-in writes them). A change
// to an existing account (deactivated, demoted, signed out) returns only once every process refuses what it took away.
stampOnWrite(userSchema, 'users', { uncachedFields: ['failedLogins', 'lockedUntil'], changesWaitToSpread: true });

// The notifier's recipients when its cache is cold (activities/stores/notifier.ts usersWith): an agency's accounts
// by role (duty desk, supervisors).
userSchema.index({ agencyCode: 1, role: 1 });

export type User = InferSchemaType<typeof userSchema>;
export type UserRecord = User & { _id: Types.ObjectId };
export type NewUser = Pick<User, 'email' | 'displayName' | 'role' | 'agencyCode' | 'jurisdiction' | 'passwordHash'>;

export const UserModel = model('User', userSchema);

/** What an administrator may change on an account (role, agency and the jurisdiction that follows the agency). */
export interface AccountChange {
  displayName?: string;
  role?: User['role'];
  agencyCode?: string;
  jurisdiction?: { districtCode: string; streetCode?: string };
}

export function createUserRepository(users: Model<User> = UserModel) {
  return {
    async findByEmail(email: string): Promise<UserRecord | null> {
      return users.findOne({ email: email.trim().toLowerCase() }).lean<UserRecord>();
    },

    async findById(id: string): Promise<UserRecord | null> {
      if (!isValidObjectId(id)) return null;
      return users.findById(id).lean<UserRecord>();
    },

    async create(user: NewUser): Promise<UserRecord> {
      const created = await users.create(user);
      return created.toObject<UserRecord>();
    },

    /** Creates the account unless one with its email exists (the unique index decides, even between two requests). */
    async createIfAbsent(user: NewUser): Promise<UserRecord | null> {
      try {
        return (await users.create(user)).toObject<UserRecord>();
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
    },

    /**
     * Counts a failure, unless the account is already locked (so a locked account's lock is not extended by
     * whoever keeps guessing). At `maxFailures` the account locks until `lockUntil` and the count starts again.
     */
    async recordFailedLogin(
      id: Types.ObjectId,
      options: { now: Date; maxFailures: number; lockUntil: Date },
    ): Promise<void> {
      const notLocked = { $or: [{ lockedUntil: null }, { lockedUntil: { $lte: options.now } }] };
      const counted = await users
        .findOneAndUpdate({ _id: id, ...notLocked }, { $inc: { failedLogins: 1 } }, { new: true })
        .lean<UserRecord>();
      if (counted && counted.failedLogins >= options.maxFailures) {
        await users.updateOne(
          { _id: id, failedLogins: { $gte: options.maxFailures } },
          { $set: { lockedUntil: options.lockUntil, failedLogins: 0 } },
        );
      }
    },

    async recordSuccessfulLogin(id: Types.ObjectId): Promise<void> {
      await users.updateOne({ _id: id }, { $set: { failedLogins: 0, lockedUntil: null } });
    },

    /** The accounts of one district, by agency then email. */
    async listByDistrict(districtCode: string): Promise<UserRecord[]> {
      return users
        .find({ 'jurisdiction.districtCode': districtCode })
        .sort({ agencyCode: 1, email: 1 })
        .lean<UserRecord[]>();
    },

    /**
     * Changes role, agency or name; a change of role or agency ends the account's sessions (the next request
     * authenticates against the new role). Null when there is no such account.
     */
    async update(id: string, change: AccountChange): Promise<UserRecord | null> {
      if (!isValidObjectId(id)) return null;
      const set: Record<string, unknown> = {};
      if (change.displayName !== undefined) set.displayName = change.displayName;
      if (change.role !== undefined) set.role = change.role;
      if (change.agencyCode !== undefined) set.agencyCode = change.agencyCode;
      if (change.jurisdiction) {
        set['jurisdiction.districtCode'] = change.jurisdiction.districtCode;
        set['jurisdiction.streetCode'] = change.jurisdiction.streetCode ?? null;
      }
      const revoke = change.role !== undefined || change.agencyCode !== undefined;
      await users.updateOne({ _id: id }, { $set: set, ...(revoke ? { $inc: { tokenVersion: 1 } } : {}) });
      return users.findById(id).lean<UserRecord>();
    },

    /** Deactivating ends every session at once (the token version moves); reactivating lets the user sign in again. */
    async setActive(id: string, active: boolean): Promise<UserRecord | null> {
      if (!isValidObjectId(id)) return null;
      await users.updateOne(
        { _id: id },
        active
          ? { $set: { active: true } }
          : { $set: { active: false, passwordReset: null }, $inc: { tokenVersion: 1 } },
      );
      return users.findById(id).lean<UserRecord>();
    },

    /** Records a one-time reset code's hash (replacing any earlier one) and ends the account's sessions. */
    async setPasswordReset(id: string, reset: { codeHash: string; expiresAt: Date }): Promise<UserRecord | null> {
      if (!isValidObjectId(id)) return null;
      await users.updateOne({ _id: id }, { $set: { passwordReset: reset }, $inc: { tokenVersion: 1 } });
      return users.findById(id).lean<UserRecord>();
    },

    /**
     * Uses a reset code: sets the new password hash if the account is active and the code's hash still matches an
     * unexpired reset, atomically, so a code works once. True when the password was set.
     */
    async completePasswordReset(
      id: Types.ObjectId,
      reset: { codeHash: string; now: Date; passwordHash: string },
    ): Promise<boolean> {
      const result = await users.updateOne(
        {
          _id: id,
          active: true,
          'passwordReset.codeHash': reset.codeHash,
          'passwordReset.expiresAt': { $gt: reset.now },
        },
        {
          $set: { passwordHash: reset.passwordHash, passwordReset: null, failedLogins: 0, lockedUntil: null },
          $inc: { tokenVersion: 1 },
        },
      );
      return result.modifiedCount === 1;
    },

    /** Ends every session of the account: tokens carrying an older version no longer authenticate. */
    async revokeTokens(id: string): Promise<void> {
      if (!isValidObjectId(id)) return;
      await users.updateOne({ _id: id }, { $inc: { tokenVersion: 1 } });
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
