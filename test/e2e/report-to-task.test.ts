/**
 * Issue #8, "Must show": the web app in Debian's Chromium against the real stack (startFullStack(): the API as
 * npm start builds it, a worker with the real activities on the suite's Temporal dev server, a private FerretDB
 * database, the SMTP sink). One report travels the whole chain through the UI: a teacher files it on a phone, the
 * Huayang police accept and complete the emergency response, and the district coordinator watches the case move
 * on with its clocks. Also: a form with an empty field sends nothing, and another district's police see nothing.
 *
 * The tests share one stack and one report, and run in order (Jest runs a file's tests one after another).
 */
import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import request from 'supertest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ReportModel } from '../../models/report';
import {
  CHANGNING,
  FENGTAI_POLICE,
  eventually,
  startFullStack,
  type FullStack,
} from '../integration/full-stack/harness';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { DESKTOP, PHONE, ensureWebBuilt, launchBrowser, listen, screenshot, waitForReportStatus } from './browser';

jest.setTimeout(90_000); // Chromium clicks through the web app on the whole stack

let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
/** Every /api request the server saw, as "METHOD /path". */
const apiRequests: string[] = [];
/** Uncaught errors and console errors from every page; API 4xx answers the browser logs are not the app's errors. */
const consoleErrors: string[] = [];
const contexts: BrowserContext[] = [];

/** What the tests learn on the way and hand to the next one. */
const journey: {
  childName: string;
  address: string;
  receipt?: string;
  caseId?: string;
  taskId?: string;
  completed?: true;
} = {
  childName: `李${randomUUID().slice(0, 4)}`,
  address: `长宁区华阳路 ${Math.floor(Math.random() * 900) + 100} 弄 3 号`,
};
/** The coordinator stays signed in from one look at the case to the next (sign-ins are rate limited). */
let coordinator: Page | undefined;

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack();
  // The stack's own app behind a counter, so the tests know what reached the server.
  const outer = express();
  outer.use((req: Request, _res, next) => {
    if (req.path.startsWith('/api/')) apiRequests.push(`${req.method} ${req.path}`);
    next();
  });
  outer.use(stack.app);
  server = await listen(outer);
  browser = await launchBrowser();
}, 90_000);

afterEach(() => {
  expect(consoleErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

async function openPage(options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text());
  });
  return page;
}

/** Signs in through the sign-in page and waits for the role's home. */
async function signIn(options: BrowserContextOptions, email: string, home: string): Promise<Page> {
  const page = await openPage(options);
  await page.goto(`${server.url}/login`);
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}${home}`);
  return page;
}

/** The text of the first element matching `selector`, whitespace collapsed. */
async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

function needs<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing: an earlier test in this file failed`);
  return value;
}

describe('one report through the web app on the real stack', () => {
  test('a teacher on a phone files a report, gets a receipt number, and finds it under my reports with its status in plain words', async () => {
    const page = await signIn(PHONE, CHANGNING.reporter, '/report');
    await page.getByRole('heading', { level: 1, name: '填写强制报告' }).waitFor();

    await page.getByLabel('脱离监护单独居住生活').check();
    await page.getByLabel('发现时间').fill(localInput(new Date(Date.now() - 30 * 60_000)));
    await page.getByLabel('发现地点').fill(journey.address);
    await page.getByLabel('看到或了解到的情况').fill('孩子连续三天独自在家，说父母外出打工，家里没有大人。');
    await page.getByLabel('姓名').fill(journey.childName);
    await page.getByLabel('性别').selectOption('female');
    await page.getByLabel('大约年龄（岁）').fill('9');
    await page.getByLabel('单位名称').fill('长宁区演示小学');
    await page.getByLabel('单位类型').selectOption('school');
    await page.getByRole('button', { name: '提交报告' }).click();

    const receipt = page.getByTestId('receipt-number');
    await receipt.waitFor();
    const number = ((await receipt.textContent()) ?? '').trim();
    expect(number).toMatch(/^CS-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    journey.receipt = number;
    await page.getByRole('heading', { name: '报告已提交' }).waitFor();
    expect((await page.getByTestId('receipt-status').textContent())?.trim()).toBe('已提交，正在转交公安');
    expect(apiRequests.filter((r) => r === 'POST /api/v1/reports')).toHaveLength(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'journey-1-receipt-phone');

    // The intake records the report and opens the case a moment later.
    journey.caseId = await eventually(async () => {
      const report = await ReportModel.findOne({ receiptNumber: number }).lean();
      if (!report?.caseWorkflowId) throw new Error('report not recorded yet');
      return report.caseWorkflowId;
    });

    await page.getByRole('link', { name: '我的报告' }).first().click();
    await page.getByRole('heading', { level: 1, name: '我的报告' }).waitFor();
    const card = page.locator('.card', { hasText: number });
    await card.waitFor();
    expect(await card.textContent()).toContain('脱离监护单独居住生活');
    // The police were given the task as the case opened: the reporter reads that in words, not a code.
    await waitForReportStatus(page, card, '已转交派出所，公安正在处置', 15_000);
    expect(await card.textContent()).not.toContain(journey.childName);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'journey-2-my-reports-phone');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'My reports' }).waitFor();
    expect((await page.locator('.card', { hasText: number }).locator('.status').textContent())?.trim()).toBe(
      'With the police station; police responding',
    );
    await screenshot(page, 'journey-2-my-reports-phone-en');
  });

  test('a report whose place is left empty shows the message beside that field and sends nothing to the server', async () => {
    const page = await signIn(PHONE, CHANGNING.reporter, '/report');
    const seenByBrowser: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/reports')) seenByBrowser.push(`${r.method()} ${r.url()}`);
    });
    const reachedServer = apiRequests.filter((r) => r.startsWith('POST /api/v1/reports')).length;

    await page.getByLabel('疑似遭受家庭暴力').check();
    await page.getByLabel('发现时间').fill(localInput(new Date(Date.now() - 10 * 60_000)));
    await page.getByLabel('看到或了解到的情况').fill('孩子手臂上有淤青，说是爸爸打的。');
    await page.getByLabel('单位名称').fill('长宁区演示小学');
    await page.getByLabel('单位类型').selectOption('school');
    await page.getByRole('button', { name: '提交报告' }).click();

    const message = page.locator('#f-place-address-error');
    await message.waitFor();
    expect((await message.textContent())?.trim()).toBe('请填写发现地点。');
    const field = page.locator('.field', { has: page.locator('#f-place-address') });
    expect(await field.locator('.field-error').textContent()).toBe('请填写发现地点。');
    expect(await page.getAttribute('#f-place-address', 'aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').count()).toBe(1);
    await page.getByRole('alert').getByText('请填写发现地点。').waitFor();

    await page.waitForTimeout(300);
    expect(seenByBrowser).toEqual([]);
    expect(apiRequests.filter((r) => r.startsWith('POST /api/v1/reports')).length).toBe(reachedServer);
    expect(await page.getByTestId('receipt-number').count()).toBe(0);
    await screenshot(page, 'journey-3-empty-place-phone');
  });

  test('the district coordinator sees the new case in emergency response, with the police clock as a bar and the clause it enforces', async () => {
    const caseId = needs(journey.caseId, 'the case');
    coordinator = await signIn(DESKTOP, CHANGNING.coordinator, '/dashboard');
    await coordinator.goto(`${server.url}/cases/${encodeURIComponent(caseId)}`);
    const stage = coordinator.getByTestId('case-stage');
    await stage.waitFor();
    expect(await stage.getAttribute('data-stage')).toBe('emergency_response');
    expect((await stage.textContent())?.trim()).toBe('应急处置');

    // The clocks the API reports are the ones on the page, each with its clause.
    const token = await stack.login(CHANGNING.coordinator);
    const detail = await request(stack.app)
      .get(`/api/v1/cases/${encodeURIComponent(caseId)}`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    const clocks = detail.body.status.clocks as Array<{ id: string; clause: string }>;
    expect(clocks.length).toBeGreaterThan(0);
    const shown = coordinator.getByTestId('clocks');
    await shown.waitFor();
    expect(await shown.getByRole('meter').count()).toBe(clocks.length);
    // Named in the user's language from the pack the case is pinned to, not the API's English "police_response accepted".
    const police = shown.locator('li', { hasText: '公安机关应急处置：受理报案' });
    await police.waitFor();
    expect(await shown.textContent()).not.toMatch(/police_response|accepted|completed/);
    const policeClock = clocks.find((c) => c.id.endsWith(':accept'))!;
    expect(policeClock.clause).not.toBe('');
    expect(await police.locator('.clause').textContent()).toBe(policeClock.clause);
    const meter = police.getByRole('meter');
    expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
    expect(await meter.getAttribute('aria-valuetext')).toMatch(/已用 \d+%; 剩余/);
    // The child's file is within the coordinator's scope.
    expect(await coordinator.locator('section', { hasText: '儿童档案' }).first().textContent()).toContain(
      journey.childName,
    );
    await screenshot(coordinator, 'journey-4-case-emergency-response');
  });

  test('the Huayang police see the task in their inbox, accept it, and complete it with the emergency response outcome', async () => {
    const caseId = needs(journey.caseId, 'the case');
    const page = await signIn(PHONE, CHANGNING.police, '/inbox');
    await page.getByRole('heading', { level: 1, name: '任务收件箱' }).waitFor();
    const list = page.getByTestId('task-list');
    const link = list.getByRole('link', { name: '公安机关应急处置' });
    await eventually(async () => {
      if ((await link.count()) === 0) {
        await page.reload();
        await page.getByRole('heading', { level: 1, name: '任务收件箱' }).waitFor();
        throw new Error('task not in the inbox yet');
      }
    }, 20_000);
    expect(await link.count()).toBe(1);
    const card = list.locator('li', { has: page.getByRole('link', { name: '公安机关应急处置' }) });
    expect(await card.textContent()).toMatch(/接收期限\s*剩余 \d/);
    await screenshot(page, 'journey-5-police-inbox-phone');

    await link.click();
    await page.waitForURL(/\/tasks\//);
    journey.taskId = decodeURIComponent(new URL(page.url()).pathname.slice('/tasks/'.length));
    await page.getByRole('heading', { level: 1, name: '任务：公安机关应急处置' }).waitFor();
    expect(await page.locator('.status').first().textContent()).toMatch(/待接收/);
    // The police get what they need to find the child (issue 12): the reporter's account, the place with its address,
    // the concern and the child's name as reported; not the identity number.
    const file = page.getByTestId('child-file');
    expect(await file.textContent()).toContain('脱离监护单独居住生活');
    expect(await file.textContent()).toContain(journey.childName);
    const seen = page.getByTestId('task-report').first();
    expect(await seen.textContent()).toContain('孩子连续三天独自在家');
    expect(await seen.textContent()).toContain(journey.address);
    expect(await seen.textContent()).toContain('华阳路街道');
    expect(await page.getByRole('link', { name: '查看案件' }).getAttribute('href')).toBe(
      `/cases/${encodeURIComponent(caseId)}`,
    );

    // The policy it enforces, in words: durations read as a person says them, not as the pack stores them.
    const policy = (await page.locator('.policy-text').textContent()) ?? '';
    expect(policy).toContain('15分钟');
    expect(policy).not.toMatch(/\bP(T\d|\d)/);

    await page.getByRole('button', { name: '接收任务' }).click();
    await page.getByRole('status').getByText('已接收此任务。').waitFor();
    await page.getByRole('heading', { name: '办理结果' }).waitFor();
    expect(await page.locator('.status').first().textContent()).toMatch(/已接收/);

    await page.locator('#f-outcome-dispatchedAt').fill(localInput(new Date(Date.now() - 5 * 60_000)));
    const concern = page.locator('fieldset', { hasText: '脱离监护单独居住生活' }).last();
    await concern.getByLabel('处置方式').selectOption('guardian_recalled');
    // No unsafe defaults (issue 12): where the child stays is the officer's choice, nothing is preselected.
    expect(await page.getByLabel('仍由监护人照料').isChecked()).toBe(false);
    await concern.getByLabel('措施').selectOption('parents_ordered_to_return');
    await page.getByLabel('仍由监护人照料').check();
    await screenshot(page, 'journey-6-police-outcome-form-phone');
    await page.getByRole('button', { name: '提交办理结果并办结' }).click();

    await page.getByRole('status').getByText('任务已办结。').waitFor();
    await page.locator('.status', { hasText: '已完成' }).first().waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: '接收任务' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '提交办理结果并办结' }).count()).toBe(0);
    const recorded = page.getByTestId('recorded-outcome');
    await recorded.waitFor();
    const said = (await recorded.textContent()) ?? '';
    for (const words of ['出警时间', '脱离监护单独居住生活', '责令父母立即返回', '处置后儿童去向', '仍由监护人照料']) {
      expect(said).toContain(words);
    }
    expect(said).not.toMatch(/remains_with_guardian|guardian_recalled/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'journey-7-police-task-completed-phone');
    journey.completed = true;
  });

  test('the coordinator sees the case move on to assessment, with the assessment clocks and their clauses', async () => {
    const caseId = needs(journey.caseId, 'the case');
    needs(journey.completed, 'the completed police task');
    const page = coordinator ?? (await signIn(DESKTOP, CHANGNING.coordinator, '/dashboard'));
    await page.goto(`${server.url}/cases/${encodeURIComponent(caseId)}`);
    const stage = page.getByTestId('case-stage');
    await eventually(async () => {
      await stage.waitFor();
      const now = await stage.getAttribute('data-stage');
      if (now !== 'assessment') {
        await page.reload();
        throw new Error(`stage ${now}`);
      }
    }, 20_000);
    expect((await stage.textContent())?.trim()).toBe('调查评估');

    const clocks = page.getByTestId('clocks');
    await clocks.waitFor();
    const items = clocks.locator('li');
    expect(await items.count()).toBeGreaterThan(0);
    // The police deadline is gone; every clock left names the clause it enforces.
    expect(await clocks.textContent()).not.toContain('公安机关应急处置');
    expect(await clocks.textContent()).not.toMatch(/[a-z_]+ (accepted|completed)/);
    for (const item of await items.all()) {
      expect((await item.locator('.clause').textContent())?.trim()).toMatch(/^(CN|FT) /);
      expect(await item.getByRole('meter').count()).toBe(1);
    }
    // The timeline in words: business events by day, each kind in Chinese, people and agencies by name; no workflow
    // internals, no untranslated kind, no raw id (issue 15 item 3).
    const timeline = page.locator('[data-testid="timeline"] li');
    expect(await timeline.count()).toBeGreaterThan(3);
    const told = (await page.locator('section[aria-labelledby="timeline-h"]').textContent()) ?? '';
    for (const words of ['收到强制报告', '派发任务', '接收任务', '办结任务']) expect(told).toContain(words);
    expect(told).toContain('派出所'); // the police station by name, who accepted and completed its task
    for (const internal of ['更新检索信息', '安排系统作业', '系统作业完成', '流程开始', '收到通知', '计时'])
      expect(told).not.toContain(internal);
    expect(told).not.toMatch(/[a-z]+_[a-z_]+|[a-z_]+\.[a-z_]+/); // an event kind or audit action code
    expect(told).not.toMatch(/[0-9a-f]{24}/); // a user, child or case id
    expect(told).not.toMatch(/user:|workflow:|case-|task-/);
    await screenshot(page, 'journey-8-case-assessment');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('case-stage').getByText('Assessment').waitFor();
    expect(await page.locator('h1').first().textContent()).toMatch(/^Case /);
    await screenshot(page, 'journey-8-case-assessment-en');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByTestId('case-stage').getByText('调查评估').waitFor();
  });

  test("the Fengtai police cannot open the Changning police's task: the page says so and shows none of its data", async () => {
    const taskId = needs(journey.taskId, 'the task');
    const page = await signIn(PHONE, FENGTAI_POLICE, '/inbox');
    const answer = page.waitForResponse((r) => r.url().includes(`/api/v1/tasks/${encodeURIComponent(taskId)}`));
    await page.goto(`${server.url}/tasks/${encodeURIComponent(taskId)}`);
    expect([403, 404]).toContain((await answer).status());

    const notice = page.getByTestId('error-notice');
    await notice.waitFor();
    expect(await textOf(page, '[data-testid="error-notice"] p')).toBe('未找到此任务，或它不属于您的部门，您无权查看。');
    const body = (await page.locator('main').textContent()) ?? '';
    for (const leak of [journey.childName, journey.address, '公安机关应急处置', '脱离监护单独居住生活', '查看案件']) {
      expect(body).not.toContain(leak);
    }
    expect(await page.getByRole('button', { name: '接收任务' }).count()).toBe(0);
    expect(await notice.getByRole('button', { name: '重试' }).count()).toBe(0);
    await screenshot(page, 'journey-9-other-agency-task-phone');
  });
});

/** The value a person types into an <input type="datetime-local"> in China time. */
function localInput(date: Date): string {
  const china = new Date(date.getTime() + 8 * 3_600_000);
  return china.toISOString().slice(0, 16);
}
