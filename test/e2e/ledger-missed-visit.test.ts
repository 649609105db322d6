/**
 * Issue #18 ("periodic visits": a missed visit escalates to the street) in Debian's Chromium on a phone against the real
 * stack (Temporal, FerretDB, the SMTP sink). The street keeps a paper ledger; Huayang Road's first residents'
 * committee's child welfare supervisor (儿童主任) enrols a child already on it, giving the last visit the paper records
 * (上次走访日期, 45 days ago; a date before the child's birth first: the API's error beside the field). On a 30-day
 * interval the visit is overdue at once, so the street office is told: its coordinator finds the 台账走访逾期 notice in
 * the inbox naming the child and the street (names, never codes), opens it onto the child's ledger page, records the
 * visit there (child present, guardian present, arrangement adequate), and the child leaves the ledger's overdue
 * filter. The street's email is in the sink. The tests share one stack and run in order.
 */
import type { Page } from 'playwright-core';
import { ChildModel } from '../../models/child';
import { readSinkMessages } from '../../scripts/services/smtp-sink';
import { eventually, randomIdNumber } from '../integration/full-stack/harness';
import { PHONE, expectFitsPhone, screenshot } from './browser';
import { openNotification, startJourney, type Journey } from './helpers/case-journey';

jest.setTimeout(180_000); // each test drives the monitoring workflow and the notifier on a loaded machine

const COMMITTEE = 'committee.huayang-1@changning.demo.childsafe.local';
const STREET = 'street.huayang@changning.demo.childsafe.local';
const CHILD = '陈小雨';
const DAY = 24 * 3600_000;
/** The paper ledger's last visit, 45 days ago: past the 30-day interval of a medium-risk child. */
const LAST_VISITED_ON = new Date(Date.now() - 45 * DAY).toISOString().slice(0, 10);

let journey: Journey;
let childId: string;

/** One phone per account (the journey's sign-in: the page's errors fail the test that made them). */
const signIn = (email: string, home: string): Promise<Page> => journey.signIn(PHONE, email, home);

/** Taps 是 or 否 of one of the visit form's yes/no questions. */
async function answer(page: Page, question: RegExp, choice: '是' | '否'): Promise<void> {
  await page.getByRole('group', { name: question }).getByRole('radio', { name: choice, exact: true }).check();
}

/** The ledger's overdue filter, read afresh: the rows it lists. */
async function overdueRows(page: Page) {
  await page.goto(`${journey.url}/ledger?overdue=true`);
  await page.getByTestId('ledger-count').waitFor();
  return page.getByTestId('ledger-row');
}

beforeAll(async () => {
  journey = await startJourney();
}, 120_000);

afterEach(() => {
  expect(journey.consoleErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await journey?.stop();
});

describe('a visit missed on the paper ledger, on a phone', () => {
  test('the committee’s 儿童主任 enrols a child with the paper ledger’s last visit; a date before birth is named beside its field', async () => {
    const committee = await signIn(COMMITTEE, '/inbox');
    await committee.getByRole('link', { name: '台账', exact: true }).click();
    await committee.getByRole('link', { name: '登记入台账' }).click();
    await committee.getByRole('heading', { name: '登记入台账' }).waitFor();

    await committee.getByLabel(/^身份证号/).fill(randomIdNumber()); // born in May 2016
    await committee.getByLabel(/^姓名/).first().fill(CHILD);
    await committee.getByRole('radio', { name: '女' }).check();
    await committee.getByLabel(/^风险等级/).selectOption('medium');
    const lastVisit = committee.getByLabel(/^上次走访日期（纸质台账，可不填）/);
    await lastVisit.fill('2015-12-01');
    await committee.getByRole('button', { name: '登记', exact: true }).click();
    // The API's 400 beside the date, in Chinese with the API's English alongside; nothing written.
    const dateError = committee.locator('#f-lastVisitedOn-error');
    await dateError.waitFor();
    await expect(dateError.textContent()).resolves.toMatch(
      /^日期不在有效范围内（lies before the child's date of birth \(2016-05-\d\d\)）$/,
    );
    await screenshot(committee, 'ledger-paper-visit-error-phone');
    await expectFitsPhone(committee);
    expect(await ChildModel.countDocuments()).toBe(0);

    await lastVisit.fill(LAST_VISITED_ON);
    await committee.getByRole('button', { name: '登记', exact: true }).click();
    await committee.waitForURL(/\/ledger\/children\/[^/]+$/);
    childId = decodeURIComponent(new URL(committee.url()).pathname.split('/').pop()!);
    await committee.getByRole('heading', { name: CHILD }).waitFor();
    const stored = await ChildModel.findById(childId).lean();
    expect(stored?.ledger?.lastVisitAt?.toISOString().slice(0, 10)).toBe(LAST_VISITED_ON);

    // Due 30 days after the paper visit, i.e. 15 days ago: the page shows it overdue once the workflow has set it.
    await eventually(async () => {
      await committee.reload();
      const next = committee.getByTestId('ledger-next-visit');
      await next.waitFor();
      expect(await next.textContent()).toContain('走访逾期');
    }, 90_000);
    await screenshot(committee, 'ledger-paper-visit-overdue-phone');
    await expectFitsPhone(committee);
  });

  test('the street office finds the notice naming the child and the street, opens the child, records the visit; the child leaves the overdue filter', async () => {
    const street = await signIn(STREET, '/dashboard');
    // Before the visit the child is on the overdue filter.
    await expect((await overdueRows(street)).filter({ hasText: CHILD }).count()).resolves.toBe(1);

    const notice = await openNotification(street, '台账走访逾期');
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain(`儿童：${CHILD}`);
    expect(text).toContain('街道：华阳路街道');
    // Names, never ids or codes.
    expect(text).not.toContain(childId);
    expect(text).not.toMatch(/huayang|cn\.street|ledger-/);
    await screenshot(street, 'ledger-missed-visit-notice-phone');
    await expectFitsPhone(street);

    await notice.getByRole('link').click();
    await street.waitForURL(`${journey.url}/ledger/children/${encodeURIComponent(childId)}`);
    await street.getByRole('heading', { name: CHILD }).waitFor();
    await expect(street.getByTestId('ledger-next-visit').textContent()).resolves.toContain('走访逾期');

    await street.getByRole('heading', { name: '记录走访' }).waitFor();
    await answer(street, /^儿童在场吗？/, '是');
    await answer(street, /^监护人（照护人）在场吗？/, '是');
    await answer(street, /^照护安排妥当吗？/, '是');
    await answer(street, /^发现儿童可能受到侵害/, '否');
    await street.getByRole('button', { name: '保存走访记录' }).click();
    await street.getByTestId('visit-saved').getByText('走访记录已保存。').waitFor();
    await screenshot(street, 'ledger-missed-visit-recorded-phone');
    await expectFitsPhone(street);

    // The workflow sets the next visit from this one: the child leaves the overdue filter.
    await eventually(async () => {
      expect(await (await overdueRows(street)).filter({ hasText: CHILD }).count()).toBe(0);
    }, 90_000);
    await street.goto(`${journey.url}/ledger/children/${encodeURIComponent(childId)}`);
    await street.getByRole('heading', { name: CHILD }).waitFor();
    await expect(street.getByTestId('ledger-next-visit').textContent()).resolves.not.toContain('走访逾期');

    // The street office's email: one, linking the child's ledger page, naming no child.
    const mail = readSinkMessages(process.env.MAIL_SINK_DIR!).filter(
      (m) => m.to.includes(STREET) && m.text.includes(`/ledger/children/${childId}`),
    );
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain('台账儿童定期走访逾期');
    expect(mail[0]!.text).not.toContain(CHILD);
  });
});
