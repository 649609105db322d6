/**
 * Everything the benchmark runs on, started by itself and stopped at the end: one in-memory Temporal dev server,
 * FerretDB on a temporary SQLite folder and the SMTP sink (scripts/services, as `npm test` starts them), then in this
 * process:
 *   - the baseline: a plain client and a worker with the no-op workflows, no codec, no database;
 *   - the codec variant: the same workflows with ChildSafe's encryption codec on client and worker;
 *   - ChildSafe: the API as createRouters builds it, listening on a loopback port, and a worker with the real
 *     activities and the codec (as test/integration/full-stack/harness.ts builds them), two of them tapped
 *     (withTap) so the benchmark learns when a police task has been projected.
 * Each worker has its own task queue and its own connection; all run with the SDK's default worker options.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createRouters } from '../api/routers';
import { seedDemoUsers } from '../api/auth/demo-users';
import { parseConfig, type Config } from '../common/config';
import { createMailTransport } from '../common/mail';
import { createDataConverter, createTemporalClient } from '../common/temporal';
import { ensureIndexes } from '../models';
import { seedDirectory } from '../models/seed/directory';
import { createUserRepository } from '../models/user';
import { createWorkerActivities, type WorkerActivities } from '../workers/activities';
import { caseWorkflowId } from '../workflows/definitions';
import { startTemporalDevServer } from '../scripts/services/temporal-dev-server';
import { startFerretDb } from '../scripts/services/ferretdb';
import { startSmtpSink } from '../scripts/services/smtp-sink';
import * as baselineActivities from './baseline/activities';
import type { ActivityTap } from './police-task-tap';
import type { Profile } from './profile';

type Stopper = { name: string; stop: () => Promise<unknown> };

export interface Services {
  workDir: string;
  temporalAddress: string;
  namespace: string;
  mongoUri: string;
  smtpUrl: string;
  mailDir: string;
}

/** A client and the worker serving its task queue. */
export interface TemporalSide {
  client: Client;
  taskQueue: string;
}

export interface ChildSafeSide {
  /** http://127.0.0.1:PORT of the API. */
  baseUrl: string;
  config: Config;
  /** ChildSafe's Temporal client (with the codec), for reading the reports' workflow histories (BENCH_PROFILE). */
  client: Client;
}

export class BenchStack {
  private readonly stoppers: Stopper[] = [];
  private readonly runs: Promise<void>[] = [];

  private constructor(readonly services: Services) {}

  /** Starts the three servers on free loopback ports; stops whatever did start if one fails. */
  static async start(): Promise<BenchStack> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-bench-'));
    const logDir = path.join(workDir, 'logs');
    const mailDir = path.join(workDir, 'mail');
    const results = await Promise.allSettled([
      // BENCH_TEMPORAL_CONFIG: the dev server's dynamic config for an experiment, as JSON ({"key": value, …}).
      startTemporalDevServer({
        logDir,
        headless: true,
        ...(process.env.BENCH_TEMPORAL_CONFIG
          ? { dynamicConfig: JSON.parse(process.env.BENCH_TEMPORAL_CONFIG) as Record<string, unknown> }
          : {}),
      }),
      startFerretDb({ dataDir: path.join(workDir, 'ferretdb'), logDir }),
      startSmtpSink({ dir: mailDir }),
    ] as const);
    const [temporal, ferret, sink] = results;
    const stack = new BenchStack({
      workDir,
      temporalAddress: temporal.status === 'fulfilled' ? temporal.value.address : '',
      namespace: temporal.status === 'fulfilled' ? temporal.value.namespace : '',
      mongoUri: ferret.status === 'fulfilled' ? ferret.value.uri : '',
      smtpUrl: sink.status === 'fulfilled' ? sink.value.url : '',
      mailDir,
    });
    if (temporal.status === 'fulfilled')
      stack.stoppers.push({ name: 'Temporal dev server', stop: temporal.value.stop });
    if (ferret.status === 'fulfilled') stack.stoppers.push({ name: 'FerretDB', stop: ferret.value.stop });
    if (sink.status === 'fulfilled') stack.stoppers.push({ name: 'SMTP sink', stop: sink.value.stop });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await stack.stop({ keepWorkDir: true });
      throw failed.reason;
    }
    return stack;
  }

  /** Bundles the baseline workflows once; the plain and the codec worker share the bundle. */
  static bundleBaseline(): Promise<WorkflowBundleWithSourceMap> {
    return bundleWorkflowCode({ workflowsPath: require.resolve('./baseline/workflows'), logger: quietBundlerLogger });
  }

  /** A client and worker for the baseline workflows; with `codec`, both encrypt every payload like ChildSafe's. */
  async startBaseline(name: string, bundle: WorkflowBundleWithSourceMap, codec?: Config): Promise<TemporalSide> {
    const { temporalAddress: address, namespace } = this.services;
    const taskQueue = `bench-${name}-${randomUUID().slice(0, 8)}`;
    const dataConverter = codec ? createDataConverter(codec) : undefined;
    const connection = await Connection.connect({ address });
    this.stoppers.push({ name: `${name} client`, stop: () => connection.close() });
    const client = new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
    await this.startWorker(name, (native) =>
      Worker.create({
        connection: native,
        namespace,
        taskQueue,
        workflowBundle: bundle,
        activities: baselineActivities,
        ...(dataConverter ? { dataConverter } : {}),
      }),
    );
    return { client, taskQueue };
  }

  /** ChildSafe as the full-stack harness builds it, with the API listening on a free loopback port. */
  async startChildSafe(tap: ActivityTap, profile?: Profile): Promise<ChildSafeSide> {
    const { temporalAddress, namespace, mongoUri, smtpUrl, mailDir } = this.services;
    const config = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: `bench-childsafe-${randomUUID().slice(0, 8)}`,
      MONGODB_URI: `${mongoUri}childsafe_bench`,
      SMTP_URL: smtpUrl,
      MAIL_SINK_DIR: mailDir,
      PAYLOAD_KEYS: `bench1:${randomBytes(32).toString('base64')}`,
      CHILD_DATA_KEY: randomBytes(32).toString('base64'),
      AUTH_TOKEN_SECRET: randomBytes(32).toString('base64'),
    });
    await mongoose.connect(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000, monitorCommands: Boolean(profile) });
    profile?.watchMongo();
    this.stoppers.push({ name: 'MongoDB connection', stop: () => mongoose.disconnect() });
    await ensureIndexes();
    await seedDirectory();
    await seedDemoUsers(createUserRepository(), { environment: 'test' });

    const temporal = createTemporalClient(config);
    this.stoppers.push({ name: 'ChildSafe client', stop: () => temporal.connection.close() });
    const transport = createMailTransport(config.SMTP_URL);
    this.stoppers.push({ name: 'mail transport', stop: async () => transport.close() });
    await this.startWorker('childsafe', (native) =>
      Worker.create({
        connection: native,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowsPath: require.resolve('../workflows'),
        dataConverter: createDataConverter(config),
        activities: withTap(
          (profile?.wrapActivities.bind(profile) ?? ((a: WorkerActivities) => a))(
            createWorkerActivities({ config, client: temporal.client, transport }),
          ),
          tap,
        ),
      }),
    );

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
    this.stoppers.push({
      name: 'API',
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    });
    server.keepAliveTimeout = 30_000;
    const { port } = server.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}`, config, client: temporal.client };
  }

  private async startWorker(name: string, create: (connection: NativeConnection) => Promise<Worker>): Promise<void> {
    const native = await NativeConnection.connect({ address: this.services.temporalAddress });
    this.stoppers.push({ name: `${name} worker connection`, stop: () => native.close() });
    const worker = await create(native);
    const running = worker.run();
    this.runs.push(running);
    this.stoppers.push({
      name: `${name} worker`,
      stop: async () => {
        worker.shutdown();
        await running;
      },
    });
  }

  /**
   * Stops everything in reverse order of starting (workers before their connections, the servers last) and removes
   * the temporary folder unless asked to keep it (its logs/ say why a server failed).
   */
  async stop(options: { keepWorkDir?: boolean } = {}): Promise<void> {
    for (const s of this.stoppers.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        process.stderr.write(`stopping ${s.name}: ${(err as Error).message}\n`);
      }
    }
    await Promise.allSettled(this.runs);
    if (options.keepWorkDir) process.stderr.write(`bench files kept in ${this.services.workDir}\n`);
    else fs.rmSync(this.services.workDir, { recursive: true, force: true });
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
