/**
 * The district dashboard's snapshot workflow (issue #19) on the time-skipping server: it refreshes the district's
 * snapshot at once, then again each `everySeconds` after the last refresh and not before (the bound on how old the
 * dashboard's "统计于" can be), and continues-as-new after its rounds, carrying its input, without a refresh lost or
 * doubled. The activity is the real factory over a recording fake of the computation.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createIndicatorActivities } from '../../activities/indicators';
import {
  indicatorSnapshotWorkflowId,
  type indicatorSnapshotWorkflow,
} from '../../workflows/indicator-snapshot.workflow';
import { listPolicyPacks } from '../../policies';
import { ensureIndicatorSnapshots } from '../../workers/indicator-snapshots';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';
import { createHarness, type Harness } from './harness';

jest.setTimeout(60_000); // a time-skipping server and a worker of its own, on a loaded machine

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

/**
 * Runs `body` against a time-skipping server with a worker whose snapshot activity is the real factory over `refresh`
 * (a recording fake of the computation).
 */
async function withSnapshotWorker(
  refresh: NonNullable<NonNullable<Parameters<typeof createIndicatorActivities>[0]>['refresh']>,
  body: (env: TestWorkflowEnvironment, taskQueue: string) => Promise<void>,
): Promise<void> {
  const env = await createTimeSkippingEnv();
  try {
    const taskQueue = `q-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: h.bundle,
      activities: createIndicatorActivities({ refresh }),
    });
    await worker.runUntil(() => body(env, taskQueue));
  } finally {
    await env.teardown();
  }
}

/** Starts a district's snapshot workflow on the test's queue, refreshing every minute for `rounds` before continuing. */
function startSnapshot(env: TestWorkflowEnvironment, taskQueue: string, districtCode: string, rounds: number) {
  return env.client.workflow.start<typeof indicatorSnapshotWorkflow>('indicatorSnapshotWorkflow', {
    workflowId: indicatorSnapshotWorkflowId(districtCode),
    taskQueue,
    args: [{ districtCode, everySeconds: 60, rounds }],
  });
}

describe('the snapshot workflow of a district', () => {
  it('refreshes at once, then every interval after the last refresh, and continues-as-new after its rounds', async () => {
    const refreshes: { districtCode: string; everySeconds: number }[] = [];
    const refresh = async (districtCode: string, everySeconds: number) => {
      refreshes.push({ districtCode, everySeconds });
      return { asOf: new Date().toISOString(), computeMs: 1, written: true };
    };
    await withSnapshotWorker(refresh, async (env, taskQueue) => {
      const handle = await startSnapshot(env, taskQueue, '310105', 2);
      const { workflowId } = handle;
      await eventually(async () => expect(refreshes).toHaveLength(1));
      // Not before the interval has passed since the last refresh...
      await env.sleep(59_000);
      expect(refreshes).toHaveLength(1);
      // ...and once it has.
      await env.sleep(2_000);
      await eventually(async () => expect(refreshes).toHaveLength(2));
      // After its 2 rounds the run continues as new with the same input: the next refresh is the new run's first.
      await env.sleep(60_000);
      await eventually(async () => expect(refreshes).toHaveLength(3));
      const first = await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      const current = await env.client.workflow.getHandle(workflowId).describe();
      expect(current.status.name).toBe('RUNNING');
      expect(current.runId).not.toBe(handle.firstExecutionRunId);
      expect(refreshes.map((r) => [r.districtCode, r.everySeconds])).toEqual([
        ['310105', 60],
        ['310105', 60],
        ['310105', 60],
      ]);
      await env.client.workflow.getHandle(workflowId).terminate('test over');
    });
  });

  it('rests at least as long as its last computation took, when that outgrows the interval', async () => {
    const took = [150_000, 1];
    let refreshes = 0;
    const refresh = async () => {
      refreshes += 1;
      return { asOf: new Date().toISOString(), computeMs: took[refreshes - 1] ?? 1, written: true };
    };
    await withSnapshotWorker(refresh, async (env, taskQueue) => {
      const { workflowId } = await startSnapshot(env, taskQueue, '110106', 5);
      await eventually(async () => expect(refreshes).toBe(1));
      // The first refresh took 150 s: no second one after the 60 s interval...
      await env.sleep(61_000);
      expect(refreshes).toBe(1);
      await env.sleep(88_000);
      expect(refreshes).toBe(1);
      // ...but once 150 s have passed.
      await env.sleep(2_000);
      await eventually(async () => expect(refreshes).toBe(2));
      // The second took 1 ms: the interval again.
      await env.sleep(61_000);
      await eventually(async () => expect(refreshes).toBe(3));
      await env.client.workflow.getHandle(workflowId).terminate('test over');
    });
  });

  it("is started for every pack's district by each worker's start, and a second start keeps the running one", async () => {
    const env = await createTimeSkippingEnv();
    try {
      const taskQueue = `q-${randomUUID()}`;
      const districts = [...new Set(listPolicyPacks().map((p) => p.district.code))].sort();
      expect(districts).toEqual(['110106', '310105']);
      const ids = await ensureIndicatorSnapshots(env.client, { taskQueue });
      expect(ids.sort()).toEqual(districts.map(indicatorSnapshotWorkflowId));
      const runs = await Promise.all(ids.map(async (id) => (await env.client.workflow.getHandle(id).describe()).runId));
      await ensureIndicatorSnapshots(env.client, { taskQueue });
      for (const [i, id] of ids.entries()) {
        const described = await env.client.workflow.getHandle(id).describe();
        expect(described.runId).toBe(runs[i]);
        expect(described.status.name).toBe('RUNNING');
      }
    } finally {
      await env.teardown();
    }
  });
});
