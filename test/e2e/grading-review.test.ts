/**
 * Issue #17 items 5 and 7 in a real browser on the real stack (API, worker, Temporal, FerretDB, Debian Chromium), on
 * a phone: a Fengtai child in two difficulty categories (多重困境, FT 三(一)4(2)) is graded by the social workers; the
 * protection committee's office (FT 三(三)4) finds the review in its inbox marked 多重困境, reads the grading on the
 * task page, and sends it back with a reason; the social worker sees the reason on the new grading task and grades
 * again in the form; the committee changes the grade; the district coordinator's case list marks the child 多重困境
 * with the committee's grade. The police response and the joint assessment are done through their task workflows
 * (Journey.completeAsAgency), as in the other journeys.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { eventually, reportBody } from '../integration/full-stack/harness';
import type { CaseTaskSummary, TaskOutcomeInput } from '../../workflows/definitions';
import { PHONE, screenshot } from './browser';
import { completeTaskPage, openTaskPage, startJourney, type Journey } from './helpers/case-journey';

jest.setTimeout(600_000); // one case through a loaded worker with a browser: about ten workflow hops, each awaited

const FT = {
  reporter: 'school@fengtai.demo.childsafe.local',
  socialWork: 'social-work@fengtai.demo.childsafe.local',
  committeeOffice: 'womens-children-office@fengtai.demo.childsafe.local',
  coordinator: 'civil-affairs@fengtai.demo.childsafe.local',
};

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
}, 180_000);
afterAll(async () => {
  await j?.stop();
});

/** Does a task through its workflow, waiting out the moment between the case listing it and its workflow starting. */
async function completeAsAgency(caseId: string, kind: string, outcome: TaskOutcomeInput): Promise<CaseTaskSummary> {
  const task = await j.openTask(caseId, kind);
  await eventually(async () => {
    try {
      await j.completeAsAgency(task, outcome);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw err;
      throw Object.assign(new Error('not retried'), { cause: err, fatal: true });
    }
  }, 60_000).catch((err: { fatal?: boolean; cause?: unknown }) => {
    throw err.fatal ? err.cause : err;
  });
  return task;
}

/** Opens a task's page once the task's own workflow has projected it (the case lists a task a moment before). */
async function openWhenProjected(page: Page, taskId: string): Promise<void> {
  await eventually(() => openTaskPage(page, j.url, taskId), 120_000);
}

describe('the committee reviews the grading on a phone; multiple difficulty is marked and first (issue #17 items 5, 7)', () => {
  test('review in the inbox marked 多重困境 → sent back with a reason → regraded in the form → grade changed → case list', async () => {
    // ── A school reports; police and the street office do their parts (task workflows) ──────────────────────────
    const login = await request(j.stack.app)
      .post('/api/v1/auth/login')
      .send({ email: FT.reporter, password: DEMO_PASSWORD })
      .expect(200);
    const filed = await request(j.stack.app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${login.body.token}`)
      .set('idempotency-key', randomUUID())
      .send({
        ...reportBody({ name: `赵${randomUUID().slice(0, 4)}` }),
        policyPackId: 'ft-fengtai',
        place: { streetCode: 'youanmen', address: '丰台区右安门某小区 5 号楼' },
        reporterUnit: { name: '丰台区演示小学', type: 'school' },
      })
      .expect(202);
    const caseId = await j.caseOfReceipt(filed.body.receipt);
    await completeAsAgency(caseId, 'police_response', {
      kind: 'police_response',
      dispatchedAt: new Date().toISOString(),
      responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
      custody: { kind: 'remains_with_guardian' },
    });
    // Two difficulty categories (poverty FT 二(一)1, serious illness FT 二(一)3): a multiple-difficulty child.
    await completeAsAgency(caseId, 'joint_assessment', {
      kind: 'joint_assessment',
      ageYears: 9,
      facts: ['family_dibao', 'seriously_ill'],
      familySituation: '家庭享受低保，父亲长期患病',
      guardianship: 'improper',
      physicalHealth: '患慢性病',
      mentalHealth: '焦虑',
    });
    const firstGrading = await j.openTask(caseId, 'risk_grading');
    await j.completeAsAgency(firstGrading, {
      kind: 'risk_grading',
      riskLevel: 'low',
      recommendation: 'monitoring_only',
    });

    // ── The committee office finds the review in its inbox, marked 多重困境, and sends the grading back ─────────────
    const review = await j.openTask(caseId, 'grading_review');
    const office = await j.signIn(PHONE, FT.committeeOffice, '/inbox');
    const card = office.locator('li.card', { has: office.getByRole('link', { name: '保护委员会审议等级评定' }) });
    await card.first().waitFor({ timeout: 60_000 });
    expect(await card.first().getByTestId('multiple-difficulty').textContent()).toBe('多重困境');
    await screenshot(office, 'grading-review-01-inbox-multiple-difficulty-phone');
    await openWhenProjected(office, review.taskId);
    expect(await office.getByTestId('grading-under-review').textContent()).toContain(
      '社工评定：低风险；建议：仅需定期监测',
    );
    await office.getByLabel('审议意见').selectOption('sent_back');
    await office.getByLabel('理由').fill('未入户探访，评定依据不足');
    await screenshot(office, 'grading-review-02-send-back-phone');
    await completeTaskPage(office);

    // ── The social worker sees why on the new grading task and grades again in the form ──────────────────────────
    const regrading = await j.openTask(caseId, 'risk_grading');
    expect(regrading.taskId).not.toBe(firstGrading.taskId);
    const worker = await j.signIn(PHONE, FT.socialWork, '/inbox');
    const gradingCard = worker.locator('li.card', {
      has: worker.locator(`a[href*="${encodeURIComponent(regrading.taskId)}"]`),
    });
    await gradingCard.waitFor({ timeout: 60_000 });
    expect(await gradingCard.getByTestId('multiple-difficulty').textContent()).toBe('多重困境');
    await openWhenProjected(worker, regrading.taskId);
    expect(await worker.getByTestId('grading-sent-back').textContent()).toBe(
      '保护委员会退回了上一次评定，理由：未入户探访，评定依据不足',
    );
    await worker.getByLabel('风险等级').selectOption('medium');
    await worker.getByLabel('建议下一步').selectOption('monitoring_only');
    await screenshot(worker, 'grading-review-03-regrade-phone');
    await completeTaskPage(worker);

    // ── The committee changes the grade ───────────────────────────────────────────────────────────────────────────
    const secondReview = await j.openTask(caseId, 'grading_review');
    expect(secondReview.taskId).not.toBe(review.taskId);
    await openWhenProjected(office, secondReview.taskId);
    expect(await office.getByTestId('grading-under-review').textContent()).toContain('社工评定：中风险');
    await office.getByLabel('审议意见').selectOption('grade_changed');
    await office.getByLabel('调整后的风险等级').selectOption('high');
    await office.getByLabel('调整后的下一步（不选则按社工建议）').selectOption('services');
    await office.getByLabel('理由').fill('父亲病情加重，儿童无人照料，风险被低估');
    await screenshot(office, 'grading-review-04-grade-changed-phone');
    await completeTaskPage(office);
    await eventually(async () => {
      const status = await j.caseStatus(caseId);
      expect(status.state.gradingReviews?.map((r) => r.decision)).toEqual(['sent_back', 'grade_changed']);
      expect(status.state.risk).toBe('high');
    }, 60_000);

    // ── The coordinator's case list: marked 多重困境, with the committee's grade ─────────────────────────────────
    const coordinator = await j.signIn(PHONE, FT.coordinator, '/dashboard');
    const row = coordinator.locator('tr', { has: coordinator.getByTestId('multiple-difficulty') }).first();
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getByTestId('multiple-difficulty').textContent()).toBe('多重困境');
    await screenshot(coordinator, 'grading-review-05-case-list-multiple-difficulty-phone');
    expect(j.consoleErrors).toEqual([]);
  });
});
