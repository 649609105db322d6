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
 * others are due a visit interval later), STORM_ACTIVITIES `memory` (default) or `real` (bench/timer-storm-worker.ts
 * says what each runs; `real` also starts FerretDB and the SMTP sink), STORM_HEAP_MIB the worker's heap (1536),
 * STORM_CONCURRENCY starts in flight (32), STORM_LEAD_SECONDS from the first start to the deadline (default: 60 s plus
 * 200 ms per workflow, so that on this machine the starts and their first workflow tasks are done before it), STORM_MAX_MINUTES how long to
 * wait after the deadline (20), STORM_TEMPORAL_CONFIG the dev server's dynamic config as JSON (experiments). Worker
 * settings: WORKER_MAX_CACHED_WORKFLOWS and WORKER_STICKY_QUEUE_TIMEOUT (workers/worker.ts), STORM_WORKFLOW_TASKS,
 * STORM_ACTIVITY_TASKS, STORM_WORKFLOW_POLLERS, STORM_ACTIVITY_POLLERS, STORM_THREADS, STORM_REUSE_V8=0|1.
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
import { startTemporalDevServer } from '../scripts/services/temporal-dev-server';
import { projectRoot } from '../scripts/services/tools';
import { caseWorkflowId, taskWorkflowId, type AgencyTaskInput } from '../workflows/definitions';
import { ledgerWorkflowId, type LedgerMonitoringInput } from '../workflows/ledger.definitions';
import { STORM_LEDGER_PROFILE } from './timer-storm-profile';

const KIND = process.env.STORM_KIND === 'ledger' ? 'ledger' : 'task';
const DUE = Number(process.env.STORM_N ?? (process.env.STORM_QUICK ? 1_000 : 10_000));
const OPEN = Math.max(
  Number(process.env.STORM_OPEN ?? (KIND === 'ledger' && process.env.BENCH_SCALE === '100k' ? 100_000 : DUE)),
  DUE,
);
const ACTIVITIES = process.env.STORM_ACTIVITIES === 'real' ? 'real' : 'memory';
const HEAP_MIB = Number(process.env.STORM_HEAP_MIB ?? 1536);
const CONCURRENCY = Number(process.env.STORM_CONCURRENCY ?? 32);
const LEAD_MS = Number(process.env.STORM_LEAD_SECONDS ?? 60 + OPEN * 0.2) * 1000;
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
  mails?: number;
  /** CPU ms of the worker process and of the Temporal server since they started. */
  cpuMs: number;
  serverCpuMs?: number;
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

function ledgerInput(i: number, runId: string, dueAt: Date, now: Date): LedgerMonitoringInput {
  // A 24-hex child id, as the child file's ObjectId would be.
  const childId = `${runId}${i.toString(16).padStart(16, '0')}`;
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
  const temporal = await startTemporalDevServer({ logDir, headless: true, dynamicConfig });
  stops.push(() => temporal.stop());
  const workerEnv: Record<string, string> = {};
  const mailDir = path.join(workDir, 'mail');
  if (ACTIVITIES === 'real') {
    const [ferret, sink] = await Promise.all([
      startFerretDb({ dataDir: path.join(workDir, 'ferretdb'), logDir }),
      startSmtpSink({ dir: mailDir }),
    ]);
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
  const dueAt = new Date(Math.ceil((firstStart + LEAD_MS) / 60_000) * 60_000); // on a whole minute
  const samples: Sample[] = [];
  let started = 0;
  let workerDied = false;
  const worker = spawn(
    path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
    [path.join(__dirname, 'timer-storm-worker.ts')],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...workerEnv,
        NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}`,
        STORM_TEMPORAL_ADDRESS: temporal.address,
        STORM_TASK_QUEUE: taskQueue,
        STORM_DUE_AT: String(dueAt.getTime()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
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
      };
      samples.push(sample);
      const t = ((sample.at - dueAt.getTime()) / 1000).toFixed(0);
      process.stdout.write(
        `t${Number(t) >= 0 ? '+' : ''}${t}s  started ${started}  rss ${sample.rssMiB} MiB  cached ${sample.cached}  cpu worker ${(sample.cpuMs / 1000).toFixed(0)} s server ${((sample.serverCpuMs ?? 0) / 1000).toFixed(0)} s  load ${os.loadavg()[0]!.toFixed(1)}  assigned ${sample.assigned}  schedules ${sample.schedules}  escalated ${sample.escalations + sample.missedVisits}${ACTIVITIES === 'real' ? `  mails ${sample.mails}` : ''}\n`,
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
    `${KIND}: ${OPEN} workflows, ${DUE} due at ${dueAt.toISOString()} (${((dueAt.getTime() - Date.now()) / 1000).toFixed(0)} s from now), ${ACTIVITIES} activities, heap ${HEAP_MIB} MiB\n`,
  );
  let next = 0;
  const firstId =
    KIND === 'task' ? taskInput(0, runId, dueAt).taskId : ledgerWorkflowId(ledgerInput(0, runId, dueAt, now).childId);
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
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPEN && !workerDied) await startOne(next++);
    }),
  );
  const startsDone = Date.now();
  process.stdout.write(`started ${started} in ${((startsDone - firstStart) / 1000).toFixed(0)} s\n`);

  // Setup settles when every workflow has run its first workflow tasks (task: told its agency; ledger: scheduled).
  const settled = (s: Sample | undefined) => !!s && (KIND === 'task' ? s.assigned : s.schedules) >= OPEN;
  while (!workerDied && !settled(samples.at(-1)) && Date.now() < dueAt.getTime()) await sleep(1_000);
  const settledAt = settled(samples.at(-1)) ? samples.at(-1)!.at : undefined;
  // The history a workflow carries to its deadline: what a replay after eviction re-runs.
  const beforeDeadline = await history(client, firstId);
  process.stdout.write(
    `setup ${settledAt ? `settled ${((dueAt.getTime() - settledAt) / 1000).toFixed(0)} s before the deadline` : 'NOT settled before the deadline'}; first workflow's history: ${beforeDeadline.events} events, ${beforeDeadline.bytes} bytes\n`,
  );

  const escalated = (s: Sample | undefined) => (s ? s.escalations + s.missedVisits : 0);
  const stopAt = dueAt.getTime() + MAX_MINUTES * 60_000;
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
        }
      : null;
  const verdict = {
    kind: KIND,
    activities: ACTIVITIES,
    open: OPEN,
    due: DUE,
    dueAt: dueAt.toISOString(),
    startSeconds: Math.round((startsDone - firstStart) / 1000),
    settledSecondsBeforeDeadline: settledAt ? Math.round((dueAt.getTime() - settledAt) / 1000) : null,
    historyBeforeDeadline: beforeDeadline,
    historyAfter: afterDeadline ?? null,
    heapMiB: HEAP_MIB,
    temporalDynamicConfig: dynamicConfig ?? null,
    sizing: samples[0]?.sizing ?? null,
    maxRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    maxCached: Math.max(...samples.map((s) => s.cached)),
    rssAtDeadlineMiB: samples.find((s) => s.at >= dueAt.getTime())?.rssMiB ?? null,
    escalated: escalated(last),
    mailsInSink: ACTIVITIES === 'real' ? mails : null,
    allEscalatedWithinSeconds: allEscalatedAfterMs === null ? null : Math.round(allEscalatedAfterMs / 1000),
    goalMet: allEscalatedAfterMs !== null && allEscalatedAfterMs <= GOAL_MS,
    peakPer10s: Math.max(0, ...per10s),
    cpuDuringStorm,
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
