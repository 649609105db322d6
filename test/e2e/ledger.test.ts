/**
 * Issue #18 (the street ledger, 台账) in Debian's Chromium on a phone against the real stack (Temporal, FerretDB, the
 * SMTP sink): Huayang Road's first residents' committee's child welfare supervisor (儿童主任) enrols a left-behind
 * child with the migrant parents' care arrangement (a wrong identity number first: the error beside its field,
 * nothing written), sees the child on the ledger with the next visit due and its clause, records a visit with the
 * arrangement inadequate (the committee's task is in the inbox) and a visit with a new concern (the report's receipt
 * is shown; the police station has its task); the street coordinator filters the ledger (overdue, category), exports
 * it (the XLSX parsed) and transfers a child to another street (it leaves the street's ledger); the district
 * coordinator reads the visit-compliance panel on the dashboard; the committee enrols a child whose case a school's
 * report opened and sees the case by its number and stage instead of a ledger visit (issue #18: the case tells the
 * child's monitoring itself). The tests share one stack and run in order.
 */
import fs from 'node:fs';
import { Workbook } from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { refreshIndicatorSnapshot } from '../../api/read-models/indicators';
import { CaseModel } from '../../models/case';
import { ChildModel } from '../../models/child';
import { ReportModel } from '../../models/report';
import { TaskModel } from '../../models/task';
import { MESSAGES } from '../../web/src/i18n/messages';
import { apiSteps } from '../integration/full-stack/api-steps';
import {
  CHANGNING,
  eventually,
  randomIdNumber,
  reportBody,
  startFullStack,
  type FullStack,
} from '../integration/full-stack/harness';
import { PHONE, ensureWebBuilt, expectFitsPhone, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(180_000); // each test drives Temporal workflows (monitoring, intake, case) on a loaded machine

const COMMITTEE = 'committee.huayang-1@changning.demo.childsafe.local';
const STREET = 'street.huayang@changning.demo.childsafe.local';
const COMMITTEE_AGENCY = 'cn.committee.huayang.1';

let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
let committee: Page;
/** The child the committee enrols in the browser (its file id, from the page's address). */
let leftBehindChildId: string;
/** A second child, on the committee's neighbour's ledger, whose visit fell due yesterday. */
let overdueChildId: string;
let streetPage: Page;
/** The street coordinator's API session (the file signs each account in once). */
let streetToken: string;
const overdueIdNumber = randomIdNumber();
const steps = apiSteps(() => stack);

async function signIn(email: string, home: string): Promise<Page> {
  const context = await browser.newContext({ ...PHONE, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  await page.goto(`${server.url}/login`);
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}${home}`);
  return page;
}

/** Taps 是 or 否 of one of the visit form's yes/no questions. */
async function answer(page: Page, question: RegExp, choice: '是' | '否'): Promise<void> {
  await page.getByRole('group', { name: question }).getByRole('radio', { name: choice, exact: true }).check();
}

/** Waits until the monitoring workflow has written the child's next visit (it does so right after enrolment). */
async function nextVisitWritten(childId: string): Promise<Date> {
  return eventually(async () => {
    const child = await ChildModel.findById(childId).lean();
    const due = child?.ledger?.nextVisitDue;
    if (!due) throw new Error('no next visit yet');
    return due;
  }, 90_000);
}

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack();
  server = await listen(stack.app);
  browser = await launchBrowser();
}, 120_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

describe('the street ledger on a phone', () => {
  test('the committee’s 儿童主任 enrols a left-behind child; a wrong ID number is named beside its field', async () => {
    committee = await signIn(COMMITTEE, '/inbox');
    await committee.getByRole('link', { name: '台账', exact: true }).click();
    await committee.getByRole('heading', { name: '困境儿童和留守儿童台账' }).waitFor();
    await committee.getByRole('link', { name: '登记入台账' }).click();
    await committee.getByRole('heading', { name: '登记入台账' }).waitFor();
    await committee.getByTestId('enrol-committee').getByText('华阳路街道第一居民区（演示）').waitFor();

    const idNumber = randomIdNumber();
    const wrong = idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0');
    await committee.getByLabel(/^身份证号/).fill(wrong);
    await committee.getByLabel(/^姓名/).first().fill('李小明');
    await committee.getByRole('radio', { name: '男' }).check();
    await committee.getByLabel(/^留守儿童（/).check();
    await committee.getByRole('button', { name: '添加监护人' }).click();
    await committee.getByLabel(/^姓名/).nth(1).fill('李强');
    await committee.getByLabel(/^关系/).selectOption('father');
    await committee.getByLabel(/^监护状况/).selectOption('working_away');
    await committee.getByLabel('父母外出务工，已委托他人照护').check();
    await committee.getByLabel(/^受委托照护人姓名/).fill('王秀兰');
    await committee.getByLabel(/^与儿童的关系/).fill('祖母');
    await committee.getByLabel('照护人电话').fill('13800138000');
    await committee.getByLabel('委托开始日期').fill('2026-02-01');
    await committee.getByLabel('父母务工地点').fill('广东省东莞市');
    await committee.getByLabel('父母电话').fill('13900139000');
    await committee.getByRole('button', { name: '登记', exact: true }).click();

    // The form's own check names the wrong check digit beside the field, in Chinese, before anything is sent.
    const idError = committee.locator('#f-child-idNumber-error');
    await idError.getByText(/GB 11643/).waitFor();
    await committee
      .locator('.error-summary')
      .getByRole('link', { name: /身份证号/ })
      .waitFor();
    await screenshot(committee, 'ledger-enrol-error-phone');
    await expectFitsPhone(committee);

    // The API's 400 lands beside its field too, in Chinese with the API's English alongside: a caregiver's phone
    // that is not one.
    await committee.getByLabel(/^身份证号/).fill(idNumber);
    await committee.getByLabel('照护人电话').fill('请打村委会');
    await committee.getByRole('button', { name: '登记', exact: true }).click();
    await committee.locator('#f-arrangement-phone-error').waitFor();
    await expect(committee.locator('#f-arrangement-phone-error').textContent()).resolves.toContain(
      '请填写有效的电话号码（must be a phone number）',
    );
    expect(await idError.count()).toBe(0);
    expect(await ChildModel.countDocuments()).toBe(0);

    await committee.getByLabel('照护人电话').fill('13800138000');
    await committee.getByRole('button', { name: '登记', exact: true }).click();
    await committee.waitForURL(/\/ledger\/children\/[^/]+$/);
    leftBehindChildId = decodeURIComponent(new URL(committee.url()).pathname.split('/').pop()!);
    await committee.getByRole('heading', { name: '李小明' }).waitFor();
    await committee
      .getByTestId('ledger-arrangement')
      .getByText(/王秀兰（祖母）/)
      .waitFor();

    const stored = await ChildModel.findById(leftBehindChildId).lean();
    expect(stored?.ledger?.place).toMatchObject({ streetCode: 'huayang', committeeCode: 'huayang.1' });
    expect(stored?.ledger?.arrangement).toMatchObject({ caregiverName: '王秀兰', relation: '祖母' });

    // The next visit appears once the child's monitoring workflow has set it, with the pack clause it comes from.
    await nextVisitWritten(leftBehindChildId);
    await eventually(async () => {
      await committee.reload();
      await committee.getByRole('heading', { name: '李小明' }).waitFor();
      const text = (await committee.getByTestId('ledger-next-visit').textContent()) ?? '';
      if (text.includes('暂无走访安排')) throw new Error(text);
    }, 60_000);
    await expect(committee.getByTestId('ledger-visit-clause').textContent()).resolves.toMatch(/^依据：(FT|CN) \S+/);
    await expectFitsPhone(committee);

    await committee.getByRole('link', { name: '返回台账' }).click();
    const row = committee.getByTestId('ledger-row').filter({ hasText: '李小明' });
    await row.waitFor();
    await expect(row.getByTestId('ledger-next-visit').textContent()).resolves.not.toContain('暂无走访安排');
    await expect(row.textContent()).resolves.toContain('留守');
    await screenshot(committee, 'ledger-list-phone');
    await expectFitsPhone(committee);
  });

  test('a visit with the arrangement inadequate opens the committee’s task, shown in its inbox', async () => {
    await committee
      .getByTestId('ledger-row')
      .filter({ hasText: '李小明' })
      .getByRole('link', { name: '李小明' })
      .click();
    await committee.getByRole('heading', { name: '记录走访' }).waitFor();
    await answer(committee, /^儿童在场吗？/, '是');
    await answer(committee, /^监护人（照护人）在场吗？/, '否');
    await answer(committee, /^照护安排妥当吗？/, '否');
    await committee.getByLabel('学业辅导').check();
    await answer(committee, /^发现儿童可能受到侵害/, '否');
    await screenshot(committee, 'ledger-visit-form-phone');
    await expectFitsPhone(committee);
    await committee.getByRole('button', { name: '保存走访记录' }).click();
    await committee.getByTestId('visit-saved').getByText('走访记录已保存。').waitFor();
    await committee
      .getByTestId('ledger-visits')
      .getByText(/照护安排不妥当/)
      .waitFor();

    const task = await eventually(async () => {
      const found = await TaskModel.findOne({ kind: 'guardianship_arrangement', agencyCode: COMMITTEE_AGENCY }).lean();
      if (!found) throw new Error('no committee task yet');
      return found;
    }, 90_000);
    await committee.getByRole('link', { name: '任务收件箱' }).click();
    await eventually(async () => {
      await committee.reload();
      await committee
        .getByTestId('task-list')
        .getByRole('link', { name: '留守儿童监护安排督促整改' })
        .waitFor({ timeout: 5_000 });
    }, 60_000);
    expect(task.agencyCode).toBe(COMMITTEE_AGENCY);
    await expectFitsPhone(committee);
    // The task leads back to the child's ledger page, where the arrangement is marked inadequate.
    await committee.getByTestId('task-list').getByRole('link', { name: '留守儿童监护安排督促整改' }).click();
    await committee.getByRole('link', { name: '查看儿童的台账' }).click();
    await committee.getByRole('heading', { name: '李小明' }).waitFor();
    await committee
      .getByTestId('arrangement-adequate')
      .getByText(/照护安排不妥当/)
      .waitFor();
  });

  test('a visit with a new concern files a report: its receipt is shown and the police station has its task', async () => {
    await committee.goto(`${server.url}/ledger/children/${encodeURIComponent(leftBehindChildId)}`);
    await committee.getByRole('heading', { name: '记录走访' }).waitFor();
    await answer(committee, /^儿童在场吗？/, '是');
    await answer(committee, /^监护人（照护人）在场吗？/, '是');
    await answer(committee, /^照护安排妥当吗？/, '是');
    await answer(committee, /^发现儿童可能受到侵害/, '是');
    await committee.getByLabel('疑似遭受家庭暴力').check();
    await committee.getByLabel(/^看到、听到了什么/).fill('孩子手臂有多处淤青，说是祖母的男友打的。');
    await committee.getByRole('button', { name: '保存走访记录' }).click();
    const receipt = (await committee.getByTestId('visit-receipt').textContent({ timeout: 60_000 }))!.trim();
    expect(receipt).not.toBe('');
    await screenshot(committee, 'ledger-visit-reported-phone');
    await expectFitsPhone(committee);

    const report = await eventually(async () => {
      const found = await ReportModel.findOne({ receiptNumber: receipt }).lean();
      if (!found?.caseWorkflowId) throw new Error('no case yet');
      return found;
    }, 90_000);
    await eventually(async () => {
      const police = await TaskModel.findOne({ caseWorkflowId: report.caseWorkflowId, kind: 'police_response' }).lean();
      expect(police?.agencyCode).toBe('cn.police.huayang');
    }, 90_000);
  });

  test('the street coordinator filters the ledger (overdue, category) and exports it (the XLSX parsed)', async () => {
    // A second child, enrolled by the street on the second committee's ledger, whose visit fell due yesterday: the
    // monitoring workflow's own timers are proven by the time-skipping tests; here the overdue state is the fixture.
    const token = await stack.login(STREET);
    streetToken = token;
    const enrolled = await request(stack.app)
      .post('/api/v1/ledger/children')
      .set('Authorization', `Bearer ${token}`)
      .send({
        child: { idNumber: overdueIdNumber, name: '张小花', sex: 'female' },
        place: { streetCode: 'huayang', committeeCode: 'huayang.2' },
        categories: ['family_poverty'],
        riskLevel: 'medium',
        guardians: [{ name: '张大海', relation: 'father', status: 'working_away' }],
      })
      .expect((res) => expect([200, 201]).toContain(res.status));
    overdueChildId = enrolled.body.childId as string;
    await nextVisitWritten(overdueChildId);
    await ChildModel.updateOne(
      { _id: overdueChildId },
      { $set: { 'ledger.nextVisitDue': new Date(Date.now() - 24 * 3600_000) } },
    );

    const street = await signIn(STREET, '/dashboard');
    streetPage = street;
    await street.getByRole('link', { name: '台账', exact: true }).click();
    await street.getByTestId('ledger-count').getByText('共 2 名儿童').waitFor();
    // The overdue visits of the whole list within reach and filters, not of the page: 张小花's.
    await expect(street.getByTestId('ledger-count-overdue').textContent()).resolves.toContain('其中走访逾期 1 名');

    await street.getByLabel('只看走访逾期').check();
    await street
      .getByTestId('ledger-count')
      .getByText(/^共 1 名儿童/)
      .waitFor();
    const overdueRow = street.getByTestId('ledger-row');
    await expect(overdueRow.allTextContents()).resolves.toEqual([expect.stringContaining('张小花')]);
    await expect(overdueRow.textContent()).resolves.toContain('走访逾期');
    expect(new URL(street.url()).searchParams.get('overdue')).toBe('true');
    await screenshot(street, 'ledger-overdue-phone');
    await expectFitsPhone(street);
    await street.getByLabel('只看走访逾期').uncheck();
    await street.getByTestId('ledger-count').getByText('共 2 名儿童').waitFor();

    await street.getByRole('combobox', { name: /^类别/ }).selectOption('family_poverty');
    await street
      .getByTestId('ledger-count')
      .getByText(/^共 1 名儿童/)
      .waitFor();
    await expect(street.getByTestId('ledger-row').allTextContents()).resolves.toEqual([
      expect.stringContaining('张小花'),
    ]);
    await street.getByRole('combobox', { name: /^类别/ }).selectOption('');
    await street.getByTestId('ledger-count').getByText('共 2 名儿童').waitFor();

    const [download] = await Promise.all([
      street.waitForEvent('download'),
      street.getByRole('link', { name: '导出台账（Excel）' }).click(),
    ]);
    const workbook = new Workbook();
    await workbook.xlsx.load(fs.readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const cells = sheet
      .getSheetValues()
      .flatMap((r) => (Array.isArray(r) ? r.slice(1) : []))
      .map((v) => String(v ?? ''));
    expect(cells).toEqual(expect.arrayContaining(['李小明', '张小花']));
    expect(cells.join(' ')).toContain('华阳路街道');
    expect(cells).not.toContain('huayang');
  });

  test('the district coordinator sees visit compliance per committee and the counts on the dashboard', async () => {
    // The panel reads the district's snapshot, as the snapshot workflow's activity writes it every minute.
    const { asOf } = await refreshIndicatorSnapshot('310105', 60);
    const district = await signIn(CHANGNING.coordinator, '/dashboard');
    const panel = district.getByTestId('ledger-compliance');
    await panel.getByRole('heading', { name: '台账走访情况' }).waitFor();
    const when = panel.getByTestId('ledger-compliance-as-of');
    expect(await when.locator('time').getAttribute('datetime')).toBe(asOf);
    expect(await when.textContent()).toMatch(/^统计于 /);
    const rows = panel.getByTestId('ledger-compliance-committees').locator('tbody tr');
    await rows.first().waitFor();
    const table: string[][] = [];
    for (const tr of await rows.all()) table.push((await tr.locator('th, td').allTextContents()).map((c) => c.trim()));
    // 李小明 on the first committee, visited; 张小花 on the second, her visit overdue.
    expect(table).toEqual(
      expect.arrayContaining([
        ['华阳路街道第一居民区（演示）', '1', '0', '100%'],
        ['华阳路街道第二居民区（演示）', '1', '走访逾期 1', '0%'],
      ]),
    );
    expect(table).toHaveLength(2);
    await panel.getByRole('heading', { name: '按类别' }).waitFor();
    await panel.getByRole('heading', { name: '按街道' }).waitFor();
    await screenshot(district, 'ledger-compliance-phone');
    // The whole dashboard fits the phone, the panel and the case and reporting-unit tables below it.
    await district.locator('section[aria-labelledby="cases-h"] h2').waitFor();
    await district.getByRole('heading', { name: '各报告单位（CN 四(一)）' }).waitFor();
    await expectFitsPhone(district);
  });

  test('the street coordinator edits a child’s facts and transfers her to another street: she leaves the street’s ledger and cannot be enrolled twice', async () => {
    const street = streetPage;
    await street.getByTestId('ledger-row').filter({ hasText: '张小花' }).getByRole('link', { name: '张小花' }).click();
    await street.getByRole('heading', { name: '转移到其他街道或区' }).waitFor();

    // The facts are edited in place: risk up to high, a second category, her only guardian removed (an empty list).
    await street.getByRole('button', { name: '修改基本情况' }).click();
    await street.getByLabel('风险等级').selectOption('high');
    await street.getByRole('button', { name: '删除此监护人' }).click();
    await street.getByLabel('因自身残疾导致康复、照料、护理和社会融入等困难的儿童').check();
    await street.getByRole('button', { name: '保存修改' }).click();
    await street.getByRole('heading', { name: '修改基本情况', level: 2 }).waitFor({ state: 'detached' });
    await screenshot(street, 'ledger-edited-phone');
    const facts = street.getByTestId('ledger-facts');
    await facts.getByText(/因自身残疾导致康复、照料、护理和社会融入等困难的儿童/).waitFor();
    await expect(facts.textContent()).resolves.toContain('因家庭贫困导致生活、就医、就学等困难的儿童');
    await expect(facts.locator('.risk').textContent()).resolves.toBe('高');
    const edited = await ChildModel.findById(overdueChildId).lean();
    expect(edited?.ledger?.version).toBeGreaterThan(1);
    expect(edited?.guardians).toEqual([]);
    await expect(facts.textContent()).resolves.not.toContain('张大海');

    await street.getByLabel('转入街道（乡镇）', { exact: true }).selectOption({ label: '江苏路街道' });
    await street.getByLabel(/^转移原因/).fill('随父母搬到江苏路');
    await street.getByRole('button', { name: '转移', exact: true }).click();
    await street.getByTestId('transfer-done').getByText('已转移到 江苏路街道。').waitFor();
    await expectFitsPhone(street);
    const moved = await ChildModel.findById(overdueChildId).lean();
    expect(moved?.ledger?.place.streetCode).toBe('jiangsu');

    await street.getByRole('link', { name: '返回台账' }).click();
    await street
      .getByTestId('ledger-count')
      .getByText(/^共 1 名儿童/)
      .waitFor();
    await expect(street.getByTestId('ledger-row').allTextContents()).resolves.toEqual([
      expect.stringContaining('李小明'),
    ]);

    // One child, one file: enrolling her again on Huayang Road is refused beside the identity number.
    await street.getByRole('link', { name: '登记入台账' }).click();
    await street.getByLabel(/^身份证号/).fill(overdueIdNumber);
    await street.getByLabel(/^姓名/).first().fill('张小花');
    await street.getByRole('radio', { name: '女' }).check();
    await street.getByRole('button', { name: '登记', exact: true }).click();
    await street
      .locator('#f-child-idNumber-error')
      .getByText(/已在其他街道（乡镇）的台账上/)
      .waitFor();
    await expectFitsPhone(street);
    expect((await ChildModel.findById(overdueChildId).lean())?.ledger?.place.streetCode).toBe('jiangsu');

    // English alongside: the same ledger in English.
    await street.getByRole('button', { name: 'English' }).click();
    await street.getByRole('link', { name: 'Back to the ledger' }).click();
    await street.getByRole('heading', { name: 'Ledger of children in difficulty and left-behind children' }).waitFor();
    await street.getByTestId('ledger-count').getByText('Children: 1').waitFor();
    await expectFitsPhone(street);
  });

  test('the street coordinator transfers a child to Fengtai: the Fengtai coordinator sees her visits under Fengtai’s rules', async () => {
    // Missing or improper guardianship: 21 days in both districts' packs, each citing its own clause (CN 一 / FT 二(一)2).
    const enrolled = await request(stack.app)
      .post('/api/v1/ledger/children')
      .set('Authorization', `Bearer ${streetToken}`)
      .send({
        child: { idNumber: randomIdNumber(), name: '王小雨', sex: 'female' },
        place: { streetCode: 'huayang', committeeCode: 'huayang.2' },
        categories: ['guardianship_failure'],
        riskLevel: 'low',
        guardians: [{ name: '王大川', relation: 'father', status: 'unknown' }],
      })
      .expect(201);
    const childId = enrolled.body.childId as string;
    await nextVisitWritten(childId);

    const street = streetPage;
    await street.getByRole('button', { name: '中文' }).click();
    await street.goto(`${server.url}/ledger/children/${childId}`);
    await street.getByTestId('ledger-visit-clause').getByText('依据：CN 一').waitFor();
    await street.getByLabel('转入区', { exact: true }).selectOption({ label: '丰台区' });
    await street.getByLabel('转入街道（乡镇）', { exact: true }).selectOption({ label: '右安门街道' });
    await street.getByLabel(/^转移原因/).fill('随父亲迁居丰台区右安门');
    await street.getByRole('button', { name: '转移', exact: true }).click();
    await street.getByTestId('transfer-done').getByText('已转移到 右安门街道。').waitFor();
    await expectFitsPhone(street);

    // The monitoring workflow switched to Fengtai's pack and wrote the next visit under it.
    await eventually(async () => {
      const file = await ChildModel.findById(childId).lean();
      expect(file?.ledger?.visitInterval?.clause).toBe('FT 二(一)2');
    }, 90_000);
    const fengtai = await signIn('civil-affairs@fengtai.demo.childsafe.local', '/dashboard');
    await fengtai.getByRole('link', { name: '台账', exact: true }).click();
    await fengtai.getByTestId('ledger-row').filter({ hasText: '王小雨' }).getByRole('link', { name: '王小雨' }).click();
    await fengtai.getByTestId('ledger-visit-clause').getByText('依据：FT 二(一)2').waitFor();
    // The transfer names both streets, the Changning one too (names, never codes).
    const transfers = fengtai.getByTestId('ledger-transfers');
    await transfers.getByText(/右安门街道/).waitFor();
    await expect(transfers.textContent()).resolves.toContain('华阳路街道');
    await expect(transfers.textContent()).resolves.not.toContain('huayang');
    await screenshot(fengtai, 'ledger-transferred-district-phone');
    await expectFitsPhone(fengtai);
  });

  test('the committee’s 儿童主任 enrols a child whose case a school’s report opened: the ledger shows the case by its number and stage, and no ledger visit', async () => {
    // A school reports a child the system did not know: the report opens the child's file and a case.
    const school = await stack.login(CHANGNING.reporter);
    const idNumber = randomIdNumber();
    const { caseId, childId } = await steps.fileReport(school, reportBody({ idNumber, name: '赵小兰' }));

    await committee.goto(`${server.url}/ledger`);
    await committee.getByRole('link', { name: '登记入台账' }).click();
    await committee.getByRole('heading', { name: '登记入台账' }).waitFor();
    await committee.getByLabel(/^身份证号/).fill(idNumber);
    await committee.getByLabel(/^姓名/).first().fill('赵小兰');
    await committee.getByRole('radio', { name: '女' }).check();
    await committee.getByLabel(/^留守儿童（/).check();
    await committee.getByRole('button', { name: '登记', exact: true }).click();
    await committee.waitForURL(/\/ledger\/children\/[^/]+$/);
    // The same file the report opened (one child, one file).
    expect(decodeURIComponent(new URL(committee.url()).pathname.split('/').pop()!)).toBe(childId);

    // The child's monitoring learns of the case (the case tells it, issue #18): paused, its visits the case's.
    const openCase = await eventually(async () => {
      const file = await ChildModel.findById(childId).lean();
      const projected = await CaseModel.findOne({ workflowId: caseId }).lean();
      if (file?.ledger?.status !== 'case_open' || !projected?.caseNumber) throw new Error('not paused on the case yet');
      expect(file.ledger.nextVisitDue ?? null).toBeNull();
      return projected;
    }, 90_000);
    const stage = (MESSAGES.zh as Record<string, string>)[`stage.${openCase.stage}`]!;
    await committee.reload();
    await committee.getByRole('heading', { name: '赵小兰' }).waitFor();
    const facts = committee.getByTestId('ledger-facts');
    await facts.getByText('案件办理中（由案件走访）').waitFor();
    const named = facts.getByTestId('ledger-open-case');
    await expect(named.textContent()).resolves.toBe(`${openCase.caseNumber}（${stage}）`);
    // The committee holds no task on the case: its number is not a link to a page it could not open.
    expect(await named.getByRole('link').count()).toBe(0);
    await expect(committee.getByTestId('ledger-next-visit').textContent()).resolves.toContain('暂无走访安排');
    // No visit form: the case's visits are recorded on the case.
    expect(await committee.getByRole('heading', { name: '记录走访' }).count()).toBe(0);
    await screenshot(committee, 'ledger-child-open-case-phone');
    await expectFitsPhone(committee);

    // English alongside.
    await committee.getByRole('button', { name: 'English' }).click();
    await expect(named.textContent()).resolves.toBe(
      `${openCase.caseNumber} (${(MESSAGES.en as Record<string, string>)[`stage.${openCase.stage}`]})`,
    );
    await committee.getByRole('button', { name: '中文' }).click();

    // The list marks the child's open case instead of a visit due.
    await committee.getByRole('link', { name: '返回台账' }).click();
    const row = committee.getByTestId('ledger-row').filter({ hasText: '赵小兰' });
    await row.getByText('案件办理中').waitFor();
    await expect(row.getByTestId('ledger-next-visit').textContent()).resolves.toContain('暂无走访安排');
    await expectFitsPhone(committee);

    // The district coordinator goes from the child's ledger page to the case by its number.
    const district = await signIn(CHANGNING.coordinator, '/dashboard');
    await district.goto(`${server.url}/ledger/children/${encodeURIComponent(childId)}`);
    await district.getByRole('heading', { name: '赵小兰' }).waitFor();
    await district.getByTestId('ledger-open-case').getByRole('link', { name: openCase.caseNumber! }).click();
    await district.getByRole('heading', { level: 1, name: `案件 ${openCase.caseNumber}` }).waitFor();
    expect(new URL(district.url()).pathname).toBe(`/cases/${encodeURIComponent(caseId)}`);
    await expectFitsPhone(district);
  });
});
