/**
 * The guardian (CN 四(四)3, FT 三(三)2(5)) through the case workflow: the neglect clock and the petition it opens,
 * resumption and a new refusal, the grounds that petition at once, the court's decision, and the legal ladder.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDuration, subtractDuration } from '../../policies/duration';
import {
  caseWorkflowId,
  declineTaskUpdate,
  reportFiledSignal,
  TaskRejection,
  type CaseStatus,
  type FiledReport,
} from '../../workflows/definitions';
import type { caseWorkflow } from '../../workflows/case.workflow';
import {
  InterventionRejection,
  approveClosureUpdate,
  recordGuardianRefusalUpdate,
  recordGuardianResumedUpdate,
  recordHarmGroundUpdate,
  recordLegalStepUpdate,
} from '../../workflows/intervention.definitions';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import {
  accept,
  acceptAndComplete,
  caseHandle,
  caseStatus,
  createHarness,
  eventually,
  fileReport,
  maybeRecordHistory,
  openTaskOf,
  police,
  submission,
  taskStatus,
  withWorker,
  type Harness,
} from './harness';
import { actorFor, coordinator, rejection, sleepPast, throughDecision } from './intervention.helpers';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow months

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const committee = actorFor(testAgencies.residents_committee);

async function openCase(env: TestWorkflowEnvironment, taskQueue: string): Promise<string> {
  const childId = `child-${randomUUID()}`;
  await fileReport(env, taskQueue, await submission(env, childId));
  await openTaskOf(env, childId, 'police_response');
  return childId;
}

const isoAgo = async (env: TestWorkflowEnvironment, duration: string) =>
  subtractDuration(new Date(await env.currentTimeMs()), duration).toISOString();
const nowIso = async (env: TestWorkflowEnvironment) => new Date(await env.currentTimeMs()).toISOString();

const petitions = (s: CaseStatus) => s.state.tasks.filter((t) => t.kind === 'guardianship_petition');

describe('the neglect clock (CN 四(四)3 ground (b))', () => {
  it('opens a petition for civil affairs when a refusal, dated in the past, reaches 6 months and the child is without means of living', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue);
      const since = await isoAgo(env, 'P1M');
      const recorded = await caseHandle(env, childId).executeUpdate(recordGuardianRefusalUpdate, {
        args: [{ actor: committee, since, evidenceRef: 'visit-record-3', childWithoutMeansOfLiving: true }],
      });
      const firesAt = addDuration(new Date(since), 'P6M').toISOString();
      expect(recorded.neglect).toEqual([
        expect.objectContaining({ since, firesAt, clause: 'CN 四(四)3', evidenceRef: 'visit-record-3' }),
      ]);
      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.pendingClocks.find((c) => c.id === 'neglect')).toBeDefined();
        return s;
      });
      // The status shows the clock with its start, its end and the clause it enforces.
      expect(status.pendingClocks.find((c) => c.id === 'neglect')).toEqual({
        id: 'neglect',
        label: expect.any(String),
        clause: 'CN 四(四)3',
        startedAt: since,
        firesAt,
      });
      // A second refusal while one is on the clock is rejected.
      const twice = caseHandle(env, childId).executeUpdate(recordGuardianRefusalUpdate, {
        args: [{ actor: committee, since, evidenceRef: 'x', childWithoutMeansOfLiving: true }],
      });
      expect((await rejection(twice)).type).toBe(InterventionRejection.NeglectClockRunning);

      await sleepPast(env, subtractDuration(new Date(firesAt), 'P1D').toISOString());
      expect(petitions(await caseStatus(env, childId))).toEqual([]);
      await sleepPast(env, firesAt);
      const petitionTask = await openTaskOf(env, childId, 'guardianship_petition');
      const after = await caseStatus(env, childId);
      expect(after.openTasks.find((t) => t.taskId === petitionTask)).toMatchObject({
        agencyId: testAgencies.civil_affairs,
        completeClause: 'CN 四(四)3',
      });
      expect(after.state.intervention?.grounds).toEqual([
        expect.objectContaining({
          ground: 'refused_duties_six_months',
          petitionTaskId: petitionTask,
          evidenceRef: 'visit-record-3',
        }),
      ]);
      expect(after.state.intervention?.neglect[0].thresholdReachedAt).toBeDefined();
      expect(after.pendingClocks.find((c) => c.id === 'neglect')).toBeUndefined();
    });
  });

  it('stops when the guardian resumes at 5 months, and a new refusal runs the full 6 months again from its own start', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue);
      const handle = caseHandle(env, childId);
      await handle.executeUpdate(recordGuardianRefusalUpdate, {
        args: [{ actor: committee, since: await nowIso(env), evidenceRef: 'ev-1', childWithoutMeansOfLiving: true }],
      });
      await env.sleep('150 days');
      const resumedAt = await nowIso(env);
      const resumed = await handle.executeUpdate(recordGuardianResumedUpdate, {
        args: [{ actor: committee, at: resumedAt, evidenceRef: 'ev-resumed' }],
      });
      expect(resumed.neglect[0].end).toMatchObject({ reason: 'resumed', at: resumedAt, evidenceRef: 'ev-resumed' });
      await eventually(async () =>
        expect((await caseStatus(env, childId)).pendingClocks.find((c) => c.id === 'neglect')).toBeUndefined(),
      );
      // Resuming twice makes no sense: nothing is on the clock.
      const again = handle.executeUpdate(recordGuardianResumedUpdate, {
        args: [{ actor: committee, at: resumedAt, evidenceRef: 'ev' }],
      });
      expect((await rejection(again)).type).toBe(InterventionRejection.NeglectClockNotRunning);
      // A new refusal cannot begin before the guardian resumed: the clock would count months the guardian cared.
      const overlapping = handle.executeUpdate(recordGuardianRefusalUpdate, {
        args: [
          { actor: committee, since: await isoAgo(env, 'P1D'), evidenceRef: 'ev-3', childWithoutMeansOfLiving: true },
        ],
      });
      const overlap = await rejection(overlapping);
      expect(overlap.type).toBe(InterventionRejection.InvalidCommand);
      expect(overlap.message).toContain(`before the guardian resumed (${resumedAt})`);

      // Past the first refusal's 6 months: no petition, the clock had stopped.
      await env.sleep('60 days');
      expect(petitions(await caseStatus(env, childId))).toEqual([]);

      const restart = await nowIso(env);
      await handle.executeUpdate(recordGuardianRefusalUpdate, {
        args: [{ actor: committee, since: restart, evidenceRef: 'ev-2', childWithoutMeansOfLiving: true }],
      });
      const clock = await eventually(async () => {
        const c = (await caseStatus(env, childId)).pendingClocks.find((k) => k.id === 'neglect');
        expect(c).toBeDefined();
        return c;
      });
      expect(clock).toMatchObject({ startedAt: restart, firesAt: addDuration(new Date(restart), 'P6M').toISOString() });
      await sleepPast(env, subtractDuration(new Date(clock?.firesAt ?? 0), 'P7D').toISOString());
      expect(petitions(await caseStatus(env, childId))).toEqual([]);
      await sleepPast(env, clock?.firesAt ?? '');
      await openTaskOf(env, childId, 'guardianship_petition');
      const { state } = await caseStatus(env, childId);
      expect(state.intervention?.neglect.map((e) => [e.since, e.end?.reason ?? null, !!e.thresholdReachedAt])).toEqual([
        [expect.any(String), 'resumed', false],
        [restart, null, true],
      ]);
      await maybeRecordHistory(handle, 'case-neglect-resumed-restarted-petition');
    });
  });

  it('opens no petition when 6 months pass but the child has means of living, until that ground is recorded', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue);
      const handle = caseHandle(env, childId);
      const early = handle.executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: committee, ground: 'refused_duties_six_months', evidenceRef: 'ev' }],
      });
      expect((await rejection(early)).type).toBe(InterventionRejection.GroundNotMet);
      await handle.executeUpdate(recordGuardianRefusalUpdate, {
        args: [
          { actor: committee, since: await isoAgo(env, 'P7M'), evidenceRef: 'ev-1', childWithoutMeansOfLiving: false },
        ],
      });
      await eventually(async () =>
        expect((await caseStatus(env, childId)).state.intervention?.neglect[0].thresholdReachedAt).toBeDefined(),
      );
      expect(petitions(await caseStatus(env, childId))).toEqual([]);
      await handle.executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: committee, ground: 'refused_duties_six_months', evidenceRef: 'no-income-proof' }],
      });
      await openTaskOf(env, childId, 'guardianship_petition');
    });
  });
});

describe('revocation of guardianship (CN 四(四)3, FT 三(三)2(5))', () => {
  it('opens a petition at once on serious harm, and the court revokes and designates a new guardian', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue);
      const handle = caseHandle(env, childId);
      await handle.executeUpdate(recordGuardianRefusalUpdate, {
        args: [{ actor: committee, since: await nowIso(env), evidenceRef: 'ev-1', childWithoutMeansOfLiving: true }],
      });
      const nearRelative = handle.executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: police, ground: 'serious_harm', evidenceRef: 'injury-report-1', petitioner: 'near_relative' }],
      });
      expect((await rejection(nearRelative)).type).toBe(InterventionRejection.UnknownPetitioner);

      const recorded = await handle.executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: police, ground: 'serious_harm', evidenceRef: 'injury-report-1' }],
      });
      expect(recorded.grounds).toEqual([
        expect.objectContaining({
          ground: 'serious_harm',
          petitionerAgencyId: testAgencies.civil_affairs,
          clause: 'CN 四(四)3',
        }),
      ]);
      const petitionTask = await openTaskOf(env, childId, 'guardianship_petition');
      const civil = actorFor(testAgencies.civil_affairs);
      await acceptAndComplete(env, petitionTask, civil, {
        kind: 'guardianship_petition',
        filedAt: await nowIso(env),
        courtRef: '(2026)沪0105民特1号',
      });

      const hearingTask = await openTaskOf(env, childId, 'court_hearing');
      const during = await caseStatus(env, childId);
      expect(during.openTasks.find((t) => t.taskId === hearingTask)).toMatchObject({ agencyId: testAgencies.court });
      await env.sleep('30 days');
      const court = actorFor(testAgencies.court);
      const designatedAt = await nowIso(env);
      await acceptAndComplete(env, hearingTask, court, {
        kind: 'court_hearing',
        hearingDate: designatedAt,
        judgmentRef: 'judgment-1',
        decision: { result: 'revoked', newGuardian: { name: 'Aunt Li', relation: 'maternal aunt' }, designatedAt },
      });
      const after = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.intervention?.petitions[0].decision).toBeDefined();
        return s;
      });
      expect(after.state.intervention?.petitions).toEqual([
        expect.objectContaining({
          petitionTaskId: petitionTask,
          courtTaskId: hearingTask,
          courtRef: '(2026)沪0105民特1号',
          grounds: ['serious_harm'],
          decision: expect.objectContaining({ result: 'revoked', designatedAt }),
        }),
      ]);
      // The old guardian's refusal stops counting once guardianship is revoked.
      expect(after.state.intervention?.neglect[0].end).toMatchObject({
        reason: 'guardianship_revoked',
        evidenceRef: 'judgment-1',
      });
      expect(after.pendingClocks.find((c) => c.id === 'neglect')).toBeUndefined();
    });
  });
});

describe('tasks made moot are withdrawn (issue #17)', () => {
  it('withdraws the open police warning when the court revokes the guardianship, and the case then closes', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(env, taskQueue, childId, { riskLevel: 'high', recommendation: 'legal_measures' });
      const warningTask = await openTaskOf(env, childId, 'legal_warning');
      const handle = caseHandle(env, childId);
      await handle.executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: police, ground: 'serious_harm', evidenceRef: 'injury-report-2' }],
      });
      const petitionTask = await openTaskOf(env, childId, 'guardianship_petition');
      await acceptAndComplete(env, petitionTask, actorFor(testAgencies.civil_affairs), {
        kind: 'guardianship_petition',
        filedAt: await nowIso(env),
        courtRef: '(2026)沪0105民特2号',
      });
      const hearingTask = await openTaskOf(env, childId, 'court_hearing');
      // While the warning is open, the case cannot close.
      const early = handle.executeUpdate(approveClosureUpdate, {
        args: [{ approver: coordinator, reason: 'too early' }],
      });
      expect((await rejection(early)).type).toBe(InterventionRejection.CaseNotClosable);

      const designatedAt = await nowIso(env);
      await acceptAndComplete(env, hearingTask, actorFor(testAgencies.court), {
        kind: 'court_hearing',
        hearingDate: designatedAt,
        judgmentRef: 'judgment-2',
        decision: { result: 'revoked', newGuardian: { name: 'Aunt Wang', relation: 'maternal aunt' }, designatedAt },
      });
      const task = await eventually(async () => {
        const t = await taskStatus(env, warningTask);
        expect(t.status).toBe('withdrawn');
        return t;
      });
      expect(task.withdrawal).toEqual({ reason: 'court_decided', byTaskId: hearingTask, at: expect.any(String) });
      expect(task.clocks).toEqual([]);
      // The agency can no longer act on it: refused as closed, or the task's workflow has already finished.
      const refused = await accept(env, warningTask, police).then(
        () => undefined,
        (e: unknown) => e,
      );
      const closedType = refused instanceof WorkflowUpdateFailedError ? (refused.cause as ApplicationFailure).type : '';
      expect(closedType === TaskRejection.TaskClosed || refused instanceof WorkflowNotFoundError).toBe(true);
      const status = await caseStatus(env, childId);
      expect(status.state.tasks.find((t) => t.taskId === warningTask)?.status).toBe('withdrawn');
      expect(status.openTasks.map((t) => t.kind)).not.toContain('legal_warning');

      const closed = await handle.executeUpdate(approveClosureUpdate, {
        args: [{ approver: coordinator, reason: 'court designated a new guardian' }],
      });
      expect(closed.closure).toMatchObject({ reason: 'court designated a new guardian' });
      await eventually(async () => expect((await caseStatus(env, childId)).state.stage).toBe('closed'));
      await maybeRecordHistory(handle, 'case-court-withdraws-moot-warning');
    });
  });
});

describe('a declined petition (FT 三(二)5 "one door")', () => {
  it('follows the petition to the agency the decliner names, and the court hearing opens from the new petition', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue);
      await caseHandle(env, childId).executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: police, ground: 'serious_harm', evidenceRef: 'injury-report-2' }],
      });
      const first = await openTaskOf(env, childId, 'guardianship_petition');
      await env.client.workflow.getHandle(first).executeUpdate(declineTaskUpdate, {
        args: [
          {
            actor: actorFor(testAgencies.civil_affairs),
            reason: 'the committee knows the family and will petition',
            redirectToAgencyId: testAgencies.residents_committee,
          },
        ],
      });
      const second = await eventually(async () => {
        const s = await caseStatus(env, childId);
        const open = s.openTasks.find((t) => t.kind === 'guardianship_petition');
        expect(open?.taskId).not.toBe(first);
        expect(s.state.intervention?.petitions[0].petitionTaskId).toBe(open?.taskId);
        return open;
      });
      expect(second).toMatchObject({ agencyId: testAgencies.residents_committee });
      await acceptAndComplete(env, second?.taskId ?? '', committee, {
        kind: 'guardianship_petition',
        filedAt: await nowIso(env),
        courtRef: 'court-ref-2',
      });
      const hearing = await openTaskOf(env, childId, 'court_hearing');
      const { state } = await caseStatus(env, childId);
      expect(state.intervention?.petitions).toEqual([
        expect.objectContaining({ petitionTaskId: second?.taskId, courtRef: 'court-ref-2', courtTaskId: hearing }),
      ]);
    });
  });
});

describe('the legal ladder against a guardian (CN 四(四)3)', () => {
  it('records each rung with its evidence and rejects a jump the ladder does not allow, with the reason', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue);
      const handle = caseHandle(env, childId);
      const step = async (
        s: 'criticism_education' | 'written_warning' | 'administrative_penalty' | 'judicial_transfer',
        evidenceRef = `ev-${s}`,
      ) =>
        handle.executeUpdate(recordLegalStepUpdate, {
          args: [{ actor: police, step: s, evidenceRef, occurredAt: await nowIso(env) }],
        });

      const penaltyFirst = await rejection(step('administrative_penalty'));
      expect(penaltyFirst.type).toBe(InterventionRejection.IllegalLegalStep);
      expect(penaltyFirst.message).toContain('written warning');
      const unattended = handle.executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: police, ground: 'unattended_in_danger', evidenceRef: 'ev' }],
      });
      expect((await rejection(unattended)).type).toBe(InterventionRejection.GroundNotMet);
      expect((await rejection(step('criticism_education', ' '))).type).toBe(InterventionRejection.InvalidCommand);

      await step('criticism_education');
      expect((await caseStatus(env, childId)).nextLegalStep).toBe('written_warning');
      expect((await rejection(step('administrative_penalty'))).type).toBe(InterventionRejection.IllegalLegalStep);
      await step('written_warning');
      expect((await rejection(step('criticism_education'))).type).toBe(InterventionRejection.IllegalLegalStep);
      await step('administrative_penalty');
      expect((await caseStatus(env, childId)).nextLegalStep).toBe('judicial_transfer');
      const last = await step('judicial_transfer');
      expect(last.legalSteps.map((s) => [s.step, s.evidenceRef])).toEqual([
        ['criticism_education', 'ev-criticism_education'],
        ['written_warning', 'ev-written_warning'],
        ['administrative_penalty', 'ev-administrative_penalty'],
        ['judicial_transfer', 'ev-judicial_transfer'],
      ]);
      expect((await rejection(step('administrative_penalty'))).message).toContain('no further step');

      // Left in danger and unchanged after the education on record: the petition opens at once.
      await handle.executeUpdate(recordHarmGroundUpdate, {
        args: [{ actor: police, ground: 'unattended_in_danger', evidenceRef: 'ev-danger' }],
      });
      await openTaskOf(env, childId, 'guardianship_petition');
    });
  });
});

describe('the guardian across continue-as-new and from the assessment', () => {
  it('carries the neglect clock and the legal ladder across continue-as-new, and still opens the petition on time', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      const workflowId = caseWorkflowId(childId);
      const sub = await submission(env, childId);
      const report: FiledReport = {
        reportId: 'report-1',
        childId,
        reporter: sub.reporter,
        concerns: ['living_alone'],
        discoveredAt: sub.discoveredAt,
        reportedAt: sub.receivedAt,
        leftBehind: false,
      };
      // A tiny history limit makes the case continue-as-new again and again while the clock runs.
      await env.client.workflow.signalWithStart<typeof caseWorkflow, [FiledReport]>('caseWorkflow', {
        workflowId,
        taskQueue,
        args: [{ caseId: workflowId, childId, pack: testPolicyPack, agencies: testAgencies, historyEventLimit: 25 }],
        signal: reportFiledSignal,
        signalArgs: [report],
      });
      await openTaskOf(env, childId, 'police_response');
      const since = await isoAgo(env, 'P5M');
      // An update that lands while a run hands over to the next is retried, as the API should.
      await eventually(() =>
        caseHandle(env, childId).executeUpdate(recordGuardianRefusalUpdate, {
          args: [{ actor: committee, since, evidenceRef: 'ev-1', childWithoutMeansOfLiving: true }],
        }),
      );
      await eventually(async () =>
        caseHandle(env, childId).executeUpdate(recordLegalStepUpdate, {
          args: [{ actor: police, step: 'written_warning', evidenceRef: 'gaojieshu-1', occurredAt: await nowIso(env) }],
        }),
      );
      const firesAt = addDuration(new Date(since), 'P6M').toISOString();
      await sleepPast(env, firesAt);
      await openTaskOf(env, childId, 'guardianship_petition');
      const { state, nextLegalStep } = await caseStatus(env, childId);
      expect(state.runCount).toBeGreaterThan(1);
      expect(state.intervention?.neglect).toEqual([
        expect.objectContaining({ since, firesAt, thresholdReachedAt: expect.any(String) }),
      ]);
      expect(state.intervention?.legalSteps.map((s) => s.step)).toEqual(['written_warning']);
      expect(nextLegalStep).toBe('administrative_penalty');
    });
  });

  it('opens a police warning task when the assessment decides on legal measures, and records its rung from the outcome', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(env, taskQueue, childId, { riskLevel: 'high', recommendation: 'legal_measures' });
      const warningTask = await openTaskOf(env, childId, 'legal_warning');
      expect((await caseStatus(env, childId)).openTasks.find((t) => t.taskId === warningTask)).toMatchObject({
        agencyId: testAgencies.police_station,
      });
      await acceptAndComplete(env, warningTask, police, {
        kind: 'legal_warning',
        step: 'written_warning',
        issuedAt: await nowIso(env),
        evidenceRef: 'gaojieshu-7',
      });
      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.intervention?.legalSteps).toHaveLength(1);
        return s;
      });
      expect(status.state.intervention?.legalSteps[0]).toMatchObject({
        step: 'written_warning',
        evidenceRef: 'gaojieshu-7',
        taskId: warningTask,
      });
      expect(status.nextLegalStep).toBe('administrative_penalty');
    });
  });
});
