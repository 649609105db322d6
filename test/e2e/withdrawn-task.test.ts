/**
 * Issue #17 item 2 in a real browser: a police officer on a phone sees a task the case withdrew as moot among the
 * closed tasks of the inbox, marked 已撤销, and its page says why, in Chinese. Against a stub of the API routes the
 * inbox and the task page call, answering with the contract's shapes (the workflow side of withdrawal is covered by
 * test/workflows/guardianship.test.ts and intervention.test.ts against the real Temporal server).
 */
import express, { type Request } from 'express';
import type { Browser, Page } from 'playwright-core';
import type { TaskSummary, TaskView } from '../../contracts/tasks';
import { securityHeaders } from '../../api/middleware/security-headers';
import { serveWebApp } from '../../api/web';
import { PHONE, ensureWebBuilt, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(90_000);

const officer = {
  id: 'u-police-1',
  email: 'officer@police.example',
  displayName: '李警官',
  role: 'agency_staff',
  agencyCode: 'police-310105-002',
  jurisdiction: { districtCode: '310105', streetCode: '310105002' },
};

const label = { zh: '公安发出训诫或告诫书', en: 'Police warning of the guardian' };
const withdrawn: TaskSummary = {
  taskId: 'case-child-1/task-7-legal_warning',
  caseId: 'case-child-1',
  kind: 'legal_warning',
  label,
  status: 'withdrawn',
  agencyCode: officer.agencyCode,
  acceptBy: '2026-11-20T08:00:00.000Z',
  completeBy: '2026-11-27T08:00:00.000Z',
  overdue: false,
  clause: 'CN 四(四)3',
  withdrawalReason: 'court_decided',
};
const view: TaskView = {
  task: {
    ...withdrawn,
    collaboratingAgencyCodes: [],
    escalations: [],
    closedAt: '2026-11-25T09:00:00.000Z',
    live: true,
  },
  policy: {
    clause: 'CN 四(四)3',
    label,
    text: { zh: '公安机关予以训诫、告诫。', en: 'The police warn the guardian.' },
  },
  child: {},
};

const consoleErrors: string[] = [];
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  ensureWebBuilt();
  const app = express();
  app.use(securityHeaders([]));
  app.use(express.json());
  let signedIn = false;
  app.post('/api/v1/auth/login', (req: Request, res) => {
    signedIn = req.body?.email === officer.email && req.body?.password === 'correct horse';
    if (!signedIn) {
      res.status(401).json({ error: 'UNAUTHENTICATED', message: 'Wrong email or password', details: null });
      return;
    }
    res.json({ token: 'stub-token', user: officer });
  });
  app.get('/api/v1/tasks', (_req, res) => res.json({ items: [withdrawn], total: 1 }));
  app.get('/api/v1/tasks/:taskId', (req, res) => {
    if (req.params.taskId !== withdrawn.taskId) {
      res.status(404).json({ error: 'NOT_FOUND', message: 'No such task', details: null });
      return;
    }
    res.json(view);
  });
  app.get('/api/v1/notifications', (_req, res) => res.json({ items: [], total: 0 }));
  app.get('/api/v1/policies', (_req, res) => res.json([]));
  serveWebApp(app);
  app.use((req, res) => {
    res.status(404).json({ error: 'NOT_FOUND', message: `No route ${req.method} ${req.path}`, details: null });
  });
  server = await listen(app);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('电子邮箱').fill(officer.email);
  await page.getByLabel('密码').fill('correct horse');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/inbox`);
}

describe('a withdrawn task (issue #17)', () => {
  test('shows 已撤销 among the closed tasks and, on its page, why the case withdrew it', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    await signIn(page);

    // Not among the open tasks: a withdrawn task asks nothing of the agency.
    await page.getByRole('button', { name: '待办' }).click();
    await page.getByText('当前没有任务。').waitFor();
    expect(await page.getByText(label.zh).count()).toBe(0);

    await page.getByRole('button', { name: '已办结' }).click();
    await page.getByText(label.zh).first().waitFor();
    await page.getByText('已撤销', { exact: true }).first().waitFor();
    await screenshot(page, 'inbox-withdrawn-zh');

    await page.getByRole('link', { name: label.zh }).click();
    await page.waitForURL(/\/tasks\//);
    const note = page.locator('#task-withdrawn');
    await note.waitFor();
    expect((await note.textContent())?.trim()).toBe(
      '已撤销：法院已撤销原监护人资格并指定新监护人，本任务无需继续办理。',
    );
    // No accept or complete on a withdrawn task.
    expect(await page.getByRole('button', { name: '接收任务' }).count()).toBe(0);
    await screenshot(page, 'task-withdrawn-zh');
    await context.close();
    expect(consoleErrors).toEqual([]);
  });
});
