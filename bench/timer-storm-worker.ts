/**
 * The timer storm's worker (bench/timer-storm.ts), a process of its own so that its memory is measured alone:
 * ChildSafe's real workflows (`workflows/`), sized by workers/worker.ts from this process's heap as the worker that
 * serves them (`ledgerWorkerSizing()` for ledger children, `workerSizing()` for police tasks) unless STORM_* knobs
 * override a setting for an experiment.
 *
 * Activities (STORM_ACTIVITIES):
 *  - `memory` (default): projections, ledger reads and writes and notices are in-memory counters, so what is measured is
 *    Temporal and the workflows (timers, workflow tasks, replays after eviction, activity scheduling), not a store.
 *  - `real`: the worker's real activities (`createWorkerActivities`: task projections and notices in FerretDB, emails
 *    to the SMTP sink), except the ledger's reads and schedule writes, which stay in memory (the ledger children are
 *    not written to the store; see bench/README.md "Timer storms").
 *
 * Every 5 s it prints one JSON line: RSS, the SDK's count of cached workflows, the activity counts, and the
 * escalations (task_escalated, ledger_visit_missed) sent per 10 s since the deadline (STORM_DUE_AT, ms since epoch, or
 * a line on stdin when the driver sets the deadline after a first setup phase), with how many distinct workflows
 * were escalated. With STORM_METRICS_PORT the SDK's core exports Prometheus metrics there, and each line also carries
 * the sticky cache's hits, misses and forced evictions.
 */
import v8 from 'node:v8';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createNotificationActivities, createProjectionActivities } from '../activities';
import type { LedgerActivities } from '../activities/ledger';
import type { NotificationRequest } from '../activities/notifications';
import { createMailTransport } from '../common/mail';
import { createWorkerActivities } from '../workers/activities';
import { ledgerWorkerSizing, workerSizing } from '../workers/worker';
import { STORM_LEDGER_PROFILE } from './timer-storm-profile';
import { workflowBundleOptions } from '../workers/workflow-bundle';

function optionalInt(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Worker option overrides for experiments (unset: the SDK's or workerSizing()'s value). */
function overrides(): Partial<WorkerOptions> {
  const o: Partial<WorkerOptions> = {};
  const set = <K extends keyof WorkerOptions>(key: K, env: string) => {
    const v = optionalInt(env);
    if (v !== undefined) (o as Record<string, unknown>)[key] = v;
  };
  set('maxConcurrentWorkflowTaskExecutions', 'STORM_WORKFLOW_TASKS');
  set('maxConcurrentActivityTaskExecutions', 'STORM_ACTIVITY_TASKS');
  set('maxConcurrentWorkflowTaskPolls', 'STORM_WORKFLOW_POLLERS');
  set('maxConcurrentActivityTaskPolls', 'STORM_ACTIVITY_POLLERS');
  set('workflowThreadPoolSize', 'STORM_THREADS');
  // STORM_NO_CACHE=1: no workflow cache and so no sticky queue; every workflow task goes to the shared queue and replays.
  if (process.env.STORM_NO_CACHE === '1') o.maxCachedWorkflows = 0;
  if (process.env.STORM_REUSE_V8 === '0') o.reuseV8Context = false;
  if (process.env.STORM_REUSE_V8 === '1') o.reuseV8Context = true;
  return o;
}

async function main(): Promise<void> {
  const address = process.env.STORM_TEMPORAL_ADDRESS!;
  const taskQueue = process.env.STORM_TASK_QUEUE!;
  let dueAt = Number(process.env.STORM_DUE_AT ?? Number.NaN);
  // The driver may set the deadline later (after the background children's setup): one line on stdin.
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (line: string) => {
    const value = Number(line.trim());
    if (Number.isFinite(value) && value > 0) dueAt = value;
  });
  const metricsPort = optionalInt('STORM_METRICS_PORT');
  if (metricsPort)
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } },
    });
  const real = process.env.STORM_ACTIVITIES === 'real';
  const counts = { assigned: 0, escalations: 0, missedVisits: 0, projections: 0, schedules: 0, profileReads: 0 };
  /** Escalations and missed-visit notices sent, by 10 s after the deadline (index 0: before it, or within 10 s). */
  const per10s: number[] = [];
  /** Commands sent to the store (STORM_ACTIVITIES=real), by command name and collection. */
  const storeCommands: Record<string, number> = {};
  /** Workflows escalated at least once: a notice counted twice for one workflow would show as escalations > this. */
  const escalatedWorkflows = new Set<string>();
  const counted = (request: NotificationRequest) => {
    const { type } = request.event;
    if (type === 'task_assigned') counts.assigned += 1;
    if (type === 'task_escalated' || type === 'ledger_visit_missed') {
      if (type === 'task_escalated') counts.escalations += 1;
      else counts.missedVisits += 1;
      escalatedWorkflows.add(request.workflowId);
      const bucket = Number.isFinite(dueAt) ? Math.max(Math.floor((Date.now() - dueAt) / 10_000), 0) : 0;
      per10s[bucket] = (per10s[bucket] ?? 0) + 1;
    }
  };

  const memoryLedger: Pick<LedgerActivities, 'readLedgerProfile' | 'setLedgerSchedule' | 'setLedgerCaseOpen'> = {
    async readLedgerProfile() {
      counts.profileReads += 1;
      return STORM_LEDGER_PROFILE;
    },
    async setLedgerSchedule() {
      counts.schedules += 1;
    },
    async setLedgerCaseOpen() {},
  };

  let activities: Record<string, (...args: never[]) => Promise<unknown>>;
  const closers: (() => Promise<unknown>)[] = [];
  if (real) {
    // Every command sent to the store, by name and collection: the storm's round trips per escalation (bench/README).
    await mongoose.connect(process.env.STORM_MONGODB_URI!, { serverSelectionTimeoutMS: 10_000, monitorCommands: true });
    mongoose.connection.getClient().on('commandStarted', (e) => {
      const target = (e.command as Record<string, unknown>)[e.commandName];
      const key = `${e.commandName}${typeof target === 'string' ? ` ${target}` : ''}`;
      storeCommands[key] = (storeCommands[key] ?? 0) + 1;
    });
    closers.push(() => mongoose.disconnect());
    const connection = await Connection.connect({ address });
    closers.push(() => connection.close());
    const transport = createMailTransport(process.env.STORM_SMTP_URL!);
    closers.push(async () => transport.close());
    const all = createWorkerActivities({
      config: {
        CHILD_DATA_KEY: process.env.STORM_CHILD_DATA_KEY ?? randomBytes(32).toString('base64'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        MAIL_FROM: 'childsafe-bench@localhost',
        PUBLIC_URL: 'http://127.0.0.1',
      },
      client: new Client({ connection }),
      transport,
    });
    activities = {
      ...all,
      ...memoryLedger,
      async projectTask(...args: Parameters<typeof all.projectTask>) {
        await all.projectTask(...args);
        counts.projections += 1;
      },
      async notify(request: NotificationRequest) {
        await all.notify(request);
        counted(request);
      },
    };
  } else {
    activities = {
      ...createProjectionActivities({
        cases: {
          async upsertCaseProjection() {},
          async upsertTaskProjection() {
            counts.projections += 1;
          },
          async appendAudit() {},
          async recordGuardianDesignation() {},
        },
      }),
      ...createNotificationActivities({
        notifier: {
          async send() {},
        },
      }),
      ...memoryLedger,
      async recordLedgerVisit() {},
      async reportLadderExhausted() {},
    };
    const { notify } = activities as unknown as { notify: (r: NotificationRequest) => Promise<void> };
    activities.notify = async (request: NotificationRequest) => {
      await notify(request);
      counted(request);
    };
  }

  // Sized as the deployed worker that serves these workflows: the ledger's worker for ledger children (since session
  // 18: its own queue, WORKER_LEDGER_* settings), ChildSafe's for police tasks (WORKER_* settings).
  const sizing = { ...(process.env.STORM_KIND === 'ledger' ? ledgerWorkerSizing() : workerSizing()), ...overrides() };
  const native = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowsPath: require.resolve('../workflows'),
    bundlerOptions: workflowBundleOptions,
    activities,
    ...sizing,
  });
  const heapLimitMiB = v8.getHeapStatistics().heap_size_limit / 1024 / 1024;
  /** The sticky cache's counters from the core's Prometheus exporter (summed over label sets), if it runs. */
  const cacheMetrics = async (): Promise<Record<string, number> | undefined> => {
    if (!metricsPort) return undefined;
    try {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const sum = (name: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
          .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      return {
        cacheHits: sum('temporal_sticky_cache_hit'),
        cacheMisses: sum('temporal_sticky_cache_miss'),
        forcedEvictions: sum('temporal_sticky_cache_total_forced_eviction'),
      };
    } catch {
      return undefined;
    }
  };
  let lastCache: Record<string, number> | undefined;
  const report = () => {
    void cacheMetrics().then((c) => (lastCache = c ?? lastCache));
    const m = process.memoryUsage();
    const status = worker.getStatus();
    process.stdout.write(
      `${JSON.stringify({
        at: Date.now(),
        rssMiB: Math.round(m.rss / 1024 / 1024),
        heapUsedMiB: Math.round(m.heapUsed / 1024 / 1024),
        heapLimitMiB: Math.round(heapLimitMiB),
        cached: status.numCachedWorkflows,
        // CPU ms of this whole process (the workflow threads, the SDK's core, garbage collection) since it started.
        cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
        sizing,
        ...counts,
        escalatedWorkflows: escalatedWorkflows.size,
        storeCommands: { ...storeCommands },
        ...lastCache,
        per10s: Array.from(per10s, (n) => n ?? 0),
      })}\n`,
    );
  };
  const timer = setInterval(report, 5_000);
  report();
  await worker.run();
  clearInterval(timer);
  report();
  await native.close();
  for (const close of closers.reverse()) await close();
  process.stdin.destroy();
}

main().catch((err) => {
  process.stderr.write(`timer storm worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
