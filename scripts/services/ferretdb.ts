/** The embedded MongoDB-compatible store: our FerretDB v1 wrapper (tools/ferretdb) over SQLite files. */
import fs from 'node:fs';
import path from 'node:path';
import { type ManagedProcess } from './child-process';
import { startListeningServer } from './listening-server';
import { freePort } from './ports';
import { ferretDbPath } from './tools';

export interface FerretDb {
  /** mongodb:// URI without a database name. */
  uri: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startFerretDb(options: { dataDir: string; logDir: string; port?: number }): Promise<FerretDb> {
  // Owner-only: the SQLite files hold children's files (FerretDB creates them under the inherited umask).
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // WAL (FerretDB's default) with NORMAL sync, as for Temporal's SQLite (temporal-dev-server.ts): a commit is written
  // to the WAL without an fsync of its own (checkpoints are fsynced), so a power cut or an OS crash may lose the last
  // commits but never corrupts the file, and a crash of FerretDB or of our processes loses nothing. MongoDB's default
  // write concern (w: 1, no journal wait) has the same kind of window. With FULL every commit waited for an fsync while
  // holding SQLite's one write lock (issue #19: about 12 writes a report).
  const sqliteUrl = `file:${path.resolve(options.dataDir)}/?_pragma=synchronous(normal)`;
  // A given port is kept on a second attempt, a picked one picked anew (scripts/services/listening-server.ts).
  const {
    process: proc,
    started: { port },
  } = await startListeningServer({
    name: 'ferretdb',
    what: 'FerretDB',
    command: ferretDbPath(),
    logDir: options.logDir,
    timeoutMs: 30_000,
    attempt: async () => {
      const port = options.port ?? (await freePort());
      return { port, args: ['-listen-addr', `127.0.0.1:${port}`, '-sqlite-url', sqliteUrl, '-log-level', 'warn'] };
    },
  });
  return { uri: `mongodb://127.0.0.1:${port}/`, process: proc, stop: () => proc.stop() };
}
