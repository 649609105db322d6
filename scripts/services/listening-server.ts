/**
 * Starting a server that listens on a TCP port (the Temporal dev server, FerretDB) when other servers start beside it
 * on the same machine (a test suite's workers, helpers' runs). A port picked free can be taken by another process
 * before our server binds it. Two things follow:
 * - "something answers on the port" does not prove our server started: the port must be held by our process
 *   (checked in /proc on Linux, where we run);
 * - a start refused a port ("address already in use") is tried again: with a newly picked port where the caller let us
 *   pick, the same port where the caller chose it (a port the server picks itself is picked anew by it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startProcess, tail, type ManagedProcess } from './child-process';
import { waitForPort } from './ports';

const ADDRESS_IN_USE = 'address already in use';
const ATTEMPTS = 3;
/** Before the second attempt; doubled before the third. */
const RETRY_DELAY_MS = 2_000;

/** What one attempt starts with: its arguments, the port it must hold, and whatever else the caller chose for it. */
export interface ListeningAttempt {
  args: string[];
  port: number;
}

export interface ListeningServer<A extends ListeningAttempt> {
  process: ManagedProcess;
  /** The attempt that started: the port the server holds and what else was chosen for it. */
  started: A;
}

export async function startListeningServer<A extends ListeningAttempt>(options: {
  name: string;
  what: string;
  command: string;
  logDir: string;
  timeoutMs: number;
  /** The arguments of one attempt and the port it must hold; called again for each attempt. */
  attempt: () => Promise<A>;
}): Promise<ListeningServer<A>> {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  for (let attempt = 1; ; attempt++) {
    const chosen = await options.attempt();
    const { args, port } = chosen;
    const logFrom = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    const proc = startProcess(options.name, options.command, args, { logDir: options.logDir });
    const exited = new AbortController();
    try {
      await Promise.race([
        waitForPort(port, options.timeoutMs, '127.0.0.1', { signal: exited.signal, ownerPid: proc.pid }),
        proc.exited.then((code) => {
          throw new Error(`exited with code ${code}`);
        }),
      ]);
      return { process: proc, started: chosen };
    } catch (err) {
      exited.abort();
      await proc.stop();
      const thisAttempt = fs.readFileSync(logFile).subarray(logFrom).toString('utf8');
      if (attempt < ATTEMPTS && thisAttempt.includes(ADDRESS_IN_USE)) {
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
        continue;
      }
      throw new Error(`${options.what} did not start: ${(err as Error).message}\n${tail(proc.logFile)}`);
    }
  }
}
