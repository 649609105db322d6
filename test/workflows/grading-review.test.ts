/**
 * Issue #17 item 5 on the time-skipping server: FT 三(三)4 "将评估结果提交至困境儿童和留守儿童保护委员会审议". Where the pinned
 * pack has the committee's review (Fengtai from 1.3.0; the test pack below adds the same task kind), the social-work
 * grading goes to the committee's office before it decides anything: accepted, the grading decides; grade changed,
 * the case goes on with the committee's grade (audited, clause cited); sent back, the grading task reopens for the
 * same social workers with the reason, and the new grading is reviewed again. A review not taken up escalates on its
 * own deadline like any other task. Changning's text has no such committee: its pack has no review.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPolicyPack } from '../../policies';
import { policyPackSchema, type PolicyPack } from '../../policies/schema';
import { TaskRejection, intakeWorkflowId, type TaskOutcomeInput } from '../../workflows/definitions';
import type { intakeWorkflow } from '../../workflows/intake.workflow';
import { testAgencies, testPolicyPackSource } from '../fixtures/policy-pack';
import {
  accept,
  acceptAndComplete,
  caseHandle,
  caseStatus,
  complete,
  createHarness,
  eventually,
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
import { actorFor, rejection, sleepPast } from './intervention.helpers';

jest.setTimeout(90_000); // each test starts its own time-skipping server and worker and drives a case through days

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const d = (duration: string, en: string, zh: string) => ({ duration, clause: 'FT 三(三)4', label: { en, zh } });

/** The test pack with the committee's review as Fengtai 1.3.0 has it (agency type, clause, quote). */
const REVIEWING_PACK: PolicyPack = policyPackSchema().parse({
  ...testPolicyPackSource,
  id: 'test-district-review',
  taskKinds: {
    ...testPolicyPackSource.taskKinds,
    grading_review: {
      label: { zh: '保护委员会审议等级评定', en: 'Committee reviews the grading' },
      clause: 'FT 三(三)4',
      agencyType: 'womens_children_office',
      quote: '将评估结果提交至困境儿童和留守儿童保护委员会审议',
      accept: d('P2D', 'Review accepted', '接收审议'),
      complete: d('P7D', 'Review decided', '作出审议意见'),
      ladder: 'standard',
    },
  },
});

const AGENCIES = { ...testAgencies, womens_children_office: 'agency-wcwo-1' };
const committeeOffice = actorFor(AGENCIES.womens_children_office);

/** Files a report under the reviewing pack and runs the case to the committee's review task; returns its id. */
async function throughGrading(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  childId: string,
  grading: Extract<TaskOutcomeInput, { kind: 'risk_grading' }>,
): Promise<string> {
  const report = await submission(env, childId);
  await env.client.workflow.execute<typeof intakeWorkflow>('intakeWorkflow', {
    workflowId: intakeWorkflowId(report.idempotencyKey),
    taskQueue,
    args: [{ submission: report, pack: REVIEWING_PACK, agencies: AGENCIES }],
  });
  const policeTask = await openTaskOf(env, childId, 'police_response');
  await acceptAndComplete(
    env,
    policeTask,
    police,
    policeOutcome(await env.currentTimeMs(), { kind: 'remains_with_guardian' }),
  );
  await acceptAndComplete(env, await openTaskOf(env, childId, 'joint_assessment'), streetOffice, jointAssessment);
  await acceptAndComplete(env, await openTaskOf(env, childId, 'risk_grading'), socialWorker, grading);
  return openTaskOf(env, childId, 'grading_review');
}

const at = async (env: TestWorkflowEnvironment) => new Date(await env.currentTimeMs()).toISOString();

describe('the protection committee reviews the risk grading (issue #17 item 5, FT 三(三)4)', () => {
  it('sends the grading to the committee’s office, decides nothing until it is reviewed, and decides on it once accepted', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const reviewTask = await throughGrading(env, taskQueue, childId, {
        kind: 'risk_grading',
        riskLevel: 'medium',
        recommendation: 'monitoring_only',
        needs: ['homework help'],
      });
      const waiting = await caseStatus(env, childId);
      expect(waiting.openTasks.find((t) => t.taskId === reviewTask)).toMatchObject({
        agencyId: AGENCIES.womens_children_office,
        acceptClause: 'FT 三(三)4',
        completeClause: 'FT 三(三)4',
      });
      // Nothing is decided on a grading the committee has not reviewed.
      expect(waiting.state.assessment.decision).toBeUndefined();
      expect(waiting.state.assessment.grading).toBeUndefined();
      expect(waiting.state.stage).toBe('assessment');
      // The committee sees the grading it reviews.
      expect((await taskStatus(env, reviewTask)).gradingUnderReview).toMatchObject({
        riskLevel: 'medium',
        recommendation: 'monitoring_only',
        needs: ['homework help'],
      });

      // Another agency cannot review it; an "unchanged change" is an acceptance.
      expect((await rejection(accept(env, reviewTask, socialWorker))).type).toBe(TaskRejection.WrongAgency);
      await accept(env, reviewTask, committeeOffice);
      const same = complete(env, reviewTask, committeeOffice, {
        kind: 'grading_review',
        decision: 'grade_changed',
        reviewedAt: await at(env),
        riskLevel: 'medium',
        reason: 'no change',
      });
      expect((await rejection(same)).type).toBe(TaskRejection.InvalidOutcome);
      await complete(env, reviewTask, committeeOffice, {
        kind: 'grading_review',
        decision: 'accepted',
        reviewedAt: await at(env),
      });
      const decided = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.assessment.decision).toMatchObject({ nextStep: 'monitoring_only', clause: 'FT 三(三)4' });
        return s;
      });
      expect(decided.state.risk).toBe('medium');
      expect(decided.state.assessment.grading).toMatchObject({ riskLevel: 'medium', needs: ['homework help'] });
      expect(decided.state.gradingReviews).toEqual([
        expect.objectContaining({ taskId: reviewTask, decision: 'accepted' }),
      ]);
      expect(recorded.audit.find((e) => e.type === 'risk_grading_accepted')).toMatchObject({
        clause: 'FT 三(三)4',
        details: { taskId: reviewTask },
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-grading-review-accepted');
    });
  });

  it('goes on with the committee’s grade when it changes it: the risk and next step are the committee’s, audited with the reason', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const reviewTask = await throughGrading(env, taskQueue, childId, {
        kind: 'risk_grading',
        riskLevel: 'low',
        recommendation: 'monitoring_only',
      });
      await accept(env, reviewTask, committeeOffice);
      const noReason = complete(env, reviewTask, committeeOffice, {
        kind: 'grading_review',
        decision: 'grade_changed',
        reviewedAt: await at(env),
        riskLevel: 'high',
      });
      expect((await rejection(noReason)).type).toBe(TaskRejection.InvalidOutcome);
      await complete(env, reviewTask, committeeOffice, {
        kind: 'grading_review',
        decision: 'grade_changed',
        reviewedAt: await at(env),
        riskLevel: 'high',
        recommendation: 'services',
        reason: '儿童已连续两周未到校，风险被低估',
      });
      const s = await eventually(async () => {
        const status = await caseStatus(env, childId);
        expect(status.state.assessment.decision).toMatchObject({ nextStep: 'services' });
        // The services the committee's next step calls for open (none named: psychological support).
        expect(status.openTasks.map((t) => t.kind)).toContain('psychological_support');
        return status;
      });
      expect(s.state.risk).toBe('high');
      expect(s.state.riskChanges.at(-1)).toMatchObject({
        reason: 'committee_review',
        from: 'low',
        to: 'high',
        clause: 'FT 三(三)4',
      });
      expect(s.state.gradingReviews?.[0]).toMatchObject({
        decision: 'grade_changed',
        changedTo: { riskLevel: 'high', recommendation: 'services' },
        reason: '儿童已连续两周未到校，风险被低估',
      });
      // The audit and projection activities may still be running when the state already shows the grade: wait.
      await eventually(async () => {
        expect(recorded.audit.find((e) => e.type === 'risk_grade_changed')).toMatchObject({
          clause: 'FT 三(三)4',
          details: {
            fromRiskLevel: 'low',
            toRiskLevel: 'high',
            fromRecommendation: 'monitoring_only',
            toRecommendation: 'services',
            reason: '儿童已连续两周未到校，风险被低估',
          },
        });
        // The projection carries the committee's grade to the child's file and the case.
        expect(recorded.caseProjections.at(-1)?.fields.risk).toBe('high');
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-grading-review-grade-changed');
    });
  });

  it('sends the grading back: the same social workers grade again with the committee’s reason, and the new grading is reviewed', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const firstGrading = (await openGradingAfterReview(env, taskQueue, childId)).gradingTaskId;
      const reviewTask = (await caseStatus(env, childId)).openTasks.find((t) => t.kind === 'grading_review')!.taskId;
      await accept(env, reviewTask, committeeOffice);
      await complete(env, reviewTask, committeeOffice, {
        kind: 'grading_review',
        decision: 'sent_back',
        reviewedAt: await at(env),
        reason: '未入户探访，评定依据不足',
      });
      const regrading = await eventually(async () => {
        const s = await caseStatus(env, childId);
        const task = s.openTasks.find((t) => t.kind === 'risk_grading');
        if (!task) throw new Error('no new grading yet');
        return { status: s, task };
      });
      expect(regrading.task.taskId).not.toBe(firstGrading);
      expect(regrading.task.agencyId).toBe(testAgencies.social_work);
      expect(regrading.status.state.assessment.decision).toBeUndefined();
      expect(regrading.status.state.stage).toBe('assessment');
      expect((await taskStatus(env, regrading.task.taskId)).sentBack).toMatchObject({
        reason: '未入户探访，评定依据不足',
        byTaskId: reviewTask,
      });
      expect(recorded.audit.find((e) => e.type === 'risk_grading_sent_back')).toMatchObject({
        clause: 'FT 三(三)4',
        details: { taskId: reviewTask, regradingTaskId: regrading.task.taskId },
      });

      // The new grading goes to the committee again; accepted, it decides.
      await acceptAndComplete(env, regrading.task.taskId, socialWorker, {
        kind: 'risk_grading',
        riskLevel: 'high',
        recommendation: 'temporary_guardianship',
      });
      const secondReview = await eventually(async () => {
        const s = await caseStatus(env, childId);
        const task = s.openTasks.find((t) => t.kind === 'grading_review');
        if (!task) throw new Error('no second review yet');
        return task.taskId;
      });
      expect(secondReview).not.toBe(reviewTask);
      expect((await taskStatus(env, secondReview)).gradingUnderReview).toMatchObject({
        gradingTaskId: regrading.task.taskId,
        riskLevel: 'high',
      });
      await acceptAndComplete(env, secondReview, committeeOffice, {
        kind: 'grading_review',
        decision: 'accepted',
        reviewedAt: await at(env),
      });
      const s = await eventually(async () => {
        const status = await caseStatus(env, childId);
        expect(status.state.assessment.decision).toMatchObject({ nextStep: 'temporary_guardianship' });
        return status;
      });
      expect(s.state.gradingReviews?.map((r) => r.decision)).toEqual(['sent_back', 'accepted']);
      await maybeRecordHistory(caseHandle(env, childId), 'case-grading-review-sent-back');
    });
  });

  it('escalates a review nobody takes up on its own deadline, like any other task', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      const reviewTask = await throughGrading(env, taskQueue, childId, {
        kind: 'risk_grading',
        riskLevel: 'medium',
        recommendation: 'monitoring_only',
      });
      const task = (await caseStatus(env, childId)).openTasks.find((t) => t.taskId === reviewTask);
      // Not accepted within its 2 days: the standard ladder starts, each rung on the case with its clause.
      await sleepPast(env, task?.acceptBy ?? '', 25 * 3_600_000);
      const s = await eventually(async () => {
        const status = await caseStatus(env, childId);
        const rungs = status.state.escalations.filter((e) => e.taskId === reviewTask);
        expect(rungs.map((e) => e.notify)).toEqual(expect.arrayContaining(['assignee', 'agency_supervisor']));
        return status;
      });
      expect(s.state.escalations.find((e) => e.taskId === reviewTask)).toMatchObject({
        kind: 'grading_review',
        phase: 'accept',
        clause: 'FT 三(三)4',
      });
      expect(s.state.assessment.decision).toBeUndefined();
    });
  });
});

describe('which packs review the grading (FT 三(三)4 names the committee; the Changning text has none)', () => {
  it('Fengtai 1.3.0 sends the grading to the committee office with the clause quoted; Changning 1.3.0 has no review', () => {
    const fengtai = loadPolicyPack('ft-fengtai');
    expect(fengtai.version).toBe('1.3.0');
    expect(fengtai.taskKinds.grading_review).toMatchObject({
      clause: 'FT 三(三)4',
      agencyType: 'womens_children_office',
      quote: '将评估结果提交至困境儿童和留守儿童保护委员会审议',
    });
    expect(fengtai.taskKinds.grading_review?.complete.interpretation?.zh).toContain('政策未规定');
    expect(loadPolicyPack('cn-changning').taskKinds.grading_review).toBeUndefined();
  });
});

/** Runs to the first review and returns the grading task it reviews. */
async function openGradingAfterReview(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  childId: string,
): Promise<{ gradingTaskId: string }> {
  const reviewTask = await throughGrading(env, taskQueue, childId, {
    kind: 'risk_grading',
    riskLevel: 'low',
    recommendation: 'monitoring_only',
  });
  const review = await taskStatus(env, reviewTask);
  return { gradingTaskId: review.gradingUnderReview?.gradingTaskId ?? '' };
}
