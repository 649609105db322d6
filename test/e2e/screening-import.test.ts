/**
 * Issue #18 "Must show", in Debian's Chromium on a phone against the real stack: a Changning teacher opens 学校筛查,
 * downloads the template, uploads a 200-row XLSX with 3 bad rows and sees the errors by row and column with nothing
 * written; uploads the fixed file and watches the progress bar to the result table: the 2 rows over the threshold
 * became reports (a police task each, the case number shown), the other 198 are on the street's ledger; the same file
 * again changes nothing. The tests share one stack and one page and run in order.
 */
import fs from 'node:fs';
import { Workbook } from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { ChildModel } from '../../models/child';
import { ReportModel } from '../../models/report';
import { ScreeningImportModel, ScreeningRowModel } from '../../models/screening';
import { TaskModel } from '../../models/task';
import { CHANGNING, eventually, startFullStack, type FullStack } from '../integration/full-stack/harness';
import { screeningFile, screeningRows } from '../fixtures/screening';
import { PHONE, ensureWebBuilt, expectFitsPhone, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(240_000); // 200 rows through Temporal, FerretDB and the case workflows on a loaded machine

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let stack: FullStack;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const rows = screeningRows(200, { reporting: [17, 143] });
let fixedFile: Buffer;

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startFullStack({ chunkSize: 25 });
  server = await listen(stack.app);
  browser = await launchBrowser();
  context = await browser.newContext({ ...PHONE, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
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

const dataCounts = async () => ({
  imports: await ScreeningImportModel.countDocuments(),
  rows: await ScreeningRowModel.countDocuments(),
  children: await ChildModel.countDocuments(),
  reports: await ReportModel.countDocuments(),
  tasks: await TaskModel.countDocuments(),
});

async function choose(file: Buffer, name: string): Promise<void> {
  await page.getByLabel('筛查文件（XLSX 或 CSV）').setInputFiles({ name, mimeType: XLSX, buffer: file });
  await page.getByRole('button', { name: '上传并检查' }).click();
}

describe('school screening on a phone', () => {
  test('the teacher finds 学校筛查 and downloads the template with Chinese and English headers', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('电子邮箱').fill(CHANGNING.reporter);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${server.url}/report`);
    await page.getByRole('link', { name: '学校筛查' }).click();
    await page.getByRole('heading', { name: '学校风险筛查' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载模板（Excel）' }).click(),
    ]);
    const workbook = new Workbook();
    await workbook.xlsx.load(fs.readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const header = (workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 2)).toEqual(['姓名 Name', '身份证号 ID number']);
    expect(header).toContain('疑似遭受家庭暴力 Suspected domestic violence');
    await expectFitsPhone(page);
  });

  test('a 200-row file with 3 bad rows: the errors by row and column, and nothing is written', async () => {
    const bad = rows.map((r) => ({ ...r }));
    const id = bad[4]!.idNumber;
    bad[4]!.idNumber = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    bad[60]!.screenedOn = '2026-13-40';
    bad[121]!.leftBehind = '也许';
    await choose(await screeningFile(bad), '筛查-有误.xlsx');
    await page.getByText('文件有 3 处问题，未导入任何数据。').waitFor();
    const table = page.getByTestId('screening-problems');
    const cells: string[][] = [];
    for (const tr of await table.locator('tbody tr').all()) {
      cells.push((await tr.locator('td').allTextContents()).slice(0, 2).map((c) => c.trim()));
    }
    expect(cells).toEqual([
      ['6', '身份证号 ID number'],
      ['62', '筛查日期 Screening date'],
      ['123', '是否留守 Left-behind'],
    ]);
    await expect(table.locator('tbody tr').first().textContent()).resolves.toContain('GB 11643');
    await screenshot(page, 'screening-errors-phone');
    await expectFitsPhone(page);
    expect(await dataCounts()).toEqual({ imports: 0, rows: 0, children: 0, reports: 0, tasks: 0 });
  });

  test('the fixed file is imported with a progress bar: 2 reports with police tasks, 198 on the ledger', async () => {
    fixedFile = await screeningFile(rows);
    await choose(fixedFile, '筛查.xlsx');
    await page.getByRole('progressbar', { name: '导入进度' }).waitFor();
    const status = page.getByTestId('screening-progress');
    await status.getByText('导入完成：列入台账 198 人，更新台账 0 人，报告 2 人。').waitFor({ timeout: 200_000 });
    expect(
      await page
        .getByRole('progressbar', { name: '导入进度' })
        .evaluate((p) => [p.getAttribute('value'), p.getAttribute('max')]),
    ).toEqual(['200', '200']);
    const results = page.getByTestId('screening-results');
    // The two reported rows show their case numbers once the cases have them.
    const reported = results.locator('tr[data-outcome="reported"]');
    await eventually(async () => {
      const texts = await reported.allTextContents();
      expect(texts).toHaveLength(2);
      for (const t of texts) expect(t).toMatch(/已报告 · 案件 长宁-\d{4}-\d{6}/);
    }, 60_000);
    expect(await reported.locator('td').first().allTextContents()).toEqual(['19']);
    expect(await results.locator('tr[data-outcome="enrolled"]').count()).toBe(198);
    await screenshot(page, 'screening-results-phone');
    await expectFitsPhone(page);

    const reports = await ReportModel.find({ 'reportingUnit.type': 'school' }).lean();
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      await eventually(async () => {
        const task = await TaskModel.findOne({ caseWorkflowId: report.caseWorkflowId, kind: 'police_response' }).lean();
        expect(task?.agencyCode).toBe('cn.police.huayang');
      });
    }
    expect(
      await ChildModel.countDocuments({ 'ledger.source': 'screening', 'ledger.place.streetCode': 'huayang' }),
    ).toBe(198);
  });

  test('the same file again changes nothing', async () => {
    const before = await dataCounts();
    await page.reload();
    await choose(fixedFile, '筛查.xlsx');
    await page.getByText('此文件已经导入过，本次没有做任何更改。').waitFor();
    await page.getByTestId('screening-progress').getByText('导入完成').waitFor();
    expect(await dataCounts()).toEqual(before);
  });
});
