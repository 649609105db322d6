/**
 * Everything the benchmark runs on, started by itself and stopped at the end: one in-memory Temporal dev server,
 * FerretDB on a temporary SQLite folder and the SMTP sink (scripts/services, as `npm test` starts them), then the
 * parts (bench/roles.ts), by default each in a process of its own as in production (`npm start` runs the API and the
 * worker apart; bench/stack-process.ts):
 *   - the baseline: a plain client in this process, and its worker with the no-op workflows, no codec, no database,
 *     in a process of its own (which also runs the codec variant's worker);
 *   - the codec variant: the same workflows with ChildSafe's encryption codec on client and worker;
 *   - ChildSafe: the API as createRouters builds it, listening on a loopback port, in a process of its own, and a
 *     worker with the real activities and the codec (as test/integration/full-stack/harness.ts builds them) in
 *     another, two of its activities tapped so the benchmark learns when a police task has been projected.
 * BENCH_TOPOLOGY=one-process runs every part in this process instead (the benchmark's shape until 2026-11-30 16:30).
 * Each worker has its own task queue and its own connection; all run with the SDK's default worker options.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { seedDemoUsers } from '../api/auth/demo-users';
import { parseConfig, type Config } from '../common/config';
import { configureMongoose } from '../common/db';
import { createDataConverter, createTemporalClient } from '../common/temporal';
import { ensureIndexes } from '../models';
import { seedDirectory } from '../models/seed/directory';
import { createUserRepository } from '../models/user';
import { startTemporalDevServer } from '../scripts/services/temporal-dev-server';
import { startFerretDb } from '../scripts/services/ferretdb';
import { startSmtpSink } from '../scripts/services/smtp-sink';
import { WORKER_PRELOAD_ARGS } from '../scripts/services/tools';
import type { ActivityTap } from './police-task-tap';
import type { Profile, ProfileSamples } from './profile';
import { runApi, runBaselineWorkers, runChildSafeWorker, stopAll, type Stopper } from './roles';
import type { FromRole, Role, RoleInput, ToRole } from './stack-process';

export type Topology = 'processes' | 'one-process';

/** BENCH_TOPOLOGY: `processes` (default) or `one-process`. */
export function topologyFromEnv(): Topology {
  const raw = process.env.BENCH_TOPOLOGY ?? '';
  if (raw === '' || raw === 'processes') return 'processes';
  if (raw === 'one-process') return 'one-process';
  throw new Error('BENCH_TOPOLOGY must be processes or one-process (or unset)');
}

/** A part running in a process of its own (bench/stack-process.ts), and how to talk to it. */
class RoleProcess {
  private nextId = 1;
  private readonly replies = new Map<number, (data: unknown) => void>();
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    readonly role: Role,
    private readonly child: ChildProcess,
    onMessage: (m: FromRole) => void,
  ) {
    this.exit = new Promise((resolve) =>
      child.once('exit', () => {
        this.exited = true;
        resolve();
      }),
    );
    child.on('message', (m: FromRole) => {
      if (m.t === 'reply') {
        this.replies.get(m.id)?.(m.data);
        this.replies.delete(m.id);
      } else onMessage(m);
    });
  }

  /** Forks the role (the same tsx loader as this process) and resolves once it says it is ready. */
  static start(role: Role, input: RoleInput, onMessage: (m: FromRole) => void = () => undefined) {
    // BENCH_CPU_PROF_DIR: a V8 CPU profile of every part's process and its threads (the workflow thread too), written
    // there when it stops (`node --cpu-prof` is not allowed in NODE_OPTIONS).
    const profDir = process.env.BENCH_CPU_PROF_DIR;
    // The workers' processes start as the worker process does in production (scripts/services/tools.ts
    // `workerCommand`): with its preload, so workflow stack traces are off unless WORKER_WORKFLOW_STACK_TRACES=on. The raw
    // baseline's workers get it too: both sides' workflow threads run alike and the ratio is ChildSafe's own work.
    const preload = role === 'api' ? [] : WORKER_PRELOAD_ARGS;
    const child = fork(path.join(__dirname, 'stack-process.ts'), [], {
      env: { ...process.env, BENCH_ROLE: role, BENCH_ROLE_INPUT: JSON.stringify(input) },
      execArgv: [
        ...preload,
        ...process.execArgv,
        ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}/${role}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let rp: RoleProcess | undefined;
    return new Promise<{ process: RoleProcess; port?: number }>((resolve, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`bench ${role} exited (${code ?? signal}) before ready`)));
      rp = new RoleProcess(role, child, (m) => {
        if (m.t === 'ready') resolve({ process: rp!, ...(m.port === undefined ? {} : { port: m.port }) });
        else onMessage(m);
      });
    });
  }

  ask<T>(what: 'cpu' | 'profile'): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`bench ${this.role} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.replies.set(id, (data) => resolve(data as T));
      this.child.send({ t: 'ask', id, what } satisfies ToRole);
    });
  }

  /** Asks it to stop (it stops its part and exits); kills it if it has not exited after 30 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.send({ t: 'stop' } satisfies ToRole);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exit;
    clearTimeout(killer);
  }
}

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

  /** The topology the parts run in (BENCH_TOPOLOGY). */
  readonly topology: Topology = topologyFromEnv();
  private readonly roles: RoleProcess[] = [];

  /** ChildSafe's configuration (one, shared by every process of the run), from the servers' addresses. */
  private childSafeEnv(): Record<string, string> {
    if (this.env) return this.env;
    const { temporalAddress, namespace, mongoUri, smtpUrl, mailDir } = this.services;
    this.env = {
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
    };
    return this.env;
  }
  private env?: Record<string, string>;

  /** Starts a part in its own process; it is stopped with the stack. */
  private async fork(role: Role, input: RoleInput, onMessage?: (m: FromRole) => void): Promise<number | undefined> {
    const { process: rp, port } = await RoleProcess.start(role, input, onMessage);
    this.roles.push(rp);
    this.stoppers.push({ name: `bench ${role} process`, stop: () => rp.stop() });
    return port;
  }

  /**
   * The baseline's and the codec variant's clients (here) and workers (in a process of their own, or here with
   * BENCH_TOPOLOGY=one-process); the codec side encrypts every payload with ChildSafe's data converter.
   */
  async startBaselines(): Promise<{ baseline: TemporalSide; codec: TemporalSide }> {
    const { temporalAddress: address, namespace } = this.services;
    const codecConfig = parseConfig(this.childSafeEnv());
    const queues = {
      plainQueue: `bench-baseline-${randomUUID().slice(0, 8)}`,
      codecQueue: `bench-codec-${randomUUID().slice(0, 8)}`,
    };
    if (this.topology === 'processes')
      await this.fork('baseline-workers', { env: this.childSafeEnv(), profile: false, queues });
    else await runBaselineWorkers(this.stoppers, address, namespace, queues, codecConfig);
    const client = async (codec: boolean): Promise<Client> => {
      const connection = await Connection.connect({ address });
      this.stoppers.push({ name: `${codec ? 'codec' : 'baseline'} client`, stop: () => connection.close() });
      return new Client({
        connection,
        namespace,
        ...(codec ? { dataConverter: createDataConverter(codecConfig) } : {}),
      });
    };
    return {
      baseline: { client: await client(false), taskQueue: queues.plainQueue },
      codec: { client: await client(true), taskQueue: queues.codecQueue },
    };
  }

  /**
   * ChildSafe as the full-stack harness builds it: the store seeded here, then the worker and the API (each in a
   * process of its own, or here with BENCH_TOPOLOGY=one-process), the API listening on a free loopback port.
   */
  async startChildSafe(tap: ActivityTap, profile?: Profile): Promise<ChildSafeSide> {
    const env = this.childSafeEnv();
    const config = parseConfig(env);
    const oneProcess = this.topology === 'one-process';
    // This process's connection seeds the store and, afterwards, checks the projection (and, in one process, serves
    // the API and the worker too).
    configureMongoose();
    await mongoose.connect(config.MONGODB_URI, {
      serverSelectionTimeoutMS: 10_000,
      monitorCommands: Boolean(profile) && oneProcess,
    });
    if (oneProcess) profile?.watchMongo();
    this.stoppers.push({ name: 'MongoDB connection', stop: () => mongoose.disconnect() });
    await ensureIndexes();
    await seedDirectory();
    await seedDemoUsers(createUserRepository(), { environment: 'test' });

    // This process's client reads the reports' histories (sizing the baseline, BENCH_PROFILE).
    const temporal = createTemporalClient(config);
    this.stoppers.push({ name: 'ChildSafe client', stop: () => temporal.connection.close() });

    let port: number;
    if (oneProcess) {
      await runChildSafeWorker(this.stoppers, config, tap, profile);
      port = await runApi(this.stoppers, config);
    } else {
      const input: RoleInput = { env, profile: Boolean(profile) };
      await this.fork('childsafe-worker', input, (m) => {
        if (m.t !== 'tap') return;
        if (m.ev === 'recorded') tap.reportRecorded(m.receipt, m.caseWorkflowId);
        else tap.taskProjected(m.caseWorkflowId, m.kind, m.at);
      });
      port = (await this.fork('api', input))!;
    }
    return { baseUrl: `http://127.0.0.1:${port}`, config, client: temporal.client };
  }

  /** With BENCH_TOPOLOGY=processes: the other processes' profile samples, merged into `profile`. */
  async collectProfiles(profile: Profile): Promise<void> {
    for (const rp of this.roles) {
      const data = await rp.ask<ProfileSamples | null>('profile');
      if (data) profile.mergeSamples(data);
    }
  }

  /** CPU time (user + system, ms) of this process and of each part's process, by name, read now. */
  async cpuMs(): Promise<Record<string, number>> {
    const ms = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);
    const out: Record<string, number> = { bench: ms(process.cpuUsage()) };
    for (const rp of this.roles) out[rp.role] = ms(await rp.ask<NodeJS.CpuUsage>('cpu'));
    return out;
  }

  /**
   * Stops everything in reverse order of starting (the parts' processes and workers before their connections, the
   * servers last) and removes the temporary folder unless asked to keep it (its logs/ say why a server failed).
   */
  async stop(options: { keepWorkDir?: boolean } = {}): Promise<void> {
    await stopAll(this.stoppers);
    if (options.keepWorkDir) process.stderr.write(`bench files kept in ${this.services.workDir}\n`);
    else fs.rmSync(this.services.workDir, { recursive: true, force: true });
  }
}
