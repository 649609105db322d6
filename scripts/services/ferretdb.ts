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
  const sqliteUrl = `file:${path.resolve(options.dataDir)}/`;
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
