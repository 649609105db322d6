/**
 * Shared steps of the case journeys (issue #14): a real stack with a browser, one signed-in page per account (login
 * allows 10 a minute per address, so each account signs in once per file), the case's live status read from its
 * workflow, and the agencies without demo accounts (residents' committee, education, health, justice, social work)
 * doing their tasks through the task workflow's own update, as their staff's task page would.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import request from 'supertest';
import type { Notification } from '../../../contracts/notifications';
import { DEMO_PASSWORD } from '../../../api/auth/demo-users';
import { ReportModel } from '../../../models/report';
import {
  acceptTaskUpdate,
  caseStatusQuery,
  completeTaskUpdate,
  taskStatusQuery,
  type CaseStatus,
  type CaseTaskSummary,
  type TaskOutcomeInput,
} from '../../../workflows/definitions';
import {
  eventually,
  startFullStack,
  type FullStack,
  type FullStackOptions,
} from '../../integration/full-stack/harness';
import { outcomeFor } from '../../workflows/intervention.helpers';
import { ensureWebBuilt, launchBrowser, listen } from '../browser';

export interface Journey {
  stack: FullStack;
  url: string;
  browser: Browser;
  consoleErrors: string[];
  signIn(options: BrowserContextOptions, email: string, home: string): Promise<Page>;
  caseStatus(caseId: string): Promise<CaseStatus>;
  /** Waits until the case has an open task of this kind (optionally for one agency) and returns it. */
  openTask(caseId: string, kind: string, agencyId?: string): Promise<CaseTaskSummary>;
  /** The case a report joined, once intake placed it. */
  caseOfReceipt(receipt: string): Promise<string>;
  /** Accepts and completes a task as its agency would, with a plausible outcome of its kind. */
  completeAsAgency(task: CaseTaskSummary, outcome?: TaskOutcomeInput): Promise<void>;
  /** The signed-in account's notifications, as the API lists them to it (newest first). */
  notifications(token: string): Promise<Notification[]>;
  stop(): Promise<void>;
}

/** `options.smtpUrl`: the mail relay the stack sends through (a test's own sink that refuses some addresses). */
export async function startJourney(options: Pick<FullStackOptions, 'smtpUrl'> = {}): Promise<Journey> {
  ensureWebBuilt();
  const stack = await startFullStack(options);
  const server = await listen(stack.app);
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  const consoleErrors: string[] = [];
  const caseStatus = (caseId: string) => stack.client.workflow.getHandle(caseId).query(caseStatusQuery);
  return {
    stack,
    url: server.url,
    browser,
    consoleErrors,
    async signIn(options, email, home) {
      const context = await browser.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (err) => consoleErrors.push(err.message));
      await page.goto(`${server.url}/login`);
      await page.getByLabel('电子邮箱').fill(email);
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(`${server.url}${home}`);
      return page;
    },
    caseStatus,
    openTask(caseId, kind, agencyId) {
      return eventually(async () => {
        const status = await caseStatus(caseId);
        const task = status.openTasks.find((t) => t.kind === kind && (!agencyId || t.agencyId === agencyId));
        if (!task) throw new Error(`no open ${kind} yet; open: ${status.openTasks.map((t) => t.kind).join(', ')}`);
        return task;
      }, 60_000);
    },
    caseOfReceipt(receipt) {
      return eventually(async () => {
        const report = await ReportModel.findOne({ receiptNumber: receipt }).lean();
        if (!report?.caseWorkflowId) throw new Error('not recorded yet');
        return report.caseWorkflowId;
      }, 60_000);
    },
    async completeAsAgency(task, outcome) {
      const handle = stack.client.workflow.getHandle(task.taskId);
      const actor = { userId: `staff-of-${task.agencyId}`, agencyId: task.agencyId };
      const status = await handle.query(taskStatusQuery);
      if (status.status !== 'accepted') await handle.executeUpdate(acceptTaskUpdate, { args: [{ actor }] });
      const at = new Date().toISOString();
      // A benefit application decides every benefit it was opened for (CN 五(一)); granted here, with the approval.
      const decided: TaskOutcomeInput | undefined =
        task.kind === 'benefit_application'
          ? {
              kind: 'benefit_application',
              decisions: (status.benefits ?? []).map((benefit, i) => ({
                benefit,
                result: 'granted' as const,
                decidedAt: at,
                decisionRef: `approval-${i + 1}`,
              })),
            }
          : undefined;
      await handle.executeUpdate(completeTaskUpdate, {
        args: [{ actor, outcome: outcome ?? decided ?? outcomeFor(task, Date.now()) }],
      });
    },
    async notifications(token) {
      const res = await request(stack.app).get('/api/v1/notifications').set('authorization', `Bearer ${token}`);
      if (res.status !== 200) throw new Error(`notifications answered ${res.status}`);
      return (res.body as { items: Notification[] }).items;
    },
    async stop() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await server.close();
      await stack.stop();
    },
  };
}

/** Opens a task's page, accepts it if it is still waiting, and waits for its outcome form. */
export async function openTaskPage(page: Page, url: string, taskId: string): Promise<void> {
  await page.goto(`${url}/tasks/${encodeURIComponent(taskId)}`);
  const accept = page.getByRole('button', { name: '接收任务' });
  const form = page.getByRole('heading', { name: '办理结果' });
  await Promise.race([accept.waitFor(), form.waitFor()]);
  if (await accept.isVisible()) await accept.click();
  await form.waitFor();
}

/** Submits a task's outcome form and waits for the task to show as completed. */
export async function completeTaskPage(page: Page): Promise<void> {
  await page.getByRole('button', { name: '提交办理结果并办结' }).click();
  await page.getByText('任务已办结。').waitFor({ timeout: 60_000 });
}

/**
 * Opens the notifications page from the navigation, as a person would, and reloads it until exactly one entry shows
 * `hasText` (a notice is delivered after the step that caused it); returns that entry.
 */
export async function openNotification(page: Page, hasText: string, timeoutMs = 90_000): Promise<Locator> {
  await page.getByRole('link', { name: /^通知(（\d+ 条未读）)?$/ }).click();
  await page.getByRole('heading', { name: '通知' }).waitFor();
  const entry = page.getByTestId('notification').filter({ hasText });
  await eventually(async () => {
    if ((await entry.count()) === 0) {
      await page.reload();
      await entry.first().waitFor({ timeout: 5_000 });
    }
    expect(await entry.count()).toBe(1);
  }, timeoutMs);
  return entry;
}

/** Opens a case page and waits for its stage. */
export async function openCasePage(page: Page, url: string, caseId: string): Promise<void> {
  await page.goto(`${url}/cases/${encodeURIComponent(caseId)}`);
  await page.getByTestId('case-stage').waitFor();
}

/** Reloads the case page until `check` passes (the workflow records a command, then the page shows it). */
export async function untilCasePage(page: Page, check: () => Promise<void>, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => {
    try {
      await check();
    } catch (err) {
      await page.reload();
      await page.getByTestId('case-stage').waitFor();
      throw err;
    }
  }, timeoutMs);
}

/** Opens a command form on the case page by its test id and returns it. */
export async function commandForm(page: Page, id: string) {
  const form = page.getByTestId(`command-${id}`);
  await form.waitFor();
  if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
  return form;
}
