/**
 * The MongoDB connection (FerretDB in development). Commands are not buffered while the database is down: they fail
 * at once, and the API turns that into a 503 with nothing half-written. The first connection is retried in the
 * background so a process can start before its database.
 */
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger';

export function openDatabase(uri: string, logger: Logger): { connection: Connection; ready: Promise<void>; close(): Promise<void> } {
  const connection = mongoose.createConnection();
  connection.set('bufferCommands', false);
  let closed = false;
  const ready = (async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        await connection.openUri(uri, { serverSelectionTimeoutMS: 5000, bufferCommands: false, autoIndex: true });
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
    connection,
    ready,
    async close() {
      closed = true;
      await connection.close().catch(() => undefined);
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
