/**
 * Timer storms (issues #19 and #18; not part of CI, results and method in bench/README.md "Timer storms"): many
 * deadlines falling due in the same minute on ONE worker, and how long until every one of them is escalated.
 *
 *   npx tsx bench/timer-storm.ts                            # 10,000 police tasks whose accept deadline falls due at once
 *   STORM_QUICK=1 npx tsx bench/timer-storm.ts              # 1,000
 *   STORM_KIND=ledger npx tsx bench/timer-storm.ts          # 10,000 ledger children whose visit falls due at once
 *   STORM_KIND=ledger BENCH_SCALE=100k npx tsx bench/timer-storm.ts   # 100,000 monitored, 10,000 of them due
 *
 * Knobs: STORM_N deadlines falling due (overrides the above), STORM_OPEN ledger workflows open in all (≥ STORM_N; the
 * others, the background, are due a visit interval later), STORM_TAIL background children started AFTER the due ones
 * (default STORM_N + 1,000, so that a cache sized for the storm no longer holds the due ones at their deadline, as a
 * worker would not after the 30 days they waited), STORM_SETUP_MINUTES stop starting the background children started
 * BEFORE the due ones (the head) after this many minutes (then fewer than STORM_OPEN are open; the verdict says how
 * many), STORM_DEADLINE_BY an ISO instant: the head stops growing when, at its recent setup rate, the due and tail
 * children could no longer be set up before it (and the lead, without STORM_LEAD_SECONDS, is 60 s plus 1.2 times their
 * setup at that rate), STORM_BACKLOG head children started but not yet scheduled at most (2,000: the head's starts keep pace with
 * the worker, so that STORM_SETUP_MINUTES bounds the setup), STORM_STOP_BY an ISO instant at which the storm's wait ends whatever its state, STORM_TEMPORAL_DB `file` for
 * the dev server on a SQLite file (WAL, as `npm start`; default in memory) whose size is sampled, STORM_ACTIVITIES `memory` (default) or `real` (bench/timer-storm-worker.ts
 * says what each runs; `real` also starts FerretDB and the SMTP sink), STORM_HEAP_MIB the worker's heap (1536),
 * STORM_CONCURRENCY starts in flight (32), STORM_LEAD_SECONDS from the first start to the deadline (default: 60 s plus
 * 200 ms per workflow, so that on this machine the starts and their first workflow tasks are done before it), STORM_MAX_MINUTES how long to
 * wait after the deadline (20), STORM_TEMPORAL_CONFIG the dev server's dynamic config as JSON (experiments). Worker
 * settings: the deployed worker's for its kind (workers/worker.ts: WORKER_MAX_CACHED_WORKFLOWS,
 * WORKER_WORKFLOW_TASK_SLOTS and WORKER_STICKY_QUEUE_TIMEOUT for tasks; since session 18 WORKER_LEDGER_MAX_CACHED_WORKFLOWS
 * and WORKER_LEDGER_WORKFLOW_TASK_SLOTS for ledger children, whose worker is its own), STORM_WORKFLOW_TASKS,
 * STORM_ACTIVITY_TASKS, STORM_WORKFLOW_POLLERS, STORM_ACTIVITY_POLLERS, STORM_THREADS, STORM_REUSE_V8=0|1,
 * STORM_NO_CACHE=1 (no workflow cache, so no sticky queue: measured unworkable with the ledger's local activities).
 * STORM_WORKER_NODE_ARGS: Node options for the worker's process, space-separated, for those NODE_OPTIONS refuses
 * (profiling: `--cpu-prof --cpu-prof-dir=DIR` writes one profile per thread when the worker exits at the end).
 *
 * The workflows are started directly, not through the API's intake:
 *  - task: `agencyTaskWorkflow` as a case starts a police task (Changning pack 1.3.0 by reference, its police_response
 *    rule and "emergency" ladder, the procuratorate referral rule), created 15 minutes (the accept duration) before the
 *    common deadline, so every accept deadline and the ladder's first rung (PT0S, agency supervisor) fall due at the
 *    same instant. `reportToOwner` is false: no case workflow is signalled (a case's task also wakes its case; not
 *    measured here).
 *  - ledger: `ledgerMonitoringWorkflow` for a medium-risk child (interval P30D) monitored since 30 days before the
 *    deadline, so its first visit falls due then, unrecorded: a missed-visit notice to the street.
 * Escalations are counted by the worker when the notice activity has returned (in `real` mode: the email accepted by
 * the SMTP sink and the inbox entries written).
 *
 * With a head (STORM_OPEN > STORM_N + STORM_TAIL) the deadline is set after the head has settled: the head is started
 * and waited for, then the deadline is STORM_LEAD_SECONDS (default 60 s plus 200 ms per due and tail workflow) from the
 * first due start, and the due children and the tail are started. Every 5 s sample also has the load average, the
 * Temporal server's RSS, its SQLite file's size (STORM_TEMPORAL_DB=file) and the worker's sticky cache counters.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { seedDemoUsers } from '../api/auth/demo-users';
import { ensureIndexes } from '../models';
import { seedDirectory } from '../models/seed/directory';
import { createUserRepository } from '../models/user';
import { getPolicyPack } from '../policies';
import { addDuration } from '../policies/duration';
import { ledgerVisitRule } from '../policies/visits';
import { startFerretDb } from '../scripts/services/ferretdb';
import { startSmtpSink } from '../scripts/services/smtp-sink';
import { freePort } from '../scripts/services/ports';
import { startTemporalDevServer } from '../scripts/services/temporal-dev-server';
import { projectRoot, WORKER_PRELOAD_ARGS } from '../scripts/services/tools';
import { caseWorkflowId, taskWorkflowId, type AgencyTaskInput } from '../workflows/definitions';
import { ledgerWorkflowId, type LedgerMonitoringInput } from '../workflows/ledger.definitions';
import { STORM_LEDGER_PROFILE } from './timer-storm-profile';

const KIND = process.env.STORM_KIND === 'ledger' ? 'ledger' : 'task';
const DUE = Number(process.env.STORM_N ?? (process.env.STORM_QUICK ? 1_000 : 10_000));
// Background children (due an interval later) exist only for the ledger.
const OPEN =
  KIND === 'ledger'
    ? Math.max(Number(process.env.STORM_OPEN ?? (process.env.BENCH_SCALE === '100k' ? 100_000 : DUE)), DUE)
    : DUE;
const TAIL = Math.min(OPEN - DUE, Number(process.env.STORM_TAIL ?? DUE + 1_000));
const HEAD = OPEN - DUE - TAIL;
const SETUP_MS = Number(process.env.STORM_SETUP_MINUTES ?? Infinity) * 60_000;
const BACKLOG = Number(process.env.STORM_BACKLOG ?? 2_000);
const DEADLINE_BY = process.env.STORM_DEADLINE_BY ? Date.parse(process.env.STORM_DEADLINE_BY) : Infinity;
const STOP_BY = process.env.STORM_STOP_BY ? Date.parse(process.env.STORM_STOP_BY) : Infinity;
const WORKER_NODE_ARGS = (process.env.STORM_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const TEMPORAL_DB = process.env.STORM_TEMPORAL_DB === 'file' ? 'file' : 'memory';
const ACTIVITIES = process.env.STORM_ACTIVITIES === 'real' ? 'real' : 'memory';
const HEAP_MIB = Number(process.env.STORM_HEAP_MIB ?? 1536);
const CONCURRENCY = Number(process.env.STORM_CONCURRENCY ?? 32);
const LEAD_MS = Number(process.env.STORM_LEAD_SECONDS ?? 60 + (DUE + TAIL) * 0.2) * 1000;
/** With a head and no STORM_LEAD_SECONDS: the lead for the due and tail children at the head's setup rate (per s). */
const leadAtRate = (perSecond: number) =>
  process.env.STORM_LEAD_SECONDS ? LEAD_MS : (60 + (1.2 * (DUE + TAIL)) / perSecond) * 1000;
const MAX_MINUTES = Number(process.env.STORM_MAX_MINUTES ?? 20);
const GOAL_MS = 5 * 60_000;

const PACK = getPolicyPack('cn-changning', '1.3.0');
const PACK_REF = { id: PACK.id, version: PACK.version };

interface Sample {
  at: number;
  rssMiB: number;
  heapUsedMiB: number;
  cached: number;
  sizing: Record<string, unknown>;
  assigned: number;
  escalations: number;
  missedVisits: number;
  projections: number;
  schedules: number;
  profileReads: number;
  per10s: number[];
  started: number;
  escalatedWorkflows?: number;
  /** Commands the worker sent to the store since it started, by name and collection (STORM_ACTIVITIES=real). */
  storeCommands?: Record<string, number>;
  cacheHits?: number;
  cacheMisses?: number;
  forcedEvictions?: number;
  mails?: number;
  /** 1-minute load average, the Temporal server's RSS and its SQLite file with its WAL (STORM_TEMPORAL_DB=file). */
  load?: number;
  serverRssMiB?: number;
  dbMiB?: number;
  /** CPU ms of the worker process and of the Temporal server since they started. */
  cpuMs: number;
  serverCpuMs?: number;
  /** CPU ms of FerretDB (STORM_ACTIVITIES=real) and of this process (the starts, and the SMTP sink in `real`). */
  storeCpuMs?: number;
  benchCpuMs?: number;
}

/** Resident memory of a process in MiB, from /proc (Linux only). */
function processRssMiB(pid: number): number | undefined {
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Math.round(Number(kib) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function fileMiB(...files: string[]): number {
  const bytes = files.reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
  return Math.round(bytes / 1024 / 102.4) / 10;
}

/** The instant `iso` before `at` (the packs' accept and visit durations here are fixed: minutes, days). */
function before(at: Date, iso: string): Date {
  return new Date(at.getTime() - (addDuration(at, iso).getTime() - at.getTime()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CLOCK_TICKS_PER_S = 100; // Linux's USER_HZ, what /proc/<pid>/stat counts in
/** CPU ms (user + system) a process has used, from /proc (Linux only; undefined elsewhere or once it has exited). */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S; // utime, stime
  } catch {
    return undefined;
  }
}

function taskInput(i: number, runId: string, dueAt: Date): AgencyTaskInput {
  const rule = PACK.taskKinds.police_response!;
  const referral = PACK.accountability?.procuratorateReferral;
  const caseId = caseWorkflowId(`storm${runId}-${i}`);
  return {
    taskId: taskWorkflowId(caseId, 'police_response', 1),
    ownerWorkflowId: caseId,
    reportToOwner: false,
    kind: 'police_response',
    agencyId: 'cn.police.huayang',
    collaboratingAgencyIds: [],
    concerns: ['living_alone'],
    // Created one accept duration before the common deadline: acceptBy = dueAt for every task.
    createdAt: before(dueAt, rule.accept.duration).toISOString(),
    rule,
    ladder: PACK.escalationLadders[rule.ladder]!,
    pack: PACK_REF,
    ...(referral
      ? { referral: { exhaustedLadders: referral.exhaustedLadders, period: referral.period, clause: referral.clause } }
      : {}),
  };
}

/** A 24-hex child id, as the child file's ObjectId would be. */
function ledgerChildId(i: number, runId: string): string {
  return `${runId}${i.toString(16).padStart(16, '0')}`;
}

function ledgerInput(i: number, runId: string, dueAt: Date, now: Date): LedgerMonitoringInput {
  const childId = ledgerChildId(i, runId);
  const interval = ledgerVisitRule(PACK, STORM_LEDGER_PROFILE).rule.duration;
  // The first DUE children were enrolled one interval before the deadline; the rest now (due an interval later).
  const since = i < DUE ? before(dueAt, interval) : now;
  return { childId, pack: PACK_REF, since: since.toISOString() };
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg().map((l) => Number(l.toFixed(1)));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-storm-'));
  const logDir = path.join(workDir, 'logs');
  const stops: (() => Promise<unknown>)[] = [];
  // STORM_TEMPORAL_CONFIG: the dev server's dynamic config for an experiment, as JSON ({"key": value, …}).
  const dynamicConfig = process.env.STORM_TEMPORAL_CONFIG
    ? (JSON.parse(process.env.STORM_TEMPORAL_CONFIG) as Record<string, unknown>)
    : undefined;
  const dbFile = TEMPORAL_DB === 'file' ? path.join(workDir, 'temporal.db') : undefined;
  const temporal = await startTemporalDevServer({ logDir, headless: true, dynamicConfig, dbFile });
  const dbMiB = () => (dbFile ? fileMiB(dbFile, `${dbFile}-wal`) : undefined);
  stops.push(() => temporal.stop());
  const workerEnv: Record<string, string> = {};
  const mailDir = path.join(workDir, 'mail');
  let storePid: number | undefined;
  if (ACTIVITIES === 'real') {
    const [ferret, sink] = await Promise.all([
      startFerretDb({ dataDir: path.join(workDir, 'ferretdb'), logDir }),
      startSmtpSink({ dir: mailDir }),
    ]);
    storePid = ferret.process.pid;
    stops.push(
      () => ferret.stop(),
      () => sink.stop(),
    );
    const mongoUri = `${ferret.uri}childsafe_storm`;
    await mongoose.connect(mongoUri, { serverSelectionTimeoutMS: 10_000 });
    await ensureIndexes();
    await seedDirectory();
    await seedDemoUsers(createUserRepository(), { environment: 'test' });
    await mongoose.disconnect();
    Object.assign(workerEnv, {
      STORM_MONGODB_URI: mongoUri,
      STORM_SMTP_URL: sink.url,
      STORM_CHILD_DATA_KEY: randomBytes(32).toString('base64'),
    });
  }
  const mailsSent = () =>
    ACTIVITIES === 'real' ? fs.readdirSync(mailDir).filter((f) => f.endsWith('.json')).length : 0;

  const taskQueue = `storm-${randomUUID()}`;
  const firstStart = Date.now();
  const deadlineFrom = (from: number, lead = LEAD_MS) => new Date(Math.ceil((from + lead) / 60_000) * 60_000); // on a minute
  // Without a head the deadline is set now; with one, once the head has settled (NaN until then).
  let dueAt = HEAD === 0 ? deadlineFrom(firstStart) : new Date(Number.NaN);
  const metricsPort = await freePort();
  const samples: Sample[] = [];
  let started = 0;
  let workerDied = false;
  const worker = spawn(
    process.execPath,
    [...WORKER_NODE_ARGS, ...WORKER_PRELOAD_ARGS, '--import', 'tsx', path.join(__dirname, 'timer-storm-worker.ts')],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...workerEnv,
        NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}`,
        STORM_TEMPORAL_ADDRESS: temporal.address,
        STORM_TASK_QUEUE: taskQueue,
        STORM_METRICS_PORT: String(metricsPort),
        ...(HEAD === 0 ? { STORM_DUE_AT: String(dueAt.getTime()) } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let buffered = '';
  worker.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const sample: Sample = {
        ...(JSON.parse(line) as Omit<Sample, 'started'>),
        started,
        mails: mailsSent(),
        serverCpuMs: processCpuMs(temporal.process.pid),
        storeCpuMs: storePid ? processCpuMs(storePid) : undefined,
        benchCpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
        load: Number(os.loadavg()[0]!.toFixed(1)),
        serverRssMiB: processRssMiB(temporal.process.pid),
        dbMiB: dbMiB(),
      };
      samples.push(sample);
      const t = Number.isNaN(dueAt.getTime())
        ? `setup ${((sample.at - firstStart) / 1000).toFixed(0)}s`
        : `t${sample.at >= dueAt.getTime() ? '+' : ''}${((sample.at - dueAt.getTime()) / 1000).toFixed(0)}s`;
      process.stdout.write(
        `${new Date(sample.at).toISOString().slice(11, 19)} ${t}  started ${started}  rss ${sample.rssMiB} MiB heap ${sample.heapUsedMiB} MiB  cached ${sample.cached} evicted ${sample.forcedEvictions ?? '?'} hit ${sample.cacheHits ?? '?'} miss ${sample.cacheMisses ?? '?'}  server rss ${sample.serverRssMiB ?? '?'} MiB db ${sample.dbMiB ?? '-'} MiB  cpu worker ${(sample.cpuMs / 1000).toFixed(0)} s server ${((sample.serverCpuMs ?? 0) / 1000).toFixed(0)} s${sample.storeCpuMs === undefined ? '' : ` store ${(sample.storeCpuMs / 1000).toFixed(0)} s`}  load ${os.loadavg()[0]!.toFixed(1)}  assigned ${sample.assigned}  schedules ${sample.schedules}  escalated ${sample.escalations + sample.missedVisits}${ACTIVITIES === 'real' ? `  mails ${sample.mails}` : ''}\n`,
      );
    }
  });
  const errors: string[] = [];
  worker.stderr!.on('data', (d: Buffer) => errors.push(d.toString()));
  const workerExited = new Promise<void>((resolve) =>
    worker.once('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGTERM') {
        workerDied = true;
        process.stdout.write(`worker exited: code ${code} signal ${signal}\n${errors.join('').slice(-3000)}\n`);
      }
      resolve();
    }),
  );

  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const runId = randomUUID().replace(/-/g, '').slice(0, 8);
  const now = new Date();
  process.stdout.write(
    `${KIND}: ${OPEN} workflows (head ${HEAD}, due ${DUE}, tail ${TAIL}), ${HEAD === 0 ? `due at ${dueAt.toISOString()} (${((dueAt.getTime() - Date.now()) / 1000).toFixed(0)} s from now)` : 'deadline set after the head'}, ${ACTIVITIES} activities, heap ${HEAP_MIB} MiB, Temporal ${TEMPORAL_DB}\n`,
  );
  const firstId = KIND === 'task' ? taskInput(0, runId, dueAt).taskId : ledgerWorkflowId(ledgerChildId(0, runId));
  const startOne = async (i: number) => {
    if (KIND === 'task') {
      const input = taskInput(i, runId, dueAt);
      await client.workflow.start('agencyTaskWorkflow', { workflowId: input.taskId, taskQueue, args: [input] });
    } else {
      const input = ledgerInput(i, runId, dueAt, now);
      await client.workflow.start('ledgerMonitoringWorkflow', {
        workflowId: ledgerWorkflowId(input.childId),
        taskQueue,
        args: [input],
      });
    }
    started += 1;
  };
  /** Starts workflows `indexes` (32 in flight) until done, the worker dies or `until` (ms since epoch) passes. */
  const behind = () => started - ((KIND === 'task' ? samples.at(-1)?.assigned : samples.at(-1)?.schedules) ?? 0);
  /** Workflows set up (scheduled or assigned) per second over the last two minutes of samples (undefined: too early). */
  const recentRate = () => {
    const last = samples.at(-1);
    const from = last && samples.find((x) => x.at >= last.at - 120_000);
    if (!last || !from || last.at - from.at < 60_000) return undefined;
    const done = (x: Sample) => (KIND === 'task' ? x.assigned : x.schedules);
    return (done(last) - done(from)) / ((last.at - from.at) / 1000);
  };
  const headMayGrow = () => {
    if (Date.now() >= firstStart + SETUP_MS) return false;
    const rate = recentRate();
    if (DEADLINE_BY === Infinity || !rate) return true;
    return Date.now() + (behind() / rate) * 1000 + leadAtRate(rate) <= DEADLINE_BY;
  };
  const startAll = async (indexes: number[], mayGo = () => true, backlog = Infinity) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < indexes.length && !workerDied && mayGo()) {
          if (behind() >= backlog) await sleep(1_000);
          else await startOne(indexes[next++]!);
        }
      }),
    );
  };
  const range = (from: number, to: number) => Array.from({ length: Math.max(to - from, 0) }, (_, k) => from + k);
  // Setup settles when every workflow has run its first workflow tasks (task: told its agency; ledger: scheduled).
  const settled = (s: Sample | undefined) => !!s && (KIND === 'task' ? s.assigned : s.schedules) >= started;
  const waitSettled = async (until: number) => {
    while (!workerDied && !settled(samples.at(-1)) && Date.now() < until) await sleep(1_000);
    return settled(samples.at(-1)) ? samples.at(-1)! : undefined;
  };
  // The head: background children started before the due ones (indexes after the tail's), then waited for.
  let head: Record<string, unknown> | null = null;
  if (HEAD > 0) {
    await startAll(range(DUE + TAIL, OPEN), headMayGrow, BACKLOG);
    const headStarted = started;
    const headStartsS = (Date.now() - firstStart) / 1000;
    process.stdout.write(`head: started ${headStarted} in ${headStartsS.toFixed(0)} s\n`);
    const headSettled = await waitSettled(STOP_BY);
    const settledS = ((headSettled?.at ?? Date.now()) - firstStart) / 1000;
    const rateAtEnd = recentRate() ?? headStarted / settledS;
    head = {
      started: headStarted,
      startSeconds: Math.round(headStartsS),
      settledSeconds: Math.round(settledS),
      settledPerSecond: Number((headStarted / settledS).toFixed(1)),
      lastTwoMinutesPerSecond: Number(rateAtEnd.toFixed(1)),
      sample: headSettled ?? samples.at(-1) ?? null,
    };
    process.stdout.write(`head: ${JSON.stringify({ ...head, sample: undefined })}\n`);
    dueAt = deadlineFrom(Date.now(), leadAtRate(rateAtEnd));
    worker.stdin!.write(`${dueAt.getTime()}\n`);
    process.stdout.write(
      `due at ${dueAt.toISOString()} (${((dueAt.getTime() - Date.now()) / 1000).toFixed(0)} s from now)\n`,
    );
  }
  const dueFirstStart = Date.now();
  await startAll(range(0, DUE));
  await startAll(range(DUE, DUE + TAIL));
  const startsDone = Date.now();
  process.stdout.write(
    `started ${started} in ${((startsDone - firstStart) / 1000).toFixed(0)} s (due and tail: ${((startsDone - dueFirstStart) / 1000).toFixed(0)} s)\n`,
  );
  const settledSample = await waitSettled(dueAt.getTime());
  const settledAt = settledSample?.at;
  // The history a workflow carries to its deadline: what a replay after eviction re-runs.
  const beforeDeadline = await history(client, firstId);
  process.stdout.write(
    `setup ${settledAt ? `settled ${((dueAt.getTime() - settledAt) / 1000).toFixed(0)} s before the deadline` : 'NOT settled before the deadline'}; first workflow's history: ${beforeDeadline.events} events, ${beforeDeadline.bytes} bytes\n`,
  );

  const escalated = (s: Sample | undefined) => (s ? s.escalations + s.missedVisits : 0);
  const stopAt = Math.min(dueAt.getTime() + MAX_MINUTES * 60_000, STOP_BY);
  while (!workerDied && escalated(samples.at(-1)) < DUE && Date.now() < stopAt) await sleep(1_000);
  // One more sample so the last 10 s bucket is complete.
  await sleep(6_000);
  const afterDeadline = await history(client, firstId).catch(() => undefined);
  worker.kill('SIGTERM');
  await Promise.race([workerExited, sleep(30_000)]);
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await connection.close();
  const mails = mailsSent();
  for (const stop of stops.reverse()) await stop().catch(() => undefined);

  const last = samples.at(-1);
  const reached = samples.find((s) => escalated(s) >= DUE);
  const per10s = last?.per10s ?? [];
  let cumulative = 0;
  const curve = per10s.map((n, i) => ({ from: i * 10, sent: n, total: (cumulative += n) }));
  const allEscalatedAfterMs = reached ? reached.at - dueAt.getTime() : null;
  // CPU spent by the worker and by the Temporal server from the deadline to the end of the storm (all escalated, or
  // the last sample), against the wall-clock time: on 2 cores at most 2 s of CPU a second in all.
  const atDeadline = samples.find((s) => s.at >= dueAt.getTime());
  const stormEnd = reached ?? last;
  const cpuDuringStorm =
    atDeadline && stormEnd && stormEnd.at > atDeadline.at
      ? {
          wallS: Math.round((stormEnd.at - atDeadline.at) / 1000),
          workerS: Math.round((stormEnd.cpuMs - atDeadline.cpuMs) / 1000),
          serverS: Math.round(((stormEnd.serverCpuMs ?? 0) - (atDeadline.serverCpuMs ?? 0)) / 1000),
          storeS: Math.round(((stormEnd.storeCpuMs ?? 0) - (atDeadline.storeCpuMs ?? 0)) / 1000),
          benchS: Math.round(((stormEnd.benchCpuMs ?? 0) - (atDeadline.benchCpuMs ?? 0)) / 1000),
        }
      : null;
  // The store's commands per escalation from the deadline to the end of the storm, by name and collection.
  const escalatedInStorm = atDeadline && stormEnd ? escalated(stormEnd) - escalated(atDeadline) : 0;
  const storePerEscalation =
    atDeadline?.storeCommands && stormEnd?.storeCommands && escalatedInStorm > 0
      ? Object.fromEntries(
          Object.entries(stormEnd.storeCommands)
            .map(([k, n]) => [k, (n - (atDeadline.storeCommands?.[k] ?? 0)) / escalatedInStorm] as const)
            .filter(([, perEscalation]) => perEscalation > 0)
            .sort(([, a], [, b]) => b - a)
            .map(([k, perEscalation]) => [k, Number(perEscalation.toFixed(2))]),
        )
      : null;
  const verdict = {
    kind: KIND,
    activities: ACTIVITIES,
    temporalDb: TEMPORAL_DB,
    open: started,
    openAsked: OPEN,
    due: DUE,
    tail: TAIL,
    head,
    dueAt: dueAt.toISOString(),
    startSeconds: Math.round((startsDone - firstStart) / 1000),
    dueAndTailStartSeconds: Math.round((startsDone - dueFirstStart) / 1000),
    settledSecondsBeforeDeadline: settledAt ? Math.round((dueAt.getTime() - settledAt) / 1000) : null,
    historyBeforeDeadline: beforeDeadline,
    historyAfter: afterDeadline ?? null,
    heapMiB: HEAP_MIB,
    temporalDynamicConfig: dynamicConfig ?? null,
    sizing: samples[0]?.sizing ?? null,
    maxRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    maxCached: Math.max(...samples.map((s) => s.cached)),
    rssAtDeadlineMiB: samples.find((s) => s.at >= dueAt.getTime())?.rssMiB ?? null,
    atDeadline: atDeadline ? { ...atDeadline, per10s: undefined, sizing: undefined, storeCommands: undefined } : null,
    maxServerRssMiB: Math.max(...samples.map((s) => s.serverRssMiB ?? 0)),
    dbMiB: last?.dbMiB ?? null,
    escalated: escalated(last),
    escalatedWorkflows: last?.escalatedWorkflows ?? null,
    mailsInSink: ACTIVITIES === 'real' ? mails : null,
    allEscalatedWithinSeconds: allEscalatedAfterMs === null ? null : Math.round(allEscalatedAfterMs / 1000),
    goalMet: allEscalatedAfterMs !== null && allEscalatedAfterMs <= GOAL_MS,
    peakPer10s: Math.max(0, ...per10s),
    cpuDuringStorm,
    storePerEscalation,
    workerDied,
    loadAtStart,
    load: os.loadavg().map((l) => Number(l.toFixed(1))),
  };
  process.stdout.write('\nseconds after deadline   sent   total\n');
  for (const row of curve)
    process.stdout.write(
      `${String(row.from).padStart(6)}–${String(row.from + 10).padEnd(14)} ${String(row.sent).padStart(6)} ${String(row.total).padStart(7)}\n`,
    );
  process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', `timer-storm-${KIND}-latest.json`),
    JSON.stringify({ verdict, curve, samples }, null, 2),
  );
  if (workerDied) process.stdout.write(`files kept in ${workDir}\n`);
  else fs.rmSync(workDir, { recursive: true, force: true });
  process.exit(verdict.goalMet && !workerDied ? 0 : 1);
}

/** A workflow's history: events and protobuf-encoded bytes (no codec here). */
async function history(
  client: Client,
  workflowId: string,
): Promise<{ events: number; bytes: number; workflowTaskTimeouts: number }> {
  const h = await client.workflow.getHandle(workflowId).fetchHistory();
  const timedOut = proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
  return {
    events: h.events?.length ?? 0,
    workflowTaskTimeouts: (h.events ?? []).filter((e) => e.eventType === timedOut).length,
    bytes: proto.api.history.v1.History.encode(proto.api.history.v1.History.fromObject(h)).finish().length,
  };
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
