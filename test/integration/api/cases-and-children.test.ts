/**
 * Cases and children's files through the HTTP stack on the real FerretDB: scope (jurisdiction for coordinators, the
 * agency's own cases for agency roles, nothing for reporters), the list's filters, the case view with its timeline
 * in words from the audit log, sealed juvenile records, identity-number lookup by keyed hash, and
 * the audit entry every read of a child's file leaves.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import mongoose, { Types } from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../../api/app';
import { createAuditLogSink } from '../../../api/auth/audit';
import { createAuthenticate } from '../../../api/auth/authenticate';
import type { Role } from '../../../api/auth/roles';
import { createTokenService } from '../../../api/auth/tokens';
import { createCaseRouter } from '../../../api/routes/cases';
import { listCases } from '../../../api/read-models/cases';
import { createChildRouter } from '../../../api/routes/children';
import { ensureIndexes } from '../../../models';
import { appendAudit } from '../../../models/audit-repository';
import { AgencyModel } from '../../../models/agency';
import { AuditEventModel } from '../../../models/audit-event';
import { createChildRepository } from '../../../models/child-repository';
import { createUserRepository, UserModel } from '../../../models/user';
import { connectTestDatabase } from '../../helpers/mongo';
import { hoursFromNow, projectCase, projectTask } from '../../helpers/projections';
import { connectDevServer } from '../../helpers/temporal';
import { testConfig } from '../../unit/api/test-config';
import type { CaseStage } from '../../../contracts/enums';

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

const CN = '310105';
const FT = '110106';
const ID_NUMBER = '11010520100101123X';

let drop: () => Promise<void>;
let app: Express;
let client: Client;
let connection: Connection;
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};
const children = createChildRepository({
  identityKeys: { encryptionKey: randomBytes(32), hmacKey: randomBytes(32) },
});

const PEOPLE: Record<
  string,
  { role: Role; agencyCode: string; jurisdiction: { districtCode: string; streetCode?: string } }
> = {
  civilAffairs: { role: 'district_coordinator', agencyCode: 'cn.civil-affairs', jurisdiction: { districtCode: CN } },
  street: {
    role: 'street_coordinator',
    agencyCode: 'cn.street.huayang',
    jurisdiction: { districtCode: CN, streetCode: 'huayang' },
  },
  policeA: {
    role: 'agency_staff',
    agencyCode: 'cn.police.huayang',
    jurisdiction: { districtCode: CN, streetCode: 'huayang' },
  },
  policeB: {
    role: 'agency_staff',
    agencyCode: 'ft.police.youanmen',
    jurisdiction: { districtCode: FT, streetCode: 'youanmen' },
  },
  court: { role: 'court_staff', agencyCode: 'cn.court', jurisdiction: { districtCode: CN } },
  reporter: { role: 'mandated_reporter', agencyCode: 'cn.school', jurisdiction: { districtCode: CN } },
  admin: { role: 'administrator', agencyCode: 'cn.civil-affairs', jurisdiction: { districtCode: CN } },
};
type Person = keyof typeof PEOPLE;

const as = (who: Person, req: request.Test) => req.set('authorization', `Bearer ${tokens[who]}`);

const seeded: Record<string, { caseId: string; childId: Types.ObjectId }> = {};

async function seedChild(
  name: string,
  districtCode: string,
  streetCode: string,
  options: { idNumber?: string; sealed?: boolean } = {},
) {
  const { child } = await children.findOrCreateChildFile({
    ...(options.idNumber ? { idNumber: options.idNumber } : { provisionalKey: randomUUID() }),
    name,
    sex: 'female',
    dateOfBirth: new Date('2014-06-01T00:00:00Z'),
    districtCode,
    residence: { districtCode, streetCode, address: `${streetCode} 8 号` },
    guardians: [{ name: '李华', relation: 'mother', status: 'working_away' }],
  });
  if (options.sealed) {
    await mongoose.connection
      .collection('children')
      .updateOne({ _id: child._id }, { $set: { 'flags.recordSealed': true } });
  }
  return child._id;
}

/** A case as the case workflow projects it (test/helpers/projections.ts): the real activity and store, no own rows. */
async function seedCase(
  key: string,
  c: {
    districtCode: string;
    streetCode: string;
    stage: CaseStage;
    risk: 'low' | 'medium' | 'high';
    categories: string[];
    agencyCodes: string[];
    nextDeadlineInHours: number;
    childName: string;
    sealed?: boolean;
    idNumber?: string;
    openTaskIds?: (caseId: string) => string[];
  },
) {
  const childId = await seedChild(c.childName, c.districtCode, c.streetCode, {
    sealed: c.sealed,
    idNumber: c.idNumber,
  });
  const caseId = `case-${childId.toHexString()}`;
  await projectCase(caseId, {
    childId: childId.toHexString(),
    jurisdiction: { districtCode: c.districtCode, streetCode: c.streetCode },
    stage: c.stage,
    risk: c.risk,
    categories: c.categories,
    pack: { id: 'cn-changning', version: '1.0.0' },
    openedAt: hoursFromNow(-3 * 24),
    nextDeadline: hoursFromNow(c.nextDeadlineInHours),
    agencyCodes: c.agencyCodes,
    openTaskIds: c.openTaskIds?.(caseId) ?? [],
    clocks: [
      {
        id: 'next_visit',
        label: 'visit',
        clause: 'CN 五(一)',
        startedAt: hoursFromNow(0),
        firesAt: hoursFromNow(5 * 24),
      },
    ],
  });
  seeded[key] = { caseId, childId };
}

const policeTaskOf = (caseId: string) => `${caseId}/task-1-police_response`;
const assessmentTaskOf = (caseId: string) => `${caseId}/task-2-joint_assessment`;

beforeAll(async () => {
  drop = await connectTestDatabase('api_cases');
  await ensureIndexes();
  await UserModel.init();
  const config = testConfig();
  const users = createUserRepository();
  const tokenService = createTokenService({ secret: config.AUTH_TOKEN_SECRET, ttlMinutes: 60 });
  for (const [key, person] of Object.entries(PEOPLE)) {
    const user = await users.create({
      ...person,
      email: `${key}@cases.test`,
      displayName: key,
      passwordHash: 'unused',
    });
    userIds[key] = String(user._id);
    tokens[key] = tokenService.issue({ userId: String(user._id), tokenVersion: 0 }).token;
  }
  ({ client, connection } = await connectDevServer());
  const authenticate = createAuthenticate({ tokens: tokenService, users });
  const audit = createAuditLogSink();
  app = createApp({
    config,
    logger: pino({ level: 'silent' }),
    readiness: { temporal: async () => true, database: async () => true },
    routers: {
      '/cases': createCaseRouter({ temporal: client, authenticate, audit }),
      '/children': createChildRouter({ children, authenticate, audit }),
    },
  });

  await seedCase('0001', {
    districtCode: CN,
    streetCode: 'huayang',
    stage: 'emergency_response',
    risk: 'high',
    categories: ['left_behind'],
    agencyCodes: ['cn.police.huayang'],
    nextDeadlineInHours: -2,
    childName: '张小明',
    idNumber: ID_NUMBER,
    openTaskIds: (caseId) => [policeTaskOf(caseId), assessmentTaskOf(caseId)],
  });
  await seedCase('0002', {
    districtCode: CN,
    streetCode: 'xinhua',
    stage: 'assessment',
    risk: 'medium',
    categories: ['poverty'],
    agencyCodes: ['cn.police.xinhua', 'cn.street.xinhua', 'cn.court'],
    nextDeadlineInHours: 48,
    childName: '张小红',
    sealed: true,
  });
  await seedCase('0003', {
    districtCode: FT,
    streetCode: 'youanmen',
    stage: 'monitoring',
    risk: 'low',
    categories: ['left_behind'],
    agencyCodes: ['ft.police.youanmen'],
    nextDeadlineInHours: 240,
    childName: '张小刚',
  });
  // One overdue and one on-time open task on the first case, as its agency-task workflows project them.
  const first = seeded['0001']!.caseId;
  const pack = { id: 'cn-changning', version: '1.0.0' };
  await projectTask(policeTaskOf(first), {
    ownerWorkflowId: first,
    kind: 'police_response',
    agencyId: 'cn.police.huayang',
    createdAt: hoursFromNow(-2),
    acceptBy: hoursFromNow(-1),
    completeBy: hoursFromNow(3),
    pack,
  });
  await projectTask(assessmentTaskOf(first), {
    ownerWorkflowId: first,
    kind: 'joint_assessment',
    agencyId: 'cn.street.huayang',
    status: 'accepted',
    createdAt: hoursFromNow(-25),
    acceptedAt: hoursFromNow(-24.5),
    acceptBy: hoursFromNow(-24),
    completeBy: hoursFromNow(24),
    pack,
  });
});

afterAll(async () => {
  await connection?.close();
  await drop();
});

const ids = (body: { items: { caseId: string }[] }) => body.items.map((c) => c.caseId);
const caseOf = (key: string) => seeded[key]!.caseId;

describe('the case list', () => {
  it("shows a district coordinator the district's cases, soonest deadline first, with overdue task counts", async () => {
    const res = await as('civilAffairs', request(app).get('/api/v1/cases'));
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([caseOf('0001'), caseOf('0002')]);
    expect(res.body.total).toBe(2);
    expect(res.body.items[0]).toEqual({
      caseId: caseOf('0001'),
      caseNumber: expect.any(String), // the numbering is the case workflow's (its own tests)
      stage: 'emergency_response',
      risk: 'high',
      districtCode: CN,
      streetCode: 'huayang',
      categories: ['left_behind'],
      categoryLabels: [{ zh: expect.any(String), en: expect.any(String) }], // the pack's label, else the code
      multipleDifficulty: false,
      openTasks: 2,
      nextDeadline: expect.any(String),
      overdueTasks: 1,
    });
  });

  it("shows a street coordinator only the street's cases and an agency only the cases it has a task on", async () => {
    expect(ids((await as('street', request(app).get('/api/v1/cases'))).body)).toEqual([caseOf('0001')]);
    expect(ids((await as('policeA', request(app).get('/api/v1/cases'))).body)).toEqual([caseOf('0001')]);
    expect(ids((await as('policeB', request(app).get('/api/v1/cases'))).body)).toEqual([caseOf('0003')]);
    expect(ids((await as('court', request(app).get('/api/v1/cases'))).body)).toEqual([caseOf('0002')]);
  });

  it('filters by stage, street, category, risk, overdue and clocks due within N days, and pages', async () => {
    const list = async (query: string) =>
      ids((await as('civilAffairs', request(app).get(`/api/v1/cases?${query}`))).body);
    expect(await list('stage=assessment')).toEqual([caseOf('0002')]);
    expect(await list('streetCode=huayang')).toEqual([caseOf('0001')]);
    expect(await list('category=poverty')).toEqual([caseOf('0002')]);
    expect(await list('risk=high')).toEqual([caseOf('0001')]);
    expect(await list('overdue=true')).toEqual([caseOf('0001')]);
    expect(await list('dueWithinDays=3')).toEqual([caseOf('0002')]);
    expect(await list('districtCode=110106')).toEqual([]);
    const page = await as('civilAffairs', request(app).get('/api/v1/cases?page=2&limit=1'));
    expect(ids(page.body)).toEqual([caseOf('0002')]);
    expect(page.body).toMatchObject({ total: 2, totalCapped: false, page: 2 });
  });

  it('counts the total up to a cap and says when more cases match, never a capped number as exact', async () => {
    const district = { 'jurisdiction.districtCode': CN };
    const page = { page: 1, limit: 1 };
    expect(await listCases(district, page, 1)).toMatchObject({ total: 1, totalCapped: true });
    expect(await listCases(district, page, 2)).toMatchObject({ total: 2, totalCapped: false });
    expect(await listCases(district, page, 3)).toMatchObject({ total: 2, totalCapped: false });
    expect((await listCases(district, page, 1)).items).toHaveLength(1);
  });

  it('names every bad filter in one 400', async () => {
    const res = await as(
      'civilAffairs',
      request(app).get('/api/v1/cases?stage=archived&risk=extreme&dueWithinDays=-1&limit=0'),
    );
    expect(res.status).toBe(400);
    expect((res.body.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'query.dueWithinDays',
      'query.limit',
      'query.risk',
      'query.stage',
    ]);
  });

  it('is refused to mandated reporters and administrators, who see no case', async () => {
    expect((await as('reporter', request(app).get('/api/v1/cases'))).status).toBe(403);
    expect((await as('reporter', request(app).get(`/api/v1/cases/${caseOf('0001')}`))).status).toBe(403);
    expect((await as('admin', request(app).get('/api/v1/cases'))).status).toBe(403);
  });
});

describe('one case', () => {
  it('answers a case outside my scope with the same 404 as a case that does not exist', async () => {
    const outside = await as('policeB', request(app).get(`/api/v1/cases/${caseOf('0001')}`));
    const missing = await as('policeB', request(app).get('/api/v1/cases/case-000000000000000000000000'));
    expect(outside.status).toBe(404);
    expect({ ...outside.body, requestId: null }).toEqual({ ...missing.body, requestId: null });
  });

  it("shows the status, the child's file (audited) and a timeline in words: business events, who by name and agency, the clause", async () => {
    const { caseId, childId } = seeded['0001']!;
    const taskId = `${caseId}/task-1-police_response`;
    await AgencyModel.create({
      code: 'cn.police.huayang',
      name: { zh: '华阳路派出所', en: 'Huayang Road Police Station' },
      type: 'police_station',
      level: 'street_township',
      jurisdiction: { districtCode: CN, streetCode: 'huayang' },
    });
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
    // The task's own workflow records its life; the case workflow's copies of the same events are not shown twice.
    await appendAudit({
      actor: { kind: 'workflow', id: taskId },
      action: 'task_created',
      caseWorkflowId: taskId,
      reason: 'CN 四(二)',
      at: at(60),
      details: { kind: 'police_response', agencyId: 'cn.police.huayang' },
    });
    await appendAudit({
      actor: { kind: 'workflow', id: caseId },
      action: 'task_opened',
      caseWorkflowId: caseId,
      reason: 'CN 四(二)',
      at: at(60),
      details: { taskId, kind: 'police_response', agencyId: 'cn.police.huayang' },
    });
    await appendAudit({
      actor: { kind: 'workflow', id: taskId },
      action: 'task_accepted',
      caseWorkflowId: taskId,
      at: at(50),
      details: { agencyId: 'cn.police.huayang', userId: userIds.policeA! },
    });
    await appendAudit({
      actor: { kind: 'workflow', id: taskId },
      action: 'task_escalated',
      caseWorkflowId: taskId,
      reason: 'CN 四(二)',
      at: at(40),
      details: { phase: 'complete', rung: 1, notify: 'supervisor' },
    });
    const res = await as('street', request(app).get(`/api/v1/cases/${caseId}`));
    expect(res.status).toBe(200);
    expect(res.body.case).toMatchObject({
      caseId,
      stage: 'emergency_response',
      childId: childId.toHexString(),
      policyPackId: 'cn-changning',
    });
    expect(res.body.status).toMatchObject({
      stage: 'emergency_response',
      live: false,
      clocks: [{ id: 'next_visit', label: 'visit', clause: 'CN 五(一)' }],
    });
    expect(res.body.status.openTasks.map((t: { kind: string }) => t.kind).sort()).toEqual([
      'joint_assessment',
      'police_response',
    ]);
    expect(res.body.child).toMatchObject({ id: childId.toHexString(), name: '张小明', idNumberOnFile: true });
    expect(JSON.stringify(res.body)).not.toContain(ID_NUMBER);

    const police = { zh: '华阳路派出所', en: 'Huayang Road Police Station' };
    const task = { label: { zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.any(String) }, agency: police };
    // The read just made is in the audit log, not in the timeline; the task's events appear once each, in order.
    expect(res.body.timeline).toEqual([
      {
        at: at(60).toISOString(),
        kind: 'task_created',
        who: { kind: 'system', name: null, agency: null },
        task,
        clause: 'CN 四(二)',
        rung: null,
        phase: null,
      },
      expect.objectContaining({
        kind: 'task_accepted',
        who: { kind: 'person', name: 'policeA', agency: police },
        task,
      }),
      expect.objectContaining({ kind: 'task_escalated', rung: 1, phase: 'complete', clause: 'CN 四(二)', task }),
    ]);
    expect(JSON.stringify(res.body.timeline)).not.toContain(userIds.policeA);

    const reads = await AuditEventModel.find({ childId, action: 'child_file.read', 'actor.id': userIds.street })
      .lean()
      .exec();
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ caseWorkflowId: caseId, reason: `case_work: case ${caseId}` });
  });

  it("keeps a sealed child's file out of a case view for anyone but the court", async () => {
    const { caseId } = seeded['0002']!;
    const coordinator = await as('civilAffairs', request(app).get(`/api/v1/cases/${caseId}`));
    expect(coordinator.status).toBe(200);
    expect(coordinator.body.child).toEqual({});
    const court = await as('court', request(app).get(`/api/v1/cases/${caseId}`));
    expect(court.body.child).toMatchObject({ name: '张小红', flags: { recordSealed: true } });
  });
});

describe("children's files", () => {
  it('finds files by name within my scope only, and every file returned is an audited read', async () => {
    const before = await AuditEventModel.countDocuments({
      action: 'child_file.read',
      'actor.id': userIds.civilAffairs,
    });
    const res = await as('civilAffairs', request(app).get(`/api/v1/children?q=${encodeURIComponent('张小')}`));
    expect(res.status).toBe(200);
    // 张小红 is sealed and 张小刚 lives in another district.
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(['张小明']);
    expect(await AuditEventModel.countDocuments({ action: 'child_file.read', 'actor.id': userIds.civilAffairs })).toBe(
      before + 1,
    );

    const police = await as('policeB', request(app).get(`/api/v1/children?q=${encodeURIComponent('张')}`));
    expect(police.body.items.map((c: { name: string }) => c.name)).toEqual(['张小刚']);
    const regex = await as('civilAffairs', request(app).get(`/api/v1/children?q=${encodeURIComponent('.*')}`));
    expect(regex.body.items).toEqual([]);
  });

  it('finds a file by its exact identity number through the keyed hash, within scope', async () => {
    const found = await as('civilAffairs', request(app).get(`/api/v1/children?q=${ID_NUMBER.toLowerCase()}`));
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([seeded['0001']!.childId.toHexString()]);
    expect(JSON.stringify(found.body)).not.toContain(ID_NUMBER);
    const outside = await as('policeB', request(app).get(`/api/v1/children?q=${ID_NUMBER}`));
    expect(outside.body.items).toEqual([]);
    const partial = await as('civilAffairs', request(app).get(`/api/v1/children?q=${ID_NUMBER.slice(0, 10)}`));
    expect(partial.body.items).toEqual([]);
  });

  it('shows a sealed juvenile record to court staff and answers 404 to civil affairs (FT 三(三)2(5))', async () => {
    const sealed = seeded['0002']!.childId.toHexString();
    const civil = await as('civilAffairs', request(app).get(`/api/v1/children/${sealed}`));
    expect(civil.status).toBe(404);
    const missing = await as(
      'civilAffairs',
      request(app).get(`/api/v1/children/${new Types.ObjectId().toHexString()}`),
    );
    expect({ ...civil.body, requestId: null }).toEqual({ ...missing.body, requestId: null });

    const court = await as('court', request(app).get(`/api/v1/children/${sealed}`));
    expect(court.status).toBe(200);
    expect(court.body).toMatchObject({ name: '张小红', flags: { recordSealed: true } });
    const reads = await AuditEventModel.find({ childId: seeded['0002']!.childId, 'actor.id': userIds.court })
      .lean()
      .exec();
    expect(reads).toContainEqual(
      expect.objectContaining({ action: 'child_file.read', reason: 'sealed_record: child file' }),
    );

    const courtSearch = await as('court', request(app).get(`/api/v1/children?q=${encodeURIComponent('张小红')}`));
    expect(courtSearch.body.items.map((c: { name: string }) => c.name)).toEqual(['张小红']);
  });

  it('answers 404 for a file outside my scope, 403 to reporters and 400 for a malformed id', async () => {
    const outside = await as('policeA', request(app).get(`/api/v1/children/${seeded['0003']!.childId.toHexString()}`));
    expect(outside.status).toBe(404);
    expect((await as('reporter', request(app).get('/api/v1/children?q=张'))).status).toBe(403);
    const bad = await as('civilAffairs', request(app).get('/api/v1/children/not-an-id'));
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields).toEqual([{ field: 'params.childId', message: 'must be a child id' }]);
  });
});
