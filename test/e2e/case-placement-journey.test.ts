/**
 * Issue #14, "Must show" (a): every decision of a placement has a screen. A hospital doctor reports from a phone; the
 * police find nobody who can take the child; the street office places the child urgently; the case page shows the
 * 1-month clock with its clause; moving to medium/long-term care is refused in words with the clause until the police
 * record their written certificate on the case page; the move is then accepted; civil affairs places the child and
 * finds the guardian; after the return assessment civil affairs decides the return home, and the coordinator closes
 * the case with its reason (and could reopen it). Real stack (API, worker, Temporal, FerretDB), Debian Chromium;
 * field roles on a phone-sized screen; every screen screenshotted into test-results/screenshots/.
 * The service, assessment and follow-up tasks of agencies without demo accounts are done through their task workflow
 * (Journey.completeAsAgency), as those agencies' own task pages would.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_AGENCY_CODES } from '../../models/seed/directory';
import { CHANGNING, eventually } from '../integration/full-stack/harness';
import { DESKTOP, PHONE, expectFitsPhone, screenshot } from './browser';
import {
  commandForm,
  completeTaskPage,
  openCasePage,
  openTaskPage,
  startJourney,
  untilCasePage,
  type Journey,
} from './helpers/case-journey';

jest.setTimeout(900_000); // one case from report to closure through a loaded worker: ~15 workflow hops, each awaited

const CN = DEMO_AGENCY_CODES.changning;
const STREET = 'street.huayang@changning.demo.childsafe.local';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
}, 180_000);
afterAll(async () => {
  await j?.stop();
});

function localInput(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

describe('a placement from the urgent placement to closure, each decision on its screen', () => {
  test('hospital report → nobody can take the child → urgent placement → 1-month clock → move refused without the certificate → certificate → move → guardian found → return home → closure', async () => {
    const childName = `陈${randomUUID().slice(0, 4)}`;
    // ── The doctor reports from a phone ──────────────────────────────────────────────────────────────────────────
    const doctor = await j.signIn(PHONE, CHANGNING.hospitalReporter, '/report');
    await doctor.getByLabel('疑似遭受家庭暴力').check();
    await doctor.getByLabel('发现时间').fill(localInput(new Date(Date.now() - 30 * 60_000)));
    await doctor.getByLabel('发现地街道（乡镇） 搜索').fill('华阳');
    await doctor.getByLabel('发现地街道（乡镇）', { exact: true }).selectOption({ label: '华阳路街道' });
    await doctor.getByLabel('发现地点').fill('长宁区华阳路 88 弄 2 号');
    await doctor
      .getByLabel('看到或了解到的情况')
      .fill('七岁女孩头部外伤，称父亲醉酒后打人，母亲离家多年，家中无人照看。');
    await doctor.getByLabel('姓名').fill(childName);
    await doctor.getByLabel('单位名称').fill('长宁区演示医院');
    await doctor.getByLabel('单位类型').selectOption('hospital');
    await doctor.getByLabel('联系电话').fill('021-6000 5678');
    await doctor.getByRole('button', { name: '提交报告' }).click();
    const receipt = ((await doctor.getByTestId('receipt-number').textContent()) ?? '').trim();
    await screenshot(doctor, 'journey-a-01-hospital-report-phone');
    const caseId = await j.caseOfReceipt(receipt);

    // ── The police respond: nobody can or will take the child (CN 四(二)) ───────────────────────────────────────
    const police = await j.signIn(PHONE, CHANGNING.police, '/inbox');
    const policeTask = await j.openTask(caseId, 'police_response');
    await openTaskPage(police, j.url, policeTask.taskId);
    await police.getByLabel('处置方式').selectOption('violence_stopped');
    await police.getByLabel('无人能够或愿意照料（转街道紧急安置）').check();
    await police.getByLabel('原因').fill('父亲被带回派出所，母亲联系不上，亲属均不在本市。');
    await screenshot(police, 'journey-a-02-police-nobody-can-take-phone');
    await completeTaskPage(police);

    // ── The street office places the child urgently (CN 四(三)): short-term guardianship starts ─────────────────
    const street = await j.signIn(PHONE, STREET, '/dashboard');
    const urgent = await j.openTask(caseId, 'urgent_placement');
    await openTaskPage(street, j.url, urgent.taskId);
    await street.getByLabel('安置场所类型').selectOption('temporary_care_site');
    await street.getByLabel('安置机构编码').fill('cn.care-site.huayang');
    await screenshot(street, 'journey-a-03-street-urgent-placement-phone');
    await completeTaskPage(street);
    // The street office and the police assess the family (CN 四(三)); the social workers grade the risk (FT 三(三)4).
    await j.completeAsAgency(await j.openTask(caseId, 'joint_assessment'), {
      kind: 'joint_assessment',
      ageYears: 7,
      facts: ['guardianship_missing_or_improper'],
      familySituation: '父亲被依法处理，母亲多年前离家，下落不明',
      guardianship: 'missing',
      physicalHealth: '头部外伤已处理',
      mentalHealth: '惊恐，需要心理疏导',
    });
    await j.completeAsAgency(await j.openTask(caseId, 'risk_grading'), {
      kind: 'risk_grading',
      riskLevel: 'high',
      recommendation: 'temporary_guardianship',
    });

    // ── The case page shows the 1-month clock with its clause ────────────────────────────────────────────────────
    await openCasePage(street, j.url, caseId);
    await untilCasePage(street, async () => {
      expect(await street.getByTestId('case-stage').getAttribute('data-stage')).toBe('short_term_guardianship');
      expect(await street.getByTestId('clocks').textContent()).toContain('短期临时监护原则上不超过 1 个月');
    });
    expect(await street.getByTestId('clocks').textContent()).toContain('CN 四(三)');
    await screenshot(street, 'journey-a-04-case-one-month-clock-phone');
    await expectFitsPhone(street);

    // ── Moving to medium/long-term is refused without the police certificate, in words with the clause ─────────
    let decision = await commandForm(street, 'decision-0');
    await decision.getByLabel('决定').selectOption('move_to_long_term');
    await decision.getByRole('button', { name: '提交决定' }).click();
    const refusal = decision.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('CN 四(三)：中长期临时监护须公安机关开具书面证明');
    await screenshot(street, 'journey-a-05-move-refused-without-certificate-phone');
    // A form sent empty names the field beside it, before anything is sent.
    const extension = await commandForm(street, 'extension-0');
    await extension.getByRole('button', { name: '批准延长' }).click();
    expect(await extension.locator('.field-error').allTextContents()).toEqual(['必填', '必填']);

    // ── The police record their written certificate on the case page (CN 四(三)) ────────────────────────────────
    await openCasePage(police, j.url, caseId);
    const certificate = await commandForm(police, 'certificate-0');
    await certificate.getByLabel('证明文书编号').fill('长公(华)证字〔2026〕031号');
    await certificate.getByRole('button', { name: '登记证明' }).click();
    await eventually(async () => {
      const placement = (await j.caseStatus(caseId)).state.intervention?.placements[0];
      expect(placement?.policeCertificate?.certificateRef).toBe('长公(华)证字〔2026〕031号');
    }, 60_000);
    await expectFitsPhone(police);
    await screenshot(police, 'journey-a-06-police-certificate-phone');

    // ── The move is accepted now ─────────────────────────────────────────────────────────────────────────────────
    await street.reload();
    decision = await commandForm(street, 'decision-0');
    await decision.getByLabel('决定').selectOption('move_to_long_term');
    await decision.getByLabel('理由').fill('父母及近亲属查找不到，公安已出具书面证明。');
    await decision.getByRole('button', { name: '提交决定' }).click();
    await eventually(async () => {
      const placement = (await j.caseStatus(caseId)).state.intervention?.placements[0];
      expect(placement?.decision?.kind).toBe('move_to_long_term');
    }, 60_000);
    await untilCasePage(street, async () => {
      expect(await street.getByTestId('case-stage').getAttribute('data-stage')).toBe('long_term_guardianship');
    });
    await screenshot(street, 'journey-a-07-move-accepted-phone');

    // ── Civil affairs places the child in the welfare institution and finds the guardian ────────────────────────
    const civil = await j.signIn(DESKTOP, CHANGNING.coordinator, '/dashboard');
    const longTerm = await j.openTask(caseId, 'long_term_placement');
    await openTaskPage(civil, j.url, longTerm.taskId);
    await civil.getByLabel('儿童福利机构编码').fill('cn.welfare-home');
    await completeTaskPage(civil);
    const search = await j.openTask(caseId, 'guardian_search', CN.civilAffairs);
    await openTaskPage(civil, j.url, search.taskId);
    await civil.getByLabel('查找截至时间').fill(localInput(new Date(Date.now() - 5 * 60_000)));
    await civil.getByLabel('已找到父母或其他近亲属').check();
    await civil.getByLabel('找到的监护人（档案编号）').fill('外婆 李某 GR-2026-07');
    await screenshot(civil, 'journey-a-08-guardian-found');
    await completeTaskPage(civil);

    // The street office and the police assess the return (CN 四(三)); its task is the reference the decision cites.
    const returnAssessment = await eventually(async () => {
      const id = (await j.caseStatus(caseId)).state.intervention?.guardianSearch.returnAssessmentTaskId;
      if (!id) throw new Error('no return assessment yet');
      return id;
    }, 60_000);
    const assessmentTask = (await j.caseStatus(caseId)).openTasks.find((t) => t.taskId === returnAssessment);
    expect(assessmentTask?.agencyId).toBe(CN.streetHuayang);
    await j.completeAsAgency(assessmentTask!);
    await eventually(async () => {
      const s = await j.caseStatus(caseId);
      expect(s.state.intervention?.guardianSearch.returnAssessmentDoneAt).toBeDefined();
      expect(s.state.intervention?.placements.some((p) => p.term === 'long_term' && p.status === 'running')).toBe(true);
    }, 60_000);

    // ── Civil affairs decides the return home on the case page ──────────────────────────────────────────────────
    await openCasePage(civil, j.url, caseId);
    await untilCasePage(civil, async () => {
      expect(await civil.getByTestId('case-stage').getAttribute('data-stage')).toBe('long_term_guardianship');
    });
    decision = await commandForm(civil, 'decision-0');
    await decision.getByLabel('决定').selectOption('return_home');
    const ref = decision.getByLabel('返家评估（任务或文书编号）');
    if (!(await ref.inputValue())) await ref.fill(returnAssessment);
    await decision.getByRole('button', { name: '提交决定' }).click();
    await eventually(async () => {
      const placements = (await j.caseStatus(caseId)).state.intervention?.placements ?? [];
      expect(placements.map((p) => [p.term, p.status, p.decision?.kind])).toEqual([
        ['short_term', 'ended', 'move_to_long_term'],
        ['long_term', 'ended', 'return_home'],
      ]);
    }, 60_000);
    await untilCasePage(civil, async () => {
      expect(await civil.getByTestId('case-stage').getAttribute('data-stage')).toBe('follow_up');
    });
    await screenshot(civil, 'journey-a-09-return-home-decided');

    // ── Closure: refused while tasks are open (in words), then approved once the agencies finished ──────────────
    let closure = await commandForm(civil, 'closure');
    await closure.getByLabel('理由').fill('外婆接回抚养，回访良好。');
    await closure.getByRole('button', { name: '批准结案' }).click();
    await closure.getByTestId('refusal').waitFor();
    expect(await closure.getByTestId('refusal').textContent()).toContain('CN 五(一)：尚有安置或任务未完成，暂不能结案');
    await screenshot(civil, 'journey-a-10-closure-refused-open-tasks');
    await eventually(async () => {
      const { openTasks } = await j.caseStatus(caseId);
      for (const task of openTasks) await j.completeAsAgency(task);
      expect((await j.caseStatus(caseId)).openTasks).toEqual([]);
    }, 240_000);
    await civil.reload();
    closure = await commandForm(civil, 'closure');
    await closure.getByLabel('理由').fill('外婆接回抚养，后期评估建议结案。');
    await closure.getByRole('button', { name: '批准结案' }).click();
    await untilCasePage(civil, async () => {
      expect(await civil.getByTestId('case-stage').getAttribute('data-stage')).toBe('closed');
    });
    await screenshot(civil, 'journey-a-11-closed');

    // A coordinator may reopen it, with the reason; the case is no longer closed.
    const reopen = await commandForm(civil, 'reopen');
    await reopen.getByLabel('理由').fill('学校反映孩子近期情绪异常，重新跟进。');
    await reopen.getByRole('button', { name: '重新开启' }).click();
    await untilCasePage(civil, async () => {
      expect(await civil.getByTestId('case-stage').getAttribute('data-stage')).not.toBe('closed');
    });
    await screenshot(civil, 'journey-a-12-reopened');
    expect(j.consoleErrors).toEqual([]);
  });
});
