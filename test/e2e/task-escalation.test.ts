/**
 * Issue #19 (the web app's gap): a task's escalation (催办) seen in Debian's Chromium on a phone, in Chinese, by the
 * person its ladder's rung tells, against the real stack (startFullStack(): the API, a worker with the real
 * activities on the suite's Temporal dev server, FerretDB, the SMTP sink).
 *
 * The report is filed through the API as a school files it, and everything after is the real path: the intake records
 * it, the case opens, the Huayang police station gets its emergency-response task, its accept deadline passes, the
 * pack's emergency ladder's first rung (after 0 s: the agency's supervisor, CN 四(二)) notifies the station's 所长,
 * the case records the escalation. The one change is the pack the intake starts with: cn-changning as the API pins it,
 * but with the police's accept deadline at 3 seconds instead of 15 minutes, carried whole as tests' own packs travel
 * (workflows/packs.ts), so the ladder climbs within the test. The ladder itself is the pack's, unchanged.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { getPolicyPack } from '../../policies';
import type { PolicyPack } from '../../policies/schema';
import type { IntakeInput, PackRef } from '../../workflows/definitions';
import { CHANGNING, eventually, reportBody } from '../integration/full-stack/harness';
import { PHONE, expectFitsPhone, screenshot } from './browser';
import { openCasePage, startJourney, untilCasePage, type Journey } from './helpers/case-journey';

jest.setTimeout(240_000); // a report through the worker to an escalation, then Chromium on a phone, twice

const SUPERVISOR = 'supervisor.police.huayang@changning.demo.childsafe.local';
/** The accept deadline of the police task in this file's pack (the bundled pack says 15 minutes). */
const ACCEPT_WITHIN = 'PT3S';

let j: Journey;

/** The bundled pack the API pinned, with the police's accept deadline shortened; nothing else changed. */
function quickPoliceAccept(ref: PackRef): PolicyPack {
  const pack = structuredClone(getPolicyPack(ref.id, ref.version));
  const police = pack.taskKinds.police_response!;
  pack.taskKinds.police_response = { ...police, accept: { ...police.accept, duration: ACCEPT_WITHIN } };
  return pack;
}

beforeAll(async () => {
  j = await startJourney();
  // The API starts the intake with the pack by reference; this file's intakes get the quick pack whole instead.
  const workflows = j.stack.client.workflow;
  const start = workflows.start.bind(workflows);
  workflows.start = ((workflow, options) => {
    const name = typeof workflow === 'string' ? workflow : workflow.name;
    if (name === 'intakeWorkflow') {
      const [input] = options.args as [IntakeInput];
      const pack = input.pack as PackRef;
      options = { ...options, args: [{ ...input, pack: quickPoliceAccept(pack) }] } as typeof options;
    }
    return start(workflow, options);
  }) as typeof start;
}, 180_000);

afterEach(() => {
  expect(j.consoleErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await j?.stop();
});

/** What a person reads on the page: the main region's rendered text (not hrefs or attributes). */
async function visibleText(page: Page): Promise<string> {
  return page.locator('main').innerText();
}

/** Codes and ids a person should never read: agency and street codes, workflow ids, enum values. */
function expectNoCodes(text: string, ids: string[]): void {
  for (const id of ids) expect(text).not.toContain(id);
  expect(text).not.toMatch(/\b(cn|ft)\.[a-z]/); // an agency code (cn.police.huayang …)
  expect(text).not.toMatch(/\b(case|task|intake)-[0-9a-z]/); // a workflow id
  expect(text).not.toMatch(/[a-z]+_[a-z_]+/); // an enum value (agency_supervisor, police_response, task_escalated …)
  expect(text).not.toMatch(/escalate to|escalation:/); // a workflow clock's internal label or id
  expect(text).not.toMatch(/[0-9a-f]{24}/); // a database id
}

describe('an escalated task in the web app (issue #19)', () => {
  test('the police station’s 所长, on a phone, finds the escalation of a task his station let lapse, opens it and reads its 催办记录; the coordinator sees it on the case', async () => {
    const reporter = await j.stack.login(CHANGNING.reporter);
    const filed = await request(j.stack.app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody())
      .expect(202);
    const caseId = await j.caseOfReceipt(filed.body.receipt as string);
    const task = await j.openTask(caseId, 'police_response');
    const clause = getPolicyPack('cn-changning', '1.3.0').taskKinds.police_response!.accept.clause;
    expect(clause).toBe('CN 四(二)');

    // Nobody accepts it: a few seconds on, the ladder's first rung tells the station's supervisor.
    const supervisor = await j.stack.login(SUPERVISOR);
    await eventually(async () => {
      const escalated = (await j.notifications(supervisor)).filter((n) => n.kind === 'task_escalated');
      expect(escalated.map((n) => n.taskId)).toContain(task.taskId);
    }, 90_000);
    // The rung's target, not the assignee: the station's desk had the task, not this notice.
    const desk = await j.notifications(await j.stack.login(CHANGNING.police));
    expect(desk.filter((n) => n.taskId === task.taskId).map((n) => n.kind)).toEqual(['task_created']);

    // The 所长 signs in on a phone and opens his notifications from the navigation, which counts the unread.
    const unread = (await j.notifications(supervisor)).filter((n) => !n.read).length;
    expect(unread).toBeGreaterThanOrEqual(1);
    const page = await j.signIn(PHONE, SUPERVISOR, '/inbox');
    await page.getByRole('link', { name: `通知（${unread} 条未读）` }).click();
    await page.waitForURL(`${j.url}/notifications`);
    await page.getByRole('heading', { level: 1, name: '通知' }).waitFor();
    const notice = page.locator('[data-testid="notification"][data-kind="task_escalated"]');
    await notice.first().waitFor();
    expect(await notice.count()).toBe(1);
    const said = await notice.innerText();
    expect(said).toContain('逾期督办');
    expect(said).toContain('第 1 级督办');
    expect(said).toContain('公安机关应急处置'); // the task by its name in the pack
    expect(said).toContain('已超期');
    expectNoCodes(said, [task.taskId, caseId, task.agencyId]);
    await expectFitsPhone(page);
    await screenshot(page, 'task-escalation-1-notice-phone');

    // Opening it lands on the task's page, which shows the rung: who was told, under which clause, when.
    await notice.getByRole('link', { name: /公安机关应急处置/ }).click();
    await page.waitForURL(`${j.url}/tasks/${encodeURIComponent(task.taskId)}`);
    await page.getByRole('heading', { level: 1, name: '任务：公安机关应急处置' }).waitFor();
    // Opening it marked it read: the navigation's count drops at once, not at its next poll a minute on.
    const left = unread - 1;
    await page
      .getByRole('link', left > 0 ? { name: `通知（${left} 条未读）` } : { name: '通知', exact: true })
      .waitFor({ timeout: 10_000 });
    const record = page.locator('h3', { hasText: '催办记录' });
    await record.waitFor();
    const rungs = page.locator('h3:has-text("催办记录") + ul > li');
    expect(await rungs.count()).toBe(1);
    const rung = await rungs.first().innerText();
    expect(rung).toMatch(/^第 1 级：通知 部门负责人（CN 四\(二\)），于 \d{4}/);
    expect(rung).toContain(clause);
    expect(await page.locator('.status').first().innerText()).toMatch(/待接收/);
    const taskText = await visibleText(page);
    expect(taskText).toContain('已超期');
    expectNoCodes(taskText, [task.taskId, caseId, task.agencyId]);
    await expectFitsPhone(page);
    await screenshot(page, 'task-escalation-2-task-page-phone');

    // The district coordinator's case page lists the escalation under 催办升级.
    const coordinator = await j.signIn(PHONE, CHANGNING.coordinator, '/dashboard');
    await openCasePage(coordinator, j.url, caseId);
    const section = coordinator.locator('section[aria-labelledby="esc-h"]');
    await untilCasePage(coordinator, () =>
      section.getByRole('heading', { name: '催办升级' }).waitFor({ timeout: 3_000 }),
    );
    const listed = await section.locator('li').allInnerTexts();
    expect(listed).toHaveLength(1);
    // Which task lapsed, and whose, by name (a case holds several tasks at once), then the rung.
    const [which, told] = listed[0]!.split('\n');
    expect(which).toContain('公安机关应急处置');
    expect(which).toContain('华阳路派出所');
    expect(told).toMatch(/^第 1 级：通知 部门负责人（CN 四\(二\)），于 \d{4}/);
    const caseText = await visibleText(coordinator);
    expectNoCodes(caseText, [task.taskId, caseId, task.agencyId]);
    await expectFitsPhone(coordinator);
    await screenshot(coordinator, 'task-escalation-3-case-page-phone');
  });
});
