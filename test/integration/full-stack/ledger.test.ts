/**
 * Issue #18 items 1, 3 and 4 on the real stack (the API as npm start builds it, a worker with the real activities,
 * Temporal, FerretDB, the SMTP sink): the committee's child welfare supervisor enrols a child on the street's ledger
 * (every invalid field named, idempotent by child, 409 on another street's ledger, 404 outside the reach), the list's
 * filters, the child's ledger page and its corrections (stale version 409), visits (the same visit twice is one; an
 * inadequate arrangement opens a committee task in the committee's inbox; a new concern opens a report with a case
 * and a police task), a transfer, the compliance figures and the XLSX export; and an enrolment while Temporal cannot
 * be reached, kept and resumed by the reconciler's sweep. The tests share one stack and run in order.
 */
import { randomUUID } from 'node:crypto';
import { Workbook } from 'exceljs';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { createRouters } from '../../../api/routers';
import { resumePendingLedgerMonitoring } from '../../../activities/ledger';
import { createTemporalClient } from '../../../common/temporal';
import { AuditEventModel } from '../../../models/audit-event';
import { CaseModel } from '../../../models/case';
import { ChildModel } from '../../../models/child';
import { ReportModel } from '../../../models/report';
import { TaskModel } from '../../../models/task';
import { getPolicyPack } from '../../../policies';
import { ledgerVisitRule, newestPackOfDistrict } from '../../../policies/visits';
import { freePort } from '../../../scripts/services/ports';
import { ledgerMonitoringQuery, ledgerWorkflowId } from '../../../workflows/ledger.definitions';
import { CHANGNING, eventually, randomIdNumber, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(240_000); // the whole stack, several workflows per test, on a loaded machine

const DOMAIN = 'changning.demo.childsafe.local';
const COMMITTEE = `committee.huayang-1@${DOMAIN}`; // 华阳路第一居委会 儿童主任 (agency staff of the committee)
const STREET = `street.huayang@${DOMAIN}`; // 华阳路街道 协调员
const FENGTAI = 'civil-affairs@fengtai.demo.childsafe.local';

let stack: FullStack;
const tokens: Record<string, string> = {};
const api = () => request(stack.app);
const as = (who: string) => ({
  get: (path: string) => api().get(`/api/v1/ledger${path}`).set('authorization', `Bearer ${tokens[who]}`),
  post: (path: string, body: object, key?: string) => {
    const r = api().post(`/api/v1/ledger${path}`).set('authorization', `Bearer ${tokens[who]}`);
    return (key ? r.set('idempotency-key', key) : r).send(body);
  },
  patch: (path: string, body: object) =>
    api().patch(`/api/v1/ledger${path}`).set('authorization', `Bearer ${tokens[who]}`).send(body),
});

function enrolment(overrides: Record<string, unknown> = {}, child: Record<string, unknown> = {}) {
  return {
    child: { idNumber: randomIdNumber(), name: '李小明', sex: 'male', dateOfBirth: undefined, ...child },
    place: { streetCode: 'huayang', committeeCode: 'huayang.1' },
    categories: ['family_poverty'],
    leftBehind: true,
    riskLevel: 'medium',
    guardians: [{ name: '李大山', relation: 'father', status: 'working_away' }],
    arrangement: { caregiverName: '张秀兰', relation: '祖母', phone: '13800000000', since: '2026-03-01' },
    ...overrides,
  };
}

const ids: Record<string, string> = {};
const idNumbers: Record<string, string> = {};

beforeAll(async () => {
  stack = await startFullStack();
  for (const who of [COMMITTEE, STREET, CHANGNING.coordinator, CHANGNING.police, CHANGNING.reporter, FENGTAI])
    tokens[who] = await stack.login(who);
});
afterAll(async () => {
  await stack?.stop();
});

const monitoring = (childId: string) =>
  stack.client.workflow.getHandle(ledgerWorkflowId(childId)).query(ledgerMonitoringQuery);

describe('enrolment', () => {
  it("the committee's supervisor enrols a child: one file, on the committee's ledger, its monitoring started", async () => {
    const body = enrolment();
    idNumbers.a = body.child.idNumber as string;
    const res = await as(COMMITTEE).post('/children', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ fileCreated: true, enrolled: true, monitoring: 'started', version: 1 });
    ids.a = res.body.childId;
    const file = await ChildModel.findById(ids.a).lean();
    expect(file).toMatchObject({
      name: '李小明',
      categories: ['family_poverty'],
      flags: { leftBehind: true },
      ledger: {
        place: { districtCode: '310105', streetCode: 'huayang', committeeCode: 'huayang.1' },
        source: 'committee',
        arrangement: { caregiverName: '张秀兰', relation: '祖母' },
      },
    });
    expect(file?.ledger?.monitoringPending).toBeUndefined();
    // The workflow set the first visit from the pack (medium risk, left-behind: the shorter interval).
    const view = await eventually(async () => {
      const v = await monitoring(ids.a!);
      expect(v.dueAt).toBeTruthy();
      return v;
    });
    expect(view.status).toBe('monitoring');
    // On the ledger's own queue, served by the worker's second half (workers/worker.ts).
    const run = await stack.client.workflow.getHandle(ledgerWorkflowId(ids.a!)).describe();
    expect(run.taskQueue).toBe(`${stack.config.TEMPORAL_TASK_QUEUE}-ledger`);
    expect(await AuditEventModel.countDocuments({ action: 'ledger.enrolled', childId: file!._id })).toBe(1);
  });

  it('names every invalid field in one 400, the contract first, then the pack and the reach, writing nothing', async () => {
    const before = await ChildModel.countDocuments();
    const valid = randomIdNumber();
    const wrongCheckDigit = `${valid.slice(0, 17)}${valid[17] === '0' ? '1' : '0'}`;
    const bad = await as(COMMITTEE).post('/children', {
      ...enrolment({}, { idNumber: wrongCheckDigit, sex: 'girl' }),
      categories: ['Family Poverty'],
      colour: 'blue',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['categories.0', 'child.idNumber', 'child.sex', 'colour'].sort(),
    );
    const unknown = await as(COMMITTEE).post(
      '/children',
      enrolment({
        place: { streetCode: 'huayang', committeeCode: 'huayang.2' },
        categories: ['family_poverty', 'orphan_of_mars'],
        benefits: ['dibao', 'free_pony'],
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.fields).toEqual(
      expect.arrayContaining([
        { field: 'categories.1', message: expect.stringContaining('not a category') },
        { field: 'benefits.1', message: expect.stringContaining('not a benefit') },
        { field: 'place.committeeCode', message: 'is not your committee' },
      ]),
    );
    const street = await as(STREET).post('/children', enrolment({ place: { streetCode: 'xinhua' } }));
    expect(street.status).toBe(400);
    expect(street.body.details.fields).toEqual([{ field: 'place.streetCode', message: 'is not your street' }]);
    expect(await ChildModel.countDocuments()).toBe(before);
  });

  it('the same child enrolled twice is one file; on another street it is 409 (a transfer)', async () => {
    const again = await as(COMMITTEE).post('/children', enrolment({}, { idNumber: idNumbers.a }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ childId: ids.a, fileCreated: false, enrolled: false, monitoring: 'started' });
    const elsewhere = await as(CHANGNING.coordinator).post(
      '/children',
      enrolment({ place: { streetCode: 'xinhua' } }, { idNumber: idNumbers.a }),
    );
    expect(elsewhere.status).toBe(409);
    expect(await ChildModel.countDocuments({ name: '李小明' })).toBe(1);
    const file = await ChildModel.findById(ids.a).lean();
    expect(file?.ledger?.place.streetCode).toBe('huayang');
  });

  it('people outside the ledger are refused; a child outside the reach is 404', async () => {
    expect((await as(CHANGNING.police).get('/children')).status).toBe(403);
    expect((await as(FENGTAI).get(`/children/${ids.a}`)).status).toBe(404);
    expect((await as(FENGTAI).get('/children')).body).toMatchObject({ items: [], total: 0 });
    // The street enrols a child on the second committee: not the first committee's to see.
    const b = await as(STREET).post(
      '/children',
      enrolment(
        {
          place: { streetCode: 'huayang', committeeCode: 'huayang.2' },
          categories: ['disability'],
          leftBehind: false,
          riskLevel: 'low',
          arrangement: undefined,
        },
        { name: '赵小雨', sex: 'female' },
      ),
    );
    expect(b.status).toBe(201);
    ids.b = b.body.childId;
    expect((await as(COMMITTEE).get(`/children/${ids.b}`)).status).toBe(404);
    expect((await as(COMMITTEE).get(`/children/${'0'.repeat(24)}`)).status).toBe(404);
    const c = await as(CHANGNING.coordinator).post(
      '/children',
      enrolment(
        { place: { streetCode: 'xinhua' }, categories: [], leftBehind: false, arrangement: undefined },
        {
          name: '孙小海',
        },
      ),
    );
    expect(c.status).toBe(201);
    ids.c = c.body.childId;
  });
});

describe('the ledger list and the child page', () => {
  it('lists within the reach with names, and filters by committee, category, left-behind, risk and overdue visit', async () => {
    const names = async (who: string, query = '') =>
      ((await as(who).get(`/children${query}`).expect(200)).body.items as { name: string }[]).map((r) => r.name).sort();
    expect(await names(COMMITTEE)).toEqual(['李小明']);
    expect(await names(STREET)).toEqual(['李小明', '赵小雨'].sort());
    expect(await names(CHANGNING.coordinator)).toEqual(['孙小海', '李小明', '赵小雨'].sort());
    expect(await names(STREET, '?committee=huayang.2')).toEqual(['赵小雨']);
    expect(await names(STREET, '?category=disability')).toEqual(['赵小雨']);
    expect(await names(STREET, '?leftBehind=true')).toEqual(['李小明']);
    expect(await names(CHANGNING.coordinator, '?risk=low')).toEqual(['赵小雨']);
    // A filter outside the reach narrows to nothing, never widens it.
    expect(await names(STREET, '?street=xinhua')).toEqual([]);
    expect(await names(COMMITTEE, '?committee=huayang.2')).toEqual([]);
    // A visit past due: the workflow set the next visit; it is moved into the past here.
    await eventually(async () => {
      const file = await ChildModel.findById(ids.b).lean();
      expect(file?.ledger?.nextVisitDue).toBeTruthy();
    });
    await ChildModel.updateOne({ _id: ids.b }, { $set: { 'ledger.nextVisitDue': new Date(Date.now() - 86_400_000) } });
    expect(await names(STREET, '?overdue=true')).toEqual(['赵小雨']);

    const rows = (await as(STREET).get('/children').expect(200)).body;
    expect(rows.total).toBe(2);
    const b = rows.items.find((r: { name: string }) => r.name === '赵小雨');
    expect(b).toMatchObject({
      streetCode: 'huayang',
      streetName: { zh: expect.stringContaining('华阳路') },
      committeeCode: 'huayang.2',
      committeeName: { zh: expect.stringContaining('第二居民区') },
      categories: [{ code: 'disability', zh: expect.not.stringMatching(/^disability$/) }],
      overdue: true,
      riskLevel: 'low',
    });
    expect(
      (await as(STREET).get('/children?risk=extreme&page=0')).body.details.fields
        .map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['query.page', 'query.risk']);
  });

  it("the child's ledger page is an audited read", async () => {
    const before = await AuditEventModel.countDocuments({ action: 'child_file.read', childId: ids.a });
    const page = await as(COMMITTEE).get(`/children/${ids.a}`).expect(200);
    expect(page.body).toMatchObject({
      childId: ids.a,
      name: '李小明',
      arrangement: { caregiverName: '张秀兰', relation: '祖母', since: '2026-03-01T00:00:00.000Z', adequate: null },
      guardians: [{ name: '李大山', relation: 'father', status: 'working_away' }],
      visits: [],
      transfers: [],
      version: 1,
    });
    expect(page.body.visitInterval).toMatchObject({ clause: expect.any(String), duration: expect.any(String) });
    expect(await AuditEventModel.countDocuments({ action: 'child_file.read', childId: ids.a })).toBe(before + 1);
  });

  it('a correction with the version read changes the facts and the visit interval; a stale version is 409', async () => {
    const high = await as(COMMITTEE).patch(`/children/${ids.a}`, {
      version: 1,
      riskLevel: 'high',
      categories: ['family_poverty', 'disability'],
    });
    expect(high.status).toBe(200);
    expect(high.body).toMatchObject({ riskLevel: 'high', version: 2 });
    expect(high.body.guardians).toMatchObject([{ name: '李大山' }]); // not sent, kept
    expect(high.body.categories.map((c: { code: string }) => c.code)).toEqual(['disability', 'family_poverty']);
    const stale = await as(COMMITTEE).patch(`/children/${ids.a}`, { version: 1, leftBehind: false });
    expect(stale.status).toBe(409);
    // An explicit empty list removes the guardians (a correction without the field kept them, above).
    const none = await as(COMMITTEE).patch(`/children/${ids.a}`, { version: 2, guardians: [] });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ guardians: [], version: 3 });
    expect((await ChildModel.findById(ids.a).lean())?.guardians).toEqual([]);
    expect((await ChildModel.findById(ids.a).lean())?.flags?.leftBehind).toBe(true);
    // The workflow was told (ledgerChanged) and chose the interval for the child as it is now.
    const pack = getPolicyPack('cn-changning', '1.3.0');
    const expected = ledgerVisitRule(pack, {
      riskLevel: 'high',
      leftBehind: true,
      categories: ['disability', 'family_poverty'],
      multipleDifficulty: false,
    });
    await eventually(async () => {
      expect((await monitoring(ids.a!)).interval).toMatchObject({ duration: expected.rule.duration });
    });
  });
});

describe('visits', () => {
  it('the same visit sent twice is one visit; an inadequate arrangement opens a task in the committee inbox', async () => {
    const visit = {
      visitedAt: new Date(Date.now() - 3_600_000).toISOString(),
      childPresent: true,
      guardianPresent: false,
      arrangementAdequate: false,
      needs: ['祖母年迈，需要照料支持'],
      newConcern: false,
    };
    const key = `visit-${randomUUID()}`;
    const first = await as(COMMITTEE).post(`/children/${ids.a}/visits`, visit, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ visitNo: 1, report: null });
    expect(first.body.committeeTaskIds).toHaveLength(1);
    const again = await as(COMMITTEE).post(`/children/${ids.a}/visits`, visit, key);
    expect(again.status).toBe(201);
    expect(again.body.visitId).toBe(first.body.visitId);
    const file = await ChildModel.findById(ids.a).lean();
    expect(file?.ledger?.visits).toHaveLength(1);
    expect(file?.ledger?.arrangement?.adequate).toBe(false);
    const taskId = first.body.committeeTaskIds[0] as string;
    await eventually(async () => {
      const inbox = await api().get('/api/v1/tasks').set('authorization', `Bearer ${tokens[COMMITTEE]}`).expect(200);
      expect(inbox.body.items.map((t: { taskId: string }) => t.taskId)).toContain(taskId);
    });
    expect(await TaskModel.countDocuments({ kind: 'guardianship_arrangement' })).toBe(1);
    // The task is ChildSafe's work: on its queue, not the ledger's.
    expect((await stack.client.workflow.getHandle(taskId).describe()).taskQueue).toBe(stack.config.TEMPORAL_TASK_QUEUE);
    const page = await as(COMMITTEE).get(`/children/${ids.a}`).expect(200);
    expect(page.body.visits).toEqual([expect.objectContaining({ arrangementAdequate: false, needs: visit.needs })]);
  });

  it('a visit without its fields, or with a concern not in the pack, is 400 naming each', async () => {
    const res = await as(COMMITTEE).post(`/children/${ids.a}/visits`, {
      visitedAt: 'yesterday',
      childPresent: 'yes',
      newConcern: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['arrangementAdequate', 'childPresent', 'guardianPresent', 'visitedAt'].sort(),
    );
    const concern = await as(COMMITTEE).post(`/children/${ids.a}/visits`, {
      visitedAt: new Date().toISOString(),
      childPresent: true,
      guardianPresent: true,
      arrangementAdequate: true,
      newConcern: true,
      concern: { concerns: ['moon_landing'], account: '—' },
    });
    expect(concern.status).toBe(400);
    expect(concern.body.details.fields).toEqual([
      { field: 'concern.concerns.0', message: expect.stringContaining('not a concern type') },
    ]);
  });

  it('a new concern opens a report like any other: a case and a police task; then the case runs the visits', async () => {
    const visit = {
      visitedAt: new Date(Date.now() - 60_000).toISOString(),
      childPresent: true,
      guardianPresent: false,
      arrangementAdequate: true,
      needs: [],
      newConcern: true,
      concern: { concerns: ['living_alone'], account: '祖母住院，孩子独自在家两天。' },
    };
    const key = `visit-${randomUUID()}`;
    const res = await as(COMMITTEE).post(`/children/${ids.a}/visits`, visit, key);
    expect(res.status).toBe(201);
    expect(res.body.report).toMatchObject({ receipt: expect.stringMatching(/^CS-/), status: 'received' });
    const report = await eventually(async () => {
      const found = await ReportModel.findOne({ receiptNumber: res.body.report.receipt }).lean();
      expect(found?.caseWorkflowId).toBeTruthy();
      return found!;
    });
    expect(String(report.childId)).toBe(ids.a);
    expect(report.concernTypes).toEqual(['living_alone']);
    await eventually(async () => {
      expect(await TaskModel.countDocuments({ caseWorkflowId: report.caseWorkflowId, kind: 'police_response' })).toBe(
        1,
      );
    }, 90_000);
    // The same visit again: one visit, one report.
    const again = await as(COMMITTEE).post(`/children/${ids.a}/visits`, visit, key);
    expect(again.status).toBe(201);
    expect(again.body.report.receipt).toBe(res.body.report.receipt);
    expect(await ReportModel.countDocuments({ childId: report.childId })).toBe(1);
    expect((await ChildModel.findById(ids.a).lean())?.ledger?.visits).toHaveLength(2);
    // The filing is audited once for both posts, by the intake (durable with the start), naming the child and the filer.
    const filed = await AuditEventModel.find({
      action: 'report.filed',
      reason: `receipt ${report.receiptNumber}`,
    }).lean();
    expect(filed).toEqual([
      expect.objectContaining({
        childId: report.childId,
        actor: expect.objectContaining({ kind: 'user' }),
        details: expect.objectContaining({ actorRole: 'agency_staff', requestId: expect.any(String) }),
      }),
    ]);
    // The case is open now: its visits run, a new ledger visit is 409.
    await eventually(async () => expect((await monitoring(ids.a!)).status).toBe('case_open'));
    const during = await as(COMMITTEE).post(`/children/${ids.a}/visits`, {
      ...visit,
      newConcern: false,
      concern: undefined,
    });
    expect(during.status).toBe(409);
    // The child's ledger page names the open case by its readable number and stage (never its workflow id).
    const projected = await eventually(async () => {
      const found = await CaseModel.findOne({ workflowId: report.caseWorkflowId }).lean();
      if (!found?.caseNumber) throw new Error('no case number yet');
      return found;
    });
    // The committee holds no task on the case: no id (it could not open the case's page); the coordinator may.
    const page = await as(COMMITTEE).get(`/children/${ids.a}`).expect(200);
    expect(page.body.openCase).toEqual({ caseNumber: projected.caseNumber, stage: projected.stage });
    expect(page.body.openCase.caseNumber).toMatch(/^长宁-\d{4}-\d{6}$/);
    const coordinatorPage = await as(CHANGNING.coordinator).get(`/children/${ids.a}`).expect(200);
    expect(coordinatorPage.body.openCase).toEqual({
      caseNumber: projected.caseNumber,
      stage: projected.stage,
      caseId: report.caseWorkflowId,
    });
  });
});

describe('transfer, compliance and export', () => {
  it('a transfer moves the child to the new street: the new street sees it, the old one does not', async () => {
    const before = await ChildModel.countDocuments();
    const res = await as(STREET).post(`/children/${ids.b}/transfer`, {
      districtCode: '310105',
      streetCode: 'xinhua',
      reason: '随父母搬家至新华路',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      changed: true,
      streetCode: 'xinhua',
      streetName: { zh: expect.stringContaining('新华路') },
    });
    expect((await as(STREET).get(`/children/${ids.b}`)).status).toBe(404);
    const list = await as(CHANGNING.coordinator).get('/children?street=xinhua').expect(200);
    expect(list.body.items.map((r: { name: string }) => r.name).sort()).toEqual(['孙小海', '赵小雨'].sort());
    const page = await as(CHANGNING.coordinator).get(`/children/${ids.b}`).expect(200);
    expect(page.body.transfers).toEqual([
      expect.objectContaining({
        from: expect.stringContaining('华阳路'),
        to: expect.stringContaining('新华路'),
        reason: '随父母搬家至新华路',
      }),
    ]);
    expect(await ChildModel.countDocuments()).toBe(before);
    // The workflow was told to recompute.
    await eventually(async () => {
      const history = await stack.client.workflow.getHandle(ledgerWorkflowId(ids.b!)).fetchHistory();
      const signals = (history.events ?? []).filter(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'ledgerChanged',
      );
      expect(signals.length).toBeGreaterThanOrEqual(1);
    });
    // Within the district: the pack stays the district's (the workflow tests cover this path step by step).
    expect((await monitoring(ids.b!)).pack).toEqual(newestPackOfDistrict('310105'));
    const bad = await as(CHANGNING.coordinator).post(`/children/${ids.b}/transfer`, {
      districtCode: '310105',
      streetCode: 'atlantis',
      reason: '—',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields).toEqual([{ field: 'streetCode', message: expect.any(String) }]);
  });

  it('compliance per committee, by category and by street, named', async () => {
    const res = await as(CHANGNING.coordinator).get('/compliance').expect(200);
    const huayang1 = res.body.committees.find((c: { committeeCode: string }) => c.committeeCode === 'huayang.1');
    expect(huayang1).toMatchObject({ children: 1, name: { zh: expect.stringContaining('第一居民区') } });
    expect(res.body.byStreet).toEqual(
      expect.arrayContaining([
        { streetCode: 'xinhua', name: expect.objectContaining({ zh: expect.stringContaining('新华路') }), children: 2 },
        {
          streetCode: 'huayang',
          name: expect.objectContaining({ zh: expect.stringContaining('华阳路') }),
          children: 1,
        },
      ]),
    );
    expect(res.body.byCategory).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'disability', children: 2 })]),
    );
    const street = await as(STREET).get('/compliance').expect(200);
    expect(street.body.byStreet).toEqual([expect.objectContaining({ streetCode: 'huayang', children: 1 })]);
  });

  it('the export is the ledger within the reach as XLSX, names not codes, audited', async () => {
    const res = await as(CHANGNING.coordinator)
      .get('/export.xlsx')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const workbook = new Workbook();
    await workbook.xlsx.load(res.body as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['姓名 Name', '街道（乡镇） Street / township', '类别 Categories']));
    const rows = [];
    for (let i = 2; i <= sheet.rowCount; i++) rows.push((sheet.getRow(i).values as unknown[]).slice(1).map(String));
    expect(rows).toHaveLength(3);
    const text = rows.flat().join(' ');
    expect(text).toContain('李小明');
    expect(text).toContain('华阳路');
    expect(text).not.toContain('huayang');
    expect(text).not.toContain(ids.a);
    expect(await AuditEventModel.countDocuments({ action: 'ledger.export' })).toBe(1);
    const street = await as(STREET).get('/export.xlsx').buffer(true).expect(200);
    expect(street.status).toBe(200);
  });
});

describe('transfer to another district', () => {
  it("the child moved from Changning to Fengtai is visited under Fengtai's pack, on the Fengtai street's ledger", async () => {
    // Missing or improper guardianship: both packs give 21 days (the shortest here), citing their own clause.
    const res = await as(COMMITTEE).post('/children', enrolment({ categories: ['guardianship_failure'] }));
    expect(res.status).toBe(201);
    const childId = res.body.childId as string;
    const before = await eventually(async () => {
      const v = await monitoring(childId);
      expect(v.dueAt).toBeTruthy();
      return v;
    });
    const cn = getPolicyPack(before.pack.id, before.pack.version);
    const ft = newestPackOfDistrict('110106')!;
    const ftRule = getPolicyPack(ft.id, ft.version).visitIntervals.categories!.guardianship_failure!;
    expect(before).toMatchObject({
      pack: newestPackOfDistrict('310105'),
      interval: { clause: cn.visitIntervals.categories!.guardianship_failure!.clause, basis: 'category' },
    });
    expect(before.interval!.clause).not.toBe(ftRule.clause);

    const moved = await as(CHANGNING.coordinator).post(`/children/${childId}/transfer`, {
      districtCode: '110106',
      streetCode: 'youanmen',
      reason: '随父母迁居丰台区右安门',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ changed: true, districtCode: '110106', streetName: { zh: '右安门街道' } });

    const after = await eventually(async () => {
      const v = await monitoring(childId);
      expect(v.pack).toEqual(ft);
      expect(v.interval?.clause).toBe(ftRule.clause);
      return v;
    });
    // Still counted from enrolment (no visit yet), by Fengtai's interval.
    expect(after).toMatchObject({ status: 'monitoring', visitNo: 1, interval: { duration: ftRule.duration } });
    expect(after.dueAt).toBe(before.dueAt);
    await eventually(async () => {
      const file = await ChildModel.findById(childId).lean();
      expect(file?.ledger?.visitInterval).toEqual({ duration: ftRule.duration, clause: ftRule.clause });
    });
    // The Fengtai coordinator now keeps the child; Changning's no longer sees it.
    const page = await as(FENGTAI).get(`/children/${childId}`);
    expect(page.status).toBe(200);
    expect((await as(CHANGNING.coordinator).get(`/children/${childId}`)).status).toBe(404);
  });
});

describe('Temporal unreachable', () => {
  /** The API as it runs when Temporal does not answer: a client pointed at a port nothing listens on. */
  async function temporalDown() {
    const config = { ...stack.config, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
    const down = createTemporalClient(config);
    const app = createApp({
      config,
      logger: pino({ level: 'silent' }),
      readiness: { temporal: async () => false, database: async () => true },
      routers: createRouters({ config, logger: pino({ level: 'silent' }), temporal: down.client }),
    });
    return { app, connection: down.connection };
  }

  it('the enrolment is kept with its monitoring pending; the reconciler starts the workflow once Temporal answers', async () => {
    const down = await temporalDown();
    try {
      const { app } = down;
      const res = await request(app)
        .post('/api/v1/ledger/children')
        .set('authorization', `Bearer ${tokens[COMMITTEE]}`)
        .send(enrolment({}, { name: '周小安' }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ enrolled: true, monitoring: 'pending' });
      const childId = res.body.childId as string;
      expect((await ChildModel.findById(childId).lean())?.ledger?.monitoringPending).toBe(true);
      await expect(stack.client.workflow.getHandle(ledgerWorkflowId(childId)).describe()).rejects.toThrow();
      // A visit runs through the workflow: 503 naming no internals, and nothing written.
      const visit = await request(app)
        .post(`/api/v1/ledger/children/${childId}/visits`)
        .set('authorization', `Bearer ${tokens[COMMITTEE]}`)
        .send({
          visitedAt: new Date().toISOString(),
          childPresent: true,
          guardianPresent: true,
          arrangementAdequate: true,
          newConcern: false,
        });
      expect(visit.status).toBe(503);
      expect(visit.body).toMatchObject({ error: 'DEPENDENCY_UNAVAILABLE' });
      expect((await ChildModel.findById(childId).lean())?.ledger?.visits).toEqual([]);

      // The reconciler's pass (the same function it runs every minute) on the reachable Temporal.
      const swept = await resumePendingLedgerMonitoring(stack.client, stack.config.TEMPORAL_TASK_QUEUE);
      expect(swept).toEqual({ resumed: 1, failed: 0 });
      expect((await ChildModel.findById(childId).lean())?.ledger?.monitoringPending).toBeUndefined();
      await eventually(async () => expect((await monitoring(childId)).dueAt).toBeTruthy());
    } finally {
      await down.connection.close();
    }
  });

  it("a report opens a case while the enrolment's start is pending: the case starts the child's monitoring paused on it", async () => {
    // Issue #18: the enrolment wrote the ledger entry but its start did not reach Temporal (kept pending); a report
    // then opens the child's case. The intake's signal finds no workflow; the case, once projected, starts it.
    const down = await temporalDown();
    const body = enrolment({}, { name: '吴小南' });
    let childId: string;
    try {
      const { app } = down;
      const res = await request(app)
        .post('/api/v1/ledger/children')
        .set('authorization', `Bearer ${tokens[COMMITTEE]}`)
        .send(body);
      expect(res.body).toMatchObject({ enrolled: true, monitoring: 'pending' });
      childId = res.body.childId as string;
    } finally {
      await down.connection.close();
    }
    const filed = await api()
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${tokens[CHANGNING.reporter]}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody({ idNumber: body.child.idNumber as string, name: '吴小南' }))
      .expect(202);
    const report = await eventually(async () => {
      const found = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
      if (!found?.caseWorkflowId) throw new Error('report not recorded yet');
      return found;
    });
    expect(String(report.childId)).toBe(childId);
    // No reconciler pass yet: the monitoring runs because the case started it, paused on the case.
    expect((await ChildModel.findById(childId).lean())?.ledger?.monitoringPending).toBe(true);
    await eventually(
      async () =>
        expect(await monitoring(childId)).toMatchObject({ status: 'case_open', openCaseId: report.caseWorkflowId }),
      90_000, // the case's first pass runs after the intake's on a loaded machine
    );
    await eventually(async () => {
      const file = await ChildModel.findById(childId).lean();
      expect(file?.ledger?.status).toBe('case_open');
      expect(file?.ledger?.nextVisitDue ?? null).toBeNull();
    });
    // The reconciler's later pass finds the same workflow and leaves it paused.
    expect(await resumePendingLedgerMonitoring(stack.client, stack.config.TEMPORAL_TASK_QUEUE)).toEqual({
      resumed: 1,
      failed: 0,
    });
    await eventually(async () => expect((await monitoring(childId)).status).toBe('case_open'));
  });
});
