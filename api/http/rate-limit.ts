/**
 * Rate limits for the routes worth guessing at or flooding (sign-in, report filing): a fixed-window counter per client
 * and route, kept in MongoDB. The API runs as several stateless processes behind a proxy, so a counter in one
 * process's memory would let a client multiply its allowance by the number of processes; one document per
 * (route, client, window), incremented with an upsert on its unique _id, is exact across processes and needs no
 * extra service. Old windows are removed whenever a new one starts (FerretDB v1 has no TTL indexes). On MongoDB the
 * count is exact under concurrency; FerretDB v1 (development) does not apply concurrent `$inc`s atomically, so there a
 * burst of simultaneous requests can be under-counted.
 *
 * Who the client is: the signed-in user where there is one (a limiter placed after authentication), else the peer
 * address. `req.ip` honours X-Forwarded-For only from the proxies configured in TRUSTED_PROXIES (api/app.ts sets
 * express's 'trust proxy' from it), so a client cannot pick its own bucket by sending the header.
 *
 * If the counter store cannot be reached: anonymous routes (sign-in) fail closed with 503, since an attacker could
 * otherwise guess passwords without limit while the store is down; signed-in filing fails open, logged, because a
 * report about a child at risk must never be refused for our fault.
 */
import type { Request, RequestHandler } from 'express';
import { Schema, model, type Model } from 'mongoose';
import { AppError, dependencyUnavailable, ErrorCode } from '../../common/errors';
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
  /**
   * On a store error: 'refuse' answers 503 (anonymous routes), 'allow' lets the request through and logs it
   * (signed-in filing).
   */
  onStoreError: 'refuse' | 'allow';
  now?: () => Date;
}

/** The bucket of a request: the signed-in user if authentication ran before the limiter, else the peer address. */
export function clientBucket(req: Request): string {
  if (req.actor) return `user:${req.actor.userId}`;
  return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

/** 429 RATE_LIMITED with Retry-After once a client (`clientBucket`) passes `limit` requests in a window. */
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
        `${options.name}:${clientBucket(req)}:${windowStart}`,
        new Date(windowEnd),
        new Date(at),
      );
    } catch (err) {
      const refuse = options.onStoreError === 'refuse';
      options.logger.warn(
        { limiter: options.name, requestId: req.requestId, err: (err as Error).name },
        refuse ? 'rate limit store unavailable; request refused' : 'rate limit store unavailable; request let through',
      );
      return next(refuse ? dependencyUnavailable('rate limit store') : undefined);
    }
    if (count <= options.limit) return next();
    const retryAfter = Math.max(1, Math.ceil((windowEnd - at) / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    next(new AppError(ErrorCode.RateLimited, 'Too many requests; try again later', { retryAfterSeconds: retryAfter }));
  };
}
