/**
 * The district dashboard's summary document (issue #19) on the real worker, Temporal dev server and store: the
 * district's snapshot workflow writes the indicators, and the snapshot equals a full recount at its instant after a
 * mixed run of writes (cases created, a task updated, a projection write retried, a late activity retried with an
 * older instant, which must not replace a newer snapshot); a change shows in the next snapshot, within the interval
 * after it; `GET /api/v1/indicators` answers the snapshot by `_id`, with its instant. Fixtures go through the real
 * projection activities (test/helpers/projections.ts).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Types } from 'mongoose';
import { computeIndicators, refreshIndicatorSnapshot } from '../../../api/read-models/indicators';
import { loadIndicatorSnapshot } from '../../../models/indicator-snapshot';
import type { Indicators } from '../../../contracts/indicators';
import type { indicatorSnapshotWorkflow } from '../../../workflows/indicator-snapshot.workflow';
import { escalation, hoursFromNow, projectCase, projectTask } from '../../helpers/projections';
import { CHANGNING, eventually, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000); // a worker on the real servers; snapshots every second on a loaded machine

const CN = '310105';
const PACK = { id: 'cn-changning', version: '1.3.0' };
let stack: FullStack;
const workflowId = `indicators-test-${randomUUID()}`;

type Snapshot = NonNullable<Awaited<ReturnType<typeof loadIndicatorSnapshot<Omit<Indicators, 'asOf' | 'stale'>>>>>;

/** The district's snapshot once one computed after `after` is stored. */
async function snapshotAfter(after: number): Promise<Snapshot> {
  return eventually(async () => {
    const snapshot = await loadIndicatorSnapshot<Omit<Indicators, 'asOf' | 'stale'>>(CN);
    if (!snapshot || snapshot.asOf.getTime() <= after) throw new Error('no snapshot after the change yet');
    return snapshot;
  });
}

async function newCase(stage: 'emergency_response' | 'assessment' | 'monitoring', clockHours: number) {
  const id = `case-${new Types.ObjectId().toHexString()}`;
  await projectCase(id, {
    jurisdiction: { districtCode: CN, streetCode: 'huayang' },
    pack: PACK,
    stage,
    nextDeadline: hoursFromNow(clockHours),
    clocks: [
      {
        id: `${id}/assess`,
        label: '评估',
        clause: 'CN 四(三)',
        startedAt: hoursFromNow(-1),
        firesAt: hoursFromNow(clockHours),
      },
    ],
  });
  return id;
}

beforeAll(async () => {
  stack = await startFullStack();
});

afterAll(async () => {
  await stack.client.workflow
    .getHandle(workflowId)
    .terminate('test over')
    .catch(() => undefined);
  await stack?.stop();
});

describe("the district's dashboard snapshot", () => {
  it('equals a recount at its instant after creates, updates and retries, and follows a change within the interval', async () => {
    const a = await newCase('emergency_response', 5);
    await newCase('assessment', 30);
    const police = `${a}/task-1-police_response`;
    const task = {
      ownerWorkflowId: a,
      kind: 'police_response' as const,
      agencyId: 'cn.police.huayang',
      pack: PACK,
      createdAt: hoursFromNow(-2),
      acceptBy: hoursFromNow(-1),
      completeBy: hoursFromNow(4),
    };
    await projectTask(police, task); // overdue: not accepted in time

    const started = Date.now();
    await stack.client.workflow.start<typeof indicatorSnapshotWorkflow>('indicatorSnapshotWorkflow', {
      workflowId,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [{ districtCode: CN, everySeconds: 1 }],
    });
    const first = await snapshotAfter(started);
    expect(first.indicators).toEqual(await computeIndicators(CN, first.asOf));
    expect(first.indicators.casesByStage).toEqual({ emergency_response: 1, assessment: 1 });
    expect(first.indicators.overdueByAgency).toEqual([
      { agencyCode: 'cn.police.huayang', name: expect.objectContaining({ zh: expect.any(String) }), count: 1 },
    ]);
    expect(first.everySeconds).toBe(1);

    // A mixed run: a new case, the police task accepted and escalated (an update), its older write retried (stale,
    // changes nothing), a third case, and a late activity retry computing an older instant (must not win).
    await newCase('monitoring', 50);
    const accepted = {
      ...task,
      status: 'accepted' as const,
      // Half an hour after the task was created, whatever the time the steps in between took on a loaded machine.
      acceptedAt: hoursFromNow(0.5, Date.parse(task.createdAt)),
      escalations: [
        escalation(police, 'police_response', {
          phase: 'accept',
          notify: 'assignee',
          clause: 'CN 四(二)',
          at: hoursFromNow(-1),
        }),
      ],
    };
    await projectTask(police, accepted, { version: 2 });
    await projectTask(police, task, { version: 1 });
    await newCase('assessment', 3);
    const changed = Date.now();
    expect((await refreshIndicatorSnapshot(CN, 1, new Date(first.asOf.getTime() - 1))).written).toBe(false);

    const next = await snapshotAfter(changed);
    expect(next.indicators).toEqual(await computeIndicators(CN, next.asOf));
    expect(next.indicators.casesByStage).toEqual({ emergency_response: 1, assessment: 2, monitoring: 1 });
    expect(next.indicators.overdueByAgency).toEqual([]);
    expect(next.indicators.escalationsThisWeek).toBe(1);
    expect(next.indicators.medianMinutesToPoliceAck).toBe(30);
    expect(next.indicators.clocksEndingSoon.map((c) => c.label)).toEqual(['评估', '评估', '评估', '评估']);

    // The coordinator's dashboard reads the snapshot: its numbers and its instant.
    const coordinator = await stack.login(CHANGNING.coordinator);
    const res = await request(stack.app)
      .get('/api/v1/indicators')
      .set('authorization', `Bearer ${coordinator}`)
      .expect(200);
    const { asOf, stale, ...shown } = res.body as Indicators;
    expect(stale).toBe(false);
    expect(Date.parse(asOf)).toBeGreaterThanOrEqual(next.asOf.getTime());
    // Nothing changed since: the answer is what a recount at its instant gives.
    expect(shown).toEqual(JSON.parse(JSON.stringify(await computeIndicators(CN, new Date(asOf)))));
  });
});
