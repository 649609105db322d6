/**
 * Issue #15 item 4 in the browser: the Huayang police officer working a case opens it on a phone, adds a case note,
 * amends it (the first stays as written), uploads a photo (a PNG), sees it listed and opens it (the same bytes), and
 * is told clearly that a program file is refused. The timeline then says, in words, that a note and an attachment
 * were added, by whom. Then the officer records a legal step whose evidence is a scanned 告诫书 attached from the
 * form itself; a reference to a file that is not the case's is refused beside the field; the case page shows the
 * evidence as a link that downloads the file (the read audited).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { AuditEventModel } from '../../models/audit-event';
import { CaseModel } from '../../models/case';
import { ReportModel } from '../../models/report';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from '../integration/full-stack/harness';
import { PHONE, ensureWebBuilt, expectFitsPhone, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(120_000); // Chromium on the whole stack, after a report travels through the worker

let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let caseId: string;
const pageErrors: string[] = [];

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(40_000)]);

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack();
  server = await listen(stack.app);
  browser = await launchBrowser();
  const reporter = await stack.login(CHANGNING.reporter);
  const { default: request } = await import('supertest');
  const filed = await request(stack.app)
    .post('/api/v1/reports')
    .set('authorization', `Bearer ${reporter}`)
    .set('idempotency-key', randomUUID())
    .send(reportBody())
    .expect(202);
  caseId = await eventually(async () => {
    const report = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
    if (!report?.caseWorkflowId) throw new Error('report not recorded yet');
    const projected = await CaseModel.findOne({ workflowId: report.caseWorkflowId, agencyCodes: 'cn.police.huayang' });
    if (!projected) throw new Error('case not projected yet');
    return report.caseWorkflowId;
  });
}, 120_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

async function signInOnPhone(email: string): Promise<Page> {
  await context?.close();
  context = await browser.newContext({ ...PHONE, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  await page.goto(`${server.url}/login`);
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/inbox`);
  return page;
}

describe('case notes and attachments on a phone', () => {
  test('the police officer adds a note, amends it, uploads a photo, opens it, and a program file is refused', async () => {
    const page = await signInOnPhone(CHANGNING.police);
    await page.goto(`${server.url}/cases/${encodeURIComponent(caseId)}`);

    const notes = page.locator('section[data-section="notes"]');
    await notes.getByText('还没有记录。').waitFor();
    await notes.getByLabel('添加记录').fill('已联系孩子父亲，明日返沪。');
    await notes.getByRole('button', { name: '保存记录' }).click();
    const list = notes.getByTestId('notes');
    await list.getByText('已联系孩子父亲，明日返沪。').waitFor();
    expect(await list.textContent()).toContain('华阳路派出所');

    await list.getByRole('button', { name: '更正' }).first().click();
    await notes.getByLabel(/更正第 1 条/).fill('更正：父亲后天返沪。');
    await notes.getByRole('button', { name: '保存更正' }).click();
    await list.getByText('更正：父亲后天返沪。').waitFor();
    const said = (await list.textContent()) ?? '';
    expect(said).toContain('已联系孩子父亲，明日返沪。'); // the original stays as written
    expect(said).toContain('已被第 2 条更正');
    expect(said).toContain('更正第 1 条');

    const attachments = page.locator('section[data-section="attachments"]');
    await attachments.getByLabel('上传照片或扫描件').setInputFiles({
      name: '伤情照片.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await attachments.getByRole('button', { name: '上传', exact: true }).click();
    const link = attachments.getByRole('link', { name: '伤情照片.png' });
    await link.waitFor();
    // Opening it gives the same bytes (fetched as the link would, with the session cookie).
    const href = await link.getAttribute('href');
    const bytes = await page.evaluate(async (url) => {
      const res = await fetch(url!, { credentials: 'same-origin' });
      return Array.from(new Uint8Array(await res.arrayBuffer()));
    }, href);
    expect(Buffer.compare(Buffer.from(bytes), PNG)).toBe(0);

    await attachments.getByLabel('上传照片或扫描件').setInputFiles({
      name: 'setup.exe',
      mimeType: 'application/octet-stream',
      buffer: Buffer.concat([Buffer.from('MZ'), randomBytes(2_000)]),
    });
    await attachments.getByRole('button', { name: '上传', exact: true }).click();
    await attachments
      .getByRole('alert')
      .getByText(/只接受 JPEG、PNG 或 PDF/)
      .waitFor();
    expect(await attachments.getByRole('link').count()).toBe(1);
    // No element reaches past the phone's width (the offenders named if one does).
    const wide = await page.evaluate(
      `Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((el) => el.tagName.toLowerCase() + '.' + el.className + '#' + el.id)
        .slice(0, 5)`,
    );
    expect(wide).toEqual([]);
    // The two sections fit the phone's width.
    for (const section of [notes, attachments]) {
      const box = await section.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    await screenshot(page, 'case-records-phone');

    // The timeline says it in words, with who did it.
    await page.reload();
    const timeline = page.locator('section[aria-labelledby="timeline-h"]');
    await timeline.getByText('上传附件').waitFor();
    const told = (await timeline.textContent()) ?? '';
    expect(told).toContain('添加个案记录');
    expect(told).toContain('华阳路派出所');
    expect(told).not.toMatch(/[0-9a-f]{24}|case_note|attachment\./);
  });

  test('the police officer records a legal step with a scanned 告诫书 attached from the form; the case page links the file', async () => {
    const page = await signInOnPhone(CHANGNING.police);
    await page.goto(`${server.url}/cases/${encodeURIComponent(caseId)}`);
    const legal = page.getByTestId('command-legal-step');
    await legal.locator('summary').click();
    await legal.getByLabel('措施').selectOption('criticism_education');
    // The case's attachments are offered (the photo of the first test); choosing one fills the evidence field in.
    const choose = legal.getByLabel('选择本个案已上传的附件');
    await choose.locator('option', { hasText: '伤情照片.png' }).waitFor({ state: 'attached' });
    await choose.selectOption({ label: '伤情照片.png' });
    expect(await legal.getByLabel('证据或文书编号').inputValue()).toMatch(/^attachment:[0-9a-f]{24}$/);

    // A reference to a file that is not this case's: the server's refusal stands beside the field.
    await legal.getByLabel('证据或文书编号').fill(`attachment:${'0'.repeat(24)}`);
    await legal.getByRole('button', { name: '记录措施' }).click();
    await legal
      .locator('.field-error')
      .getByText(/不是本个案的附件/)
      .waitFor();

    // Attach the scan from the form itself: uploaded to the case, the field now points to it.
    const scan = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3_000), Buffer.from('\n%%EOF\n')]);
    await legal.getByLabel('或上传文件作为证据').setInputFiles({
      name: '告诫书 华公(教)〔2026〕12号.pdf',
      mimeType: 'application/pdf',
      buffer: scan,
    });
    await eventually(async () => {
      const value = await legal.getByLabel('证据或文书编号').inputValue();
      expect(value).toMatch(/^attachment:[0-9a-f]{24}$/);
      expect(await choose.inputValue()).toBe(value);
    }, 30_000);
    await legal.getByRole('button', { name: '记录措施' }).click();
    await legal.getByTestId('command-done').waitFor();

    // The legal steps section shows the evidence as the file's name, a link that downloads it.
    const section = page.locator('section[data-section="legal"]');
    const link = page.getByTestId('evidence-link').filter({ hasText: '告诫书 华公(教)〔2026〕12号.pdf' });
    // The page reloads the case once the workflow took the step; a busy worker may need another look.
    await eventually(async () => {
      await link
        .first()
        .waitFor({ timeout: 15_000 })
        .catch(async (err: unknown) => {
          await page.reload();
          await section.waitFor();
          throw err;
        });
    }, 90_000);
    expect(await section.textContent()).not.toMatch(/attachment:|[0-9a-f]{24}/);
    const since = new Date();
    const [download] = await Promise.all([page.waitForEvent('download'), link.first().click()]);
    expect(download.suggestedFilename()).toBe('告诫书 华公(教)〔2026〕12号.pdf');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(Buffer.compare(readFileSync(path), scan)).toBe(0);
    await eventually(async () => {
      const reads = await AuditEventModel.countDocuments({
        action: 'attachment.read',
        caseWorkflowId: caseId,
        at: { $gte: since },
      });
      expect(reads).toBeGreaterThan(0);
    });
    await legal.locator('summary').click();
    await expectFitsPhone(page);
    await screenshot(page, 'evidence-attachment-phone');
  });
});
