/**
 * Exports on the real stack (issue #15 item 5): a report filed over HTTP becomes a case through the worker; the
 * coordinator's XLSX export of the filtered case list, opened with exceljs (the library that wrote it), has the list's
 * columns and exactly its rows in its order; the CSV carries the same rows for Excel (UTF-8 with BOM); the
 * indicators export; every export is audited; and an export carries no more than the viewer may see.
 */
import { randomUUID } from 'node:crypto';
import { Workbook } from 'exceljs';
import request from 'supertest';
import { CASE_COLUMNS } from '../../../api/read-models/exports';
import { AuditEventModel } from '../../../models/audit-event';
import { ReportModel } from '../../../models/report';
import { MESSAGES } from '../../../web/src/i18n/messages';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000); // a report through the worker to a projected case: several workflow hops on a loaded machine

const FENGTAI_COORDINATOR = 'civil-affairs@fengtai.demo.childsafe.local';

let stack: FullStack;
let caseId: string;
beforeAll(async () => {
  stack = await startFullStack();
  const reporter = await stack.login(CHANGNING.reporter);
  const filed = await request(stack.app)
    .post('/api/v1/reports')
    .set('authorization', `Bearer ${reporter}`)
    .set('idempotency-key', randomUUID())
    .send(reportBody())
    .expect(202);
  caseId = await eventually(async () => {
    const report = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
    if (!report?.caseWorkflowId) throw new Error('report not yet joined to a case');
    return report.caseWorkflowId;
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** A download as bytes. */
function download(token: string, path: string) {
  return request(stack.app)
    .get(path)
    .set('authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/** Opens an XLSX file with exceljs, the library that wrote it. */
async function openXlsx(bytes: Buffer): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook;
}

const header = (c: (typeof CASE_COLUMNS)[number]) => `${c.header.zh} ${c.header.en}`;

describe('the case list export', () => {
  it('opens in exceljs with the columns and exactly the rows of the filtered list, in its order, and is audited', async () => {
    const coordinator = await stack.login(CHANGNING.coordinator);
    const filters = 'streetCode=huayang&stage=emergency_response';
    // The case is projected in the list first (the worker writes it); then list and export read the same rows.
    const list = await eventually(async () => {
      const res = await request(stack.app)
        .get(`/api/v1/cases?${filters}&limit=100`)
        .set('authorization', `Bearer ${coordinator}`)
        .expect(200);
      // Listed, and with its readable number (the projection allocates it): the export reads the same rows later.
      const listed = res.body.items.find((c: { caseId: string }) => c.caseId === caseId);
      if (!listed || !/^长宁-\d{4}-\d{6}$/.test(listed.caseNumber))
        throw new Error('case not listed with its number yet');
      return res.body as { items: { caseId: string; caseNumber: string; stage: string; openTasks: number }[] };
    });

    const res = await download(coordinator, `/api/v1/exports/cases?format=xlsx&${filters}`).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const workbook = await openXlsx(res.body as Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('案件 Cases');
    const rows = sheet.getSheetValues().filter(Boolean) as unknown[][];
    // exceljs rows are 1-based: index 0 of each row is empty.
    const [head, ...data] = rows.map((r) => r.slice(1));
    expect(head).toEqual(CASE_COLUMNS.map(header));
    expect(data.map((r) => r[0])).toEqual(list.items.map((c) => c.caseNumber));
    const stage = `${MESSAGES.zh['stage.emergency_response']} ${MESSAGES.en['stage.emergency_response']}`;
    expect(data.every((r) => r[1] === stage)).toBe(true);
    expect(data.map((r) => r[6])).toEqual(list.items.map((c) => c.openTasks));
    // Names, never codes: the street and district as the directory and the pack name them.
    expect(String(data[0]![4])).toContain('华阳');
    expect(String(data[0]![3])).toContain('长宁');

    const audit = await eventually(async () => {
      const entry = await AuditEventModel.findOne({
        action: 'cases.export',
        'details.requestId': res.headers['x-request-id'],
      })
        .lean()
        .exec();
      if (!entry) throw new Error('export not audited yet');
      return entry;
    });
    expect(audit.reason).toBe(`xlsx: ${list.items.length} cases; filters stage=emergency_response, streetCode=huayang`);
  });

  it('takes the case-number search like the list does', async () => {
    const coordinator = await stack.login(CHANGNING.coordinator);
    const listed = await request(stack.app)
      .get('/api/v1/cases?streetCode=huayang&limit=100')
      .set('authorization', `Bearer ${coordinator}`)
      .expect(200);
    const number = (listed.body.items as { caseId: string; caseNumber: string }[]).find(
      (c) => c.caseId === caseId,
    )!.caseNumber;
    const res = await download(
      coordinator,
      `/api/v1/exports/cases?format=csv&number=${encodeURIComponent(number)}`,
    ).expect(200);
    const lines = (res.body as Buffer).subarray(3).toString('utf8').trim().split(/\r?\n/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([number]);
  });

  it('writes the same rows to CSV, with a BOM so that Excel reads the Chinese', async () => {
    const coordinator = await stack.login(CHANGNING.coordinator);
    const list = await request(stack.app)
      .get('/api/v1/cases?streetCode=huayang&limit=100')
      .set('authorization', `Bearer ${coordinator}`)
      .expect(200);
    const res = await download(coordinator, '/api/v1/exports/cases?format=csv&streetCode=huayang').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe(CASE_COLUMNS.map(header).join(','));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(
      list.body.items.map((c: { caseNumber: string }) => c.caseNumber),
    );
  });

  it('carries no case of another district, and is refused to agencies and reporters', async () => {
    const fengtai = await stack.login(FENGTAI_COORDINATOR);
    const res = await download(fengtai, '/api/v1/exports/cases?format=xlsx').expect(200);
    const workbook = await openXlsx(res.body as Buffer);
    const cells = JSON.stringify(workbook.worksheets[0]!.getSheetValues());
    const listed = await request(stack.app)
      .get('/api/v1/cases?limit=100')
      .set('authorization', `Bearer ${await stack.login(CHANGNING.coordinator)}`)
      .expect(200);
    const mine = listed.body.items.find((c: { caseId: string }) => c.caseId === caseId);
    expect(mine).toBeDefined();
    expect(cells).not.toContain(mine.caseNumber);
    expect(cells).not.toContain(caseId);

    const police = await stack.login(CHANGNING.police);
    await request(stack.app)
      .get('/api/v1/exports/cases?format=xlsx')
      .set('authorization', `Bearer ${police}`)
      .expect(403);
    const reporter = await stack.login(CHANGNING.reporter);
    await request(stack.app)
      .get('/api/v1/exports/cases?format=csv')
      .set('authorization', `Bearer ${reporter}`)
      .expect(403);
    const bad = await request(stack.app)
      .get('/api/v1/exports/cases?format=pdf&risk=extreme')
      .set('authorization', `Bearer ${fengtai}`)
      .expect(400);
    expect((bad.body.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'query.format',
      'query.risk',
    ]);
  });
});

describe('the indicators export', () => {
  it("writes my district's indicators, named, audited, and refuses another district's", async () => {
    const coordinator = await stack.login(CHANGNING.coordinator);
    const res = await download(coordinator, '/api/v1/exports/indicators?format=xlsx').expect(200);
    const workbook = await openXlsx(res.body as Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('指标 Indicators');
    const rows = (sheet.getSheetValues().filter(Boolean) as unknown[][]).map((r) => r.slice(1));
    expect(rows[0]).toEqual(['指标 Indicator', '项目 Item', '数值 Value']);
    expect(rows[1]).toEqual(['区 District', expect.stringContaining('长宁'), '']);
    expect(rows.some((r) => r[0] === '各阶段案件数 Cases by stage')).toBe(true);
    expect(rows.some((r) => r[0] === '本周升级次数 Escalations this week')).toBe(true);
    expect(
      await AuditEventModel.countDocuments({ action: 'indicators.export', reason: 'xlsx: district 310105' }),
    ).toBeGreaterThanOrEqual(1);
    await request(stack.app)
      .get('/api/v1/exports/indicators?format=csv&districtCode=110106')
      .set('authorization', `Bearer ${coordinator}`)
      .expect(403);
  });
});
