/**
 * Issue #14, "Must show" (b) and (c), one case: the legal ladder and the neglect clock, then the court's seal.
 * (b) The police record criticism and a written warning on the case page, and a step the ladder does not allow is
 * refused in words with its clause; the street office records that the guardian has refused their duties since six
 * months and a day ago, the child without means of living (the record takes the date the refusal began: no clock is
 * faked); the threshold is past at once, so the petition task opens for civil affairs, who files it; the court
 * records the revocation and the new guardian; the case page shows it.
 * (c) The court seals the child's juvenile record (FT 三(三)2(5)) from the case page: civil affairs no longer sees the
 * child's file (on the case page or by ID number), the procuratorate finds it under 封存记录查阅.
 * Real stack, Debian Chromium; field roles on a phone-sized screen; every screen screenshotted.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuditEventModel } from '../../models/audit-event';
import { DEMO_AGENCY_CODES } from '../../models/seed/directory';
import { CHANGNING, eventually, randomIdNumber, reportBody } from '../integration/full-stack/harness';
import { DESKTOP, PHONE, screenshot } from './browser';
import {
  commandForm,
  completeTaskPage,
  openCasePage,
  openTaskPage,
  startJourney,
  untilCasePage,
  type Journey,
} from './helpers/case-journey';

jest.setTimeout(900_000); // one case through the legal ladder, the petition and the court through a loaded worker

const CN = DEMO_AGENCY_CODES.changning;
const STREET = 'street.huayang@changning.demo.childsafe.local';
const COURT = 'court@changning.demo.childsafe.local';
const PROCURATORATE = 'procuratorate@changning.demo.childsafe.local';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
}, 180_000);
afterAll(async () => {
  await j?.stop();
});

/** A datetime-local value in China time. */
function localInput(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

describe('the guardian: legal ladder, neglect clock, petition, court, and the sealed record', () => {
  test('legal steps → refusal of duties 6 months and a day ago → petition task → court revokes and designates → the case page shows it; the court seals: civil affairs no longer sees the file, the procuratorate does', async () => {
    const childName = `刘${randomUUID().slice(0, 4)}`;
    const idNumber = randomIdNumber();
    const reporter = await j.stack.login(CHANGNING.reporter);
    const filed = await request(j.stack.app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody({ idNumber, name: childName }))
      .expect(202);
    const caseId = await j.caseOfReceipt(filed.body.receipt as string);
    const policeTask = await j.openTask(caseId, 'police_response');

    // ── (b) The police climb the legal ladder on the case page (CN 四(四)3) ─────────────────────────────────────
    const police = await j.signIn(PHONE, CHANGNING.police, '/inbox');
    await openCasePage(police, j.url, caseId);
    let legal = await commandForm(police, 'legal-step');
    await legal.getByRole('button', { name: '记录措施' }).click();
    // Sent empty, each missing field says so beside it.
    expect(await legal.locator('.field-error').allTextContents()).toEqual(['必填', '必填']);
    await legal.getByLabel('措施').selectOption('criticism_education');
    await legal.getByLabel('证据或文书编号').fill('华公(教)〔2026〕12号');
    await legal.getByRole('button', { name: '记录措施' }).click();
    await eventually(async () => {
      const steps = (await j.caseStatus(caseId)).state.intervention?.legalSteps ?? [];
      expect(steps.map((s) => s.step)).toEqual(['criticism_education']);
    }, 60_000);
    await police.reload();
    legal = await commandForm(police, 'legal-step');
    await legal.getByLabel('措施').selectOption('written_warning');
    await legal.getByLabel('证据或文书编号').fill('华公(告)〔2026〕03号');
    await legal.getByRole('button', { name: '记录措施' }).click();
    await eventually(async () => {
      const steps = (await j.caseStatus(caseId)).state.intervention?.legalSteps ?? [];
      expect(steps.map((s) => s.step)).toEqual(['criticism_education', 'written_warning']);
    }, 60_000);
    // After a written warning the ladder goes up, not back to criticism: refused in words with its clause.
    await police.reload();
    legal = await commandForm(police, 'legal-step');
    await legal.getByLabel('措施').selectOption('criticism_education');
    await legal.getByLabel('证据或文书编号').fill('华公(教)〔2026〕13号');
    await legal.getByRole('button', { name: '记录措施' }).click();
    await legal.getByTestId('refusal').waitFor();
    expect(await legal.getByTestId('refusal').textContent()).toContain('CN 四(四)3：法律措施须依次进行');
    await screenshot(police, 'journey-b-01-legal-step-refused-phone');
    await j.completeAsAgency(policeTask, {
      kind: 'police_response',
      dispatchedAt: new Date().toISOString(),
      responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
      custody: { kind: 'remains_with_guardian' },
      evidenceRefs: [],
    });

    // ── The street office records the refusal of duties, begun 6 months and a day ago (CN 四(四)3) ──────────────
    const began = new Date();
    began.setUTCMonth(began.getUTCMonth() - 6);
    began.setUTCDate(began.getUTCDate() - 1);
    const street = await j.signIn(PHONE, STREET, '/dashboard');
    await openCasePage(street, j.url, caseId);
    const refusal = await commandForm(street, 'guardian-refusal');
    await refusal.getByLabel('开始拒不履行的日期').fill(localInput(began));
    await refusal.getByLabel('证据或文书编号').fill('华阳街道调查笔录 DC-2026-088');
    await refusal.getByLabel('儿童因此生活无着').check();
    await screenshot(street, 'journey-b-02-guardian-refusal-phone');
    await refusal.getByRole('button', { name: '开始计时' }).click();

    // The 6 months have passed: the threshold is reached at once and civil affairs' petition task opens.
    const petition = await j.openTask(caseId, 'guardianship_petition', CN.civilAffairs);
    const state = (await j.caseStatus(caseId)).state.intervention;
    expect(state?.neglect[0]?.thresholdReachedAt).toBeDefined();
    expect(state?.grounds.map((g) => g.ground)).toEqual(['refused_duties_six_months']);
    await untilCasePage(street, async () => {
      expect(await street.locator('body').textContent()).toContain('申请撤销监护人资格');
    });
    await screenshot(street, 'journey-b-03-petition-task-appears-phone');

    // ── Civil affairs petitions the court; the court revokes and designates a new guardian ──────────────────────
    const civil = await j.signIn(DESKTOP, CHANGNING.coordinator, '/dashboard');
    await openTaskPage(civil, j.url, petition.taskId);
    await civil.getByLabel('提出申请时间').fill(localInput(new Date(Date.now() - 60 * 60_000)));
    await civil.getByLabel('法院案号').fill('(2026)沪0105民特88号');
    await screenshot(civil, 'journey-b-04-petition-filed');
    await completeTaskPage(civil);

    const court = await j.signIn(DESKTOP, COURT, '/inbox');
    const hearing = await j.openTask(caseId, 'court_hearing', CN.court);
    await openTaskPage(court, j.url, hearing.taskId);
    await court.getByLabel('开庭时间').fill(localInput(new Date(Date.now() - 30 * 60_000)));
    await court.getByLabel('判决书编号').fill('(2026)沪0105民特88号判决');
    await court.getByLabel('撤销监护人资格，指定新监护人').check();
    await court.getByLabel('姓名').fill('刘奶奶');
    await court.getByLabel('与儿童关系').fill('祖母');
    await court.getByLabel('指定时间').fill(localInput(new Date(Date.now() - 20 * 60_000)));
    await screenshot(court, 'journey-b-05-court-revokes');
    await completeTaskPage(court);

    // The case page shows the revocation and the new guardian, with the judgment.
    await openCasePage(civil, j.url, caseId);
    await untilCasePage(civil, async () => {
      const section = await civil.locator('[data-section="court"]').textContent();
      expect(section).toContain('(2026)沪0105民特88号判决');
      expect(section).toContain('祖母');
    });
    await screenshot(civil, 'journey-b-06-case-shows-revocation');
    const decided = (await j.caseStatus(caseId)).state.intervention;
    expect(decided?.petitions[0]?.decision).toMatchObject({
      result: 'revoked',
      judgmentRef: '(2026)沪0105民特88号判决',
    });
    expect(decided?.neglect[0]?.end?.reason).toBe('guardianship_revoked');

    // ── (c) The court seals the juvenile record (FT 三(三)2(5)) ─────────────────────────────────────────────────
    await openCasePage(court, j.url, caseId);
    expect(await court.locator('body').textContent()).toContain(childName);
    const seal = await commandForm(court, 'seal');
    await seal.getByLabel('法院决定文书编号').fill('(2026)沪0105刑封3号');
    await seal.getByLabel('理由').fill('依法封存未成年人犯罪记录');
    await seal.getByRole('button', { name: '封存记录' }).click();
    await untilCasePage(court, async () => {
      await court.getByTestId('command-unseal').waitFor({ timeout: 2_000 });
    });
    await screenshot(court, 'journey-c-01-court-sealed');
    await eventually(async () => {
      const sealed = await AuditEventModel.findOne({ action: 'child_file.sealed', caseWorkflowId: caseId }).lean();
      expect(sealed).toBeTruthy();
    }, 30_000);

    // Civil affairs: the case page no longer shows the child's file, and the ID number finds nothing.
    await openCasePage(civil, j.url, caseId);
    await civil.getByTestId('sealed-note').waitFor();
    expect(await civil.locator('body').textContent()).not.toContain(childName);
    await screenshot(civil, 'journey-c-02-civil-affairs-file-withheld');
    const civilToken = await j.stack.login(CHANGNING.coordinator);
    const search = await request(j.stack.app)
      .get(`/api/v1/children?q=${idNumber}`)
      .set('authorization', `Bearer ${civilToken}`)
      .expect(200);
    expect(search.body.items).toEqual([]);

    // The procuratorate finds the sealed record by the ID number.
    const procuratorate = await j.signIn(PHONE, PROCURATORATE, '/inbox');
    await procuratorate.getByRole('link', { name: '封存记录查阅' }).click();
    await procuratorate.getByLabel('身份证号或姓名').fill(idNumber);
    await procuratorate.getByRole('button', { name: '查询' }).click();
    const records = procuratorate.getByTestId('records');
    await records.waitFor();
    expect(await records.textContent()).toContain(childName);
    expect(await records.textContent()).toContain('记录已封存');
    await screenshot(procuratorate, 'journey-c-03-procuratorate-reads-sealed-record-phone');
    expect(j.consoleErrors).toEqual([]);
  });
});
