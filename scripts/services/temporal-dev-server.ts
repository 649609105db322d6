/**
 * The Temporal CLI's dev server: a single-process Temporal with SQLite persistence and the Web UI. Used by
 * `npm start` (file under data/, kept between runs) and by the integration tests (in memory, free ports).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startProcess, tail, type ManagedProcess } from './child-process';
import { freePort, waitForPort } from './ports';
import { temporalCliPath } from './tools';
import { CHILDSAFE_SEARCH_ATTRIBUTES } from '../../common/search-attributes';

const START_ATTEMPTS = 3;
const ADDRESS_IN_USE = 'address already in use';
/** Before the second attempt; doubled before the third. */
const RETRY_DELAY_MS = 2_000;

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  namespace: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: {
  logDir: string;
  /** SQLite file; omit for an in-memory server. */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  /** The Web UI decodes payloads through this endpoint (ChildSafe's /api/v1/codec), for signed-in users. */
  codecEndpoint?: string;
  /** Dynamic config values (`--dynamic-config-value KEY=JSON`), e.g. for benchmarks' experiments. */
  dynamicConfig?: Record<string, unknown>;
}): Promise<TemporalDevServer> {
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'warn', '--log-format', 'pretty');
  if (options.dbFile) {
    // WAL keeps readers and the single writer from blocking each other; NORMAL sync is safe with WAL.
    args.push(
      '--db-filename',
      options.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  }
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1');
  if (uiPort !== undefined && options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const [name, type] of Object.entries(CHILDSAFE_SEARCH_ATTRIBUTES))
    args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  // Besides the ports we choose, the dev server binds others of its own choosing (its HTTP API, metrics), each picked
  // free and bound a moment later: another server starting on this machine can take one in between ("bind: address
  // already in use"). That start is tried again after a pause; the ports we were asked for stay the same.
  let proc: ManagedProcess | undefined;
  for (let attempt = 1; !proc; attempt++) {
    const logFile = path.join(options.logDir, 'temporal.log');
    const logFrom = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    const started = startProcess('temporal', temporalCliPath(), args, { logDir: options.logDir });
    const exited = new AbortController();
    try {
      await Promise.race([
        waitForPort(port, 60_000, '127.0.0.1', exited.signal),
        started.exited.then((code) => {
          throw new Error(`exited with code ${code}`);
        }),
      ]);
      proc = started;
    } catch (err) {
      exited.abort();
      await started.stop();
      const log = tail(started.logFile);
      const thisAttempt = fs.readFileSync(logFile).subarray(logFrom).toString('utf8');
      if (attempt < START_ATTEMPTS && thisAttempt.includes(ADDRESS_IN_USE)) {
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
        continue;
      }
      throw new Error(`Temporal dev server did not start: ${(err as Error).message}\n${log}`);
    }
  }
  const server = proc;
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    namespace,
    process: server,
    stop: () => server.stop(),
  };
}
