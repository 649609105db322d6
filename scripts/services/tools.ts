/** Where the external binaries are: an explicit env variable first, then PATH (Temporal CLI), then tools/bin. */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const projectRoot = path.resolve(__dirname, '..', '..');
const toolsBin = path.join(projectRoot, 'tools', 'bin');

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function existing(candidate: string | undefined, what: string, hint: string): string {
  if (candidate && fs.existsSync(candidate)) return path.resolve(candidate);
  throw new Error(`${what} not found (${candidate ?? 'no path'}). ${hint}`);
}

const SETUP_HINT = 'Run `node scripts/setup.mjs` (npm start and npm test do it for you).';

export function temporalCliPath(): string {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) return existing(explicit, 'Temporal CLI', 'Check TEMPORAL_CLI_PATH.');
  const bundled = path.join(toolsBin, 'temporal');
  if (fs.existsSync(bundled)) return bundled;
  return existing(onPath('temporal'), 'Temporal CLI', SETUP_HINT);
}

export function temporalTestServerPath(): string {
  return existing(
    process.env.TEMPORAL_TEST_SERVER_PATH ?? path.join(toolsBin, 'temporal-test-server'),
    'Temporal time-skipping test server',
    SETUP_HINT,
  );
}

export function ferretDbPath(): string {
  return existing(process.env.FERRETDB_PATH ?? path.join(toolsBin, 'ferretdb'), 'FerretDB', SETUP_HINT);
}

/**
 * The command that runs a TypeScript entry point (scripts/start.ts, the worker, the API, the seed) as a process of its
 * own: Node with tsx's loader, in that one process. Not the `tsx` command: that runs the program in a second process
 * and, when a relayed Ctrl-C or SIGTERM is not confirmed by it within 30 ms (easily missed on a loaded machine), kills it
 * with SIGKILL, before it has stopped the servers it started.
 */
export function typescriptCommand(entry: string): [string, ...string[]] {
  return [process.execPath, '--import', pathToFileURL(require.resolve('tsx')).href, entry];
}

/**
 * The worker's preload (`node --require` it before tsx): it keeps the Temporal SDK's per-promise stack capture out of
 * the workflow threads unless WORKER_WORKFLOW_STACK_TRACES=on (workers/workflow-stack-traces.cjs says why).
 */
export const WORKER_PRELOAD = path.join(projectRoot, 'workers', 'workflow-stack-traces.cjs');
/** The Node options that load it: every process that runs ChildSafe's workers as deployed starts with them. */
export const WORKER_PRELOAD_ARGS: readonly string[] = ['--require', WORKER_PRELOAD];

/** The command that runs the worker process (workers/main.ts) as production runs it: the preload, then tsx. */
export function workerCommand(): [string, ...string[]] {
  const [node, ...args] = typescriptCommand(path.join(projectRoot, 'workers', 'main.ts'));
  return [node, ...WORKER_PRELOAD_ARGS, ...args];
}
