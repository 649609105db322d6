/**
 * Issue #17 items 1–4 in a real browser on a phone: the outcome forms an agency fills for the outcomes the chain now
 * follows with an action — the police's shelter placement after domestic violence, a missing child not found at once,
 * the search that ends (found, or handed to the criminal process), a grading that asks for services, a benefit
 * application granted and refused, and civil affairs' permanent arrangement — are clicked through and submitted, and
 * what each sends must pass the workflow's own outcome schema (contracts/outcomes.ts) with the values chosen. Against
 * a stub of the task routes answering with the contract's shapes; the workflows' side is covered by
 * test/workflows/chain.test.ts, permanent-arrangements.test.ts and the full-stack close-the-chain tests, and the
 * withdrawal shown to the agency by withdrawn-task.test.ts.
 */
import express, { type Request } from 'express';
import type { Browser, Page } from 'playwright-core';
import { taskOutcomeSchema } from '../../contracts/outcomes';
import type { TaskSummary, TaskView } from '../../contracts/tasks';
import { securityHeaders } from '../../api/middleware/security-headers';
import { serveWebApp } from '../../api/web';
import { PHONE, ensureWebBuilt, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(120_000); // a browser on a loaded machine: six forms, each filled and submitted

const staff = {
  id: 'u-staff-1',
  email: 'staff@agency.example',
  displayName: '王办事员',
  role: 'agency_staff',
  agencyCode: 'cn.police.huayang',
  jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
};

/** One accepted task per form, with what its page needs. */
function task(kind: string, zh: string, extra: Partial<TaskSummary> = {}): TaskSummary {
  return {
    taskId: `case-child-1/task-${kind}`,
    caseId: 'case-child-1',
    kind,
    label: { zh, en: kind },
    status: 'accepted',
    agencyCode: staff.agencyCode,
    acceptBy: '2026-11-20T08:00:00.000Z',
    completeBy: '2099-11-27T08:00:00.000Z',
    overdue: false,
    clause: 'CN 四(二)',
    ...extra,
  };
}

const TASKS: TaskSummary[] = [
  task('police_response', '公安应急处置', { concerns: ['domestic_violence'] }),
  task('police_response', '公安应急处置（失踪）', {
    concerns: ['missing'],
    taskId: 'case-child-2/task-police_response',
  }),
  task('child_search', '失踪儿童快速查找', { concerns: ['missing'] }),
  task('risk_grading', '入户探访与等级评定'),
  task('benefit_application', '办理社会救助和福利', { benefits: ['dibao', 'medical_assistance'] }),
  task('permanent_arrangement', '落实长期安置'),
];

const completed = new Map<string, unknown>();
const consoleErrors: string[] = [];
let server: { url: string; close(): Promise<void> };
let browser: Browser;

function viewOf(t: TaskSummary): TaskView {
  const done = completed.has(t.taskId);
  return {
    task: {
      ...t,
      status: done ? 'completed' : t.status,
      collaboratingAgencyCodes: [],
      escalations: [],
      acceptedAt: '2026-11-20T07:00:00.000Z',
      live: true,
    },
    policy: { clause: t.clause, label: t.label, text: { zh: '依政策办理。', en: 'As the policy says.' } },
    child: { name: '张小明' },
  };
}

beforeAll(async () => {
  ensureWebBuilt();
  const app = express();
  app.use(securityHeaders([]));
  app.use(express.json());
  app.post('/api/v1/auth/login', (req: Request, res) => {
    if (req.body?.email !== staff.email || req.body?.password !== 'correct horse') {
      res.status(401).json({ error: 'UNAUTHENTICATED', message: 'Wrong email or password', details: null });
      return;
    }
    res.json({ token: 'stub-token', user: staff });
  });
  app.get('/api/v1/tasks', (_req, res) => res.json({ items: TASKS, total: TASKS.length }));
  const find = (id: string) => TASKS.find((t) => t.taskId === id);
  app.get('/api/v1/tasks/:taskId', (req, res) => {
    const t = find(req.params.taskId);
    if (!t) return void res.status(404).json({ error: 'NOT_FOUND', message: 'No such task', details: null });
    res.json(viewOf(t));
  });
  app.post('/api/v1/tasks/:taskId/complete', (req: Request<{ taskId: string }>, res) => {
    const t = find(req.params.taskId);
    if (!t) return void res.status(404).json({ error: 'NOT_FOUND', message: 'No such task', details: null });
    completed.set(t.taskId, req.body?.outcome);
    res.json({ task: { ...t, status: 'completed' } });
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

let page: Page;
beforeAll(async () => {
  const context = await browser.newContext(PHONE);
  page = await context.newPage();
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  await page.goto(`${server.url}/`);
  await page.getByLabel('电子邮箱').fill(staff.email);
  await page.getByLabel('密码').fill('correct horse');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/inbox`);
});

/** Opens the task's page from the inbox link, fills it with `fill`, submits, and returns what the form sent. */
async function submit(t: TaskSummary, shot: string, fill: () => Promise<void>): Promise<unknown> {
  // Through the app's own links (the stub's session lives in the page, not in a cookie a reload would keep).
  await page.getByRole('link', { name: '任务收件箱' }).click();
  await page.getByRole('link', { name: t.label.zh, exact: true }).click();
  await page.getByRole('heading', { name: '办理结果' }).waitFor();
  await fill();
  await screenshot(page, `close-the-chain-forms-${shot}-phone`);
  await page.getByRole('button', { name: '提交办理结果并办结' }).click();
  await page.getByText('任务已办结。').waitFor();
  const sent = completed.get(t.taskId);
  const parsed = taskOutcomeSchema().safeParse(sent);
  expect(parsed.error?.issues).toBeUndefined();
  return sent;
}

const label = (text: string) => page.getByLabel(new RegExp(`^${text}`));

describe('the outcome forms of issue #17 on a phone', () => {
  test('police: domestic violence stopped, the child placed in a shelter (protective placement, FT 三(二)4)', async () => {
    const sent = await submit(TASKS[0]!, '01-shelter-placement', async () => {
      await page.getByLabel('已将儿童安置到救助保护或福利机构').check();
      await label('安置机构名称').fill('长宁区未成年人救助保护中心');
      await page.getByLabel('安置到保护机构').check();
      await label('机构名称').fill('长宁区未成年人救助保护中心');
    });
    expect(sent).toMatchObject({
      kind: 'police_response',
      responses: [{ concern: 'domestic_violence', response: 'violence_stopped', childMovedToProtection: true }],
      custody: { kind: 'protective_placement', institution: '长宁区未成年人救助保护中心' },
    });
  });

  test('police: a missing child not found at once (the search goes on as its own task)', async () => {
    const sent = await submit(TASKS[1]!, '02-missing-not-found', async () => {
      // The rapid search is the response the concern calls for; the child is not found yet.
      expect(await page.getByLabel('已找到儿童').isChecked()).toBe(false);
      await page.getByLabel('仍由监护人照料').check();
    });
    expect(sent).toMatchObject({
      kind: 'police_response',
      responses: [{ concern: 'missing', response: 'child_search', found: false }],
      custody: { kind: 'remains_with_guardian' },
    });
  });

  test('police: the search ends handed to the criminal process, with the case number (FT 三(二)4)', async () => {
    const sent = await submit(TASKS[2]!, '03-child-search', async () => {
      await label('查找结果').selectOption('handed_to_criminal_process');
      await label('刑事案件编号').fill('长公刑〔2026〕118号');
    });
    expect(sent).toMatchObject({
      kind: 'child_search',
      result: 'handed_to_criminal_process',
      criminalCaseRef: '长公刑〔2026〕118号',
    });
  });

  test('social workers: a grading that asks for services names them (the services decision opens them)', async () => {
    const sent = await submit(TASKS[3]!, '04-services-grading', async () => {
      await label('风险等级').selectOption('medium');
      await label('建议下一步').selectOption('services');
      await page.getByLabel('教育帮扶').check();
      await page.getByLabel('医疗救治').check();
    });
    expect(sent).toMatchObject({
      kind: 'risk_grading',
      recommendation: 'services',
      services: ['schooling', 'medical_care'],
    });
  });

  test('benefit application: one benefit granted with its approval, one refused with its reason (CN 五(一))', async () => {
    const sent = await submit(TASKS[4]!, '05-benefit-application', async () => {
      const results = page.getByRole('combobox', { name: /^办理结果/ });
      await results.nth(0).selectOption('granted');
      await results.nth(1).selectOption('refused');
      await label('批准文书编号').fill('长宁民救〔2026〕88号');
      await label('不予批准的理由').fill('已享受同类救助');
    });
    expect(sent).toMatchObject({
      kind: 'benefit_application',
      decisions: [
        { benefit: 'dibao', result: 'granted', decisionRef: '长宁民救〔2026〕88号' },
        { benefit: 'medical_assistance', result: 'refused', reason: '已享受同类救助' },
      ],
    });
  });

  test('civil affairs: the permanent arrangement carried out (FT 三(一)4(2))', async () => {
    const sent = await submit(TASKS[5]!, '06-permanent-arrangement', async () => {
      await label('长期安置方式').selectOption('kinship_care');
      await label('接收儿童的亲属、寄养家庭或机构').fill('祖母 李桂英');
      await label('交接文书编号').fill('长民安〔2026〕12号');
    });
    expect(sent).toMatchObject({
      kind: 'permanent_arrangement',
      arrangement: 'kinship_care',
      caregiver: '祖母 李桂英',
      documentRef: '长民安〔2026〕12号',
    });
    expect(consoleErrors).toEqual([]);
  });
});
