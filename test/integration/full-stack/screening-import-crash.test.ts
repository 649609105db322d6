/**
 * Issue #18 "Must show": a crash test. A real worker process (test/integration/fixtures/crash-mid-import-worker.ts,
 * the worker's own wiring) takes a 200-row screening import and SIGKILLs itself half-way, inside a chunk; a healthy
 * worker takes over (Temporal retries the chunk once its heartbeat is missed) and the import finishes with every row
 * exactly once: 198 children enrolled on the ledger once each (one enrolment in the audit log per child), 2 reports,
 * each row's outcome written once.
 */
import fs from 'node:fs';
import request from 'supertest';
import { AuditEventModel } from '../../../models/audit-event';
import { ChildModel } from '../../../models/child';
import { ReportModel } from '../../../models/report';
import { ScreeningImportModel, ScreeningRowModel } from '../../../models/screening';
import { screeningFile, screeningRows } from '../../fixtures/screening';
import { startDoomedWorker } from './doomed-worker';
import { CHANGNING, eventually, startFullStack, type FullStack } from './harness';

jest.setTimeout(600_000); // a worker start, a crash, a missed heartbeat (30 s) and 200 rows on a loaded machine

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack({ worker: false, chunkSize: 20 });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a worker killed half-way through a screening import', () => {
  it('after another worker takes over the import finishes with every row exactly once', async () => {
    const worker = startDoomedWorker(stack, 'crash-mid-import-worker.ts', { CRASH_AFTER_ROWS: '50' });

    const token = await stack.login(CHANGNING.reporter);
    const rows = screeningRows(200, { reporting: [17, 143] });
    const res = await request(stack.app)
      .post('/api/v1/screening/imports?name=crash.xlsx')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/octet-stream')
      .send(await screeningFile(rows));
    expect(res.status).toBe(202);
    const importId = res.body.importId as string;

    const ended = await worker.ended(300_000);
    expect(ended).toBe('killed');
    expect(fs.readFileSync(worker.marker, 'utf8')).toMatch(/^killed after \d+ rows/);
    const doneAtCrash = await ScreeningRowModel.countDocuments({ importId, outcome: { $ne: 'pending' } });
    expect(doneAtCrash).toBeGreaterThanOrEqual(50);
    expect(doneAtCrash).toBeLessThan(200);
    expect((await ScreeningImportModel.findById(importId).lean())?.stage).toBe('running');

    await stack.startWorker();
    const finished = await eventually(async () => {
      const record = await ScreeningImportModel.findById(importId).lean();
      expect(record?.stage).toBe('completed');
      return record!;
    }, 300_000);
    expect(finished.counts).toEqual({ enrolled: 198, updated: 0, reported: 2 });
    expect(await ScreeningRowModel.countDocuments({ importId, outcome: 'pending' })).toBe(0);
    // Every row once: one child file per row, each ledger child enrolled once, one report per reporting row.
    expect(await ChildModel.countDocuments()).toBe(200);
    expect(await ChildModel.countDocuments({ 'ledger.source': 'screening' })).toBe(198);
    expect(await AuditEventModel.countDocuments({ action: 'ledger.enrolled' })).toBe(198);
    await eventually(async () => expect(await ReportModel.countDocuments()).toBe(2));
    const reported = await ScreeningRowModel.find({ importId, outcome: 'reported' }).lean();
    expect(reported.map((r) => r.row).sort((a, b) => a - b)).toEqual([19, 145]);
    expect(new Set(reported.map((r) => r.receipt)).size).toBe(2);
  });
});
