/**
 * A ledger child's overdue-visit notice that the street office never received (issue #18's missed visit, issue #13's
 * refused notice), in Debian's Chromium on a phone against the real stack (Temporal, FerretDB, the worker's real
 * activities) sending through a real SMTP server that answers 550 to the street office's mailboxes for good and
 * accepts everyone else's. Huayang Road's first residents' committee enrols a child already on the paper ledger whose
 * last visit was 45 days ago: on a 30-day interval the visit is overdue at once, the monitoring workflow tells the
 * street office, and the relay refuses it. The notifier then tells the street's district coordinators
 * (delivery_failed, with the child's id only): Changning's coordinator finds the alert in the notifications, in
 * Chinese, naming the child and the street (names, never ids or codes), opens the child's ledger page from it, and
 * has the email (台账走访逾期通知未能送达) linking the same page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { NotificationModel } from '../../models/notification';
import { readSinkMessages, startSmtpSink, type SmtpSink } from '../../scripts/services/smtp-sink';
import { CHANGNING, eventually, randomIdNumber } from '../integration/full-stack/harness';
import { PHONE, expectFitsPhone, screenshot } from './browser';
import { openNotification, startJourney, type Journey } from './helpers/case-journey';

jest.setTimeout(180_000); // the monitoring workflow and the notifier on a loaded machine

const DOMAIN = 'changning.demo.childsafe.local';
const COMMITTEE = `committee.huayang-1@${DOMAIN}`; // 华阳路第一居委会 儿童主任
/** 华阳路街道's mailboxes (its desk, also its coordinator's account, and its child social worker): all refused. */
const STREET_OFFICE = [`street.huayang@${DOMAIN}`, `socialworker.huayang@${DOMAIN}`];
const COORDINATOR = CHANGNING.coordinator; // 长宁区民政局 儿童保护协调员: the street's district coordinator
const CHILD = '林小溪';
const DAY = 24 * 3600_000;
/** The paper ledger's last visit, 45 days ago: past the 30-day interval of a medium-risk child. */
const LAST_VISITED_ON = new Date(Date.now() - 45 * DAY).toISOString().slice(0, 10);

let relay: SmtpSink;
let journey: Journey;

beforeAll(async () => {
  relay = await startSmtpSink({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-e2e-street-550-')),
    rejectWith: (to) =>
      to.some((a) => STREET_OFFICE.includes(a.toLowerCase()))
        ? { code: 550, message: '5.1.1 mailbox unavailable' }
        : undefined,
  });
  journey = await startJourney({ smtpUrl: relay.url });
}, 120_000);

afterEach(() => {
  expect(journey.consoleErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await journey?.stop();
  await relay?.stop();
});

describe('an overdue-visit notice the street office never received, on a phone', () => {
  test('the district coordinator, on a phone, finds that a street was not told of an overdue ledger visit, opens the child’s ledger file from the alert, and sees the overdue visit there', async () => {
    // The committee enrols the child with the paper ledger's last visit: overdue at once, the street is told.
    const committeeToken = await journey.stack.login(COMMITTEE);
    const enrolled = await request(journey.stack.app)
      .post('/api/v1/ledger/children')
      .set('authorization', `Bearer ${committeeToken}`)
      .send({
        child: { idNumber: randomIdNumber(), name: CHILD, sex: 'female' },
        place: { streetCode: 'huayang', committeeCode: 'huayang.1' },
        categories: ['family_poverty'],
        leftBehind: false,
        riskLevel: 'medium',
        lastVisitedOn: LAST_VISITED_ON,
      })
      .expect(201);
    const childId = enrolled.body.childId as string;

    // The relay refused the street office's notice for good (recorded as failed), so it was never told by email.
    await eventually(async () => {
      const refused = await NotificationModel.find({ kind: 'ledger_visit_missed', childId, channel: 'email' }).lean();
      expect(refused.map((n) => [n.recipient.email, n.status]).sort()).toEqual(
        STREET_OFFICE.map((email) => [email, 'failed']).sort(),
      );
    }, 90_000);

    const coordinator = await journey.signIn(PHONE, COORDINATOR, '/dashboard');
    const alert = await openNotification(coordinator, '台账走访逾期通知未能送达');
    expect(await alert.getAttribute('data-kind')).toBe('delivery_failed');
    // Its title is the email's subject without the mail tag, Chinese first.
    expect(await alert.getByRole('link').first().textContent()).toBe(
      '台账走访逾期通知未能送达 / Ledger visit notice not delivered',
    );
    // In Chinese: the street was not told of the child's overdue visit, and what to do about it.
    const warning = (await alert.getByRole('alert').textContent()) ?? '';
    expect(warning).toContain('送达失败');
    expect(warning).toContain('街道未收到');
    expect(warning).toContain('走访逾期');
    expect(warning).not.toContain('承办单位'); // a ledger notice has no task, so no agency handling one
    // The child and the street by name, never by ids or codes.
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain(`儿童：${CHILD}`);
    expect(text).toContain('街道：华阳路街道');
    expect(text).not.toContain(childId);
    expect(text).not.toMatch(/[a-f0-9]{24}|huayang|cn\.(street|civil|committee)|ledger-/);
    await screenshot(coordinator, 'ledger-notice-refused-alert-phone');
    await expectFitsPhone(coordinator);

    // The alert opens the child's ledger page: the child, its street, the visit still overdue.
    await alert.getByRole('link').click();
    await coordinator.waitForURL(`${journey.url}/ledger/children/${encodeURIComponent(childId)}`);
    await coordinator.getByRole('heading', { name: CHILD }).waitFor();
    await expect(coordinator.getByTestId('ledger-place').textContent()).resolves.toContain('华阳路街道');
    await expect(coordinator.getByTestId('ledger-next-visit').textContent()).resolves.toContain('走访逾期');
    await screenshot(coordinator, 'ledger-notice-refused-child-phone');
    await expectFitsPhone(coordinator);

    // The coordinator's email went through: one, in Chinese first, linking the child's ledger page, naming no child.
    const mail = await eventually(async () => {
      const found = readSinkMessages(relay.dir).filter(
        (m) => m.envelopeTo.includes(COORDINATOR) && m.subject.includes('台账走访逾期通知未能送达'),
      );
      expect(found).toHaveLength(1);
      return found[0]!;
    }, 30_000);
    const ledgerPath = `/ledger/children/${encodeURIComponent(childId)}`;
    expect(mail.text).toMatch(new RegExp(`^查看儿童台账：https?://[^/\\s]+${ledgerPath}$`, 'm'));
    expect(mail.html).toContain(`${ledgerPath}">`);
    expect(mail.text).toContain('请通过电话等其他方式告知街道');
    expect(mail.text).not.toContain(CHILD);
    // Nothing reached the street office's mailboxes.
    expect(readSinkMessages(relay.dir).filter((m) => m.envelopeTo.some((a) => STREET_OFFICE.includes(a)))).toEqual([]);
  });
});
