/**
 * The Temporal CLI's dev server: a single-process Temporal with SQLite persistence and the Web UI. Used by
 * `npm start` (file under data/, kept between runs) and by the integration tests (in memory, free ports).
 */
import { type ManagedProcess } from './child-process';
import { startListeningServer } from './listening-server';
import { freePort } from './ports';
import { temporalCliPath } from './tools';
import { CHILDSAFE_SEARCH_ATTRIBUTES } from '../../common/search-attributes';

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  namespace: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Dynamic config every dev server ChildSafe starts runs with (an option's `dynamicConfig` overrides a key).
 *
 * `history.transferProcessorMaxPollRPS`: how often a history shard may read its transfer queue (the tasks that hand a
 * new workflow task, activity task or child start to matching), 20 reads a second per shard by default. The dev server
 * has one shard, so with nothing else to do every hop of a report (the intake's task, the case's, the child start,
 * the police task's) waited for the shard's next read: 45–50 ms each, about 100 of the 250 ms from a report to its
 * police task one at a time (bench/README.md "Session 20: the dev server's 50 ms per hop"). The reader still reads
 * when told of new tasks, not in a loop: an idle dev server used 0.18 s of CPU in 30 s with it, 0.10 s without. A
 * cluster spreads workflows over more shards, each with the same limit, so a quiet one waits the same way:
 * docker-compose's Temporal gets this value too (deploy/temporal/dynamicconfig/childsafe.yaml, kept equal by
 * test/unit/scripts/temporal-dev-server.test.ts).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'history.transferProcessorMaxPollRPS': 1000,
};

/** The CLI arguments of `temporal server start-dev` for these options (exported for its unit test). */
export function devServerArgs(options: {
  port: number;
  uiPort: number | undefined;
  namespace: string;
  dbFile?: string;
  codecEndpoint?: string;
  dynamicConfig?: Record<string, unknown>;
}): string[] {
  const { port, uiPort } = options;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', options.namespace];
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
  for (const [key, value] of Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...options.dynamicConfig }))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return args;
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
  /** Dynamic config values (`--dynamic-config-value KEY=JSON`) over DEV_SERVER_DYNAMIC_CONFIG, e.g. for benchmarks' experiments. */
  dynamicConfig?: Record<string, unknown>;
}): Promise<TemporalDevServer> {
  const namespace = options.namespace ?? 'default';
  // The ports given are kept on a second attempt, the others picked anew (scripts/services/listening-server.ts).
  const { process: proc, started } = await startListeningServer({
    name: 'temporal',
    what: 'Temporal dev server',
    command: temporalCliPath(),
    logDir: options.logDir,
    timeoutMs: 60_000,
    attempt: async () => {
      const port = options.port ?? (await freePort());
      const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
      return { port, uiPort, args: devServerArgs({ ...options, namespace, port, uiPort }) };
    },
  });
  const { port, uiPort } = started;
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    namespace,
    process: proc,
    stop: () => proc.stop(),
  };
}
