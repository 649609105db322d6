/**
 * The worker process: `npm run worker`. Serves ChildSafe's task queue and its ledger queue with every workflow and
 * activity (workers/worker.ts). Several can run side by side and any can die: Temporal hands its work to the others.
 */
import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit } from '../common/config';
import { createLogger } from '../common/logger';
import { createMailTransport } from '../common/mail';
import { openDatabase } from '../common/db';
import { createTemporalClient } from '../common/temporal';
import { ensureSearchAttributes } from './search-attributes';
import { ensureReconcilerSchedule } from './reconciler-schedule';
import { runMigrations } from '../models/migrations';
import { ensureIndicatorSnapshots } from './indicator-snapshots';
import { childSafeWorkerSizing, createChildSafeWorker, workflowStackTraces } from './worker';
import { ledgerTaskQueue } from '../workflows/task-queues';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'childsafe-worker' });
  const db = openDatabase(config.MONGODB_URI, logger);
  // Records written by an older version get the fields today's read models ask for, once the database is reachable
  // (the worker does not wait for it: its activities retry until it is). A failed step is logged and run again at the
  // next start; every step is idempotent.
  const migrations = db.ready
    .then(() => runMigrations())
    .then(
      (ran) => {
        if (ran.length) logger.info({ migrations: ran }, 'data migrations applied');
      },
      (err: unknown) => logger.error({ err: (err as Error).name }, 'data migrations failed; run again at next start'),
    );
  await ensureSearchAttributes(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, logger);
  const temporal = createTemporalClient(config);
  const transport = createMailTransport(config.SMTP_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createChildSafeWorker({ config, connection, client: temporal.client, transport });
  // The safety net behind every receipt: every minute, cases that failed, are stuck or have no first response.
  await ensureReconcilerSchedule(temporal.client, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  // Each district's dashboard summary, recomputed every minute (api/read-models/indicators.ts says why).
  await ensureIndicatorSnapshots(temporal.client, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  logger.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      ledgerTaskQueue: ledgerTaskQueue(config.TEMPORAL_TASK_QUEUE),
      sizing: childSafeWorkerSizing(),
      // 'off' unless WORKER_WORKFLOW_STACK_TRACES=on (workers/workflow-stack-traces.cjs): the Temporal UI's stack trace.
      workflowStackTraces: workflowStackTraces(),
    },
    'worker running',
  );
  // Worker.run handles SIGINT/SIGTERM itself: it stops polling, lets running tasks finish, then resolves.
  await worker.run();
  await migrations;
  transport.close();
  await Promise.allSettled([db.close(), connection.close(), temporal.connection.close()]);
  logger.info('worker stopped');
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
