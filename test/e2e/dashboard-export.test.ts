/**
 * Issue #15 item 5 in the browser: the Changning coordinator filters the dashboard's case list on a phone, clicks
 * 导出案件（Excel）, and the downloaded workbook (opened with exceljs, the library that wrote it) holds exactly the cases
 * the filtered list shows; the print view hides the buttons and keeps the list. The cases are projected through the
 * real projection activities (test/helpers/projections.ts), as the case workflow writes them.
 */
import fs from 'node:fs';
import { Types } from 'mongoose';
import { Workbook } from 'exceljs';
import type { Browser, BrowserContext } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { refreshIndicatorSnapshot } from '../../api/read-models/indicators';
import { CASE_LIST_COUNT_CAP } from '../../contracts/cases';
import { AuditEventModel } from '../../models/audit-event';
import { CaseModel } from '../../models/case';
import { IndicatorSnapshotModel, loadIndicatorSnapshot } from '../../models/indicator-snapshot';
import { committeeAgencyCode } from '../../models/seed/directory';
import { hoursFromNow, projectCase } from '../helpers/projections';
import { CHANGNING, startFullStack, type FullStack } from '../integration/full-stack/harness';
import { PHONE, ensureWebBuilt, expectFitsPhone, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(90_000); // a browser and the API on a loaded machine

let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext | undefined;
const assessed = `case-${new Types.ObjectId().toHexString()}`;
const responding = `case-${new Types.ObjectId().toHexString()}`;

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack({ worker: false });
  const pack = { id: 'cn-changning', version: '1.2.0' };
  await projectCase(assessed, {
    jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
    pack,
    stage: 'assessment',
    risk: 'medium',
    categories: ['family_poverty'],
    nextDeadline: hoursFromNow(20),
  });
  await projectCase(responding, {
    jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
    pack,
    stage: 'emergency_response',
    nextDeadline: hoursFromNow(2),
    // A late report by a committee with a long name: a row in the per-unit (accountability) table.
    findings: [
      {
        kind: 'late_report',
        againstUnitId: committeeAgencyCode('cn', 'huayang', '2'),
        reportId: `report-${new Types.ObjectId().toHexString()}`,
        discoveredAt: hoursFromNow(-30),
        reportedAt: hoursFromNow(-2),
        deadline: hoursFromNow(-29),
        clause: '四(一)',
        recordedAt: hoursFromNow(-2),
      },
    ],
  });
  // The district's dashboard snapshot, as its workflow's activity writes it every minute (the worker is off here).
  await refreshIndicatorSnapshot('310105', 60);
  server = await listen(stack.app);
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

describe('the dashboard on a phone and its export', () => {
  it('downloads the filtered case list as a workbook with the same rows, and prints without the buttons', async () => {
    context = await browser.newContext({ ...PHONE, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.url}/login`);
    await page.getByLabel('电子邮箱').fill(CHANGNING.coordinator);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${server.url}/dashboard`);

    // The whole dashboard fits the phone: the case list (cards on a phone), the per-unit table, the ledger panel.
    await page.getByRole('heading', { name: '案件列表（2）' }).waitFor();
    const units = page.getByTestId('reporting-units');
    await units.getByRole('rowheader', { name: '华阳路街道第二居民区（演示）' }).waitFor();
    await page.getByTestId('ledger-compliance').waitFor();
    // The indicators are the district's snapshot, and the page says when it was taken, in Chinese.
    const snapshot = await loadIndicatorSnapshot('310105');
    const asOf = page.getByTestId('indicators-as-of');
    expect(await asOf.locator('time').getAttribute('datetime')).toBe(snapshot!.asOf.toISOString());
    expect(await asOf.textContent()).toMatch(/^统计于 /);
    expect(await asOf.textContent()).not.toContain('过时');
    await screenshot(page, 'dashboard-phone');
    await expectFitsPhone(page);

    await page.getByRole('combobox', { name: /^阶段/ }).selectOption('assessment');
    const rows = page.locator('section[aria-labelledby="cases-h"] tbody tr');
    await page.getByRole('heading', { name: '案件列表（1）' }).waitFor();
    const shown = (await rows.locator('th').allTextContents()).map((s) => s.trim());
    expect(shown).toHaveLength(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出案件（Excel）' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^cases-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new Workbook();
    const bytes = fs.readFileSync((await download.path())!);
    await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    const sheet = workbook.worksheets[0]!;
    const values = (sheet.getSheetValues().filter(Boolean) as unknown[][]).map((r) => r.slice(1));
    expect(values[0]![0]).toBe('案件编号 Case number');
    expect(values.slice(1).map((r) => r[0])).toEqual(shown);
    expect(values[1]![1]).toBe('调查评估 Assessment');
    expect(values[1]![5]).toContain('家庭贫困');
    expect(
      await AuditEventModel.countDocuments({
        action: 'cases.export',
        reason: /^xlsx: 1 cases; filters .*stage=assessment/,
      }),
    ).toBe(1);

    // The print view: the list stays, the export buttons and filters go.
    const filters = page.getByRole('form', { name: '筛选' });
    expect(await filters.isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: '导出案件（Excel）' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('link', { name: '导出案件（Excel）' }).isVisible()).toBe(false);
    expect(await filters.isVisible()).toBe(false);
    expect(await rows.first().isVisible()).toBe(true);
    await screenshot(page, 'dashboard-print-phone');
    expect(errors).toEqual([]);
  });

  it('says "1,000+ 件" when the district has more cases than the list counts, and the exact number once filtered', async () => {
    // A thousand more cases in the district's projection (copies of one, closed): the list's count stops at the cap.
    const { _id, ...one } = (await CaseModel.collection.findOne({ workflowId: responding }))!;
    expect(_id).toBeDefined();
    await CaseModel.collection.insertMany(
      Array.from({ length: CASE_LIST_COUNT_CAP }, (_, i) => ({
        ...one,
        workflowId: `${responding}-more-${i}`,
        caseNumber: `长宁-2026-9${String(i).padStart(5, '0')}`,
        stage: 'closed',
      })),
    );
    const page = await context!.newPage();
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole('heading', { name: '案件列表（1,000+ 件）' }).waitFor();
    expect(await page.getByTestId('case-count-capped').textContent()).toBe(
      '案件超过 1,000 件，只统计到 1,000 件；可用上方筛选缩小范围。',
    );
    await screenshot(page, 'dashboard-capped-count-phone');
    // Narrowed below the cap, the number is exact again and the note goes.
    await page.getByRole('combobox', { name: /^阶段/ }).selectOption('assessment');
    await page.getByRole('heading', { name: '案件列表（1）' }).waitFor();
    expect(await page.getByTestId('case-count-capped').count()).toBe(0);
  });

  it('says so when the snapshot is out of date (its workflow stopped), still showing its time', async () => {
    // Ten minutes old with a 60 s interval: past twice a round plus 2 minutes.
    const old = new Date(Date.now() - 10 * 60_000);
    await IndicatorSnapshotModel.updateOne({ _id: '310105' }, { $set: { asOf: old, computeMs: 100 } }).exec();
    const page = await context!.newPage();
    await page.goto(`${server.url}/dashboard`);
    const asOf = page.getByTestId('indicators-as-of');
    await asOf.getByText('（统计可能已过时）').waitFor();
    expect(await asOf.locator('time').getAttribute('datetime')).toBe(old.toISOString());
    expect(await asOf.textContent()).toMatch(/^统计于 /);
  });
});
