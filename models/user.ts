/**
 * Accounts: who may sign in, with which role, for which agency and jurisdiction. Passwords are stored only as scrypt
 * hashes (api/auth/passwords.ts). Failed sign-ins are counted to lock an account for a while after repeated failures.
 */
import { Schema, isValidObjectId, model, type InferSchemaType, type Model, type Types } from 'mongoose';
import { ROLES } from '../contracts/roles';

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
  },
  { timestamps: true, collection: 'users' },
);

export type User = InferSchemaType<typeof userSchema>;
export type UserRecord = User & { _id: Types.ObjectId };
export type NewUser = Pick<User, 'email' | 'displayName' | 'role' | 'agencyCode' | 'jurisdiction' | 'passwordHash'>;

export const UserModel = model('User', userSchema);

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

    /** Ends every session of the account: tokens carrying an older version no longer authenticate. */
    async revokeTokens(id: string): Promise<void> {
      if (!isValidObjectId(id)) return;
      await users.updateOne({ _id: id }, { $inc: { tokenVersion: 1 } });
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
