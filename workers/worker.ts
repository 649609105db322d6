/** The ChildSafe worker: every workflow and activity on one task queue, with the payload codec. */
import v8 from 'node:v8';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Config } from '../common/config';
import { createDataConverter } from '../common/temporal';
import { createWorkerActivities } from './activities';

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
}

/**
 * Memory one cached ChildSafe workflow holds, measured: 5.5–5.7 MiB of RSS a cached workflow in the soak and the timer
 * storm (bench/README.md, "Timer storms"), almost all of it the workflow's own evaluation of the bundled modules (the
 * SDK's reusable context keeps a module cache per workflow: zod and the contracts' schemas), not its state. At 4 MiB the
 * cache filled the heap (268 workflows on 1,536 MiB: RSS 1.9 GiB), the worker spent its time collecting garbage, and
 * 1,000 tasks could not even finish their first workflow tasks in 4 minutes; at 6 MiB (170 workflows) they did, and
 * their deadlines escalated. Deliberately pessimistic: an evicted workflow only costs a replay when it next wakes, a
 * heap overrun kills the worker.
 */
export const CACHED_WORKFLOW_MIB = 6;
/** Heap kept back for everything that is not the workflow cache: activities, the SDK, connections, buffers. */
export const HEAP_RESERVE_MIB = 512;

/**
 * Sizes the workflow cache and the isolate pool from the heap this process may use (v8's heap limit, set by
 * --max-old-space-size or the system), instead of the SDK's default of 600 workflows per GB, which at 4 MB per
 * ChildSafe workflow is more than twice the heap: the worker died of heap exhaustion at about 1,800 open workflows.
 * WORKER_MAX_CACHED_WORKFLOWS overrides the cache size.
 */
export function workerSizing(
  heapLimitMiB = v8.getHeapStatistics().heap_size_limit / 1024 / 1024,
  env: NodeJS.ProcessEnv = process.env,
): WorkerSizing {
  const fromEnv = Number(env.WORKER_MAX_CACHED_WORKFLOWS);
  const budget = Math.max(heapLimitMiB - HEAP_RESERVE_MIB, 0);
  const maxCachedWorkflows =
    Number.isInteger(fromEnv) && fromEnv >= 2 ? fromEnv : Math.max(Math.floor(budget / CACHED_WORKFLOW_MIB), 10);
  // One isolate per 4 GB of heap, at most 4: more isolates only add their own fixed cost on a small heap.
  const workflowThreadPoolSize = Math.min(Math.max(Math.floor(heapLimitMiB / 4096), 1), 4);
  return {
    maxCachedWorkflows,
    workflowThreadPoolSize,
    maxConcurrentWorkflowTaskExecutions: Math.min(40, maxCachedWorkflows),
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
    dataConverter: createDataConverter(config),
    activities: createWorkerActivities({ config, client, transport }),
    ...workerSizing(),
    ...sizing,
  });
}
