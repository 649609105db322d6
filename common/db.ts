/**
 * The process's MongoDB connection (FerretDB in development): mongoose's default connection, which the models in
 * models/ are registered on. Commands are not buffered while the database is down: they fail at once, so the API
 * answers 503 with nothing half-written and activities retry. The first connection is retried in the background so
 * a process can start before its database.
 */
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger';

/** mongoose's process-wide settings, as every ChildSafe process runs them (openDatabase; the bench's processes). */
export function configureMongoose(): void {
  mongoose.set('bufferCommands', false);
  // Otherwise every query's exec captures `new Error().stack`, only to decorate a "Query was already executed" error
  // (a programming error) with it; under tsx's source maps that capture was about 2% of the worker's main thread
  // (bench/README.md, "Session 12").
  mongoose.set('skipOriginalStackTraces', true);
}

export function openDatabase(
  uri: string,
  logger: Logger,
): { connection: Connection; ready: Promise<void>; close(): Promise<void> } {
  configureMongoose();
  let closed = false;
  const ready = (async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        await mongoose.connect(uri, { serverSelectionTimeoutMS: 5000, autoIndex: true });
        // Build the models' indexes (unique keys are what make writes idempotent) before anyone relies on them.
        await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
        logger.info('database connected');
        return;
      } catch (err) {
        if (closed) return;
        logger.warn({ attempt, err: (err as Error).name }, 'database not reachable yet; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
      }
    }
  })();
  return {
    connection: mongoose.connection,
    ready,
    async close() {
      closed = true;
      await mongoose.disconnect().catch(() => undefined);
    },
  };
}

/** True when the database answers a ping within `timeoutMs`. */
export async function databaseReachable(connection: Connection, timeoutMs = 2000): Promise<boolean> {
  if (connection.readyState !== 1 || !connection.db) return false;
  const ping = connection.db.admin().ping({ maxTimeMS: timeoutMs });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref());
  try {
    await Promise.race([ping, timeout]);
    return true;
  } catch {
    return false;
  }
}
