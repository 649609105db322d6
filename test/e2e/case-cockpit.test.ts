/**
 * Issue #14, the case page as a cockpit, in Debian's Chromium against the real stack. A case is driven through the
 * API as the agencies would: a teacher's report, the Huayang police find nobody can take the child, the street office
 * places her urgently at the care site, the street office and police assess (two kinds of difficulty) and the social
 * worker grades the risk medium. The district coordinator then opens the case on a phone: the readable case number,
 * the child's name, the placement stage (not 调查评估), the graded risk (not a default 低), the clocks with their
 * clauses, the placement with its site by name, the categories and benefits by their pack labels, and the tasks with
 * their agencies by name. No code or id of an agency is shown.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { hashPassword } from '../../api/auth/passwords';
import { pinnedPack } from '../../api/read-models/policy-lookup';
import { ReportModel } from '../../models/report';
import { createUserRepository } from '../../models/user';
import { decideBenefits } from '../../policies/benefits';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from '../integration/full-stack/harness';
import { PHONE, ensureWebBuilt, launchBrowser, listen, expectFitsPhone, screenshot } from './browser';

jest.setTimeout(180_000); // the case goes through five agency tasks on the whole stack before the browser opens it

const SOCIAL_WORKER = `social-worker-${randomUUID().slice(0, 8)}@changning.demo.childsafe.local`;
const STREET = 'street.huayang@changning.demo.childsafe.local';
const childName = `周${randomUUID().slice(0, 3)}`;

let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext | undefined;
const pageErrors: string[] = [];
let caseId: string;

const api = () => request(stack.app);

async function taskIn(token: string, kind: string): Promise<string> {
  return eventually(async () => {
    const inbox = await api().get('/api/v1/tasks').set('authorization', `Bearer ${token}`).expect(200);
    const task = inbox.body.items.find((t: { caseId: string; kind: string }) => t.caseId === caseId && t.kind === kind);
    if (!task) throw new Error(`no ${kind} task yet`);
    return task.taskId as string;
  });
}

async function acceptAndComplete(token: string, taskId: string, outcome: object): Promise<void> {
  const path = `/api/v1/tasks/${encodeURIComponent(taskId)}`;
  await api().post(`${path}/accept`).set('authorization', `Bearer ${token}`).send({}).expect(200);
  await api().post(`${path}/complete`).set('authorization', `Bearer ${token}`).send({ outcome }).expect(200);
}

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack();
  await createUserRepository().create({
    email: SOCIAL_WORKER,
    displayName: '长宁区社工（测试）',
    role: 'agency_staff',
    agencyCode: 'cn.social-work',
    jurisdiction: { districtCode: '310105' },
    passwordHash: await hashPassword(DEMO_PASSWORD),
  });
  server = await listen(stack.app);
  browser = await launchBrowser();

  const reporter = await stack.login(CHANGNING.reporter);
  const filed = await api()
    .post('/api/v1/reports')
    .set('authorization', `Bearer ${reporter}`)
    .set('idempotency-key', randomUUID())
    .send(reportBody({ name: childName }))
    .expect(202);
  caseId = await eventually(async () => {
    const report = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
    if (!report?.caseWorkflowId) throw new Error('not recorded yet');
    return report.caseWorkflowId;
  });
  const police = await stack.login(CHANGNING.police);
  await acceptAndComplete(police, await taskIn(police, 'police_response'), {
    kind: 'police_response',
    dispatchedAt: new Date().toISOString(),
    responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
    custody: { kind: 'nobody_can_take', reason: '父母联系不上，亲属均不在本市' },
  });
  const street = await stack.login(STREET);
  await acceptAndComplete(street, await taskIn(street, 'urgent_placement'), {
    kind: 'urgent_placement',
    placedAt: new Date().toISOString(),
    siteType: 'temporary_care_site',
    siteAgencyId: 'cn.care-site',
  });
  const socialWorker = await stack.login(SOCIAL_WORKER);
  await acceptAndComplete(street, await taskIn(street, 'joint_assessment'), {
    kind: 'joint_assessment',
    ageYears: 9,
    facts: ['family_dibao', 'disabled'],
    familySituation: '父母在外地打工，家庭享受低保',
    guardianship: 'improper',
    physicalHealth: '肢体残疾',
    mentalHealth: '情绪低落',
  });
  await acceptAndComplete(socialWorker, await taskIn(socialWorker, 'risk_grading'), {
    kind: 'risk_grading',
    riskLevel: 'medium',
    recommendation: 'services',
  });
}, 360_000); // five agency tasks through a worker on a loaded machine, then Chromium starts

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

async function coordinatorPage(): Promise<Page> {
  context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${server.url}/login`);
  await page.getByLabel('电子邮箱').fill(CHANGNING.coordinator);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/dashboard`);
  return page;
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('the case page as a cockpit, on a phone', () => {
  test('shows the case number, the child, the placement stage, the graded risk, clocks with clauses, the placement, the categories and benefits and the tasks by name', async () => {
    const coordinator = await stack.login(CHANGNING.coordinator);
    // The worker has recorded the grading and the placement once the API says so; then the browser opens the case.
    const view = await eventually(async () => {
      const res = await api()
        .get(`/api/v1/cases/${encodeURIComponent(caseId)}`)
        .set('authorization', `Bearer ${coordinator}`)
        .expect(200);
      if (res.body.case.risk !== 'medium' || res.body.cockpit.placements.length === 0) throw new Error('not yet');
      return res.body;
    });
    const caseNumber = view.case.caseNumber as string;
    expect(caseNumber).toMatch(/^长宁-20\d\d-\d{6}$/);
    const pack = pinnedPack(view.case.policyPackId, view.case.policyPackVersion)!;

    const page = await coordinatorPage();
    await page.goto(`${server.url}/cases/${encodeURIComponent(caseId)}`);
    await page.getByRole('heading', { level: 1, name: `案件 ${caseNumber}` }).waitFor();
    await page.locator('[data-section="placements"]').waitFor();
    await screenshot(page, 'case-cockpit-phone');
    await expectFitsPhone(page);

    expect(await text(page, '[data-testid="case-child"]')).toContain(childName);
    expect(await text(page, '[data-testid="case-stage"]')).toBe('短期临时监护');
    expect(await text(page, '[data-testid="case-risk"]')).toBe('中');
    expect(await text(page, '[data-testid="case-summary"]')).toContain('华阳路街道');

    // Clocks: every running clock as a bar with its clause; the placement's 1-month cap among them (CN 四(三)).
    const clocks = page.getByTestId('clocks');
    expect(await clocks.getByRole('meter').count()).toBe(view.status.clocks.length);
    const placement = view.cockpit.placements[0];
    expect(await clocks.textContent()).toContain(placement.clause);
    for (const clock of view.status.clocks as { clause: string }[]) {
      expect(await clocks.textContent()).toContain(clock.clause);
    }

    // The placement: its kind, the site and the responsible street office by name, the missing certificate.
    const placements = await text(page, '[data-section="placements"]');
    expect(placements).toContain('短期临时监护');
    expect(placements).toContain('长宁区儿童临时看护站点（演示）');
    expect(placements).toContain(placement.agency.name.zh);
    expect(placements).toContain('尚无公安机关书面证明');

    // Categories and benefits by their pack labels, with clauses; multiple difficulty for two categories.
    const benefits = await text(page, '[data-section="benefits"]');
    for (const code of ['family_poverty', 'disability']) {
      expect(benefits).toContain(pack.categories.find((c) => c.code === code)!.label.zh);
    }
    expect(benefits).toContain('多重困境');
    const granted = decideBenefits(pack, { ageYears: 9, facts: ['family_dibao', 'disabled'] }).granted;
    for (const b of granted) expect(benefits).toContain(pack.benefits.find((r) => r.code === b.code)!.label.zh);

    // The child's file in names: categories, benefits, guardians' relation and status, the district and the street,
    // never their codes (the pack and the directory name them).
    const file = page.getByTestId('child-file');
    await file.waitFor();
    const child = view.child as { categories?: string[]; benefits?: string[] };
    await eventually(async () => {
      const shown = ((await file.textContent()) ?? '').replace(/\s+/g, ' ');
      for (const code of child.categories ?? []) {
        expect(shown).toContain(pack.categories.find((c) => c.code === code)!.label.zh);
        expect(shown).not.toContain(code);
      }
      for (const code of child.benefits ?? []) expect(shown).not.toContain(code);
      expect(shown).not.toMatch(/\b310105\b|\bhuayang\b/);
    });

    // Tasks, open and closed, with their agencies by name: the police response by the Huayang police station.
    const tasks = await text(page, '[data-section="tasks"]');
    expect(tasks).toContain('华阳路派出所');
    expect(await text(page, '[data-testid="closed-tasks"]')).toContain('已完成');
    // Who handled a task, by name: the social worker who accepted and graded the risk.
    const grading = (view.cockpit.tasks as { kind: string; assignee: string | null }[]).find(
      (t) => t.kind === 'risk_grading',
    );
    expect(grading?.assignee).toBe('长宁区社工（测试）');
    expect(await text(page, '[data-testid="closed-tasks"]')).toContain('经办人 长宁区社工（测试）');

    // Names, never codes: no agency code and no case id in the summary or the workflow sections (the timeline's
    // wording is another piece of work).
    const shown = [await text(page, '[data-testid="case-summary"]'), await text(page, 'h1')];
    for (const id of ['clocks', 'tasks', 'placements', 'guardian', 'services', 'benefits']) {
      const section = page.locator(`[data-section="${id}"]`);
      if ((await section.count()) > 0) shown.push(((await section.textContent()) ?? '').trim());
    }
    for (const part of shown) {
      expect(part).not.toMatch(/\b(cn|ft)\.[a-z-]+/);
      expect(part).not.toContain(caseId);
    }
    expect(pageErrors).toEqual([]);
  });
});
