/**
 * The parts the benchmark runs, each built the same way whether it runs in the benchmark's own process
 * (BENCH_TOPOLOGY=one-process, the shape before 2026-11-30 16:30) or in a process of its own (the default, as
 * `npm start` runs the API and the worker apart; bench/stack-process.ts):
 *   - the ChildSafe worker: `workflows/` with the real activities and the codec, two of them tapped (withTap) so the
 *     benchmark learns when a police task has been projected;
 *   - the ChildSafe API as createRouters builds it, on a free loopback port;
 *   - the baseline's workers: the no-op workflows, plain and with ChildSafe's codec.
 * Each expects mongoose to be connected already where it needs the database (the caller owns the connection).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import {
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createApp } from '../api/app';
import { createRouters } from '../api/routers';
import type { Config } from '../common/config';
import { createMailTransport } from '../common/mail';
import { createDataConverter, createTemporalClient } from '../common/temporal';
import { createWorkerActivities, type WorkerActivities } from '../workers/activities';
import { workflowBundleOptions } from '../workers/workflow-bundle';
import { ledgerWorkerSizing } from '../workers/worker';
import { ledgerTaskQueue } from '../workflows/task-queues';
import { caseWorkflowId } from '../workflows/definitions';
import * as baselineActivities from './baseline/activities';
import type { ActivityTap } from './police-task-tap';
import type { Profile } from './profile';

export type Stopper = { name: string; stop: () => Promise<unknown> };

/** A worker on its own native connection; its stoppers (worker, then connection) are pushed onto `stoppers`. */
async function startWorker(
  stoppers: Stopper[],
  name: string,
  address: string,
  create: (connection: NativeConnection) => Promise<Worker>,
): Promise<void> {
  const native = await NativeConnection.connect({ address });
  stoppers.push({ name: `${name} worker connection`, stop: () => native.close() });
  const worker = await create(native);
  const running = worker.run();
  stoppers.push({
    name: `${name} worker`,
    stop: async () => {
      worker.shutdown();
      await running;
    },
  });
}

/**
 * ChildSafe's worker as the full-stack harness builds it: a worker on ChildSafe's queue (SDK default worker options)
 * and one on its ledger queue (the deployed ledger sizing, workers/worker.ts), the same activities on both.
 */
export async function runChildSafeWorker(
  stoppers: Stopper[],
  config: Config,
  tap: ActivityTap,
  profile?: Profile,
): Promise<void> {
  const temporal = createTemporalClient(config);
  stoppers.push({ name: 'ChildSafe worker client', stop: () => temporal.connection.close() });
  const transport = createMailTransport(config.SMTP_URL);
  stoppers.push({ name: 'mail transport', stop: async () => transport.close() });
  const activities = withTap(
    (profile?.wrapActivities.bind(profile) ?? ((a: WorkerActivities) => a))(
      createWorkerActivities({ config, client: temporal.client, transport }),
    ),
    tap,
  );
  // Bundled once for both workers, as workers/worker.ts does (Worker.create with a path would bundle for each).
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    ...workflowBundleOptions,
    logger: Runtime.instance().logger,
  });
  const queues: [string, string, Partial<WorkerOptions>][] = [
    ['childsafe', config.TEMPORAL_TASK_QUEUE, {}],
    ['childsafe ledger', ledgerTaskQueue(config.TEMPORAL_TASK_QUEUE), ledgerWorkerSizing()],
  ];
  for (const [name, taskQueue, sizing] of queues)
    await startWorker(stoppers, name, config.TEMPORAL_ADDRESS, (native) =>
      Worker.create({
        connection: native,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue,
        workflowBundle,
        dataConverter: createDataConverter(config),
        activities,
        ...sizing,
      }),
    );
}

/** ChildSafe's API as api/main.ts builds it, listening on a free loopback port; returns the port. */
export async function runApi(stoppers: Stopper[], config: Config): Promise<number> {
  const temporal = createTemporalClient(config);
  stoppers.push({ name: 'API client', stop: () => temporal.connection.close() });
  const logger = pino({ level: 'silent' });
  const app = createApp({
    config,
    logger,
    readiness: { temporal: async () => true, database: async () => true },
    // Filing is limited per signed-in filer (120 a minute); the benchmark files every report as one reporter, so it
    // raises that user's allowance. The limiter still does its usual counter update on every request.
    routers: createRouters({
      config,
      logger,
      temporal: temporal.client,
      reportRateLimit: { limit: 10_000_000, windowSeconds: 60 },
    }),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  stoppers.push({
    name: 'API',
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  server.keepAliveTimeout = 30_000;
  return (server.address() as AddressInfo).port;
}

/** Bundles the baseline workflows once; the plain and the codec worker share the bundle. */
export function bundleBaseline(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('./baseline/workflows'), logger: quietBundlerLogger });
}

/** The baseline's two workers: the no-op workflows without a codec on `plainQueue`, with ChildSafe's on `codecQueue`. */
export async function runBaselineWorkers(
  stoppers: Stopper[],
  address: string,
  namespace: string,
  queues: { plainQueue: string; codecQueue: string },
  codecConfig: Config,
): Promise<void> {
  const bundle = await bundleBaseline();
  for (const [name, taskQueue, codec] of [
    ['baseline', queues.plainQueue, false],
    ['codec', queues.codecQueue, true],
  ] as const) {
    const dataConverter = codec ? createDataConverter(codecConfig) : undefined;
    await startWorker(stoppers, name, address, (native) =>
      Worker.create({
        connection: native,
        namespace,
        taskQueue,
        workflowBundle: bundle,
        activities: baselineActivities,
        ...(dataConverter ? { dataConverter } : {}),
      }),
    );
  }
}

/** Stops in reverse order of starting; a failure is reported and the rest still stopped. */
export async function stopAll(stoppers: Stopper[]): Promise<void> {
  for (const s of stoppers.splice(0).reverse()) {
    try {
      await s.stop();
    } catch (err) {
      process.stderr.write(`stopping ${s.name}: ${(err as Error).message}\n`);
    }
  }
}

/**
 * The real activities, with recordReport (or fileReport, the intake's one local activity since issue #19's
 * INTAKE_ONE_LOCAL_ACTIVITY_PATCH) and projectTask telling `tap` what they did once their own work has returned (the
 * tap only reads ids and a kind; it changes neither the arguments nor the results).
 */
function withTap(activities: WorkerActivities, tap: ActivityTap): WorkerActivities {
  return {
    ...activities,
    async recordReport(submission) {
      const recorded = await activities.recordReport(submission);
      tap.reportRecorded(recorded.receipt, caseWorkflowId(recorded.childId));
      return recorded;
    },
    async fileReport(input) {
      const filed = await activities.fileReport(input);
      tap.reportRecorded(filed.receipt, filed.caseWorkflowId);
      return filed;
    },
    async projectTask(snapshot) {
      await activities.projectTask(snapshot);
      tap.taskProjected(snapshot.fields.ownerWorkflowId, snapshot.fields.kind);
    },
  };
}

/** Keeps webpack's bundling chatter off the benchmark's output; warnings and errors still show. (The ChildSafe
 * worker bundles through Worker.create, which logs to the Runtime logger that run.ts sets to WARN.) */
const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  log: () => undefined,
};
