/**
 * One part of the benchmark's stack in a process of its own (bench/stack.ts forks it; not run by hand): the
 * production topology, where `npm start` runs the API and the worker as separate processes. The role comes in
 * BENCH_ROLE, everything else in BENCH_ROLE_INPUT (JSON); the process talks to the benchmark over Node's IPC channel:
 *   → { t: 'ready', port? }                    once the role is serving (the API's port)
 *   → { t: 'tap', ev, ..., at }                the ChildSafe worker's taps (at: epoch ms, performance's clock)
 *   ← { t: 'ask', id, what: 'cpu'|'profile' }  → { t: 'reply', id, data }
 *   ← { t: 'stop' }                            stops the role, answers { t: 'stopped' } and exits
 * It exits on its own if the benchmark goes away (the IPC channel closes).
 */
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseConfig } from '../common/config';
import { configureMongoose } from '../common/db';
import type { ActivityTap } from './police-task-tap';
import { Profile } from './profile';
import { runApi, runBaselineWorkers, runChildSafeWorker, stopAll, type Stopper } from './roles';

export type Role = 'childsafe-worker' | 'api' | 'baseline-workers';

export interface RoleInput {
  /** The ChildSafe configuration's environment (parseConfig), the same in every process. */
  env: Record<string, string>;
  profile: boolean;
  /** baseline-workers only. */
  queues?: { plainQueue: string; codecQueue: string };
}

export type FromRole =
  | { t: 'ready'; port?: number }
  | { t: 'tap'; ev: 'recorded'; receipt: string; caseWorkflowId: string }
  | { t: 'tap'; ev: 'projected'; caseWorkflowId: string; kind: string; at: number }
  | { t: 'reply'; id: number; data: unknown }
  | { t: 'stopped' };

export type ToRole = { t: 'ask'; id: number; what: 'cpu' | 'profile' } | { t: 'stop' };

function send(message: FromRole): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const role = process.env.BENCH_ROLE as Role;
  const input = JSON.parse(process.env.BENCH_ROLE_INPUT ?? '{}') as RoleInput;
  const config = parseConfig(input.env);
  const profile = input.profile ? new Profile() : undefined;
  const stoppers: Stopper[] = [];
  Runtime.install({ logger: new DefaultLogger('WARN') });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stopAll(stoppers);
    send({ t: 'stopped' });
    process.disconnect?.();
    process.exit(0);
  };
  process.on('message', (m: ToRole) => {
    if (m.t === 'stop') void stop();
    else if (m.what === 'cpu') send({ t: 'reply', id: m.id, data: process.cpuUsage() });
    else send({ t: 'reply', id: m.id, data: profile?.exportSamples() ?? null });
  });
  process.once('disconnect', () => void stop());

  if (role !== 'baseline-workers') {
    configureMongoose();
    await mongoose.connect(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000, monitorCommands: Boolean(profile) });
    profile?.watchMongo();
    stoppers.push({ name: 'MongoDB connection', stop: () => mongoose.disconnect() });
  }
  if (role === 'childsafe-worker') {
    // The tap's instant is taken here, when the activity returned, on the clock every process shares (epoch ms).
    const tap: ActivityTap = {
      reportRecorded: (receipt, caseWorkflowId) => send({ t: 'tap', ev: 'recorded', receipt, caseWorkflowId }),
      taskProjected: (caseWorkflowId, kind) =>
        send({ t: 'tap', ev: 'projected', caseWorkflowId, kind, at: performance.timeOrigin + performance.now() }),
    };
    await runChildSafeWorker(stoppers, config, tap, profile);
    send({ t: 'ready' });
  } else if (role === 'api') {
    send({ t: 'ready', port: await runApi(stoppers, config) });
  } else if (role === 'baseline-workers') {
    await runBaselineWorkers(stoppers, config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, input.queues!, config);
    send({ t: 'ready' });
  } else {
    throw new Error(`unknown BENCH_ROLE ${String(role)}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench ${process.env.BENCH_ROLE} failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
