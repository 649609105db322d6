/**
 * Rate limits for the routes worth guessing at or flooding (sign-in, report filing): a fixed-window counter per client
 * and route, kept in MongoDB. The API runs as several stateless processes behind a proxy, so a counter in one
 * process's memory alone would let a client multiply its allowance by the number of processes; one document per
 * (route, client, window), incremented with an upsert on its unique _id, is shared across processes and needs no
 * extra service. Old windows are removed whenever a new one starts (FerretDB v1 has no TTL indexes). On MongoDB the
 * count is exact under concurrency; FerretDB v1 (development) does not apply concurrent `$inc`s atomically, so there a
 * burst of simultaneous requests can be under-counted.
 *
 * Who the client is: the signed-in user where there is one (a limiter placed after authentication), else the peer
 * address. `req.ip` honours X-Forwarded-For only from the proxies configured in TRUSTED_PROXIES (api/app.ts sets
 * express's 'trust proxy' from it), so a client cannot pick its own bucket by sending the header.
 *
 * Two ways to decide (`decide`):
 * - 'after-store' (sign-in): the request waits for the shared counter's increment and is judged by the count it
 *   returns; exact across processes. If the store cannot be reached the request is refused with 503, since an
 *   attacker could otherwise guess passwords without limit while the store is down.
 * - 'at-once' (report filing, whose answer must not wait for a database write): the process decides at once from its
 *   own count of the window plus the other processes' hits as last seen in the shared counter, and sends its hits to
 *   the shared counter without the request waiting (one write in flight per client and window; hits arriving
 *   meanwhile go in the next write as one `$inc`). What that guarantees: one process never lets a client past the
 *   limit (its own count decides alone if the store is down); across processes a client is stopped once the hits the
 *   others stored reach this process through its own increments' answers, so the overshoot is bounded by the hits
 *   the other processes admitted since this process's last answer from the store (in a flood, about one store round
 *   trip's worth; for a client alternating between processes, about one request per other process), and it never
 *   grows with time: every hit is counted in the shared store. A store error is logged and never refuses a request
 *   (a report about a child at risk must never be refused for our fault); those hits stay counted in this process.
 */
import type { Request, RequestHandler } from 'express';
import { Schema, model, type Model } from 'mongoose';
import { AppError, dependencyUnavailable, ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { isDuplicateKeyError } from '../../models/common';

export interface RateLimitStore {
  /**
   * Counts `by` hits (default 1) on `key` and returns the count so far in that window, all processes' hits included;
   * `now` is the limiter's clock.
   */
  hit(key: string, expiresAt: Date, now: Date, by?: number): Promise<number>;
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
  const increment = (key: string, expiresAt: Date, by: number) =>
    windows
      .findOneAndUpdate({ _id: key }, { $inc: { count: by }, $setOnInsert: { expiresAt } }, { upsert: true, new: true })
      .lean<RateLimitWindow>();
  const count = async (key: string, expiresAt: Date, by: number) => {
    try {
      return (await increment(key, expiresAt, by))!.count;
    } catch (err) {
      // Two first hits raced to insert the window; the loser's retry finds it and increments.
      if (!isDuplicateKeyError(err)) throw err;
      return (await increment(key, expiresAt, by))!.count;
    }
  };
  return {
    async hit(key, expiresAt, now, by = 1) {
      const hits = await count(key, expiresAt, by);
      // This write opened the window: remove the ended ones.
      if (hits <= by) await windows.deleteMany({ expiresAt: { $lte: now } });
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
   * 'after-store': wait for the shared counter and judge by its count; a store error answers 503 (anonymous routes).
   * 'at-once': judge by this process's count and the shared count last seen, update the shared counter without
   * waiting; a store error is logged and refuses nothing (signed-in filing). See the file's comment.
   */
  decide: 'after-store' | 'at-once';
  now?: () => Date;
}

/** A limiter: the middleware, plus `settled()` resolving once no write to the shared counter is in flight (tests). */
export type RateLimiter = RequestHandler & { settled(): Promise<void> };

/** The bucket of a request: the signed-in user if authentication ran before the limiter, else the peer address. */
export function clientBucket(req: Request): string {
  if (req.actor) return `user:${req.actor.userId}`;
  return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

/** One client's window as this process sees it ('at-once'). */
interface LocalWindow {
  key: string;
  windowEnd: number;
  /** Hits this process counted in the window (admitted or not: every hit counts, as in the shared store). */
  counted: number;
  /** Of those, hits the shared counter has acknowledged. */
  stored: number;
  /** Hits not yet sent to the shared counter. */
  unsent: number;
  /** The other processes' hits in the window, as last seen: the shared count minus our stored hits. */
  others: number;
  inFlight?: Promise<void>;
}

function retryAfterError(res: Parameters<RequestHandler>[1], windowEnd: number, at: number): AppError {
  const retryAfter = Math.max(1, Math.ceil((windowEnd - at) / 1000));
  res.setHeader('Retry-After', String(retryAfter));
  return new AppError(ErrorCode.RateLimited, 'Too many requests; try again later', { retryAfterSeconds: retryAfter });
}

/** 429 RATE_LIMITED with Retry-After once a client (`clientBucket`) passes `limit` requests in a window. */
export function rateLimit(options: RateLimitOptions): RateLimiter {
  const now = options.now ?? (() => new Date());
  const windowMs = options.windowSeconds * 1000;
  const windowOf = (req: Request) => {
    const at = now().getTime();
    const windowStart = at - (at % windowMs);
    return { at, windowEnd: windowStart + windowMs, key: `${options.name}:${clientBucket(req)}:${windowStart}` };
  };

  if (options.decide === 'after-store') {
    const afterStore: RequestHandler = async (req, res, next) => {
      const { at, windowEnd, key } = windowOf(req);
      let count: number;
      try {
        count = await options.store.hit(key, new Date(windowEnd), new Date(at));
      } catch (err) {
        options.logger.warn(
          { limiter: options.name, requestId: req.requestId, err: (err as Error).name },
          'rate limit store unavailable; request refused',
        );
        return next(dependencyUnavailable('rate limit store'));
      }
      if (count <= options.limit) return next();
      next(retryAfterError(res, windowEnd, at));
    };
    return Object.assign(afterStore, { settled: async () => undefined });
  }

  const windows = new Map<string, LocalWindow>();
  let sweepAt = 0;
  const send = (w: LocalWindow): void => {
    const by = w.unsent;
    w.unsent = 0;
    w.inFlight = options.store
      .hit(w.key, new Date(w.windowEnd), now(), by)
      .then(
        (count) => {
          w.stored += by;
          w.others = Math.max(w.others, count - w.stored);
        },
        (err: unknown) => {
          // Those hits stay counted here (`counted`); the shared count misses them.
          options.logger.warn(
            { limiter: options.name, err: (err as Error).name },
            'rate limit store unavailable; hits counted in this process only',
          );
        },
      )
      .finally(() => {
        w.inFlight = undefined;
        if (w.unsent > 0) send(w);
      });
  };
  const atOnce: RequestHandler = (req, res, next) => {
    const { at, windowEnd, key } = windowOf(req);
    if (at >= sweepAt) {
      for (const [k, w] of windows) if (w.windowEnd <= at && !w.inFlight && w.unsent === 0) windows.delete(k);
      sweepAt = at + windowMs;
    }
    let w = windows.get(key);
    if (!w) {
      w = { key, windowEnd, counted: 0, stored: 0, unsent: 0, others: 0 };
      windows.set(key, w);
    }
    w.counted += 1;
    w.unsent += 1;
    if (!w.inFlight) send(w);
    if (w.others + w.counted <= options.limit) return next();
    next(retryAfterError(res, windowEnd, at));
  };
  const settled = async (): Promise<void> => {
    for (;;) {
      const pending = [...windows.values()].flatMap((w) => (w.inFlight ? [w.inFlight] : []));
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  };
  return Object.assign(atOnce, { settled });
}
