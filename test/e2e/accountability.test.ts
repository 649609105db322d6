/**
 * Issue #17 item 6 in Debian's Chromium on a phone, against the real stack (startFullStack(): the API, a worker with
 * the real activities on the suite's Temporal dev server, FerretDB, the SMTP sink): the education bureau records its
 * follow-up of a school's late report (CN 四(一)), and the district procuratorate finds a referral on its referrals
 * page and records its supervision outcome (FT 三(三)2(4)), both in Chinese.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { AgencyModel } from '../../models/agency';
import { getPolicyPack } from '../../policies';
import type { agencyTaskWorkflow } from '../../workflows/agency-task.workflow';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from '../integration/full-stack/harness';
import { PHONE, ensureWebBuilt, expectFitsPhone, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(180_000); // Chromium on the whole stack, with workflow hops and three ladders running out

let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

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

async function signIn(email: string): Promise<Page> {
  const context = await browser.newContext(PHONE);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/login`);
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/inbox`);
  return page;
}

/** Reloads `page` until `locator` text shows (the workflows act in real time on a loaded machine). */
async function reloadUntil(page: Page, text: string, timeoutMs: number): Promise<void> {
  await eventually(async () => {
    await page.reload();
    await page.getByText(text).first().waitFor({ timeout: 3_000 });
  }, timeoutMs);
}

describe('accountability in the web app (issue #17 item 6)', () => {
  test('the education bureau, on a phone, records what it did about a school’s late report', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    // The Changning pack allows an hour from discovery to report; this school waited five.
    await request(stack.app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody({ discoveredMinutesAgo: 300 }))
      .expect(202);

    const page = await signIn('education@changning.demo.childsafe.local');
    await reloadUntil(page, '迟报追责跟进', 90_000);
    await page.getByRole('link', { name: '迟报追责跟进' }).first().click();
    await page.waitForURL(/\/tasks\//);
    await page.getByRole('heading', { level: 1, name: '任务：迟报追责跟进' }).waitFor();
    const subject = page.getByTestId('task-subject');
    await subject.waitFor();
    const said = (await subject.textContent()) ?? '';
    expect(said).toContain('迟报情况');
    expect(said).toContain('长宁区演示小学');
    expect(said).not.toContain('cn.school');
    // About the school, not the child: no child file on this page.
    expect(await page.getByTestId('child-file').count()).toBe(0);

    await page.getByRole('button', { name: '接收任务' }).click();
    await page.getByRole('status').getByText('已接收此任务。').waitFor();
    await page.getByLabel('追责措施').selectOption('talked_to');
    await page.getByLabel('情况说明').fill('已约谈校长，明确发现后第一时间报告的流程。');
    await expectFitsPhone(page);
    await screenshot(page, 'accountability-1-follow-up-form-phone');
    await page.getByRole('button', { name: '提交办理结果并办结' }).click();
    await page.getByRole('status').getByText('任务已办结。').waitFor();
    const recorded = page.getByTestId('recorded-outcome');
    await recorded.waitFor();
    const outcome = (await recorded.textContent()) ?? '';
    expect(outcome).toContain('追责措施');
    expect(outcome).toContain('约谈');
    expect(outcome).toContain('已约谈校长');
    await screenshot(page, 'accountability-2-follow-up-done-phone');
  });

  test('the procuratorate, on a phone, finds a referral on its referrals page and records its supervision outcome', async () => {
    // An agency of this run only (one oversight workflow per agency on the shared Temporal server), whose three tasks
    // run through their ladder in seconds; the referral rule is the pack's.
    const agencyCode = `cn.street.e2e-${randomUUID().slice(0, 8)}`;
    await AgencyModel.create({
      code: agencyCode,
      name: { zh: '演示测试街道办事处', en: 'Demo Test Subdistrict Office' },
      type: 'street_office',
      level: 'street_township',
      jurisdiction: { districtCode: '310105', streetCode: agencyCode.slice(-12) },
    });
    const pack = getPolicyPack('cn-changning', '1.3.0');
    const referral = pack.accountability!.procuratorateReferral!;
    const base = pack.taskKinds.benefit_application!;
    const rule = {
      ...base,
      accept: { ...base.accept, duration: 'PT1S' },
      complete: { ...base.complete, duration: 'PT2S' },
    };
    for (let n = 1; n <= referral.exhaustedLadders; n++) {
      const taskId = `case-e2e-${randomUUID()}/task-${n}-benefit_application`;
      await stack.client.workflow.start<typeof agencyTaskWorkflow>('agencyTaskWorkflow', {
        workflowId: taskId,
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        args: [
          {
            taskId,
            ownerWorkflowId: taskId.split('/')[0]!,
            reportToOwner: false,
            kind: 'benefit_application',
            agencyId: agencyCode,
            collaboratingAgencyIds: [],
            concerns: [],
            benefits: ['basic_living'],
            createdAt: new Date().toISOString(),
            rule,
            ladder: [{ after: 'PT1S', notify: 'assignee' }],
            pack: { id: pack.id, version: pack.version },
            referral: { exhaustedLadders: referral.exhaustedLadders, period: referral.period, clause: referral.clause },
          },
        ],
      });
    }

    const page = await signIn('procuratorate@changning.demo.childsafe.local');
    await page.getByRole('link', { name: '监督移送' }).click();
    await page.waitForURL(`${server.url}/referrals`);
    await page.getByRole('heading', { level: 1, name: '检察监督移送' }).waitFor();
    await reloadUntil(page, '演示测试街道办事处', 90_000);
    const card = page.locator('li', { hasText: '演示测试街道办事处' });
    expect(await card.textContent()).toContain('3 项任务在 90天 内督办至最后一级仍未办理');
    expect(await card.getByTestId('referral-outcome').textContent()).toBe('待办理');
    await expectFitsPhone(page);
    await screenshot(page, 'accountability-3-referrals-phone');

    await card.getByRole('link', { name: '演示测试街道办事处' }).click();
    await page.waitForURL(/\/tasks\//);
    await page.getByRole('heading', { level: 1, name: '任务：检察监督' }).waitFor();
    const subject = (await page.getByTestId('task-subject').textContent()) ?? '';
    expect(subject).toContain('演示测试街道办事处');
    expect(subject).toContain(base.label.zh);
    // Not a child's case: no link to one.
    expect(await page.getByRole('link', { name: '查看案件' }).count()).toBe(0);

    await page.getByRole('button', { name: '接收任务' }).click();
    await page.getByRole('status').getByText('已接收此任务。').waitFor();
    await page.getByLabel('监督结果').selectOption('supervision_opinion_issued');
    await page.getByLabel('监督意见文号').fill('长检监〔2026〕9号');
    await page.getByLabel('情况说明').fill('向该街道办事处发出检察监督意见，督促限期整改。');
    await expectFitsPhone(page);
    await screenshot(page, 'accountability-4-supervision-form-phone');
    await page.getByRole('button', { name: '提交办理结果并办结' }).click();
    await page.getByRole('status').getByText('任务已办结。').waitFor();
    const outcome = (await page.getByTestId('recorded-outcome').textContent()) ?? '';
    expect(outcome).toContain('发出检察监督意见');
    expect(outcome).toContain('长检监〔2026〕9号');

    await page.getByRole('link', { name: '监督移送' }).click();
    await page.waitForURL(`${server.url}/referrals`);
    await reloadUntil(page, '发出检察监督意见：向该街道办事处发出检察监督意见', 30_000);
    await screenshot(page, 'accountability-5-referral-done-phone');
  });
});
