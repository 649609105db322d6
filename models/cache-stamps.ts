/**
 * In-memory caches of data that changes rarely and is read on every request (the agency directory, the accounts),
 * kept right across several API and worker processes by a version stamp in the database (issue #19).
 *
 * Why a stamp and not a time-to-live: a deactivated account must be refused on its very next request, whichever
 * process serves it, and a TTL short enough for that would save nothing. Every write through the Agency or User model
 * (mongoose middleware, so also a test's or a script's direct `UserModel.updateOne`) finishes by setting a fresh
 * random token for its collection in one small document, `cachestamps/_id: "stamps"`, and clears this process's
 * caches at once. A cache keeps what it loaded only while the token it read BEFORE loading is still the current one,
 * so nothing loaded before a write can be served after it. Reading the token is one look-up by `_id`, the one query
 * FerretDB v1 on SQLite answers without reading the whole collection (/work/shared/docs/embedded-store.md).
 *
 * How fresh each reader wants the token (`maxStampAgeMs`): authentication accepts a token read that STARTED less than
 * `AUTH_STAMP_AGE_MS` ago, and every write that changes an existing account (a deactivation, a demotion, a sign-out
 * everywhere: all of them move the stamp) waits that long after its stamp is written before it returns. So once the
 * write has returned, every process's next authentication reads a token read after the write, and refuses the
 * account: the guarantee is "refused on its next request after the change is confirmed", and a request concurrent
 * with the change may go either way, as it could with any read. What it buys (issue #19): a request rarely waits for
 * the token, because a read is kept for that long and renewed in the background once half as old (a read of the one
 * small document, off the request's path), instead of one awaited round trip per request. The directory and the
 * notifier's recipients accept a token read up to `SHARED_STAMP_AGE_MS` ago, and nothing waits for them. A write that
 * the models do not see (mongosh, a restore) is picked up when the stamp next changes or after `MAX_ENTRY_AGE_MS` at
 * the latest; a bump that fails after its write fails the write's caller, and the same bound applies.
 */
import { randomUUID } from 'node:crypto';
import { Schema, model, type Query } from 'mongoose';
import { isDuplicateKeyError } from './common';

export const CACHED_COLLECTIONS = ['agencies', 'users'] as const;
export type CachedCollection = (typeof CACHED_COLLECTIONS)[number];
type Stamps = Record<CachedCollection, string>;

const STAMPS_ID = 'stamps';
/** A token's stand-in while no write has stamped the collection yet (a new or dropped database). */
const UNSTAMPED = 'unstamped';
/** The longest any entry is served, whatever the stamp says: the bound for writes the models do not see. */
export const MAX_ENTRY_AGE_MS = 60_000;
/** How stale a token the directory and notifier look-ups accept. */
export const SHARED_STAMP_AGE_MS = 1_000;
/**
 * How long ago authentication's token read may have started, and how long a write changing an existing account waits
 * after stamping before it returns (the two must be equal for the guarantee at the top of the file).
 */
export const AUTH_STAMP_AGE_MS = 200;
/** A kept read this old is renewed in the background (the next reader still gets the kept one). */
const RENEW_AFTER_MS = AUTH_STAMP_AGE_MS / 2;

const stampSchema = new Schema(
  { _id: { type: String, required: true }, agencies: String, users: String },
  { collection: 'cachestamps', versionKey: false },
);
const CacheStampModel = model('CacheStamp', stampSchema);

interface StampRead {
  startedAt: number;
  stamps: Promise<Stamps>;
}
/** The newest read that has answered, and the read under way (if any); both forgotten on a local write. */
let answered: { startedAt: number; stamps: Stamps } | undefined;
let underWay: StampRead | undefined;
/** Moves on every local write, so that a read started before it is not kept after it. */
let generation = 0;

async function readStamps(): Promise<Stamps> {
  const doc = await CacheStampModel.findById(STAMPS_ID).lean().exec();
  return { agencies: doc?.agencies ?? UNSTAMPED, users: doc?.users ?? UNSTAMPED };
}

function startRead(): StampRead {
  const read: StampRead = { startedAt: performance.now(), stamps: readStamps() };
  const startedIn = generation;
  underWay = read;
  read.stamps.then(
    (stamps) => {
      if (underWay === read) underWay = undefined;
      if (startedIn === generation && (!answered || answered.startedAt < read.startedAt))
        answered = { startedAt: read.startedAt, stamps };
    },
    () => {
      if (underWay === read) underWay = undefined;
    },
  );
  return read;
}

/**
 * The current tokens, from a read that started less than `maxAgeMs` ago (0: a read of its own): the newest answered
 * one if it is that young (renewed in the background once `RENEW_AFTER_MS` old), else the one under way if it is,
 * else a new read.
 */
function currentStamps(maxAgeMs: number): Promise<Stamps> {
  const now = performance.now();
  if (answered && now - answered.startedAt < maxAgeMs) {
    if (!underWay && now - answered.startedAt >= RENEW_AFTER_MS) startRead().stamps.catch(() => undefined);
    return Promise.resolve(answered.stamps);
  }
  if (underWay && now - underWay.startedAt < maxAgeMs) return underWay.stamps;
  return startRead().stamps;
}

const caches = new Set<StampedCache<unknown>>();

/** A map of loaded values valid while their collection's stamp does not change (and for MAX_ENTRY_AGE_MS at most). */
export class StampedCache<T> {
  private stamp: string | undefined;
  private readonly entries = new Map<string, { loadedAt: number; value: Promise<T> }>();

  constructor(
    readonly collection: CachedCollection,
    /** Past this many entries the map starts afresh (a bound on memory, not a policy). */
    private readonly maxEntries = 10_000,
  ) {
    caches.add(this as StampedCache<unknown>);
  }

  async get(key: string, load: () => Promise<T>, maxStampAgeMs: number): Promise<T> {
    const stamp = (await currentStamps(maxStampAgeMs))[this.collection];
    if (stamp !== this.stamp) {
      this.entries.clear();
      this.stamp = stamp;
    }
    const now = performance.now();
    const cached = this.entries.get(key);
    if (cached && now - cached.loadedAt < MAX_ENTRY_AGE_MS) return cached.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { loadedAt: now, value: load() };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
    this.stamp = undefined;
  }
}

/** Forgets everything this process has cached of a collection and any token read before now. */
function forgetLocally(collection: CachedCollection): void {
  generation += 1;
  answered = undefined;
  underWay = undefined;
  for (const cache of caches) if (cache.collection === collection) cache.clear();
}

/**
 * Sets a fresh token for the collection (creating the stamps document if need be), then forgets locally; with
 * `waitToSpread`, returns only `AUTH_STAMP_AGE_MS` after the token is written, when no process authenticates with a
 * token read before it any more.
 */
export async function bumpStamp(collection: CachedCollection, { waitToSpread = false } = {}): Promise<void> {
  try {
    const update = { $set: { [collection]: randomUUID() } };
    try {
      await CacheStampModel.updateOne({ _id: STAMPS_ID }, update, { upsert: true }).exec();
    } catch (err) {
      // Two first writes racing to create the document: the loser's update now finds it.
      if (!isDuplicateKeyError(err)) throw err;
      await CacheStampModel.updateOne({ _id: STAMPS_ID }, update).exec();
    }
  } finally {
    forgetLocally(collection);
  }
  if (waitToSpread) await new Promise((resolve) => setTimeout(resolve, AUTH_STAMP_AGE_MS));
}

const QUERY_WRITES = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'replaceOne',
  'findOneAndReplace',
  'deleteOne',
  'deleteMany',
  'findOneAndDelete',
] as const;

/** The fields an update sets, increments or unsets (top level of each operator, or of a replacement). */
function updatedFields(update: unknown): string[] {
  if (!update || typeof update !== 'object' || Array.isArray(update)) return ['*'];
  const fields: string[] = [];
  for (const [key, value] of Object.entries(update)) {
    if (!key.startsWith('$')) fields.push(key);
    else if (value && typeof value === 'object') fields.push(...Object.keys(value));
    else fields.push('*');
  }
  return fields;
}

/** Whether a write reported that it changed nothing (an update that matched nothing or set what was there). */
function changedNothing(result: unknown): boolean {
  if (!result || typeof result !== 'object') return false;
  const r = result as { modifiedCount?: number; upsertedCount?: number; deletedCount?: number };
  if (typeof r.deletedCount === 'number') return r.deletedCount === 0;
  return r.modifiedCount === 0 && (r.upsertedCount ?? 0) === 0;
}

/**
 * Makes every write through the schema's model stamp the collection. `uncachedFields`: fields no cache reads, whose
 * updates alone (e.g. a failed-login counter) need not throw every process's cache away. `changesWaitToSpread`: a
 * write that changes or deletes an existing document returns only once every process's authentication sees it (the
 * accounts: see the top of the file); a new document takes nothing away from anyone and does not wait.
 */
export function stampOnWrite(
  schema: Schema,
  collection: CachedCollection,
  {
    uncachedFields = [],
    changesWaitToSpread = false,
  }: { uncachedFields?: readonly string[]; changesWaitToSpread?: boolean } = {},
): void {
  const ignored = new Set([...uncachedFields, 'updatedAt', 'createdAt']);
  const change = { waitToSpread: changesWaitToSpread };
  schema.pre('save', function () {
    this.$locals.stampAsNew = this.isNew;
  });
  schema.post('save', async function () {
    await bumpStamp(collection, this.$locals.stampAsNew === true ? {} : change);
  });
  schema.post('insertMany', async () => bumpStamp(collection));
  schema.post('bulkWrite', async () => bumpStamp(collection, change));
  schema.post('deleteOne', { document: true, query: false }, async () => bumpStamp(collection, change));
  schema.post('updateOne', { document: true, query: false }, async () => bumpStamp(collection, change));
  for (const op of QUERY_WRITES) {
    schema.post(op, { document: false, query: true }, async function (this: Query<unknown, unknown>, result) {
      if (changedNothing(result)) return;
      const fields = op.startsWith('delete') || op === 'findOneAndDelete' ? ['*'] : updatedFields(this.getUpdate());
      if (fields.length > 0 && fields.every((f) => ignored.has(f))) return;
      await bumpStamp(collection, change);
    });
  }
}
