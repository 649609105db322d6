/** The embedded MongoDB-compatible store: our FerretDB v1 wrapper (tools/ferretdb) over SQLite files. */
import fs from 'node:fs';
import path from 'node:path';
import { startProcess, tail, type ManagedProcess } from './child-process';
import { freePort, waitForPort } from './ports';
import { ferretDbPath } from './tools';

export interface FerretDb {
  /** mongodb:// URI without a database name. */
  uri: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startFerretDb(options: { dataDir: string; logDir: string; port?: number }): Promise<FerretDb> {
  const port = options.port ?? (await freePort());
  // Owner-only: the SQLite files hold children's files (FerretDB creates them under the inherited umask).
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const sqliteUrl = `file:${path.resolve(options.dataDir)}/`;
  const proc = startProcess(
    'ferretdb',
    ferretDbPath(),
    ['-listen-addr', `127.0.0.1:${port}`, '-sqlite-url', sqliteUrl, '-log-level', 'warn'],
    { logDir: options.logDir },
  );
  try {
    await Promise.race([
      waitForPort(port, 30_000),
      proc.exited.then((code) => {
        throw new Error(`exited with code ${code}`);
      }),
    ]);
  } catch (err) {
    await proc.stop();
    throw new Error(`FerretDB did not start: ${(err as Error).message}\n${tail(proc.logFile)}`);
  }
  return { uri: `mongodb://127.0.0.1:${port}/`, process: proc, stop: () => proc.stop() };
}
