/**
 * Issue #15 item 1, "Must show", in Debian's Chromium against the real stack (startFullStack(): the API as npm start
 * builds it, a worker with the real activities, a private FerretDB database, the SMTP sink): the Changning
 * administrator creates an education-bureau account on the accounts screen (agencies by name), and hands over the
 * one-time code; the teacher sets a password with it on a phone, signs in, finds the case's schooling task in the inbox
 * and completes it; the administrator deactivates the account and the teacher's next request answers 401.
 *
 * The tests share one stack and run in order.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { ReportModel } from '../../models/report';
import { AuditEventModel } from '../../models/audit-event';
import { UserModel } from '../../models/user';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from '../integration/full-stack/harness';
import { DESKTOP, PHONE, ensureWebBuilt, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(120_000); // Chromium clicks through the web app on the whole stack; a task opens after several workflow hops

const ADMIN = 'admin@changning.demo.childsafe.local';
const TEACHER = `teacher.${randomUUID().slice(0, 6)}@changning.demo.childsafe.local`;
const TEACHER_PASSWORD = `Jiaoyu-${randomUUID().slice(0, 8)}`;

let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
const consoleErrors: string[] = [];
const contexts: BrowserContext[] = [];
const journey: { caseId?: string; code?: string; teacher?: Page; admin?: Page; completed?: true } = {};

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack();
  server = await listen(stack.app);
  browser = await launchBrowser();
  // A case whose coordinator asks for schooling (CN 四(四)1): the education bureau's task opens with it.
  const reporter = await stack.login(CHANGNING.reporter);
  const filed = await request(stack.app)
    .post('/api/v1/reports')
    .set('authorization', `Bearer ${reporter}`)
    .set('idempotency-key', randomUUID())
    .send(reportBody())
    .expect(202);
  journey.caseId = await eventually(async () => {
    const report = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
    if (!report?.caseWorkflowId) throw new Error('not recorded yet');
    return report.caseWorkflowId;
  });
  const coordinator = await stack.login(CHANGNING.coordinator);
  // The case answers 404 until its projection names its district (a moment after the intake).
  await eventually(async () => {
    await request(stack.app)
      .post(`/api/v1/interventions/${journey.caseId}/services`)
      .set('authorization', `Bearer ${coordinator}`)
      .send({ services: ['schooling'] })
      .expect(200);
  }, 60_000);
}, 120_000);

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

async function signIn(page: Page, email: string, password: string, home: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}${home}`);
}

function needs<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing: an earlier test in this file failed`);
  return value;
}

/** "2026-11-29T18:30" in China time, as a datetime-local input takes it. */
function localInput(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

describe('an administrator gives the education bureau an account, and takes it away', () => {
  test('the administrator creates an education-bureau account by agency name and sees its one-time code once', async () => {
    const page = await openPage(DESKTOP);
    journey.admin = page;
    await signIn(page, ADMIN, DEMO_PASSWORD, '/admin');
    await page.getByRole('heading', { level: 1, name: '账户管理' }).waitFor();

    await page.locator('#f-displayName').fill('刘老师');
    await page.getByLabel('电子邮箱').fill(TEACHER);
    await page.getByLabel('角色').selectOption({ label: '部门工作人员' });
    // The agency is chosen by its name; the page never shows a directory code.
    await page.getByLabel('所属单位').selectOption({ label: '长宁区教育局' });
    expect(await page.locator('main').textContent()).not.toMatch(/cn\.[a-z]/);
    await page.getByRole('button', { name: '创建账户' }).click();

    const code = page.getByTestId('one-time-code');
    await code.waitFor();
    journey.code = ((await code.textContent()) ?? '').trim();
    expect(journey.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const card = page.getByTestId('account').filter({ hasText: TEACHER });
    await card.waitFor();
    expect(await card.textContent()).toContain('长宁区教育局');
    expect(await card.textContent()).toContain('待设置密码');
    await screenshot(page, 'accounts-1-created-with-code');
    await page.getByRole('button', { name: '我已告知，关闭' }).click();
    expect(await page.getByTestId('one-time-code').count()).toBe(0);
    // Shown once: a reload lists the account without any code.
    await page.reload();
    await card.waitFor();
    expect(await page.locator('main').textContent()).not.toContain(journey.code);

    const created = await UserModel.findOne({ email: TEACHER }).lean();
    expect(created).toMatchObject({ role: 'agency_staff', agencyCode: 'cn.education', active: true });
    expect(
      await AuditEventModel.countDocuments({ action: 'account.created', 'details.targetUserId': String(created!._id) }),
    ).toBe(1);
  });

  test('the teacher sets a password with the code on a phone, signs in, and completes the schooling task from the inbox', async () => {
    const code = needs(journey.code, 'the one-time code');
    const caseId = needs(journey.caseId, 'the case');
    const page = await openPage(PHONE);
    journey.teacher = page;
    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: /设置新密码/ }).click();
    await page.getByRole('heading', { level: 1, name: '设置新密码' }).waitFor();
    await page.getByLabel('电子邮箱').fill(TEACHER);
    await page.getByLabel('一次性验证码').fill(code.toLowerCase());
    await page.locator('#f-newPassword').fill(TEACHER_PASSWORD);
    await page.locator('#f-confirm').fill(TEACHER_PASSWORD);
    await page.getByRole('button', { name: '设置密码' }).click();
    await page.getByRole('status').getByText('密码已设置。请用新密码登录。').waitFor();
    await page.getByRole('link', { name: '去登录' }).click();

    await page.getByLabel('电子邮箱').fill(TEACHER);
    await page.getByLabel('密码').fill(TEACHER_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${server.url}/inbox`);
    await page.getByRole('heading', { level: 1, name: '任务收件箱' }).waitFor();
    const link = page.getByTestId('task-list').getByRole('link', { name: '临时监护期间上学读书' });
    await eventually(async () => {
      if ((await link.count()) === 0) {
        await page.reload();
        await page.getByRole('heading', { level: 1, name: '任务收件箱' }).waitFor();
        throw new Error('task not in the inbox yet');
      }
    }, 30_000);
    await screenshot(page, 'accounts-2-teacher-inbox-phone');
    await link.click();
    await page.waitForURL(/\/tasks\//);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toContain(caseId);
    await page.getByRole('button', { name: '接收任务' }).click();
    await page.getByRole('status').getByText('已接收此任务。').waitFor();
    await page.locator('#f-outcome-startedAt').fill(localInput(new Date(Date.now() - 60 * 60_000)));
    await page.locator('#f-outcome-providedBy').fill('长宁区演示小学');
    await page.locator('#f-outcome-provided').fill('安排原校继续就读，每周两次课后辅导');
    await page.getByRole('button', { name: '提交办理结果并办结' }).click();
    await page.getByRole('status').getByText('任务已办结。').waitFor();
    await page.locator('.status', { hasText: '已完成' }).first().waitFor({ timeout: 15_000 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'accounts-3-schooling-completed-phone');
    journey.completed = true;
  });

  test('the administrator deactivates the account: the teacher’s next request answers 401 and the app returns to sign-in', async () => {
    const admin = needs(journey.admin, 'the administrator’s page');
    const teacher = needs(journey.teacher, 'the teacher’s page');
    needs(journey.completed, 'the completed task');
    const card = admin.getByTestId('account').filter({ hasText: TEACHER });
    await card.getByRole('button', { name: '停用' }).click();
    await card.getByText('已停用').waitFor();
    await screenshot(admin, 'accounts-4-deactivated');

    // The very next request of the teacher's live session is refused.
    const status = await teacher.evaluate(
      async () => (await fetch('/api/v1/tasks', { credentials: 'same-origin' })).status,
    );
    expect(status).toBe(401);
    await teacher.goto(`${server.url}/inbox`);
    await teacher.waitForURL(/\/login/);
    await teacher.getByLabel('电子邮箱').fill(TEACHER);
    await teacher.getByLabel('密码').fill(TEACHER_PASSWORD);
    await teacher.getByRole('button', { name: '登录' }).click();
    await teacher.getByText('邮箱或密码不正确。').waitFor();

    const account = (await UserModel.findOne({ email: TEACHER }).lean())!;
    expect(account.active).toBe(false);
    expect(
      await AuditEventModel.find({ 'details.targetUserId': String(account._id) })
        .sort({ at: 1 })
        .lean()
        .then((events) => events.map((e) => e.action)),
    ).toEqual(['account.created', 'account.password_reset_issued', 'account.deactivated']);
  });
});
