/**
 * Soak test (not part of CI): many open case workflows on ONE worker, whose memory must stay bounded while its cache
 * evicts and the escalations keep firing.
 *
 *   npx tsx bench/soak.ts                 # 20,000 cases (each also opens its police task: 40,000 open workflows)
 *   SOAK_LONG=1 npx tsx bench/soak.ts     # 100,000 cases
 *
 * Knobs: SOAK_CASES (overrides both), SOAK_HEAP_MIB worker heap (--max-old-space-size, default 1024),
 * SOAK_CONCURRENCY starts in flight (16), SOAK_HOLD_MINUTES to keep watching after the last start (10), SOAK_ACCEPT
 * the police task's acknowledgement deadline in this run (PT2M; the ladder's rungs follow 0, 2 and 4 minutes later, so
 * escalations fire during the run; the real pack says PT15M). SOAK_PACK_BY=reference starts the cases as the API does
 * now, with the pack's id and version only (workflows/packs.ts), and the real deadlines (no escalation within a short
 * hold: the escalation check is then not made); the default, `whole`, carries the altered pack in the input as every
 * case did before packs travelled by reference.
 *
 * Quick mode (issue #13's before/after of the pack by reference): SOAK_CASES=1000 SOAK_HEAP_MIB=1536
 * SOAK_CASES=130 SOAK_HOLD_MINUTES=4 (260 open workflows: all fit the 268-entry cache, so RSS per cached workflow is
 * the growth to the most cached over their number), once with each SOAK_PACK_BY. It also records the bytes of the
 * first case's start input, its history and its police task's history at the end of the hold (no codec: the codec
 * adds a fixed 40-odd bytes a payload).
 *
 * What runs: an in-memory Temporal dev server; the worker as its own process (bench/soak-worker.ts: the real workflows,
 * sized by workers/worker.ts from its heap, with in-memory activities); this process starts the cases exactly as the
 * intake activity does (signal-with-start of caseWorkflow with the Changning pack and a filed report). It samples the
 * worker every 5 s and prints the curve; results go to bench/results/soak-latest.json. Exit code 1 when the worker
 * died, RSS passed the bound (heap limit + 512 MiB for the native core and isolates), the cache grew past its size, or
 * escalations stopped firing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { loadPolicyPack } from '../policies';
import type { PolicyPack } from '../policies/schema';
import { startTemporalDevServer } from '../scripts/services/temporal-dev-server';
import { projectRoot } from '../scripts/services/tools';
import { caseWorkflowId, reportFiledSignal, taskWorkflowId, type FiledReport } from '../workflows/definitions';

const CASES = Number(process.env.SOAK_CASES ?? (process.env.SOAK_LONG ? 100_000 : 20_000));
const HEAP_MIB = Number(process.env.SOAK_HEAP_MIB ?? 1024);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const HOLD_MINUTES = Number(process.env.SOAK_HOLD_MINUTES ?? 10);
const ACCEPT = process.env.SOAK_ACCEPT ?? 'PT2M';
const RSS_BOUND_MIB = HEAP_MIB + 512;
const PACK_BY = process.env.SOAK_PACK_BY === 'reference' ? 'reference' : 'whole';

interface Sample {
  at: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapLimitMiB: number;
  cached: number;
  maxCachedWorkflows: number;
  escalations: number;
  notices: number;
  taskProjections: number;
  caseProjections: number;
  casesStarted: number;
}

function soakPack(): PolicyPack {
  const pack = structuredClone(loadPolicyPack('cn-changning'));
  const police = pack.taskKinds.police_response!;
  police.accept = { ...police.accept, duration: ACCEPT };
  pack.escalationLadders[police.ladder] = [
    { after: 'PT0S', notify: 'agency_supervisor' },
    { after: 'PT2M', notify: 'street_coordinator' },
    { after: 'PT4M', notify: 'district_coordinator' },
  ];
  return pack;
}

const AGENCIES = {
  police_station: 'cn.police.huayang',
  street_office: 'cn.street.huayang',
  residents_committee: 'cn.committee.huayang.1',
  civil_affairs: 'cn.civil-affairs',
  social_work: 'cn.social-work',
  police_substation: 'cn.police',
};

async function main(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-soak-'));
  const temporal = await startTemporalDevServer({ logDir: path.join(workDir, 'logs'), headless: true });
  const taskQueue = `soak-${randomUUID()}`;
  const samples: Sample[] = [];
  let casesStarted = 0;
  let workerDied = false;

  const worker = spawn(
    path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
    [path.join(__dirname, 'soak-worker.ts')],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}`,
        SOAK_TEMPORAL_ADDRESS: temporal.address,
        SOAK_TASK_QUEUE: taskQueue,
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
      const sample = { ...(JSON.parse(line) as Omit<Sample, 'casesStarted'>), casesStarted };
      samples.push(sample);
      const mins = ((sample.at - samples[0]!.at) / 60_000).toFixed(1);
      process.stdout.write(
        `${mins.padStart(6)} min  cases ${String(casesStarted).padStart(6)}  rss ${sample.rssMiB} MiB  heap ${sample.heapUsedMiB}/${sample.heapLimitMiB} MiB  cached ${sample.cached}/${sample.maxCachedWorkflows}  escalations ${sample.escalations}\n`,
      );
    }
  });
  const errors: string[] = [];
  worker.stderr!.on('data', (d: Buffer) => errors.push(d.toString()));
  const workerExited = new Promise<void>((resolve) =>
    worker.once('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGTERM') {
        workerDied = true;
        process.stdout.write(`worker exited: code ${code} signal ${signal}\n${errors.join('').slice(-2000)}\n`);
      }
      resolve();
    }),
  );

  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const pack = soakPack();
  const pinned = PACK_BY === 'reference' ? { id: pack.id, version: pack.version } : pack;
  const runId = randomUUID().slice(0, 8);
  const startedAt = Date.now();
  let next = 0;
  const startOne = async (i: number) => {
    const childId = `soak${runId}-${i}`;
    const now = new Date();
    const report: FiledReport = {
      reportId: `report-${childId}`,
      childId,
      reporter: { unitId: 'cn.school', unitType: 'school' },
      concerns: ['living_alone'],
      discoveredAt: new Date(now.getTime() - 10 * 60_000).toISOString(),
      reportedAt: now.toISOString(),
      leftBehind: false,
    };
    await client.workflow.signalWithStart('caseWorkflow', {
      workflowId: caseWorkflowId(childId),
      taskQueue,
      args: [
        {
          caseId: caseWorkflowId(childId),
          childId,
          pack: pinned,
          agencies: AGENCIES,
          jurisdiction: { districtCode: pack.district.code, streetCode: 'huayang' },
        },
      ],
      signal: reportFiledSignal,
      signalArgs: [report],
    });
    casesStarted += 1;
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES && !workerDied) await startOne(next++);
    }),
  );
  const startSeconds = (Date.now() - startedAt) / 1000;
  process.stdout.write(`started ${casesStarted} cases in ${startSeconds.toFixed(0)} s; holding ${HOLD_MINUTES} min\n`);
  const holdUntil = Date.now() + HOLD_MINUTES * 60_000;
  while (Date.now() < holdUntil && !workerDied) await new Promise((r) => setTimeout(r, 5_000));

  const bytes = await historyBytes(client, caseWorkflowId(`soak${runId}-0`));
  worker.kill('SIGTERM');
  await Promise.race([workerExited, new Promise((r) => setTimeout(r, 30_000))]);
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await connection.close();
  await temporal.stop();

  const maxRss = Math.max(...samples.map((s) => s.rssMiB));
  const maxCached = Math.max(...samples.map((s) => s.cached));
  const limit = samples[0]?.maxCachedWorkflows ?? 0;
  // Escalations keep firing: in the last half of the hold, the count still rises from minute to minute.
  const lastHalf = samples.filter((s) => s.at >= holdUntil - (HOLD_MINUTES * 60_000) / 2);
  const firing =
    PACK_BY === 'reference' ||
    (lastHalf.length > 1 && lastHalf[lastHalf.length - 1]!.escalations > lastHalf[0]!.escalations);
  // The sample holding the most cached workflows (the first such), against the first sample (none cached).
  const full = samples.reduce<Sample | undefined>((best, s) => (!best || s.cached > best.cached ? s : best), undefined);
  const verdict = {
    packBy: PACK_BY,
    ...bytes,
    // RSS per cached workflow: from the first sample to the one with the most workflows cached.
    rssPerCachedWorkflowMiB:
      full?.cached && samples[0] ? Number(((full.rssMiB - samples[0].rssMiB) / full.cached).toFixed(2)) : null,
    heapPerCachedWorkflowMiB:
      full?.cached && samples[0]
        ? Number(((full.heapUsedMiB - samples[0].heapUsedMiB) / full.cached).toFixed(2))
        : null,
    mostCached: full?.cached ?? 0,
    cases: casesStarted,
    openWorkflows: casesStarted * 2,
    startSeconds: Math.round(startSeconds),
    heapMiB: HEAP_MIB,
    rssBoundMiB: RSS_BOUND_MIB,
    maxRssMiB: maxRss,
    maxCachedWorkflows: limit,
    maxCachedSeen: maxCached,
    escalations: samples[samples.length - 1]?.escalations ?? 0,
    workerDied,
    rssWithinBound: maxRss <= RSS_BOUND_MIB,
    cacheBounded: maxCached <= limit,
    cacheEvicts: casesStarted * 2 > limit,
    escalationsKeepFiring: PACK_BY === 'reference' ? 'not checked (real deadlines)' : firing,
  };
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'soak-latest.json'), JSON.stringify({ verdict, samples }, null, 2));
  process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  fs.rmSync(workDir, { recursive: true, force: true });
  const ok = !workerDied && verdict.rssWithinBound && verdict.cacheBounded && verdict.escalationsKeepFiring;
  process.exit(ok ? 0 : 1);
}

/** Bytes of a case's start input, its history, and its police task's history (protobuf-encoded, as stored). */
async function historyBytes(client: Client, workflowId: string) {
  const encoded = async (id: string) => {
    const history = await client.workflow.getHandle(id).fetchHistory();
    return proto.api.history.v1.History.encode(proto.api.history.v1.History.fromObject(history)).finish().length;
  };
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const inputBytes = started?.input?.payloads?.reduce((sum, p) => sum + (p.data?.length ?? 0), 0) ?? 0;
  const taskId = taskWorkflowId(workflowId, 'police_response', 1);
  return {
    caseInputBytes: inputBytes,
    caseHistoryBytes: await encoded(workflowId),
    taskHistoryBytes: await encoded(taskId).catch(() => null),
  };
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
