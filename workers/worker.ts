/**
 * The ChildSafe worker: two Temporal workers in one process, with the payload codec, the same workflow bundle and the
 * same activities: one on ChildSafe's task queue (reports, cases, tasks), one on its ledger queue (a monitoring
 * workflow per child on a ledger), each sized for its work (workflows/task-queues.ts says why they are apart).
 */
import v8 from 'node:v8';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Config } from '../common/config';
import { createDataConverter } from '../common/temporal';
import { createWorkerActivities } from './activities';
import { workflowBundleOptions } from './workflow-bundle';
import { ledgerTaskQueue } from '../workflows/task-queues';

export interface ChildSafeWorkerDependencies {
  config: Config;
  connection: NativeConnection;
  /** For activities that start or signal workflows (intake → case). */
  client: Client;
  transport: Transporter;
  /** Overrides of the sizing derived from the heap (tests and the soak benchmark). */
  sizing?: Partial<WorkerSizing>;
}

export interface WorkerSizing {
  /** Workflows kept in the worker's cache (sticky execution); the least recently used is evicted beyond this. */
  maxCachedWorkflows: number;
  /** Threads, each with its own V8 isolate, that run workflow code; the cache is shared out among them. */
  workflowThreadPoolSize: number;
  maxConcurrentWorkflowTaskExecutions: number;
  /**
   * How long a workflow task may wait on this worker's sticky queue before the server times it out and hands it to
   * the shared queue (where a worker must replay the whole history). Unset: the SDK's 10 s. See `workerSizing`.
   */
  stickyQueueScheduleToStartTimeout?: `${number}s` | `${number}m`;
}

/**
 * Memory one cached ChildSafe workflow holds, measured (bench/README.md, "Timer storms"). Until issue #19's lazy
 * schemas it was 5.5–6.0 MiB of RSS a cached workflow, almost all of it the workflow's own evaluation of the bundled
 * modules building every zod schema (the SDK's reusable context keeps a module cache per workflow), and at 4 MiB the
 * cache filled the heap and the worker stalled. Since the sandbox builds a schema only on first use and reads its pack
 * pre-parsed: 0.8–0.9 MiB a cached police task waiting on its deadline (1,000-task storm, 178 and 341 cached, RSS
 * 435 → 582 and 397 → 703 MiB). A workflow that validates an outcome builds the outcome schemas on top, about 2 MiB
 * more (measured in-process, bench/README.md); 3 MiB covers that with room. Deliberately pessimistic: an evicted
 * workflow only costs a replay when it next wakes, a heap overrun kills the worker.
 */
export const CACHED_WORKFLOW_MIB = 3;
/** Heap kept back for everything that is not the workflow cache: activities, the SDK, connections, buffers. */
export const HEAP_RESERVE_MIB = 512;

/**
 * Whether this process's workflow threads record a stack trace per promise for the `__stack_trace` query: 'off' when
 * the worker was started with its preload (workers/workflow-stack-traces.cjs, as `npm run worker`, `npm start` and
 * docker-compose start it), 'on' with WORKER_WORKFLOW_STACK_TRACES=on or without the preload (the SDK's default: the
 * workers that tests run inside jest).
 */
export function workflowStackTraces(): 'on' | 'off' {
  return (globalThis as { __childsafeWorkflowStackTraces?: string }).__childsafeWorkflowStackTraces === 'off'
    ? 'off'
    : 'on';
}

/** The heap this process may use (v8's limit, set by --max-old-space-size or the system). */
function processHeapLimitMiB(): number {
  return v8.getHeapStatistics().heap_size_limit / 1024 / 1024;
}

/** The heap left for workflow caches. */
function cacheBudgetMiB(heapLimitMiB: number): number {
  return Math.max(heapLimitMiB - HEAP_RESERVE_MIB, 0);
}

/** A count the worker's settings take from the environment: a whole number of at least 2, else none (the default). */
function countSetting(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 2 ? n : undefined;
}

/**
 * Sizes the workflow cache and the isolate pool from the heap this process may use (v8's heap limit, set by
 * --max-old-space-size or the system), instead of the SDK's default of 600 workflows per GB, which at 4 MB per
 * ChildSafe workflow is more than twice the heap: the worker died of heap exhaustion at about 1,800 open workflows.
 * WORKER_MAX_CACHED_WORKFLOWS overrides the cache size, WORKER_WORKFLOW_TASK_SLOTS the workflow tasks in flight (40).
 *
 * Sizing for deadline storms (bench/README.md "Timer storms", issues #19 and #18: 10,000 deadlines in one minute).
 * When many deadlines fall due together every one of their workflow tasks queues on the worker's sticky queue at once;
 * a workflow not in the cache costs a full replay (~50 ms of CPU against ~3 ms for a cached one), and a task that
 * waits on the sticky queue longer than its schedule-to-start timeout (10 s by default) is timed out by the server
 * and moved to the shared queue, where it is replayed too. A worker that must absorb a storm of N workflows is
 * therefore given
 *  - WORKER_MAX_CACHED_WORKFLOWS ≥ N (every workflow that can fall due together stays cached), and a heap of
 *    HEAP_RESERVE_MIB + N × the memory a cached workflow holds (measured 0.7–0.8 MiB a waiting police task or ledger
 *    child, up to CACHED_WORKFLOW_MIB for one that validated an outcome; 10,000: `--max-old-space-size=12288`);
 *  - WORKER_WORKFLOW_TASK_SLOTS (workflow tasks in flight; 40 unset) when the storm's workflows are NOT all cached:
 *    each task the server still sends to the sticky queue of a worker that evicted its workflow holds a slot while the
 *    worker fetches the whole history, so with 40 slots those fetches, not the CPU, set the pace of a storm's first
 *    minute or two. Each slot may also hold a task waiting for the workflow thread, so slots × a task's CPU must stay
 *    well inside the 10 s workflow task timeout (a case's replay: ~50 ms). The ledger's children, the workflows that
 *    do fall due by the thousand while evicted, have their own worker with 200 (`ledgerWorkerSizing`);
 *  - WORKER_STICKY_QUEUE_TIMEOUT longer than the storm takes to drain (e.g. `10m`). The price: the workflow tasks
 *    already queued for a worker that crashes wait up to that long before another worker takes them (a worker that
 *    stops normally hands them over at once, and the server sends new tasks to the shared queue once the worker has
 *    stopped polling). Unset, the SDK's 10 s: right for `npm start`, `npm test` and a worker without storms.
 */
export function workerSizing(heapLimitMiB = processHeapLimitMiB(), env: NodeJS.ProcessEnv = process.env): WorkerSizing {
  const budget = cacheBudgetMiB(heapLimitMiB);
  const maxCachedWorkflows =
    countSetting(env.WORKER_MAX_CACHED_WORKFLOWS) ?? Math.max(Math.floor(budget / CACHED_WORKFLOW_MIB), 10);
  // One isolate per 4 GB of heap, at most 4: more isolates only add their own fixed cost on a small heap.
  const workflowThreadPoolSize = Math.min(Math.max(Math.floor(heapLimitMiB / 4096), 1), 4);
  const sticky = env.WORKER_STICKY_QUEUE_TIMEOUT?.trim();
  return {
    maxCachedWorkflows,
    workflowThreadPoolSize,
    // The SDK requires no more workflow tasks in flight than the cache holds.
    maxConcurrentWorkflowTaskExecutions: Math.min(
      countSetting(env.WORKER_WORKFLOW_TASK_SLOTS) ?? 40,
      maxCachedWorkflows,
    ),
    ...(sticky && /^[1-9]\d*[sm]$/.test(sticky)
      ? { stickyQueueScheduleToStartTimeout: sticky as `${number}s` | `${number}m` }
      : {}),
  };
}

/** Memory one cached ledger workflow holds: 0.7–0.8 MiB measured (bench/README.md "Timer storms"), with room. */
export const LEDGER_CACHED_WORKFLOW_MIB = 1;
/** The ledger worker's cache unless WORKER_LEDGER_MAX_CACHED_WORKFLOWS sets it (and at most a quarter of the heap). */
export const LEDGER_CACHED_WORKFLOWS = 500;
/** The ledger worker's workflow tasks in flight unless WORKER_LEDGER_WORKFLOW_TASK_SLOTS sets them. */
export const LEDGER_WORKFLOW_TASK_SLOTS = 200;

/**
 * The ledger worker's sizing (issue #18): a district's monitored children sleep for weeks between visits, so a cache
 * rarely holds the ones that wake, and thousands can wake in the same minute (a ledger imported in one day keeps its
 * visits in step). Every such wake-up is a workflow task on the sticky queue of a worker that evicted the workflow:
 * it holds a slot while the worker fetches the whole history. With the SDK's 40 slots those fetches, not the CPU, set
 * the pace of a storm's first minutes; with 200, 10,000 evicted visits were escalated in 256 s and 268 s against
 * 295–361 s with 40 (bench/README.md, "Session 17"). 200 is safe for this queue's workflows and not for cases': a slot
 * may hold a task waiting for the workflow thread, and 200 × a ledger notice's 25 ms of CPU is 5 s, inside the 10 s
 * workflow task timeout, where 200 × a case's ~50 ms replay would not be. New workflows' first tasks cost more (a
 * 10,000-row screening import starting one each: tasks of 5.0–8.3 s, none timed out; bench/README.md, "Session 18:
 * 1k and 10k …"). The cache is small (500 at 1 MiB each, at most a quarter of the heap's budget): it only needs to
 * hold the workflows that are busy.
 */
export function ledgerWorkerSizing(
  heapLimitMiB = processHeapLimitMiB(),
  env: NodeJS.ProcessEnv = process.env,
): WorkerSizing {
  const budget = cacheBudgetMiB(heapLimitMiB);
  const maxCachedWorkflows =
    countSetting(env.WORKER_LEDGER_MAX_CACHED_WORKFLOWS) ??
    Math.min(Math.max(Math.floor(budget / 4 / LEDGER_CACHED_WORKFLOW_MIB), 10), LEDGER_CACHED_WORKFLOWS);
  return {
    maxCachedWorkflows,
    workflowThreadPoolSize: 1,
    maxConcurrentWorkflowTaskExecutions: Math.min(
      countSetting(env.WORKER_LEDGER_WORKFLOW_TASK_SLOTS) ?? LEDGER_WORKFLOW_TASK_SLOTS,
      maxCachedWorkflows,
    ),
  };
}

/**
 * The sizing of the process's two workers from its heap: the ledger's cache first (it is small), the cases' from what
 * is left, as `workerSizing` says.
 */
export function childSafeWorkerSizing(
  heapLimitMiB = processHeapLimitMiB(),
  env: NodeJS.ProcessEnv = process.env,
): { cases: WorkerSizing; ledger: WorkerSizing } {
  const ledger = ledgerWorkerSizing(heapLimitMiB, env);
  return { cases: workerSizing(heapLimitMiB - ledger.maxCachedWorkflows * LEDGER_CACHED_WORKFLOW_MIB, env), ledger };
}

/**
 * The process's two workers, run and stopped together: when either stops (a shutdown, a fatal error) the other is
 * stopped too, so the process ends and its supervisor restarts it whole rather than serving one queue only.
 */
export interface ChildSafeWorkers {
  cases: Worker;
  ledger: Worker;
  /** Runs both until both have stopped; rejects with the first failure. */
  run(): Promise<void>;
  /** Stops both (each finishes its running tasks first). */
  shutdown(): void;
}

export function runTogether(cases: Worker, ledger: Worker): ChildSafeWorkers {
  const both = [cases, ledger];
  const shutdown = () => {
    for (const worker of both) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    cases,
    ledger,
    shutdown,
    async run() {
      const results = await Promise.allSettled(both.map((worker) => worker.run().finally(shutdown)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export async function createChildSafeWorker({
  config,
  connection,
  client,
  transport,
  sizing,
}: ChildSafeWorkerDependencies): Promise<ChildSafeWorkers> {
  // Bundled once for both workers (as Worker.create would, each on its own).
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    ...workflowBundleOptions,
    logger: Runtime.instance().logger,
  });
  const activities = createWorkerActivities({ config, client, transport });
  const sized = childSafeWorkerSizing();
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    workflowBundle,
    dataConverter: createDataConverter(config),
    activities,
  };
  const cases = await Worker.create({
    ...common,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...sized.cases,
    ...sizing,
  });
  const ledger = await Worker.create({
    ...common,
    taskQueue: ledgerTaskQueue(config.TEMPORAL_TASK_QUEUE),
    ...sized.ledger,
  });
  return runTogether(cases, ledger);
}
