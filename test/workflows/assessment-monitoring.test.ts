import { randomUUID } from 'node:crypto';
import { addDuration } from '../../policies/duration';
import type { CaseStatus, TaskOutcomeInput } from '../../workflows/definitions';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import {
  accept,
  acceptAndComplete,
  caseHandle,
  caseStatus,
  committee,
  complete,
  createHarness,
  eventually,
  fileReport,
  jointAssessment,
  maybeRecordHistory,
  openTaskOf,
  police,
  policeOutcome,
  socialWorker,
  streetOffice,
  submission,
  taskStatus,
  withWorker,
  type Harness,
} from './harness';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow months

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

/** Runs a case from report to a recorded decision: police leave the child at home, then the assessment completes. */
async function throughAssessment(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  childId: string,
  grading: {
    riskLevel: 'low' | 'medium' | 'high';
    recommendation: 'monitoring_only' | 'services' | 'temporary_guardianship' | 'legal_measures';
  },
  leftBehind = false,
  facts: string[] = ['both_parents_migrant'],
): Promise<CaseStatus> {
  await fileReport(env, taskQueue, await submission(env, childId, { leftBehind }));
  const policeTask = await openTaskOf(env, childId, 'police_response');
  const now = await env.currentTimeMs();
  await acceptAndComplete(env, policeTask, police, policeOutcome(now, { kind: 'remains_with_guardian' }));
  const jointTask = await openTaskOf(env, childId, 'joint_assessment');
  const gradingTask = await openTaskOf(env, childId, 'risk_grading');
  const status = await caseStatus(env, childId);
  expect(status.state.stage).toBe('assessment');
  const joint = status.openTasks.find((t) => t.taskId === jointTask);
  expect(joint?.completeBy).toBe(
    addDuration(
      new Date(joint?.createdAt ?? 0),
      testPolicyPack.taskKinds.joint_assessment.complete.duration,
    ).toISOString(),
  );
  expect((await taskStatus(env, jointTask)).collaboratingAgencyIds).toEqual([testAgencies.police_station]);

  await acceptAndComplete(env, jointTask, streetOffice, { ...jointAssessment, facts } as TaskOutcomeInput);
  await acceptAndComplete(env, gradingTask, socialWorker, {
    kind: 'risk_grading',
    ...grading,
    needs: ['family education'],
  });
  return eventually(async () => {
    const s = await caseStatus(env, childId);
    expect(s.state.assessment.decision).toBeDefined();
    return s;
  });
}

describe('assessment (CN 四(三), FT 三(三)4) and monitoring (CN 五(一), FT 三(二)2)', () => {
  it('decides the next step from the risk grading and records the classification of the assessed facts', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      // Facts that place the child in two kinds of difficulty and grant benefits (CN 一, CN 三): what the case records
      // must come from these assessed facts, not from an empty list.
      await throughAssessment(
        env,
        taskQueue,
        childId,
        { riskLevel: 'high', recommendation: 'temporary_guardianship' },
        false,
        ['family_dibao', 'disabled'],
      );
      // The decision opens the placement task before the case projects its new stage (intervention.ts).
      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.stage).toBe('temporary_guardianship_pending');
        return s;
      });
      expect(status.state.risk).toBe('high');
      expect(status.state.assessment.decision).toMatchObject({
        nextStep: 'temporary_guardianship',
        basis: 'risk_grading',
        clause: testPolicyPack.deadlines.riskGrading.clause,
      });
      expect(status.state.assessment.joint).toMatchObject({
        facts: ['family_dibao', 'disabled'],
        guardianship: 'improper',
      });
      expect(status.state.assessment.classification).toEqual({
        categories: [
          { code: 'family_poverty', clause: 'CN 一', kind: 'difficulty', because: { allOf: ['family_dibao'] } },
          { code: 'disability', clause: 'CN 一', kind: 'difficulty', because: { allOf: ['disabled'] } },
        ],
        inDifficulty: true,
        leftBehind: false,
        leftBehindHandledAsDifficulty: false,
        multipleDifficulty: true,
      });
      expect(status.state.assessment.benefits).toEqual({
        granted: [
          { code: 'dibao', clause: 'CN 三(一)' },
          { code: 'medical_assistance', clause: 'CN 三(二)' },
          { code: 'cultural_welfare_subsidy', clause: 'CN 三(五)1' },
        ],
        excluded: [],
      });
      // High risk: visited every P7D (CN 五(一)).
      const visit = status.pendingClocks.find((c) => c.id === 'next_visit');
      expect(visit).toMatchObject({
        clause: 'CN 五(一)',
        firesAt: addDuration(new Date(visit?.startedAt ?? 0), 'P7D').toISOString(),
      });
      // The decision leads into the intervention: the placement task's accept deadline comes first (intervention.test.ts).
      const placementTask = status.openTasks.find((t) => t.kind === 'short_term_placement');
      expect(placementTask).toMatchObject({ agencyId: testAgencies.street_office });
      expect(status.nextDeadline).toBe(placementTask?.acceptBy);
    });
  });

  it('visits a left-behind child at the left-behind interval and escalates a visit that is not made in time', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const decided = await throughAssessment(
        env,
        taskQueue,
        childId,
        { riskLevel: 'low', recommendation: 'monitoring_only' },
        true,
      );
      expect(decided.state.stage).toBe('monitoring');
      const clock = decided.pendingClocks.find((c) => c.id === 'next_visit');
      // Low risk alone would be P3M; a left-behind child is visited at least every P1M (FT 三(二)2).
      expect(clock).toMatchObject({
        clause: 'FT 三(二)2',
        firesAt: addDuration(new Date(clock?.startedAt ?? 0), 'P1M').toISOString(),
      });

      await env.sleep(new Date(clock?.firesAt ?? 0).getTime() - (await env.currentTimeMs()) + 60_000);
      const visitTask = await openTaskOf(env, childId, 'monitoring_visit');
      const visit = (await caseStatus(env, childId)).openTasks.find((t) => t.taskId === visitTask);
      expect(visit).toMatchObject({ agencyId: testAgencies.residents_committee });
      expect(new Date(visit?.createdAt ?? 0).getTime() - new Date(clock?.firesAt ?? 0).getTime()).toBeLessThan(60_000);

      await accept(env, visitTask, committee);
      // The visit is due P7D after the task opened; the standard ladder starts at the deadline, then +P1D.
      const completeBy = visit?.completeBy ?? '';
      await env.sleep(new Date(completeBy).getTime() - (await env.currentTimeMs()) + 60_000);
      const first = await eventually(async () => {
        const t = await taskStatus(env, visitTask);
        expect(t.escalations).toHaveLength(1);
        return t;
      });
      expect(first.escalations[0]).toMatchObject({
        phase: 'complete',
        rung: 1,
        notify: 'assignee',
        clause: 'CN 五(一)',
        dueAt: completeBy,
      });
      await env.sleep('1 day');
      const second = await eventually(async () => {
        const t = await taskStatus(env, visitTask);
        expect(t.escalations).toHaveLength(2);
        return t;
      });
      expect(second.escalations[1]).toMatchObject({
        rung: 2,
        notify: 'agency_supervisor',
        dueAt: addDuration(new Date(completeBy), 'P1D').toISOString(),
      });
      expect(
        recorded.notifications.filter((n) => n.event.type === 'task_escalated').map((n) => n.idempotencyKey),
      ).toEqual([`${visitTask}:escalate:complete:1`, `${visitTask}:escalate:complete:2`]);

      const now = await env.currentTimeMs();
      await complete(env, visitTask, committee, {
        kind: 'monitoring_visit',
        visitedAt: new Date(now).toISOString(),
        childSeen: true,
        guardianshipArrangementAdequate: true,
        newConcern: false,
      });
      const after = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.visits).toHaveLength(1);
        return s;
      });
      expect(after.state.escalations.map((e) => e.rung)).toEqual([1, 2]);
      expect(after.pendingClocks.map((c) => c.id)).toEqual(['next_visit']);
      await maybeRecordHistory(caseHandle(env, childId), 'case-monitoring-missed-visit');
    });
  });
});
