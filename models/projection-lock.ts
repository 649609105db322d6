/**
 * A per-key write lock for the read-model projections. FerretDB v1 runs an update as a query followed by a separate
 * write, so two concurrent conditional updates of one document can both match and the older can land last. The only
 * atomic check it offers is a unique index on insert, so a writer first inserts a lock document with the key as
 * `_id`; whoever inserts it writes, the others wait. On MongoDB the conditional update is atomic anyway, and the
 * lock costs two small round trips.
 */
import { randomUUID } from 'node:crypto';
import { Schema, model } from 'mongoose';
import { isDuplicateKeyError } from './common';

const projectionLockSchema = new Schema({
  _id: { type: String, required: true },
  owner: { type: String, required: true },
  lockedAt: { type: Date, required: true },
});

export const ProjectionLockModel = model('ProjectionLock', projectionLockSchema);

/** The lock stayed taken longer than the caller would wait; retryable. */
export class ProjectionBusyError extends Error {
  override readonly name = 'ProjectionBusyError';
}

export interface LockOptions {
  /** A lock older than this is from a crashed writer and may be taken over. */
  staleAfterMs: number;
  /** Give up (ProjectionBusyError) after waiting this long. */
  waitMs: number;
}

const DEFAULTS: LockOptions = { staleAfterMs: 15_000, waitMs: 10_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withProjectionLock<T>(
  key: string,
  write: () => Promise<T>,
  options: LockOptions = DEFAULTS,
): Promise<T> {
  const owner = randomUUID();
  const giveUpAt = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await ProjectionLockModel.create({ _id: key, owner, lockedAt: new Date() });
      break;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const held = await ProjectionLockModel.findById(key).lean().exec();
    if (held && held.lockedAt.getTime() < Date.now() - options.staleAfterMs) {
      await ProjectionLockModel.deleteOne({ _id: key, owner: held.owner }).exec();
      continue;
    }
    if (Date.now() > giveUpAt) throw new ProjectionBusyError(`projection ${key} is locked by another writer`);
    await sleep(Math.min(5 * 2 ** Math.min(attempt, 4), 80) * (0.5 + Math.random()));
  }
  try {
    return await write();
  } finally {
    await ProjectionLockModel.deleteOne({ _id: key, owner }).exec();
  }
}
