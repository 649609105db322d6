/**
 * The soak test's worker, a process of its own so that its memory is measured alone: ChildSafe's workflows
 * (`workflows/`) with the cache and isolate pool sized from this process's heap exactly as workers/worker.ts sizes
 * them (`workerSizing()`), and in-memory activities (projection and notification counters, no database, no mail) so
 * that what grows is the workflows' own memory. Every 5 s it prints one JSON line: RSS, heap, the SDK's count of
 * cached workflows, and how many escalations and other notices the workflows have sent.
 */
import v8 from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createNotificationActivities, createProjectionActivities, createTaskStartActivities } from '../activities';
import { workerSizing } from '../workers/worker';
import { workflowBundleOptions } from '../workers/workflow-bundle';

async function main(): Promise<void> {
  const address = process.env.SOAK_TEMPORAL_ADDRESS!;
  const taskQueue = process.env.SOAK_TASK_QUEUE!;
  const counts = { escalations: 0, notices: 0, taskProjections: 0, caseProjections: 0 };
  const sizing = workerSizing();
  const connection = await NativeConnection.connect({ address });
  // The cases start their tasks' workflows through a client (activities/task-start.ts).
  const clientConnection = await Connection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('../workflows'),
    bundlerOptions: workflowBundleOptions,
    activities: {
      ...createTaskStartActivities({ client: new Client({ connection: clientConnection }) }),
      ...createProjectionActivities({
        cases: {
          async upsertCaseProjection() {
            counts.caseProjections += 1;
          },
          async upsertTaskProjection() {
            counts.taskProjections += 1;
          },
          async appendAudit() {},
          async recordGuardianDesignation() {},
        },
      }),
      ...createNotificationActivities({
        notifier: {
          async send({ event }) {
            counts.notices += 1;
            if (event.type === 'task_escalated') counts.escalations += 1;
          },
        },
      }),
    },
    ...sizing,
  });
  const heapLimitMiB = v8.getHeapStatistics().heap_size_limit / 1024 / 1024;
  const report = () => {
    const m = process.memoryUsage();
    const status = worker.getStatus();
    process.stdout.write(
      `${JSON.stringify({
        at: Date.now(),
        rssMiB: Math.round(m.rss / 1024 / 1024),
        heapUsedMiB: Math.round(m.heapUsed / 1024 / 1024),
        heapLimitMiB: Math.round(heapLimitMiB),
        cached: status.numCachedWorkflows,
        maxCachedWorkflows: sizing.maxCachedWorkflows,
        ...counts,
      })}\n`,
    );
  };
  const timer = setInterval(report, 5_000);
  report();
  await worker.run();
  clearInterval(timer);
  await clientConnection.close();
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`soak worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
