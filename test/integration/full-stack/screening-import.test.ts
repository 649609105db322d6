/**
 * Issue #18 item 2 on the real stack (the API as npm start builds it, a worker with the real activities, Temporal,
 * FerretDB): a Changning school uploads its screening. A file with bad rows is refused with every problem by row and
 * column and nothing is written; the fixed file is imported by the workflow over chunks: the rows at the report
 * threshold became reports through the intake path (a police task each), the others are on the street's ledger; the
 * same file again changes nothing. The tests share one stack and run in order.
 */
import request from 'supertest';
import { ChildModel } from '../../../models/child';
import { ReportModel } from '../../../models/report';
import { TaskModel } from '../../../models/task';
import { ScreeningImportModel, ScreeningRowModel } from '../../../models/screening';
import { screeningRows, screeningFile } from '../../fixtures/screening';
import { ledgerWorkflowId } from '../../../workflows/ledger.definitions';
import { CHANGNING, eventually, startFullStack, type FullStack } from './harness';

jest.setTimeout(240_000); // 200 rows through the whole stack on a loaded machine

let stack: FullStack;
let token: string;
const rows = screeningRows(200, { reporting: [17, 143] });
const fixed = rows.map((r) => ({ ...r }));
let importId: string;
let fixedFile: Buffer;

beforeAll(async () => {
  stack = await startFullStack({ chunkSize: 40 });
  token = await stack.login(CHANGNING.reporter);
});
afterAll(async () => {
  await stack?.stop();
});

const upload = (bytes: Buffer, name = 'screening.xlsx') =>
  request(stack.app)
    .post(`/api/v1/screening/imports?name=${encodeURIComponent(name)}`)
    .set('authorization', `Bearer ${token}`)
    .set('content-type', 'application/octet-stream')
    .send(bytes);

describe('school screening import', () => {
  it('the template downloads as XLSX and CSV with Chinese headers and English alongside', async () => {
    const xlsx = await request(stack.app)
      .get('/api/v1/screening/template?format=xlsx')
      .set('authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const csv = await request(stack.app)
      .get('/api/v1/screening/template?format=csv')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    const header = csv.text.replace(/^\uFEFF/, '').split('\n')[0]!;
    expect(header).toContain('姓名 Name');
    expect(header).toContain('身份证号 ID number');
    expect(header).toContain('疑似遭受家庭暴力 Suspected domestic violence');
  });

  it('a file with three bad rows is refused with each problem by row and column, and nothing is written', async () => {
    const bad = rows.map((r) => ({ ...r }));
    bad[4]!.idNumber = `${bad[4]!.idNumber.slice(0, 17)}${bad[4]!.idNumber[17] === '0' ? '1' : '0'}`;
    bad[60]!.screenedOn = '2026-13-40';
    bad[121]!.leftBehind = '也许';
    const res = await upload(await screeningFile(bad));
    expect(res.status).toBe(400);
    expect(res.body.details.problems).toEqual([
      { row: 6, column: '身份证号 ID number', message: expect.stringContaining('GB 11643') },
      { row: 62, column: '筛查日期 Screening date', message: expect.stringContaining('不是有效日期') },
      { row: 123, column: '是否留守 Left-behind', message: expect.stringContaining('是') },
    ]);
    expect(await ScreeningImportModel.countDocuments()).toBe(0);
    expect(await ScreeningRowModel.countDocuments()).toBe(0);
    expect(await ChildModel.countDocuments()).toBe(0);
    expect(await ReportModel.countDocuments()).toBe(0);
  });

  it('the fixed file is imported: two rows over the threshold became reports with police tasks, the rest are on the ledger', async () => {
    fixedFile = await screeningFile(fixed);
    const res = await upload(fixedFile);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ total: 200, status: 'running' });
    importId = res.body.importId;
    const done = await eventually(async () => {
      const got = await request(stack.app)
        .get(`/api/v1/screening/imports/${importId}`)
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      expect(got.body.status).toBe('completed');
      return got.body;
    }, 180_000);
    expect(done).toMatchObject({ total: 200, processed: 200, counts: { enrolled: 198, updated: 0, reported: 2 } });
    const reported = done.results.filter((r: { outcome: string }) => r.outcome === 'reported');
    expect(reported.map((r: { row: number }) => r.row)).toEqual([19, 145]);
    // Each report went the ordinary way: report, case, police task, case number.
    for (const r of reported) {
      const report = await eventually(async () => {
        const found = await ReportModel.findOne({ receiptNumber: r.receipt }).lean();
        expect(found?.caseWorkflowId).toBeTruthy();
        return found!;
      });
      expect(report.reportingUnit).toMatchObject({ type: 'school' });
      expect(report.concernTypes).toEqual(['domestic_violence']);
      await eventually(async () => {
        const tasks = await TaskModel.find({ caseWorkflowId: report.caseWorkflowId, kind: 'police_response' }).lean();
        expect(tasks).toHaveLength(1);
      }, 90_000);
    }
    const withCaseNumbers = await eventually(async () => {
      const got = await request(stack.app)
        .get(`/api/v1/screening/imports/${importId}`)
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      const numbered = got.body.results.filter((r: { caseNumber?: string }) => r.caseNumber);
      expect(numbered).toHaveLength(2);
      return numbered;
    });
    expect(withCaseNumbers[0].caseNumber).toMatch(/^长宁-\d{4}-\d{6}$/);
    expect(await ChildModel.countDocuments({ 'ledger.source': 'screening' })).toBe(198);
    expect(await ChildModel.countDocuments()).toBe(200);
    const leftBehind = await ChildModel.findOne({ name: fixed[0]!.name }).lean();
    expect(leftBehind).toMatchObject({
      flags: { leftBehind: true },
      ledger: {
        place: { streetCode: 'huayang' },
        source: 'screening',
        arrangement: { caregiverName: fixed[0]!.caregiverName },
      },
    });
    // Every child the screening put on the ledger is visited from now on: its monitoring workflow runs (one per
    // child, started before the import was marked completed) and writes the first visit to the file.
    const monitoring = await stack.client.workflow.getHandle(ledgerWorkflowId(String(leftBehind!._id))).describe();
    expect(monitoring.status.name).toBe('RUNNING');
    // 198 workflows' first schedules on the one in-process worker of a loaded machine: up to two minutes.
    await eventually(async () => {
      const file = await ChildModel.findById(leftBehind!._id).lean();
      expect(file?.ledger?.nextVisitDue).toBeTruthy();
    }, 120_000);
    expect(await ChildModel.countDocuments({ 'ledger.monitoringPending': true })).toBe(0);
  });

  it('the same file again changes nothing', async () => {
    const counts = async () => ({
      children: await ChildModel.countDocuments(),
      reports: await ReportModel.countDocuments(),
      imports: await ScreeningImportModel.countDocuments(),
      rows: await ScreeningRowModel.countDocuments(),
      tasks: await TaskModel.countDocuments(),
    });
    const before = await counts();
    const res = await upload(fixedFile, 'again.xlsx');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ importId, repeated: true, status: 'completed' });
    // The same rows saved again (new bytes) or exported as CSV are the same content: the same import too.
    for (const resaved of [await screeningFile(fixed), await screeningFile(fixed, 'csv')]) {
      expect(resaved.equals(fixedFile)).toBe(false);
      const again = await upload(resaved, 'resaved');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ importId, repeated: true });
    }
    expect(await counts()).toEqual(before);
  });

  it('another school sees nothing of the import', async () => {
    const other = await stack.login(CHANGNING.hospitalReporter);
    const res = await request(stack.app)
      .get(`/api/v1/screening/imports/${importId}`)
      .set('authorization', `Bearer ${other}`);
    expect(res.status).toBe(403);
  });
});
