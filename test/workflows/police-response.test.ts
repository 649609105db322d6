import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { addDuration } from '../../policies/duration';
import {
  caseStageSearchAttribute,
  caseWorkflowId,
  declineTaskUpdate,
  policyPackSearchAttribute,
  TaskRejection,
  taskStatusQuery,
  taskWorkflowId,
} from '../../workflows/definitions';
import {
  ESCALATION_ONE_STEP_PATCH,
  FIRST_PROJECTION_LOCAL_PATCH,
  TASK_LOCAL_ACTIVITIES_PATCH,
  agencyTaskWorkflow,
} from '../../workflows/agency-task.workflow';
import { CASE_PATCHES_HOLD_PATCH, TASK_START_LOCAL_PATCH } from '../../workflows/case.workflow';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import {
  accept,
  acceptAndComplete,
  caseHandle,
  caseStatus,
  complete,
  createHarness,
  eventually,
  fileReport,
  maybeRecordHistory,
  openTaskOf,
  police,
  policeOutcome,
  streetOffice,
  submission,
  taskStatus,
  withWorker,
  type Harness,
} from './harness';
import {
  activitiesScheduled,
  forcedTasks,
  isLocalActivity,
  localActivities,
  patchMarkers,
  tasksBetweenTimerAndNotice,
} from './history-shape';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow months

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const minutes = (n: number) => n * 60_000;

describe('police response (CN 四(二), FT 三(二)4)', () => {
  it('opens a police task that the police acknowledge within the deadline, so no escalation fires', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const intake = await fileReport(env, taskQueue, await submission(env, childId));
      expect(intake.caseWorkflowId).toBe(caseWorkflowId(childId));

      const taskId = await openTaskOf(env, childId, 'police_response');
      const status = await caseStatus(env, childId);
      expect(status.state.stage).toBe('emergency_response');
      const [task] = status.openTasks;
      expect(task).toMatchObject({ kind: 'police_response', agencyId: testAgencies.police_station });
      expect(task.acceptBy).toBe(addDuration(new Date(task.createdAt), 'PT15M').toISOString());
      expect(status.pendingClocks).toContainEqual(
        expect.objectContaining({
          id: `${taskId}:accept`,
          clause: 'CN 四(二)',
          startedAt: task.createdAt,
          firesAt: task.acceptBy,
        }),
      );
      expect(status.nextDeadline).toBe(task.acceptBy);

      await env.sleep('10 minutes');
      expect((await accept(env, taskId, police)).status).toBe('accepted');
      await env.sleep('30 minutes');

      expect((await taskStatus(env, taskId)).escalations).toEqual([]);
      const after = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.openTasks[0].acceptedAt).toBeDefined();
        return s;
      });
      expect(after.pendingClocks.map((c) => c.id)).toEqual([`${taskId}:complete`]);
      expect(after.state.escalations).toEqual([]);
      expect(recorded.notifications.map((n) => n.idempotencyKey)).toEqual([`${taskId}:assigned`]);

      const description = await caseHandle(env, childId).describe();
      expect(description.typedSearchAttributes.get(caseStageSearchAttribute)).toBe('emergency_response');
      expect(description.typedSearchAttributes.get(policyPackSearchAttribute)).toBe(
        `${testPolicyPack.id}@${testPolicyPack.version}`,
      );
      // The case started the task in a local activity of the workflow task that opened it (TASK_START_LOCAL_PATCH):
      // no child workflow, so no "child started" event woke the case for a second workflow task; no parent.
      const caseEvents = (await caseHandle(env, childId).fetchHistory()).events ?? [];
      const { EventType } = temporal.api.enums.v1;
      expect(caseEvents.filter((e) => isLocalActivity(e, 'startAgencyTask'))).toHaveLength(1);
      // A new case asks one patch, which holds every older one (TASK_START_LOCAL_PATCH among them): one marker and one
      // TemporalChangeVersion upsert instead of one each per patch.
      expect(await patchMarkers(env, caseHandle(env, childId), undefined, CASE_PATCHES_HOLD_PATCH)).toBe(1);
      expect(await patchMarkers(env, caseHandle(env, childId), undefined, TASK_START_LOCAL_PATCH)).toBe(0);
      expect(caseEvents.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toHaveLength(1);
      expect(
        caseEvents.filter(
          (e) =>
            e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED ||
            e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
        ),
      ).toEqual([]);
      expect((await env.client.workflow.getHandle(taskId).describe()).parentExecution).toBeUndefined();
      await maybeRecordHistory(env.client.workflow.getHandle(taskId), 'police-task-accepted-in-time');
      // The same task's history as recorded after the first projection ran locally (FIRST_PROJECTION_LOCAL_PATCH).
      await maybeRecordHistory(env.client.workflow.getHandle(taskId), 'police-task-first-projection-local');
      // A task its case started (`localActivities`) asks no patch: no marker, no TemporalChangeVersion upsert.
      const taskEvents = (await env.client.workflow.getHandle(taskId).fetchHistory()).events ?? [];
      expect(taskEvents.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
      expect(taskEvents.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);
      expect(taskEvents.filter((e) => isLocalActivity(e, 'projectTask')).length).toBeGreaterThan(0);
      await maybeRecordHistory(env.client.workflow.getHandle(taskId), 'police-task-local-by-input');
    });
  });

  it('climbs the escalation ladder rung by rung when the police do not acknowledge in time, recording each step', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const taskId = await openTaskOf(env, childId, 'police_response');
      const { acceptBy } = (await caseStatus(env, childId)).openTasks[0];
      const ladder = testPolicyPack.escalationLadders[testPolicyPack.taskKinds.police_response.ladder];
      expect(ladder.map((r) => r.notify)).toEqual([
        'assignee',
        'agency_supervisor',
        'street_coordinator',
        'district_coordinator',
      ]);

      // Rungs fire at acceptBy + 0, +15m, +30m, +1h. Step to just after each and check exactly that many fired.
      const checkpoints = [16, 31, 46, 76];
      for (const [index, minutesAfterStart] of checkpoints.entries()) {
        const now = await env.currentTimeMs();
        const target = new Date(acceptBy).getTime() - minutes(15) + minutes(minutesAfterStart);
        await env.sleep(Math.max(0, target - now));
        const task = await eventually(async () => {
          const t = await taskStatus(env, taskId);
          expect(t.escalations).toHaveLength(index + 1);
          return t;
        });
        const rung = task.escalations[index];
        const dueAt = addDuration(new Date(acceptBy), ladder[index].after).toISOString();
        expect(rung).toMatchObject({
          phase: 'accept',
          rung: index + 1,
          notify: ladder[index].notify,
          clause: 'CN 四(二)',
          deadline: acceptBy,
          dueAt,
        });
        const lateness = new Date(rung.at).getTime() - new Date(dueAt).getTime();
        expect(lateness).toBeGreaterThanOrEqual(0);
        expect(lateness).toBeLessThan(minutes(1));
      }

      const escalationNotices = recorded.notifications.filter((n) => n.event.type === 'task_escalated');
      expect(escalationNotices.map((n) => n.idempotencyKey)).toEqual(
        [1, 2, 3, 4].map((r) => `${taskId}:escalate:accept:${r}`),
      );
      expect(escalationNotices.map((n) => n.event.type === 'task_escalated' && n.event.target)).toEqual(
        ladder.map((r) => r.notify),
      );
      // The case learns of each step too, for the coordinators' status view.
      await eventually(async () => expect((await caseStatus(env, childId)).state.escalations).toHaveLength(4));
      // Issue #19: the missed deadline is projected together with its immediate first rung (one projection after the
      // task's first, not one for the miss and one for the rung), its audit entry carried with the rung's.
      const projections = recorded.taskProjections.filter((p) => p.taskId === taskId);
      expect(projections.find((p) => p.fields.escalations.length > 0)?.version).toBe(2);
      const taskAudit = recorded.audit.filter((a) => a.workflowId === taskId).map((a) => a.type);
      expect(taskAudit.slice(0, 3)).toEqual(['task_created', 'deadline_missed', 'task_escalated']);

      // Issue #19 (TASK_LOCAL_ACTIVITIES_PATCH): the task's projections and notices ran as local activities, none as
      // an activity task; each escalation is the one workflow task its timer started. Its case said so in its input
      // (`localActivities`), so it asks no patch at all, neither that one nor the older ones, which hold for such a
      // run (a task started without it asks the patch once, in its first task: test/workflows/accountability.test.ts).
      const handle = env.client.workflow.getHandle(taskId);
      for (const older of [TASK_LOCAL_ACTIVITIES_PATCH, FIRST_PROJECTION_LOCAL_PATCH, ESCALATION_ONE_STEP_PATCH])
        expect(await patchMarkers(env, handle, undefined, older)).toBe(0);
      expect(await activitiesScheduled(env, handle, 'notify')).toBe(0);
      expect(await activitiesScheduled(env, handle, 'projectTask')).toBe(0);
      expect(await localActivities(env, handle, 'notify')).toBe(5);
      expect(await localActivities(env, handle, 'projectTask')).toBe(5);
      for (const rung of [1, 2, 3, 4]) expect(await tasksBetweenTimerAndNotice(env, handle, rung)).toBe(1);

      // Accepting late stops the accept ladder; the task goes on to its completion deadline.
      expect((await accept(env, taskId, police)).escalations).toHaveLength(4);
      await maybeRecordHistory(handle, 'police-task-local-activities');
    });
  });

  it('replays a task whose local activities were split by queries: every rung of both ladders overdue in one task', async () => {
    // A query answered while a local activity runs makes the SDK finish the task and hand the result over in a forced
    // new task; a replay resolves it one task earlier (README.md, "What we learned about local activities"). Here every
    // projection and notice queries the task while it runs, and the task is created a day late, so its acceptance
    // deadline and four rungs are due in its first task, each right after the previous rung's local activities, and
    // its completion deadline and four rungs in the task its late acceptance starts.
    const slow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const calls = new Map<string, number>();
    await withWorker(
      h,
      async ({ env, taskQueue, recorded }) => {
        const rule = testPolicyPack.taskKinds.police_response;
        const ladder = testPolicyPack.escalationLadders[rule.ladder];
        const caseId = caseWorkflowId(`child-${randomUUID()}`);
        const taskId = taskWorkflowId(caseId, 'police_response', 1);
        const handle = await env.client.workflow.start(agencyTaskWorkflow, {
          workflowId: taskId,
          taskQueue,
          args: [
            {
              taskId,
              ownerWorkflowId: caseId,
              reportToOwner: false,
              kind: 'police_response',
              agencyId: testAgencies.police_station,
              collaboratingAgencyIds: [],
              concerns: ['living_alone'],
              createdAt: new Date((await env.currentTimeMs()) - 24 * 60 * minutes(1)).toISOString(),
              rule,
              ladder,
              pack: { id: testPolicyPack.id, version: testPolicyPack.version },
            },
          ],
        });
        const escalations = async (n: number) =>
          eventually(async () => {
            const t = await taskStatus(env, taskId);
            expect(t.escalations).toHaveLength(n);
            return t;
          });
        await escalations(ladder.length);
        // Accepted late: the completion deadline (12 hours) has passed too, so its whole ladder runs in the task the
        // acceptance starts, rung after rung.
        await accept(env, taskId, police);
        const escalated = await escalations(2 * ladder.length);
        expect(escalated.escalations.map((e) => `${e.phase}:${e.rung}`)).toEqual(
          ['accept', 'complete'].flatMap((phase) => ladder.map((_, i) => `${phase}:${i + 1}`)),
        );
        await complete(
          env,
          taskId,
          police,
          policeOutcome(await env.currentTimeMs(), { kind: 'remains_with_guardian' }),
        );
        expect(await handle.result()).toMatchObject({ taskId, status: 'completed' });

        // Every notice sent once (the notifier's own idempotency aside: the activity ran once per key).
        const keys = [
          'assigned',
          ...['accept', 'complete'].flatMap((p) => ladder.map((_, i) => `escalate:${p}:${i + 1}`)),
        ];
        expect(Object.fromEntries(calls)).toEqual(Object.fromEntries(keys.map((k) => [`${taskId}:${k}`, 1])));
        expect(recorded.taskProjections.filter((p) => p.taskId === taskId).at(-1)?.fields.status).toBe('completed');
        // The history replays, and queries did split tasks that ran local activities.
        const history = await handle.fetchHistory();
        await Worker.runReplayHistory({ workflowBundle: h.bundle, replayName: 'task-split' }, history);
        expect(forcedTasks(history.events ?? [])).toBeGreaterThan(0);
      },
      (fakes, { env }) => {
        const queried = async (taskId: string) => {
          // Asked while the activity runs, answered by the worker before the activity's result is in.
          void env.client.workflow
            .getHandle(taskId)
            .query(taskStatusQuery)
            .catch(() => undefined);
          await slow(300);
        };
        return {
          async projectTask(input: Parameters<typeof fakes.projectTask>[0]) {
            await queried(input.taskId);
            return fakes.projectTask(input);
          },
          async notify(request: Parameters<typeof fakes.notify>[0]) {
            const key = `${request.workflowId}:${request.logicalKey}`;
            calls.set(key, (calls.get(key) ?? 0) + 1);
            await queried(request.workflowId);
            return fakes.notify(request);
          },
        };
      },
    );
  });

  it('records the written handover and the child’s view when the police hand the child to a relative', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const taskId = await openTaskOf(env, childId, 'police_response');
      const now = await env.currentTimeMs();
      const handover = {
        receiverName: 'Wang Fang',
        receiverRole: 'relative' as const,
        relation: 'maternal aunt',
        handedOverAt: new Date(now).toISOString(),
        documentRef: 'HO-2026-0042',
        childCanExpressView: true,
        childView: 'wants to stay with her aunt',
      };
      await acceptAndComplete(env, taskId, police, policeOutcome(now, { kind: 'handed_over', handover }));

      // The assessment's two tasks open one after the other (the stage moves with the first): wait for both.
      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.stage).toBe('assessment');
        expect(s.openTasks.map((t) => [t.kind, t.agencyId])).toEqual([
          ['joint_assessment', testAgencies.street_office],
          ['risk_grading', testAgencies.social_work],
        ]);
        return s;
      });
      expect(status.state.handovers).toEqual([{ taskId, handover }]);
      await maybeRecordHistory(caseHandle(env, childId), 'case-handover-to-relative');
    });
  });

  it('opens an urgent placement task for the street office when nobody can take the child, and waits for it', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      const now = await env.currentTimeMs();
      await acceptAndComplete(
        env,
        policeTask,
        police,
        policeOutcome(now, { kind: 'nobody_can_take', reason: 'no relative reachable' }),
      );

      const placementTask = await openTaskOf(env, childId, 'urgent_placement');
      const status = await caseStatus(env, childId);
      expect(status.state.stage).toBe('placement_pending');
      expect(status.openTasks).toEqual([
        expect.objectContaining({ taskId: placementTask, agencyId: testAgencies.street_office }),
      ]);
      await eventually(async () =>
        expect((await caseHandle(env, childId).describe()).typedSearchAttributes.get(caseStageSearchAttribute)).toBe(
          'placement_pending',
        ),
      );

      await acceptAndComplete(env, placementTask, streetOffice, {
        kind: 'urgent_placement',
        placedAt: new Date(now).toISOString(),
        siteType: 'temporary_care_site',
        siteAgencyId: 'care-site-1',
      });
      // The child is placed (short-term guardianship) while the assessment runs beside it: where the child is comes first.
      await eventually(async () =>
        expect((await caseStatus(env, childId)).state.stage).toBe('short_term_guardianship'),
      );
    });
  });

  it('records a late-dispatch finding when the police were dispatched later than the pack allows', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const taskId = await openTaskOf(env, childId, 'police_response');
      const { createdAt } = (await caseStatus(env, childId)).openTasks[0];
      // The fixture allows PT30M from the report reaching the police to dispatch (CN 四(二) 立即出警).
      const dispatchedAt = new Date(createdAt).getTime() + minutes(45);
      await acceptAndComplete(env, taskId, police, policeOutcome(dispatchedAt, { kind: 'remains_with_guardian' }));
      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.findings).toHaveLength(1);
        return s;
      });
      expect(status.state.findings[0]).toMatchObject({
        kind: 'late_dispatch',
        againstUnitId: testAgencies.police_station,
        taskId,
        deadline: addDuration(new Date(createdAt), 'PT30M').toISOString(),
        clause: testPolicyPack.deadlines.policeDispatch.clause,
      });
    });
  });

  it('reopens a declined task for the agency the decliner names, keeping the report attached', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const first = await openTaskOf(env, childId, 'police_response');
      const other = 'agency-police-2';
      await expect(
        env.client.workflow
          .getHandle(first)
          .executeUpdate(declineTaskUpdate, { args: [{ actor: police, reason: ' ' }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await env.client.workflow.getHandle(first).executeUpdate(declineTaskUpdate, {
        args: [{ actor: police, reason: 'incident is in another precinct', redirectToAgencyId: other }],
      });

      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.openTasks).toEqual([expect.objectContaining({ kind: 'police_response', agencyId: other })]);
        // The case moves the report to the new task once the task's workflow has started (the next workflow task).
        expect(s.state.reports.map((r) => r.handledByTaskId)).toEqual([s.openTasks[0].taskId]);
        return s;
      });
      const reopened = status.openTasks[0].taskId;
      expect(reopened).not.toBe(first);
      expect(status.state.tasks.find((t) => t.taskId === first)?.status).toBe('declined');
      expect(status.state.reports.map((r) => r.handledByTaskId)).toEqual([reopened]);
      expect((await taskStatus(env, reopened)).concerns).toEqual(['living_alone']);
    });
  });

  it('rejects illegal task commands with a stable reason before they enter history', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const taskId = await openTaskOf(env, childId, 'police_response');
      const now = await env.currentTimeMs();
      const good = policeOutcome(now, { kind: 'remains_with_guardian' });

      const rejection = async (promise: Promise<unknown>) => {
        const err = await promise.then(
          () => {
            throw new Error('expected the update to be rejected');
          },
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (err as WorkflowUpdateFailedError).cause;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        return cause as ApplicationFailure;
      };

      expect((await rejection(complete(env, taskId, police, good))).type).toBe(TaskRejection.TaskNotAccepted);
      expect((await rejection(accept(env, taskId, streetOffice))).type).toBe(TaskRejection.WrongAgency);
      await accept(env, taskId, police);
      expect((await rejection(accept(env, taskId, police))).type).toBe(TaskRejection.TaskAlreadyAccepted);
      expect(
        (
          await rejection(
            complete(env, taskId, police, {
              kind: 'urgent_placement',
              placedAt: new Date(now).toISOString(),
              siteType: 'temporary_care_site',
              siteAgencyId: 'x',
            }),
          )
        ).type,
      ).toBe(TaskRejection.OutcomeKindMismatch);
      expect(
        (
          await rejection(
            complete(env, taskId, police, {
              ...good,
              responses: [
                {
                  concern: 'missing',
                  response: 'child_search',
                  searchStartedAt: new Date(now).toISOString(),
                  found: false,
                },
              ],
            }),
          )
        ).type,
      ).toBe(TaskRejection.ConcernNotAddressed);
      const noView = await rejection(
        complete(
          env,
          taskId,
          police,
          policeOutcome(now, {
            kind: 'handed_over',
            handover: {
              receiverName: 'Li',
              receiverRole: 'relative',
              relation: 'uncle',
              handedOverAt: new Date(now).toISOString(),
              documentRef: 'HO-1',
              childCanExpressView: true,
            },
          }),
        ),
      );
      expect(noView.type).toBe(TaskRejection.InvalidOutcome);
      expect(noView.message).toMatch(/childView/);

      const history = await env.client.workflow.getHandle(taskId).fetchHistory();
      const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepted).toHaveLength(1);

      await complete(env, taskId, police, good);
      await env.client.workflow.getHandle(taskId).result();
      // A closed task no longer runs, so a late command fails at the server rather than in a validator.
      await expect(complete(env, taskId, police, good)).rejects.toThrow();
      await maybeRecordHistory(env.client.workflow.getHandle(taskId), 'police-task-rejected-updates');
    });
  });
});
