/** The ChildSafe worker: every workflow and activity on one task queue, with the payload codec. */
import v8 from 'node:v8';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Config } from '../common/config';
import { createDataConverter } from '../common/temporal';
import { createWorkerActivities } from './activities';
import { workflowBundleOptions } from './workflow-bundle';

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
 *  - WORKER_WORKFLOW_TASK_SLOTS (workflow tasks in flight; 40 unset) when the storm's workflows are NOT all cached (a
 *    district's ledger children: 10,000 due of 100,000 monitored): each task the server still sends to the sticky
 *    queue of a worker that evicted its workflow holds a slot while the worker fetches the whole history, so with 40
 *    slots those fetches, not the CPU, set the pace of the storm's first minute or two. 200 measured (bench/README.md,
 *    "Session 17"): 10,000 evicted ledger visits escalated in 256 s and 268 s against 295–361 s with 40. Each slot may
 *    hold a task waiting for the workflow thread: 200 × a task's CPU (25 ms a ledger notice) must stay well inside
 *    the 10 s workflow task timeout;
 *  - WORKER_STICKY_QUEUE_TIMEOUT longer than the storm takes to drain (e.g. `10m`). The price: the workflow tasks
 *    already queued for a worker that crashes wait up to that long before another worker takes them (a worker that
 *    stops normally hands them over at once, and the server sends new tasks to the shared queue once the worker has
 *    stopped polling). Unset, the SDK's 10 s: right for `npm start`, `npm test` and a worker without storms.
 */
export function workerSizing(
  heapLimitMiB = v8.getHeapStatistics().heap_size_limit / 1024 / 1024,
  env: NodeJS.ProcessEnv = process.env,
): WorkerSizing {
  const budget = Math.max(heapLimitMiB - HEAP_RESERVE_MIB, 0);
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

export function createChildSafeWorker({
  config,
  connection,
  client,
  transport,
  sizing,
}: ChildSafeWorkerDependencies): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    bundlerOptions: workflowBundleOptions,
    dataConverter: createDataConverter(config),
    activities: createWorkerActivities({ config, client, transport }),
    ...workerSizing(),
    ...sizing,
  });
}
