/**
 * What a workflow costs the worker each time it is brought into the cache (its first task, or a replay after
 * eviction), measured without a server: one recorded history (test/workflows/histories) replayed REPLAY_N times in
 * one replay worker, one after the other; each replay builds the workflow afresh in the sandbox (evaluating the
 * bundled modules: the SDK keeps a module cache per workflow) and runs its history. Not CI; bench/README.md
 * "Timer storms" has the numbers. Prints wall-clock ms per replay and the process's CPU ms per replay (all its threads:
 * the sandbox, the SDK's core, garbage collection), which other processes on a loaded machine disturb less.
 *
 *   npx tsx bench/replay-cost.ts                                   # police-task-escalated.json, 200 replays
 *   REPLAY_HISTORY=ledger-monitoring-missed-visit.json REPLAY_N=100 npx tsx bench/replay-cost.ts
 *   REPLAY_WORKFLOWS_PATH=/some/other/checkout/workflows npx tsx bench/replay-cost.ts   # before/after a change
 *   REPLAY_BUNDLE_OUT=/tmp/bundle.js node --cpu-prof --import tsx bench/replay-cost.ts # profile, bundle kept to map it
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundleOptions } from '../workers/workflow-bundle';

const N = Number(process.env.REPLAY_N ?? 200);
const FILE = process.env.REPLAY_HISTORY ?? 'police-task-escalated.json';
const WORKFLOWS = process.env.REPLAY_WORKFLOWS_PATH ?? require.resolve('../workflows');

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

async function main(): Promise<void> {
  const { workflowId, history } = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'test', 'workflows', 'histories', FILE), 'utf8'),
  ) as { workflowId: string; history: Record<string, unknown> };
  const parsed = temporal.api.history.v1.History.fromObject(history);
  const bytes = temporal.api.history.v1.History.encode(parsed).finish().length;
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, ...workflowBundleOptions, logger: quiet });
  // The bundle's code, to map a CPU profile's line numbers in it to the bundled modules (`/*** "./path":` markers).
  if (process.env.REPLAY_BUNDLE_OUT) fs.writeFileSync(process.env.REPLAY_BUNDLE_OUT, bundle.code);
  const histories = Array.from({ length: N + 5 }, (_, i) => ({ workflowId: `${workflowId}-${i}`, history: parsed }));
  let done = 0;
  let failed = 0;
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  const load = os.loadavg()[0]!.toFixed(1);
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'replay-cost' },
    histories,
  )) {
    if (result.error) failed += 1;
    done += 1;
    if (done === 5) {
      t0 = performance.now(); // the first five warm the bundle and the JIT
      cpu0 = process.cpuUsage();
    }
  }
  const ms = (performance.now() - t0) / N;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / N;
  process.stdout.write(
    `${FILE}: ${parsed.events?.length ?? 0} events, ${bytes} bytes; ${N} replays, ${ms.toFixed(1)} ms each (CPU ${cpuMs.toFixed(1)} ms), ${failed} failed; bundle ${(bundle.code.length / 1024).toFixed(0)} KiB; load ${load} → ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
