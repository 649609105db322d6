/**
 * Rate limits for the routes worth guessing at or flooding (sign-in, report filing): a fixed-window counter per client
 * address and route, kept in MongoDB. The API runs as several stateless processes behind a proxy, so a counter in one
 * process's memory would let a client multiply its allowance by the number of processes; one document per
 * (route, address, window), incremented with an upsert on its unique _id, is exact across processes and needs no
 * extra service. Old windows are removed whenever a new one starts (FerretDB v1 has no TTL indexes). On MongoDB the
 * count is exact under concurrency; FerretDB v1 (development) does not apply concurrent `$inc`s atomically, so there a
 * burst of simultaneous requests can be under-counted.
 *
 * If the counter store cannot be reached the request is let through (and logged): a report about a child at risk must
 * never be refused because a limiter is down; sign-in needs the database anyway and fails on its own.
 */
import type { RequestHandler } from 'express';
import { Schema, model, type Model } from 'mongoose';
import { AppError, ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { isDuplicateKeyError } from '../../models/common';

export interface RateLimitStore {
  /** Counts one hit on `key` and returns the count so far in that window; `now` is the limiter's clock. */
  hit(key: string, expiresAt: Date, now: Date): Promise<number>;
}

const windowSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'rate_limit_windows', versionKey: false },
);
// Removing the windows that have ended.
windowSchema.index({ expiresAt: 1 });
type RateLimitWindow = { _id: string; count: number; expiresAt: Date };
export const RateLimitWindowModel = model<RateLimitWindow>('RateLimitWindow', windowSchema);

export function createMongoRateLimitStore(windows: Model<RateLimitWindow> = RateLimitWindowModel): RateLimitStore {
  const increment = (key: string, expiresAt: Date) =>
    windows
      .findOneAndUpdate({ _id: key }, { $inc: { count: 1 }, $setOnInsert: { expiresAt } }, { upsert: true, new: true })
      .lean<RateLimitWindow>();
  const count = async (key: string, expiresAt: Date) => {
    try {
      return (await increment(key, expiresAt))!.count;
    } catch (err) {
      // Two first hits raced to insert the window; the loser's retry finds it and increments.
      if (!isDuplicateKeyError(err)) throw err;
      return (await increment(key, expiresAt))!.count;
    }
  };
  return {
    async hit(key, expiresAt, now) {
      const hits = await count(key, expiresAt);
      if (hits === 1) await windows.deleteMany({ expiresAt: { $lte: now } });
      return hits;
    },
  };
}

export interface RateLimitOptions {
  store: RateLimitStore;
  logger: Logger;
  /** Names the limited route in the counter key, e.g. "login". */
  name: string;
  limit: number;
  windowSeconds: number;
  now?: () => Date;
}

/** 429 RATE_LIMITED with Retry-After once a client address passes `limit` requests in a window. */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const now = options.now ?? (() => new Date());
  const windowMs = options.windowSeconds * 1000;
  return async (req, res, next) => {
    const at = now().getTime();
    const windowStart = at - (at % windowMs);
    const windowEnd = windowStart + windowMs;
    let count: number;
    try {
      count = await options.store.hit(
        `${options.name}:${req.ip ?? 'unknown'}:${windowStart}`,
        new Date(windowEnd),
        new Date(at),
      );
    } catch (err) {
      options.logger.warn(
        { limiter: options.name, err: (err as Error).name },
        'rate limit store unavailable; request let through',
      );
      return next();
    }
    if (count <= options.limit) return next();
    const retryAfter = Math.max(1, Math.ceil((windowEnd - at) / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    next(new AppError(ErrorCode.RateLimited, 'Too many requests; try again later', { retryAfterSeconds: retryAfter }));
  };
}
