/**
 * Issue #13: a notice the mail relay refused reaches the district coordinator in the web app, in Chinese, on a phone.
 * The real stack (startFullStack) and the real directory notifier delivering through a real SMTP server that answers
 * 550 to every address; then the Changning coordinator signs in on a phone and finds the failed-delivery alert in
 * their notifications, linked to the task.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { createNotificationDelivery } from '../../activities/notification-delivery';
import { createDirectoryNotifier } from '../../activities/stores/notifier';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { createMailTransport } from '../../common/mail';
import { createNotificationRepository } from '../../models/notification';
import { startSmtpSink, type SmtpSink } from '../../scripts/services/smtp-sink';
import { CHANGNING, startFullStack, type FullStack } from '../integration/full-stack/harness';
import { PHONE, ensureWebBuilt, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(90_000);

let stack: FullStack;
let relay: SmtpSink;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack({ worker: false });
  relay = await startSmtpSink({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-e2e-550-')),
    rejectWith: () => ({ code: 550, message: '5.7.1 relay refuses every recipient' }),
  });
  server = await listen(stack.app);
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await relay?.stop();
  await stack?.stop();
});

describe('a refused notice in the coordinator’s notifications', () => {
  it('shows the failed-delivery alert and the missed-notice escalation in Chinese on a phone, linked to the task', async () => {
    const transport = createMailTransport(relay.url);
    const notifier = createDirectoryNotifier({
      delivery: createNotificationDelivery({
        transport,
        notifications: createNotificationRepository(),
        mailFrom: 'noreply@childsafe.local',
        publicUrl: server.url,
      }),
    });
    const taskId = `case-e2e${randomUUID().slice(0, 8)}/task-1-police_response`;
    try {
      await notifier.send({
        idempotencyKey: `${taskId}:assigned`,
        event: {
          type: 'task_assigned',
          taskId,
          kind: 'police_response',
          agencyId: 'cn.police.huayang',
          acceptBy: new Date(Date.now() + 15 * 60_000).toISOString(),
          completeBy: new Date(Date.now() + 4 * 3600_000).toISOString(),
        },
      });
    } finally {
      transport.close();
    }

    context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.url}/login`);
    await page.getByLabel('电子邮箱').fill(CHANGNING.coordinator);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${server.url}/dashboard`);
    // The dashboard counts the missed notice this week (one refused notice, however many inboxes it reached).
    const missedStat = page.locator('.stat').filter({ hasText: '本周漏送通知' });
    await missedStat.waitFor();
    expect(await missedStat.locator('.stat__value').textContent()).toBe('1');
    await page.goto(`${server.url}/notifications`);
    const alert = page.getByRole('alert').filter({ hasText: '送达失败' });
    await alert.first().waitFor();
    expect(await alert.first().textContent()).toContain('请立即电话联系该单位');
    const link = page.getByRole('link', { name: /通知未能送达：公安机关应急处置/ });
    expect(await link.getAttribute('href')).toBe(`/tasks/${encodeURIComponent(taskId)}`);
    // Whom to call: the station not told, by name (never its code).
    const failedEntry = page.getByTestId('notification').filter({ has: link });
    expect(await failedEntry.getByTestId('notification-agency').textContent()).toBe('未收到通知的单位：华阳路派出所');
    expect(await failedEntry.textContent()).not.toContain('cn.police');
    // The missed notice escalated on its own, with its own words, linked to the same task.
    const missed = page.getByRole('alert').filter({ hasText: '漏送通知督办' });
    await missed.first().waitFor();
    expect(await missed.first().textContent()).toContain('法定期限已在计算');
    const missedLink = page.getByRole('link', { name: /漏送通知督办：公安机关应急处置/ });
    expect(await missedLink.getAttribute('href')).toBe(`/tasks/${encodeURIComponent(taskId)}`);
    expect(
      await page
        .getByTestId('notification')
        .filter({ has: missedLink })
        .getByTestId('notification-agency')
        .textContent(),
    ).toBe('未收到通知的单位：华阳路派出所');
    await screenshot(page, 'coordinator-delivery-failed-phone');
    expect(errors).toEqual([]);
  });
});
