/**
 * Issue #15 item 2 ("a user can mark read / all read") in the browser on a phone: three reports open three police
 * tasks, each delivered to the Huayang police station's inbox as a notification by the real worker. The officer opens
 * the notifications page from the navigation (it says how many are unread), marks one read, then all read; each step
 * shows at once, survives a reload, and is what the API then answers. Another account's notices are untouched.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CHANGNING, eventually, reportBody } from '../integration/full-stack/harness';
import { PHONE, expectFitsPhone, screenshot } from './browser';
import { startJourney, type Journey } from './helpers/case-journey';

jest.setTimeout(240_000); // three reports through the worker to the police inbox, then Chromium on a phone

const SUPERVISOR = 'supervisor.police.huayang@changning.demo.childsafe.local';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
}, 180_000); // the whole stack and Chromium start, as in the other journeys (120 s ran out on a loaded machine)
afterAll(async () => {
  await j?.stop();
});

describe('marking notifications read on a phone', () => {
  it('marks one read, then all read; the page, the navigation count and the API agree, also after a reload', async () => {
    const reporter = await j.stack.login(CHANGNING.reporter);
    for (let i = 0; i < 3; i++) {
      await request(j.stack.app)
        .post('/api/v1/reports')
        .set('authorization', `Bearer ${reporter}`)
        .set('idempotency-key', randomUUID())
        .send(reportBody())
        .expect(202);
    }
    const police = await j.stack.login(CHANGNING.police);
    // Each report's police task reaches the station's inbox as a notification once the worker opened it.
    await eventually(async () => {
      const unread = (await j.notifications(police)).filter((n) => !n.read && n.taskId);
      expect(unread.length).toBeGreaterThanOrEqual(3);
    }, 120_000);
    const before = await j.notifications(police);
    const unreadAtStart = before.filter((n) => !n.read).length;
    const supervisor = await j.stack.login(SUPERVISOR);
    const supervisorUnread = (await j.notifications(supervisor)).filter((n) => !n.read).length;

    const page = await j.signIn(PHONE, CHANGNING.police, '/inbox');
    const navLink = page.getByRole('link', { name: `通知（${unreadAtStart} 条未读）` });
    await navLink.click();
    await page.waitForURL(`${j.url}/notifications`);
    const entries = page.getByTestId('notification');
    await entries.first().waitFor();
    expect(await entries.count()).toBe(before.length);
    const unreadBadges = page.getByTestId('notification').getByText('未读', { exact: true });
    expect(await unreadBadges.count()).toBe(unreadAtStart);
    await expectFitsPhone(page);
    await screenshot(page, 'notifications-unread-phone');

    // One: its own button; the entry loses its badge and button at once.
    const first = entries.first();
    await first.getByRole('button', { name: '标为已读' }).click();
    await first.getByRole('button', { name: '标为已读' }).waitFor({ state: 'detached' });
    expect(await unreadBadges.count()).toBe(unreadAtStart - 1);
    // The navigation's count follows at once, without a reload or its minute's poll.
    await page.getByRole('link', { name: `通知（${unreadAtStart - 1} 条未读）` }).waitFor({ timeout: 10_000 });
    await page.reload();
    await entries.first().waitFor();
    expect(await unreadBadges.count()).toBe(unreadAtStart - 1);
    await page.getByRole('link', { name: `通知（${unreadAtStart - 1} 条未读）` }).waitFor();
    expect((await j.notifications(police)).filter((n) => !n.read)).toHaveLength(unreadAtStart - 1);

    // All: one button for the rest; it goes once nothing is unread.
    await page.getByRole('button', { name: '全部标为已读' }).click();
    await page.getByRole('button', { name: '全部标为已读' }).waitFor({ state: 'detached' });
    expect(await unreadBadges.count()).toBe(0);
    expect(await page.getByRole('button', { name: '标为已读' }).count()).toBe(0);
    await page.getByRole('link', { name: '通知', exact: true }).waitFor({ timeout: 10_000 });
    await page.reload();
    await entries.first().waitFor();
    expect(await unreadBadges.count()).toBe(0);
    await page.getByRole('link', { name: '通知', exact: true }).waitFor();
    await expectFitsPhone(page);
    await screenshot(page, 'notifications-all-read-phone');
    const after = await j.notifications(police);
    expect(after.map((n) => n.id).sort()).toEqual(before.map((n) => n.id).sort());
    expect(after.every((n) => n.read)).toBe(true);

    // Marking is the user's own: the supervisor's notices are as they were.
    expect((await j.notifications(supervisor)).filter((n) => !n.read).length).toBeGreaterThanOrEqual(supervisorUnread);
    expect(j.consoleErrors).toEqual([]);
  });
});
