/**
 * The ledger's periodic visits (issue #18 item 3, #17 item 7) on the time-skipping server: one monitoring workflow per
 * ledger child, the pack's intervals by risk, left-behind status, category and multiple difficulty; a missed visit
 * escalates to the street; an inadequate guardianship arrangement opens a committee task; a case pauses the ledger's
 * visits and its closing returns the child to them.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPolicyPack } from '../../policies';
import { addDuration } from '../../policies/duration';
import { taskStatusQuery } from '../../workflows/definitions';
import { NotificationFailure } from '../../workflows/failures';
import { approveClosureUpdate } from '../../workflows/intervention.definitions';
import { startLedgerMonitoring } from '../../activities/ledger';
import { ledgerTaskQueue } from '../../workflows/task-queues';
import { renderNotificationEmail } from '../../activities/mail/notification-email';
import { notificationEventSchema, type NotificationEvent as Delivery } from '../../activities/notification-delivery';
import { createNotificationActivities } from '../../activities/notifications';
import { createDirectoryNotifier } from '../../activities/stores/notifier';
import { seedDemoUsers } from '../../api/auth/demo-users';
import { seedDirectory } from '../../models/seed/directory';
import { createUserRepository } from '../../models/user';
import { connectTestDatabase } from '../helpers/mongo';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import {
  MISSED_VISIT_KNOWN_STREET_PATCH,
  LOCAL_ACTIVITIES_PATCH,
  MISSED_VISIT_ONE_STEP_PATCH,
  STREET_MOVE_NOTICE_PATCH,
  TRANSFER_PACK_PATCH,
  ledgerMonitoringWorkflow,
} from '../../workflows/ledger-monitoring.workflow';
import {
  LedgerRejection,
  ledgerChangedSignal,
  ledgerMonitoringQuery,
  ledgerWorkflowId,
  recordLedgerVisitUpdate,
  type LedgerVisitReport,
} from '../../workflows/ledger.definitions';
import { testAgencies } from '../fixtures/policy-pack';
import {
  caseHandle,
  createHarness,
  eventually,
  LEDGER_TEST_PACK,
  ledgerProfile,
  maybeRecordHistory,
  withWorker,
  type Harness,
  type Recorded,
} from './harness';
import {
  activitiesScheduled,
  firstTaskMarks,
  forcedTasks,
  localActivities,
  patchMarkers,
  tasksBetweenTimerAndNotice,
  tasksSinceTimer,
} from './history-shape';
import { coordinator, rejection, sleepPast, throughDecision } from './intervention.helpers';

jest.setTimeout(90_000); // each test starts its own time-skipping server and worker and skips months of workflow time

const DAY = 86_400_000;
const pack = loadPolicyPack('ft-fengtai');

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

async function startMonitoring(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  recorded: Recorded,
  profile: Parameters<typeof ledgerProfile>[0],
  input: { pack?: { id: string; version: string }; historyEventLimit?: number } = {},
) {
  const childId = `child-${randomUUID()}`;
  recorded.ledger.profiles.set(childId, ledgerProfile(profile));
  const since = new Date(await env.currentTimeMs()).toISOString();
  const handle = await env.client.workflow.start(ledgerMonitoringWorkflow, {
    workflowId: ledgerWorkflowId(childId),
    // Where the deployed system starts it (activities/ledger.ts).
    taskQueue: ledgerTaskQueue(taskQueue),
    args: [{ childId, since, ...input, pack: input.pack ?? LEDGER_TEST_PACK }],
  });
  const first = await eventually(async () => {
    const view = await handle.query(ledgerMonitoringQuery);
    if (!view.dueAt) throw new Error('no visit scheduled yet');
    return view;
  });
  return { childId, since, handle, first };
}

const missedFor = (recorded: Recorded, childId: string) =>
  recorded.notifications.filter((n) => n.event.type === 'ledger_visit_missed' && n.event.childId === childId);

async function visit(env: TestWorkflowEnvironment, over: Partial<LedgerVisitReport> = {}): Promise<LedgerVisitReport> {
  return {
    visitId: randomUUID(),
    visitedAt: new Date(await env.currentTimeMs()).toISOString(),
    visitor: { userId: 'supervisor-1', role: 'agency_staff', agencyCode: testAgencies.residents_committee },
    childPresent: true,
    guardianPresent: true,
    arrangementAdequate: true,
    needs: [],
    newConcern: false,
    ...over,
  };
}

describe('ledger monitoring: periodic visits', () => {
  it("falls due on the pack's intervals per risk, left-behind, category and multiple difficulty", async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const poverty = await startMonitoring(env, taskQueue, recorded, { categories: ['poverty'] });
      const guardianship = await startMonitoring(env, taskQueue, recorded, { categories: ['guardianship_failure'] });
      const multiple = await startMonitoring(env, taskQueue, recorded, {
        categories: ['guardianship_failure', 'illness_or_disability'],
        multipleDifficulty: true,
      });
      const leftBehind = await startMonitoring(env, taskQueue, recorded, { leftBehind: true });
      const high = await startMonitoring(env, taskQueue, recorded, { riskLevel: 'high', multipleDifficulty: true });

      const expected = [
        [poverty, pack.visitIntervals.low, 'risk'],
        [guardianship, pack.visitIntervals.categories!.guardianship_failure, 'category'],
        [multiple, pack.visitIntervals.multipleDifficulty!, 'multiple_difficulty'],
        [leftBehind, pack.visitIntervals.leftBehind, 'left_behind'],
        [high, pack.visitIntervals.high, 'risk'],
      ] as const;
      for (const [child, rule, basis] of expected) {
        expect(child.first.interval).toMatchObject({ duration: rule.duration, clause: rule.clause, basis });
        expect(child.first.dueAt).toBe(addDuration(new Date(child.since), rule.duration).toISOString());
      }
      // P7D, P14D, P21D, P30D, P90D: each timer fires on its own day and nothing earlier.
      expect(expected.map(([, rule]) => rule.duration)).toEqual(['P90D', 'P21D', 'P14D', 'P30D', 'P7D']);

      await sleepPast(env, high.first.dueAt!);
      await eventually(async () => expect(missedFor(recorded, high.childId)).toHaveLength(1));
      expect(missedFor(recorded, multiple.childId)).toHaveLength(0);

      await sleepPast(env, multiple.first.dueAt!);
      await eventually(async () => expect(missedFor(recorded, multiple.childId)).toHaveLength(1));
      expect(missedFor(recorded, guardianship.childId)).toHaveLength(0);

      await sleepPast(env, guardianship.first.dueAt!);
      await eventually(async () => expect(missedFor(recorded, guardianship.childId)).toHaveLength(1));
      expect(missedFor(recorded, leftBehind.childId)).toHaveLength(0);

      await sleepPast(env, leftBehind.first.dueAt!);
      await eventually(async () => expect(missedFor(recorded, leftBehind.childId)).toHaveLength(1));
      expect(missedFor(recorded, poverty.childId)).toHaveLength(0);
      expect((await env.currentTimeMs()) - Date.parse(poverty.since)).toBeLessThan(90 * DAY);
    });
  });

  it('escalates a missed visit to the street once; a recorded visit restarts the interval from the visit', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const child = await startMonitoring(env, taskQueue, recorded, { leftBehind: true });
      await env.sleep(10 * DAY);
      const first = await visit(env);
      const after = await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [first] });
      expect(after).toMatchObject({ visitNo: 2, lastVisitAt: first.visitedAt, escalated: false });
      // The same visit sent again (a retry) is one visit.
      await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [first] });
      const next = await eventually(async () => {
        const view = await child.handle.query(ledgerMonitoringQuery);
        if (!view.dueAt) throw new Error('not rescheduled yet');
        return view;
      });
      expect(next.dueAt).toBe(addDuration(new Date(first.visitedAt), 'P30D').toISOString());
      expect(recorded.ledger.visits.filter((v) => v.childId === child.childId)).toHaveLength(1);

      await sleepPast(env, next.dueAt!);
      const [missed] = await eventually(async () => {
        const found = missedFor(recorded, child.childId);
        expect(found).toHaveLength(1);
        return found;
      });
      expect(missed.event).toMatchObject({
        type: 'ledger_visit_missed',
        streetOfficeId: testAgencies.street_office,
        visitNo: 2,
        dueAt: next.dueAt,
        clause: 'FT 三(一)1',
      });
      expect(await child.handle.query(ledgerMonitoringQuery)).toMatchObject({ escalated: true, missedVisits: 1 });
      // Issue #18: the schedule write and the notice went out together, to the street the schedule was set with, in
      // the workflow task the timer started: the child's file was read for the two schedules, not for the notice.
      expect(await localActivities(env, child.handle, 'readLedgerProfile')).toBe(2);
      expect(await tasksBetweenTimerAndNotice(env, child.handle)).toBe(1);
      // ... as local activities run in that task (no activity task through the server): the whole escalation is that
      // one workflow task. One patch marker, in the run's first task; the older patches hold without being asked (a
      // local run asks none after a local activity: README.md, "What we learned about local activities").
      expect(await patchMarkers(env, child.handle, undefined, LOCAL_ACTIVITIES_PATCH)).toBe(1);
      expect(await firstTaskMarks(env, child.handle, LOCAL_ACTIVITIES_PATCH)).toBe(true);
      expect(await patchMarkers(env, child.handle, undefined, MISSED_VISIT_KNOWN_STREET_PATCH)).toBe(0);
      expect(await patchMarkers(env, child.handle, undefined, MISSED_VISIT_ONE_STEP_PATCH)).toBe(0);
      expect(await activitiesScheduled(env, child.handle, 'notify')).toBe(0);
      expect(await localActivities(env, child.handle, 'notify')).toBe(1);
      expect(await tasksSinceTimer(env, child.handle)).toBe(1);
      // Each schedule (the first, the one after the visit) read the file and wrote the next visit as local activities,
      // in one workflow task each, so the history a missed visit replays is short; three writes in all, no activity.
      expect(await localActivities(env, child.handle, 'setLedgerSchedule')).toBe(3);
      expect(await activitiesScheduled(env, child.handle, 'readLedgerProfile')).toBe(0);
      expect(await activitiesScheduled(env, child.handle, 'setLedgerSchedule')).toBe(0);
      // Months more without a visit: still one escalation for this visit (the list shows it overdue meanwhile).
      await env.sleep(60 * DAY);
      expect(missedFor(recorded, child.childId)).toHaveLength(1);
      expect(recorded.ledger.schedules.at(-1)).toMatchObject({ childId: child.childId, missedVisits: 1 });

      const late = await visit(env);
      expect(await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [late] })).toMatchObject({
        visitNo: 3,
        escalated: false,
      });
      await maybeRecordHistory(child.handle, 'ledger-monitoring-local-activities');
    });
  });

  it('replays a run whose local activities were split by queries: schedules, a visit overdue at once, continue-as-new', async () => {
    // A query answered while a local activity runs makes the SDK finish the task and hand the result over in a forced
    // new task; a replay resolves it one task earlier (README.md, "What we learned about local activities"). Here every
    // schedule read and write queries the workflow while it runs; every run's history must then replay.
    const slow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await withWorker(
      h,
      async ({ env, taskQueue, recorded }) => {
        const childId = `child-${randomUUID()}`;
        recorded.ledger.profiles.set(childId, ledgerProfile({ riskLevel: 'medium' }));
        // Last visited 45 days ago (a paper ledger): the P30D visit is overdue in the first task, right after the
        // schedule's local activities.
        const since = new Date((await env.currentTimeMs()) - 45 * DAY).toISOString();
        const handle = await env.client.workflow.start(ledgerMonitoringWorkflow, {
          workflowId: ledgerWorkflowId(childId),
          taskQueue,
          args: [{ childId, since, pack: LEDGER_TEST_PACK, historyEventLimit: 30 }],
        });
        await eventually(async () => expect(missedFor(recorded, childId)).toHaveLength(1));
        for (let i = 0; i < 6; i += 1) {
          await handle.signal(ledgerChangedSignal);
          await eventually(async () =>
            expect(recorded.ledger.schedules.filter((x) => x.childId === childId).length).toBeGreaterThan(i + 2),
          );
          // A second of workflow time: the 1 ms timer before a continue-as-new fires (the server's clock is locked).
          await env.sleep(1_000);
        }
        // Told once, across the runs; every run replays, and queries did split tasks that ran local activities.
        expect(missedFor(recorded, childId)).toHaveLength(1);
        let runs = 0;
        let forced = 0;
        let runId: string | undefined = (await handle.describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
        while (runId) {
          runs += 1;
          const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
          await Worker.runReplayHistory({ workflowBundle: h.bundle, replayName: 'ledger-split' }, history);
          forced += forcedTasks(history.events ?? []);
          runId =
            history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
        }
        expect(runs).toBeGreaterThanOrEqual(2);
        expect(forced).toBeGreaterThan(0);
      },
      (fakes, { env }) => {
        const queried = async (childId: string) => {
          // Asked while the activity runs, answered by the worker before the activity's result is in.
          void env.client.workflow
            .getHandle(ledgerWorkflowId(childId))
            .query(ledgerMonitoringQuery)
            .catch(() => undefined);
          await slow(300);
        };
        return {
          async readLedgerProfile(childId: string) {
            await queried(childId);
            return fakes.readLedgerProfile(childId);
          },
          async setLedgerSchedule(input: Parameters<typeof fakes.setLedgerSchedule>[0]) {
            await queried(input.childId);
            return fakes.setLedgerSchedule(input);
          },
        };
      },
    );
  });

  it('continues as new with its state, so a child can be monitored for years', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      recorded.ledger.profiles.set(childId, ledgerProfile({ riskLevel: 'medium' }));
      const since = new Date(await env.currentTimeMs()).toISOString();
      const handle = await env.client.workflow.start(ledgerMonitoringWorkflow, {
        workflowId: ledgerWorkflowId(childId),
        taskQueue,
        args: [{ childId, pack: LEDGER_TEST_PACK, since, historyEventLimit: 40 }],
      });
      const firstRun = (await handle.describe()).runId;
      // Each change of the child's facts recomputes the schedule (an activity): the history grows past the limit.
      for (let i = 0; i < 8; i += 1) {
        await handle.signal(ledgerChangedSignal);
        await eventually(async () =>
          expect(recorded.ledger.schedules.filter((s) => s.childId === childId).length).toBeGreaterThan(i),
        );
      }
      await eventually(async () => expect((await handle.describe()).runId).not.toBe(firstRun));
      const carried = await eventually(() => handle.query(ledgerMonitoringQuery));
      expect(carried).toMatchObject({
        status: 'monitoring',
        visitNo: 1,
        dueAt: addDuration(new Date(since), 'P30D').toISOString(),
      });
      // The new run keeps the timer: the visit falls due on the same day.
      await sleepPast(env, carried.dueAt!);
      await eventually(async () => expect(missedFor(recorded, childId)).toHaveLength(1));
    });
  });

  it('opens a committee task when a visit finds the guardianship arrangement inadequate', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const child = await startMonitoring(env, taskQueue, recorded, { leftBehind: true });
      const inadequate = await visit(env, {
        arrangementAdequate: false,
        guardianPresent: false,
        needs: ['受托祖母年迈，无力照料'],
      });
      const view = await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [inadequate] });
      const taskId = `${ledgerWorkflowId(child.childId)}/task-1-guardianship_arrangement`;
      expect(view.committeeTaskIds).toEqual([taskId]);
      const task = await eventually(() => env.client.workflow.getHandle(taskId).query(taskStatusQuery));
      const rule = pack.taskKinds.guardianship_arrangement!;
      expect(task).toMatchObject({
        kind: 'guardianship_arrangement',
        agencyId: testAgencies.residents_committee,
        collaboratingAgencyIds: [testAgencies.street_office],
        ownerWorkflowId: ledgerWorkflowId(child.childId),
        acceptBy: addDuration(new Date(inadequate.visitedAt), rule.accept.duration).toISOString(),
      });
      await eventually(async () =>
        expect(
          recorded.notifications.filter((n) => n.event.type === 'task_assigned' && n.event.taskId === taskId),
        ).toHaveLength(1),
      );
      // An adequate arrangement opens none.
      await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [await visit(env)] });
      expect((await child.handle.query(ledgerMonitoringQuery)).committeeTaskIds).toHaveLength(1);
      await maybeRecordHistory(child.handle, 'ledger-monitoring-committee-task');
    });
  });

  it("runs on the ledger's own queue and opens the committee task on ChildSafe's queue, where tasks are served", async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const child = await startMonitoring(env, taskQueue, recorded, { leftBehind: true });
      await child.handle.executeUpdate(recordLedgerVisitUpdate, {
        args: [await visit(env, { arrangementAdequate: false })],
      });
      const taskId = `${ledgerWorkflowId(child.childId)}/task-1-guardianship_arrangement`;
      await eventually(() => env.client.workflow.getHandle(taskId).query(taskStatusQuery));
      expect((await child.handle.describe()).taskQueue).toBe(ledgerTaskQueue(taskQueue));
      expect((await env.client.workflow.getHandle(taskId).describe()).taskQueue).toBe(taskQueue);
    });
  });

  it("pauses while the child's case is open (the case visits) and returns the child to monitoring when it closes", async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const child = await startMonitoring(env, taskQueue, recorded, { leftBehind: true });
      // A report opens a case for the child: its visits run, the ledger's wait (never both).
      await throughDecision(env, taskQueue, child.childId, { riskLevel: 'low', recommendation: 'monitoring_only' });
      const paused = await eventually(async () => {
        const v = await child.handle.query(ledgerMonitoringQuery);
        expect(v.status).toBe('case_open');
        return v;
      });
      expect(paused.openCaseId).toBe(`case-${child.childId}`);
      expect(recorded.ledger.caseOpen.map((c) => c.childId)).toContain(child.childId);
      const refused = await rejection(
        child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [await visit(env)] }),
      );
      expect(refused.type).toBe(LedgerRejection.CaseOpen);
      // The ledger's own due time passes while the case is open: no escalation from the ledger.
      await sleepPast(env, child.first.dueAt!);
      expect(missedFor(recorded, child.childId)).toHaveLength(0);

      const closed = await caseHandle(env, child.childId).executeUpdate(approveClosureUpdate, {
        args: [{ approver: coordinator, reason: '家庭监护已恢复，结案' }],
      });
      const closedAt = closed.closure!.at;
      await eventually(async () =>
        expect(recorded.ledger.returns).toEqual([
          expect.objectContaining({ childId: child.childId, caseId: `case-${child.childId}`, closedAt }),
        ]),
      );
      const back = await eventually(async () => {
        const v = await child.handle.query(ledgerMonitoringQuery);
        expect(v.status).toBe('monitoring');
        if (!v.dueAt) throw new Error('not rescheduled yet');
        return v;
      });
      expect(back.dueAt).toBe(addDuration(new Date(closedAt), 'P30D').toISOString());
      await sleepPast(env, back.dueAt!);
      await eventually(async () => expect(missedFor(recorded, child.childId)).toHaveLength(1));
      await maybeRecordHistory(child.handle, 'ledger-monitoring-case-closed');
    });
  });

  it('starts monitoring for a child whose closing case found none running', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(env, taskQueue, childId, { riskLevel: 'low', recommendation: 'monitoring_only' });
      await caseHandle(env, childId).executeUpdate(approveClosureUpdate, {
        args: [{ approver: coordinator, reason: '风险已消除，结案' }],
      });
      const view = await eventually(async () => {
        const v = await env.client.workflow.getHandle(ledgerWorkflowId(childId)).query(ledgerMonitoringQuery);
        if (!v.dueAt) throw new Error('not scheduled yet');
        return v;
      });
      expect(view).toMatchObject({ status: 'monitoring', visitNo: 1, interval: { basis: 'risk', duration: 'P90D' } });
    });
  });

  it('starts one monitoring workflow per enrolled child, however often enrolment starts it', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      recorded.ledger.profiles.set(childId, ledgerProfile({ categories: ['poverty'] }));
      const first = await startLedgerMonitoring(env.client, taskQueue, { childId, districtCode: '110106' });
      const again = await startLedgerMonitoring(env.client, taskQueue, { childId, districtCode: '110106' });
      expect(again).toEqual(first);
      const handle = env.client.workflow.getHandle(first.workflowId);
      const view = await eventually(async () => {
        const v = await handle.query(ledgerMonitoringQuery);
        if (!v.dueAt) throw new Error('not scheduled yet');
        return v;
      });
      expect(view.interval).toMatchObject({ duration: 'P90D', basis: 'risk' });
      expect(await handle.describe()).toMatchObject({ runId: first.runId, taskQueue: ledgerTaskQueue(taskQueue) });
      expect(recorded.ledger.schedules.filter((s) => s.childId === childId)).toHaveLength(1);
    });
  });
});

describe('ledger monitoring: a missed-visit notice refused for good', () => {
  it('keeps monitoring the child: the notice is tried once, and the next visit still falls due and is noticed', async () => {
    // The street's missed-visit notice is a local activity (LOCAL_ACTIVITIES_PATCH): SDK 1.24 hands its final failure
    // to the workflow unwrapped, which `finalFailureType` (workflows/proxies.ts) must read, or the refusal fails the
    // child's monitoring for good.
    const tried: string[] = [];
    await withWorker(
      h,
      async ({ env, taskQueue, recorded }) => {
        const child = await startMonitoring(env, taskQueue, recorded, { leftBehind: true });
        const running = async () => expect((await child.handle.describe()).status.name).toBe('RUNNING');

        await sleepPast(env, child.first.dueAt!);
        await eventually(async () => expect(tried).toHaveLength(1));
        await eventually(async () =>
          expect(await query(child.handle)).toMatchObject({ status: 'monitoring', escalated: true, missedVisits: 1 }),
        );
        await running();
        // Refused for good (PermanentDeliveryFailure is final on the notify proxy): one attempt, a marker, no retry.
        expect(await localActivities(env, child.handle, 'notify')).toBe(1);

        // Still the child's monitoring: a visit is recorded, the next one falls due from it, and its miss is noticed.
        const late = await visit(env);
        expect(await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [late] })).toMatchObject({
          visitNo: 2,
          escalated: false,
        });
        const next = await rescheduled(child.handle, (v) => v.dueAt !== undefined && v.visitNo === 2);
        expect(next.dueAt).toBe(addDuration(new Date(late.visitedAt), 'P30D').toISOString());
        await sleepPast(env, next.dueAt!);
        await eventually(async () => expect(tried).toHaveLength(2));
        expect(tried).toEqual([`missed-visit:1:${child.since}`, `missed-visit:2:${child.since}`]);
        await eventually(async () =>
          expect(await query(child.handle)).toMatchObject({ status: 'monitoring', escalated: true, missedVisits: 2 }),
        );
        await running();
        expect(recorded.ledger.schedules.filter((s) => s.childId === child.childId).at(-1)).toMatchObject({
          missedVisits: 2,
        });
        expect(missedFor(recorded, child.childId)).toHaveLength(0);
      },
      (fakes) => ({
        async notify(request) {
          if (request.event.type !== 'ledger_visit_missed') return fakes.notify(request);
          tried.push(request.logicalKey);
          // Marked retryable by the thrower, as the task path's test does: only the proxy's list makes it final.
          throw ApplicationFailure.retryable('550 5.1.1 mailbox unavailable', NotificationFailure.Permanent);
        },
      }),
    );
  });
});

describe('ledger monitoring: a missed-visit notice the relay refuses for good reaches a person', () => {
  // The real directory notifier over the seeded directory and accounts; the relay answers 550 to the street's notice.
  let drop: () => Promise<void>;
  beforeAll(async () => {
    drop = await connectTestDatabase('ledger_refused');
    await seedDirectory();
    await seedDemoUsers(createUserRepository(), { environment: 'test' });
  });
  afterAll(() => drop());

  it("tells the street's district coordinators which ledger child's notice was not delivered (the child by id, the street by name), and monitoring goes on", async () => {
    const FENGTAI_COORDINATOR = 'civil-affairs@fengtai.demo.childsafe.local';
    const CHANGNING_COORDINATOR = 'civil-affairs@changning.demo.childsafe.local';
    const delivered: Delivery[] = [];
    const refused: Delivery[] = [];
    const notifier = createDirectoryNotifier({
      delivery: {
        async deliver(d: Delivery) {
          if (d.kind === 'ledger_visit_missed') {
            refused.push(d);
            throw ApplicationFailure.nonRetryable('550 5.1.1 mailbox unavailable', NotificationFailure.Permanent);
          }
          delivered.push(d);
          return { inboxEntries: 0, emailsSent: 0, emailsAlreadySent: 0, emailsResent: 0 };
        },
      },
    });
    await withWorker(
      h,
      async ({ env, taskQueue, recorded }) => {
        const child = await startMonitoring(env, taskQueue, recorded, {
          leftBehind: true,
          streetOfficeId: 'ft.street.youanmen',
          committeeAgencyId: 'ft.committee.youanmen.1',
        });
        await sleepPast(env, child.first.dueAt!);
        const alert = await eventually(async () => {
          const found = delivered.filter((d) => d.kind === 'delivery_failed');
          expect(found).toHaveLength(1);
          return found[0]!;
        });
        expect(refused).toHaveLength(1);
        // To the coordinators of the street's district (not every district's), pointing at the child's ledger page.
        const to = alert.recipients.map((r) => r.email);
        expect(to).toContain(FENGTAI_COORDINATOR);
        expect(to).not.toContain(CHANGNING_COORDINATOR);
        expect(alert).toMatchObject({ kind: 'delivery_failed', childId: child.childId });
        // The child by id only: the strict delivery schema has no field a child's name could travel in, and the email
        // links by id. The one name is the street office's, which was not told (whom the coordinator is to call).
        expect(() => notificationEventSchema.parse(alert)).not.toThrow();
        expect(Object.keys(alert).sort()).toEqual(['agencyName', 'childId', 'idempotencyKey', 'kind', 'recipients']);
        expect(alert.agencyName).toEqual({ zh: '右安门街道', en: "You'anmen Subdistrict" });
        const email = renderNotificationEmail(alert, { publicUrl: 'http://127.0.0.1:3000' });
        expect(email.links).toEqual([
          { rel: 'ledger', href: `http://127.0.0.1:3000/ledger/children/${encodeURIComponent(child.childId)}` },
        ]);
        expect(email.subject).toContain('通知未能送达');
        // The child's monitoring goes on.
        await eventually(async () =>
          expect(await query(child.handle)).toMatchObject({ status: 'monitoring', escalated: true, missedVisits: 1 }),
        );
        expect((await child.handle.describe()).status.name).toBe('RUNNING');
      },
      () => createNotificationActivities({ notifier }),
    );
  });
});

/** The child's ledger place as the profile activity reads it after a transfer (another street's agencies). */
const CHANGNING = { districtCode: '310105', pack: { id: 'cn-changning', version: '1.3.0' } };
const FENGTAI_STREET = { committeeAgencyId: 'agency-committee-ft-2', streetOfficeId: 'agency-street-ft-2' };

async function rescheduled(handle: WorkflowHandle, done: (v: Awaited<ReturnType<typeof query>>) => boolean) {
  return eventually(async () => {
    const v = await query(handle);
    if (!done(v)) throw new Error(`not rescheduled yet: ${JSON.stringify(v)}`);
    return v;
  });
}
const query = (handle: WorkflowHandle) => handle.query(ledgerMonitoringQuery);

describe('ledger monitoring: a child transferred to another district (issue #18)', () => {
  // The two districts' 1.3.0 packs give the same durations (P7D … P90D); they differ in the clause cited for a child
  // whose guardianship is missing or improper (CN 一 in Changning, FT 二(一)2 in Fengtai), which the interval, the
  // ledger and the street's notice carry: that is how these tests tell which pack a visit is computed under.
  const cnGuardianship = loadPolicyPack('cn-changning').visitIntervals.categories!.guardianship_failure!;
  const ftGuardianship = pack.visitIntervals.categories!.guardianship_failure!;

  it("is visited under the new district's pack from the transfer: due from the last visit, escalated to the new street", async () => {
    expect(cnGuardianship.clause).not.toBe(ftGuardianship.clause);
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const child = await startMonitoring(
        env,
        taskQueue,
        recorded,
        { ...CHANGNING, categories: ['guardianship_failure'] },
        { pack: CHANGNING.pack },
      );
      expect(child.first).toMatchObject({
        pack: CHANGNING.pack,
        interval: { duration: cnGuardianship.duration, clause: 'CN 一', basis: 'category' },
      });
      await env.sleep(10 * DAY);
      const first = await visit(env);
      await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [first] });
      const cnDue = addDuration(new Date(first.visitedAt), cnGuardianship.duration).toISOString();
      await rescheduled(child.handle, (v) => v.dueAt === cnDue);
      // The Changning visit is missed: the Changning street is told, under the Changning clause.
      await sleepPast(env, cnDue);
      await eventually(async () => expect(missedFor(recorded, child.childId)).toHaveLength(1));
      expect(missedFor(recorded, child.childId)[0].event).toMatchObject({
        streetOfficeId: testAgencies.street_office,
        clause: 'CN 一',
      });
      expect(await patchMarkers(env, child.handle, undefined, TRANSFER_PACK_PATCH)).toBe(0);

      // The family moves to Fengtai; the ledger transfers the child (the profile now reads the new place).
      recorded.ledger.profiles.set(
        child.childId,
        ledgerProfile({ categories: ['guardianship_failure'], ...FENGTAI_STREET }),
      );
      await child.handle.signal(ledgerChangedSignal);
      const moved = await rescheduled(child.handle, (v) => v.pack.id === 'ft-fengtai' && v.missedVisits === 1);
      expect(moved).toMatchObject({
        pack: { id: 'ft-fengtai', version: '1.3.0' },
        // From the last visit, by the Fengtai rule.
        dueAt: addDuration(new Date(first.visitedAt), ftGuardianship.duration).toISOString(),
        interval: {
          duration: ftGuardianship.duration,
          clause: ftGuardianship.clause,
          category: 'guardianship_failure',
        },
        visitNo: 2,
      });
      // Still overdue under the Fengtai rule: the Fengtai street is told now, once, citing the Fengtai clause.
      await eventually(async () => expect(missedFor(recorded, child.childId)).toHaveLength(2));
      expect(missedFor(recorded, child.childId)[1].event).toMatchObject({
        streetOfficeId: FENGTAI_STREET.streetOfficeId,
        visitNo: 2,
        clause: ftGuardianship.clause,
      });
      expect(await query(child.handle)).toMatchObject({ escalated: true, missedVisits: 1 });
      expect(recorded.ledger.schedules.filter((s) => s.childId === child.childId).at(-1)).toMatchObject({
        clause: ftGuardianship.clause,
        missedVisits: 1,
      });

      // The next visit, and the one after it, run under Fengtai's pack: its interval, its committee task.
      const second = await visit(env, { arrangementAdequate: false, needs: ['监护安排需整改'] });
      const after = await child.handle.executeUpdate(recordLedgerVisitUpdate, { args: [second] });
      const ftDue = addDuration(new Date(second.visitedAt), ftGuardianship.duration).toISOString();
      await rescheduled(child.handle, (v) => v.dueAt === ftDue && v.interval?.clause === ftGuardianship.clause);
      const task = await eventually(() =>
        env.client.workflow.getHandle(after.committeeTaskIds[0]).query(taskStatusQuery),
      );
      expect(task).toMatchObject({
        agencyId: FENGTAI_STREET.committeeAgencyId,
        collaboratingAgencyIds: [FENGTAI_STREET.streetOfficeId],
      });
      await sleepPast(env, ftDue);
      await eventually(async () => expect(missedFor(recorded, child.childId)).toHaveLength(3));
      expect(missedFor(recorded, child.childId)[2].event).toMatchObject({
        streetOfficeId: FENGTAI_STREET.streetOfficeId,
        visitNo: 3,
        clause: ftGuardianship.clause,
      });
      // The switch is the transfer patch's behaviour, which a local run takes without asking it (no marker).
      expect(await patchMarkers(env, child.handle, undefined, TRANSFER_PACK_PATCH)).toBe(0);
      expect(await patchMarkers(env, child.handle, undefined, LOCAL_ACTIVITIES_PATCH)).toBe(1);
      await maybeRecordHistory(child.handle, 'ledger-monitoring-district-transfer');
    });
  });

  it('tells the new street of an overdue visit when the child moves to another street of the district', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const child = await startMonitoring(env, taskQueue, recorded, { categories: ['guardianship_failure'] });
      await sleepPast(env, child.first.dueAt!);
      await eventually(async () => expect(missedFor(recorded, child.childId)).toHaveLength(1));
      expect(missedFor(recorded, child.childId)[0].event).toMatchObject({
        streetOfficeId: testAgencies.street_office,
        visitNo: 1,
      });
      expect(await patchMarkers(env, child.handle, undefined, STREET_MOVE_NOTICE_PATCH)).toBe(0);

      // The family moves to another Fengtai street; the ledger transfers the child there.
      recorded.ledger.profiles.set(
        child.childId,
        ledgerProfile({ categories: ['guardianship_failure'], ...FENGTAI_STREET }),
      );
      await child.handle.signal(ledgerChangedSignal);
      // Still overdue: the new street is told of the same visit, once; it is still one missed visit.
      await eventually(async () => expect(missedFor(recorded, child.childId)).toHaveLength(2));
      const [told, toldAgain] = missedFor(recorded, child.childId);
      expect(toldAgain.event).toMatchObject({
        streetOfficeId: FENGTAI_STREET.streetOfficeId,
        visitNo: 1,
        dueAt: child.first.dueAt,
        clause: ftGuardianship.clause,
      });
      expect(toldAgain.idempotencyKey).not.toBe(told.idempotencyKey);
      expect(await query(child.handle)).toMatchObject({ pack: LEDGER_TEST_PACK, escalated: true, missedVisits: 1 });
      // The street-move patch's behaviour, taken by a local run without asking it (no marker).
      expect(await patchMarkers(env, child.handle, undefined, STREET_MOVE_NOTICE_PATCH)).toBe(0);

      // Another change of the child's facts, no move: nobody is told again.
      await child.handle.signal(ledgerChangedSignal);
      await eventually(async () =>
        expect(recorded.ledger.schedules.filter((s) => s.childId === child.childId).length).toBeGreaterThanOrEqual(5),
      );
      expect(missedFor(recorded, child.childId)).toHaveLength(2);
      await maybeRecordHistory(child.handle, 'ledger-monitoring-street-transfer');
    });
  });

  it('keeps the new pack across continue-as-new; a transfer within the district changes no pack', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      // Within Fengtai, to another street: the pack stays, no patch marker is written.
      const local = await startMonitoring(env, taskQueue, recorded, { categories: ['guardianship_failure'] });
      recorded.ledger.profiles.set(
        local.childId,
        ledgerProfile({ categories: ['guardianship_failure'], ...FENGTAI_STREET }),
      );
      await local.handle.signal(ledgerChangedSignal);
      await eventually(async () =>
        expect(recorded.ledger.schedules.filter((s) => s.childId === local.childId)).toHaveLength(2),
      );
      expect(await query(local.handle)).toMatchObject({
        pack: LEDGER_TEST_PACK,
        dueAt: local.first.dueAt,
        interval: local.first.interval,
      });
      expect(await patchMarkers(env, local.handle, undefined, TRANSFER_PACK_PATCH)).toBe(0);

      // Changning to Fengtai, then past the history limit: the continued run starts on Fengtai's pack.
      const child = await startMonitoring(
        env,
        taskQueue,
        recorded,
        { ...CHANGNING, riskLevel: 'medium', categories: ['guardianship_failure'] },
        { pack: CHANGNING.pack, historyEventLimit: 40 },
      );
      const firstRun = (await child.handle.describe()).runId;
      recorded.ledger.profiles.set(
        child.childId,
        ledgerProfile({ riskLevel: 'medium', categories: ['guardianship_failure'], ...FENGTAI_STREET }),
      );
      for (let i = 0; i < 8; i += 1) {
        await child.handle.signal(ledgerChangedSignal);
        await eventually(async () =>
          expect(recorded.ledger.schedules.filter((s) => s.childId === child.childId).length).toBeGreaterThan(i + 1),
        );
      }
      const secondRun = await eventually(async () => {
        const runId = (await child.handle.describe()).runId;
        expect(runId).not.toBe(firstRun);
        return runId;
      });
      const carried = await rescheduled(child.handle, (v) => v.dueAt !== undefined);
      expect(carried).toMatchObject({
        pack: { id: 'ft-fengtai', version: '1.3.0' },
        interval: { clause: ftGuardianship.clause },
        dueAt: addDuration(new Date(child.since), ftGuardianship.duration).toISOString(),
      });
      expect(await query(child.handle)).toMatchObject({ pack: { id: 'ft-fengtai' } });
      expect(await patchMarkers(env, child.handle, firstRun, LOCAL_ACTIVITIES_PATCH)).toBe(1);
      expect(await patchMarkers(env, child.handle, secondRun, LOCAL_ACTIVITIES_PATCH)).toBe(1);
      // The continued run needed no switch: its input already named Fengtai's pack.
      await child.handle.signal(ledgerChangedSignal);
      await eventually(async () =>
        expect(recorded.ledger.schedules.filter((s) => s.childId === child.childId).length).toBeGreaterThan(9),
      );
      expect(await patchMarkers(env, child.handle, secondRun, TRANSFER_PACK_PATCH)).toBe(0);
    });
  });
});
