/**
 * The district's oversight and reference routes through the HTTP stack on the real FerretDB: indicators computed
 * with the aggregation stages FerretDB v1 runs, the agency directory, policy packs, the audit trail within
 * jurisdiction, the Temporal UI's remote codec, and an OpenAPI document that covers every resource route.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { Types } from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { createApp } from '../../../api/app';
import { createAuditLogSink } from '../../../api/auth/audit';
import { createAuthenticate } from '../../../api/auth/authenticate';
import type { Role } from '../../../api/auth/roles';
import { createTokenService } from '../../../api/auth/tokens';
import { documentedRoutes } from '../../../api/http/api-router';
import { openApiPath } from '../../../api/openapi/document';
import { createAgencyRouter } from '../../../api/routes/agencies';
import { createAuditRouter } from '../../../api/routes/audit';
import { createCaseRouter } from '../../../api/routes/cases';
import { createChildRouter } from '../../../api/routes/children';
import { createCodecRouter } from '../../../api/routes/codec';
import { createIndicatorRouter } from '../../../api/routes/indicators';
import { createPolicyRouter } from '../../../api/routes/policies';
import { createTaskRouter } from '../../../api/routes/tasks';
import { EncryptionCodec, METADATA_SCOPE } from '../../../common/codec';
import { rootWorkflowId } from '../../../api/read-models/workflow-district';
import { AuditEventModel } from '../../../models/audit-event';
import { ensureIndexes } from '../../../models';
import { appendAudit } from '../../../models/audit-repository';
import { createChildRepository } from '../../../models/child-repository';
import { ReportModel } from '../../../models/report';
import { seedDirectory } from '../../../models/seed/directory';
import { createUserRepository, UserModel } from '../../../models/user';
import { listPolicyPacks } from '../../../policies';
import { connectTestDatabase } from '../../helpers/mongo';
import { escalation, hoursFromNow, projectCase, projectTask } from '../../helpers/projections';
import { testConfig } from '../../unit/api/test-config';
import type { TaskProjectionFields } from '../../../activities/projection';
import type { CaseStage } from '../../../contracts/enums';
import type { Clock } from '../../../workflows/definitions';

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CN = '310105';
const FT = '110106';
const UI = 'http://127.0.0.1:8233';

let drop: () => Promise<void>;
let app: Express;
let routers: Record<string, Router>;
const tokens: Record<string, string> = {};
const codec = new EncryptionCodec({ k1: randomBytes(32).toString('base64') }, 'k1');
const children = createChildRepository({ identityKeys: { encryptionKey: randomBytes(32), hmacKey: randomBytes(32) } });

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
  police: {
    role: 'agency_staff',
    agencyCode: 'cn.police.huayang',
    jurisdiction: { districtCode: CN, streetCode: 'huayang' },
  },
  admin: { role: 'administrator', agencyCode: 'cn.civil-affairs', jurisdiction: { districtCode: CN } },
  ftCoordinator: { role: 'district_coordinator', agencyCode: 'ft.civil-affairs', jurisdiction: { districtCode: FT } },
  reporter: { role: 'mandated_reporter', agencyCode: 'cn.school', jurisdiction: { districtCode: CN } },
};
const as = (who: keyof typeof PEOPLE, req: request.Test) => req.set('authorization', `Bearer ${tokens[who]}`);

const now = Date.now();
const caseIds: Record<string, string> = {};

/** A case as the case workflow projects it (test/helpers/projections.ts): the real activity and store. */
async function seedCase(
  key: string,
  districtCode: string,
  streetCode: string,
  stage: CaseStage,
  openedHoursAgo: number,
  nextDeadlineInHours: number,
  clocks: (workflowId: string) => Clock[] = () => [],
) {
  const workflowId = `case-${new Types.ObjectId().toHexString()}`;
  await projectCase(workflowId, {
    jurisdiction: { districtCode, streetCode },
    pack: PACK_OF[districtCode]!,
    stage,
    openedAt: hoursFromNow(-openedHoursAgo, now),
    nextDeadline: hoursFromNow(nextDeadlineInHours, now),
    clocks: clocks(workflowId),
  });
  caseIds[key] = workflowId;
  return workflowId;
}

const PACK_OF: Record<string, { id: string; version: string }> = {
  [CN]: { id: 'cn-changning', version: '1.0.0' },
  [FT]: { id: 'ft-fengtai', version: '1.0.0' },
};

let taskSeq = 0;
/** A task as its agency-task workflow projects it; the case's district decides the pack. */
async function seedTask(
  caseId: string,
  districtCode: string,
  agencyId: string,
  fields: Pick<TaskProjectionFields, 'kind'> & Partial<TaskProjectionFields>,
) {
  taskSeq += 1;
  const taskId = `${caseId}/task-${taskSeq}`;
  await projectTask(taskId, {
    ownerWorkflowId: caseId,
    agencyId,
    pack: PACK_OF[districtCode]!,
    createdAt: hoursFromNow(-1, now),
    acceptBy: hoursFromNow(1, now),
    completeBy: hoursFromNow(2, now),
    ...fields,
  });
  return taskId;
}

async function seedIndicatorData() {
  const a = await seedCase('a', CN, 'huayang', 'emergency_response', 50, -1, (id) => [
    {
      id: `${id}/task-1:accept`,
      label: 'accept',
      clause: 'CN 四(二)',
      startedAt: hoursFromNow(-1, now),
      firesAt: hoursFromNow(2, now),
    },
  ]);
  const b = await seedCase('b', CN, 'huayang', 'assessment', 30, 20, () => [
    {
      id: 'next_visit',
      label: 'visit',
      clause: 'CN 五(一)',
      startedAt: hoursFromNow(0, now),
      firesAt: hoursFromNow(30 * 24, now),
    },
  ]);
  await seedCase('c', CN, 'xinhua', 'assessment', 10, 100);
  const d = await seedCase('d', FT, 'youanmen', 'assessment', 10, -5);

  // Overdue: one police task not acknowledged in time, one street-office task past its completion deadline.
  await seedTask(a, CN, 'cn.police.huayang', {
    kind: 'police_response',
    acceptBy: hoursFromNow(-10 / 60, now),
    completeBy: hoursFromNow(1, now),
  });
  await seedTask(b, CN, 'cn.street.huayang', {
    kind: 'joint_assessment',
    status: 'accepted',
    createdAt: hoursFromNow(-3 * 24, now),
    acceptedAt: hoursFromNow(-2.5 * 24, now),
    acceptBy: hoursFromNow(-2 * 24, now),
    completeBy: hoursFromNow(-1, now),
  });
  await seedTask(d, FT, 'ft.police.youanmen', {
    kind: 'police_response',
    createdAt: hoursFromNow(-2, now),
    acceptBy: hoursFromNow(-1, now),
    completeBy: hoursFromNow(1, now),
  });
  // Police acknowledged after 10, 20 and 40 minutes: median 20.
  for (const minutes of [10, 20, 40]) {
    await seedTask(b, CN, 'cn.police.huayang', {
      kind: 'police_response',
      status: 'completed',
      createdAt: hoursFromNow(-5, now),
      acceptedAt: hoursFromNow(-5 + minutes / 60, now),
      acceptBy: hoursFromNow(-4.5, now),
      completeBy: hoursFromNow(-1, now),
      closedAt: hoursFromNow(-2, now),
    });
  }
  // Joint assessments completed 24 h and 48 h after their cases opened: median 36.
  const assessed = (hoursAgo: number) => ({
    kind: 'joint_assessment' as const,
    status: 'completed' as const,
    createdAt: hoursFromNow(-hoursAgo - 2, now),
    acceptedAt: hoursFromNow(-hoursAgo - 1, now),
    acceptBy: hoursFromNow(-hoursAgo - 1, now),
    completeBy: hoursFromNow(-hoursAgo, now),
    closedAt: hoursFromNow(-hoursAgo, now),
  });
  await seedTask(a, CN, 'cn.street.huayang', assessed(26));
  await seedTask(d, FT, 'ft.street.youanmen', assessed(0));
  const e = await seedCase('e', CN, 'xinhua', 'monitoring', 60, 200);
  await seedTask(e, CN, 'cn.street.xinhua', assessed(12));
  // One escalation this week, one older, on a police task never acknowledged: the case withdrew it (guardian found).
  taskSeq += 1;
  const escalated = `${a}/task-${taskSeq}`;
  await projectTask(escalated, {
    ownerWorkflowId: a,
    kind: 'police_response',
    agencyId: 'cn.police.huayang',
    pack: PACK_OF[CN]!,
    status: 'withdrawn',
    withdrawalReason: 'guardian_found',
    createdAt: hoursFromNow(-11 * 24, now),
    acceptBy: hoursFromNow(-10 * 24 - 1, now),
    completeBy: hoursFromNow(-1, now),
    closedAt: hoursFromNow(-2, now),
    escalations: [
      escalation(escalated, 'police_response', {
        phase: 'accept',
        notify: 'agency_supervisor',
        clause: 'CN 四(二)',
        at: hoursFromNow(-24, now),
        rung: 2,
      }),
      escalation(escalated, 'police_response', {
        phase: 'accept',
        notify: 'assignee',
        clause: 'CN 四(二)',
        at: hoursFromNow(-10 * 24, now),
      }),
    ],
  });

  const report = (districtCode: string, type: string) => ({
    receiptNumber: randomUUID(),
    reporter: { name: '教师' },
    reportingUnit: { type },
    concernTypes: ['living_alone'],
    discoveredAt: new Date(now - HOUR),
    reportedAt: new Date(now),
    place: { districtCode },
    account: '独自在家',
  });
  await ReportModel.create([report(CN, 'school'), report(CN, 'school'), report(CN, 'hospital'), report(FT, 'school')]);
}

beforeAll(async () => {
  drop = await connectTestDatabase('api_oversight');
  await ensureIndexes();
  await UserModel.init();
  await seedDirectory();
  const config = testConfig({ TEMPORAL_UI_URL: UI });
  const users = createUserRepository();
  const tokenService = createTokenService({ secret: config.AUTH_TOKEN_SECRET, ttlMinutes: 60 });
  for (const [key, person] of Object.entries(PEOPLE)) {
    const user = await users.create({
      ...person,
      email: `${key}@oversight.test`,
      displayName: key,
      passwordHash: 'unused',
    });
    tokens[key] = tokenService.issue({ userId: String(user._id), tokenVersion: 0 }).token;
  }
  const authenticate = createAuthenticate({ tokens: tokenService, users });
  const audit = createAuditLogSink();
  // Never called here: the routers below that need Temporal are mounted only for the OpenAPI check.
  const temporal = new Client();
  routers = {
    '/tasks': createTaskRouter({ temporal, authenticate, audit, attachments: { exists: async () => false } }),
    '/cases': createCaseRouter({ temporal, authenticate, audit }),
    '/children': createChildRouter({ children, authenticate, audit }),
    '/agencies': createAgencyRouter({ authenticate }),
    '/policies': createPolicyRouter({ authenticate }),
    '/indicators': createIndicatorRouter({ authenticate, now: () => new Date(now) }),
    '/audit': createAuditRouter({ authenticate, audit }),
    '/codec': createCodecRouter({
      codec,
      authenticate,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      districtOf: async (workflowId) => ({ 'case-cn1': CN, 'case-ft1': FT })[rootWorkflowId(workflowId)] ?? null,
      audit,
    }),
  };
  app = createApp({
    config,
    logger: pino({ level: process.env.DEBUG_API ? 'error' : 'silent' }),
    readiness: { temporal: async () => true, database: async () => true },
    routers,
  });
  await seedIndicatorData();
});

afterAll(() => drop());

describe('indicators', () => {
  it("computes my district's indicators from the projection, leaving other districts out", async () => {
    const res = await as('civilAffairs', request(app).get('/api/v1/indicators'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      districtCode: CN,
      casesByStage: { emergency_response: 1, assessment: 2, monitoring: 1 },
      reportsBySourceType: { school: 2, hospital: 1 },
      medianMinutesToPoliceAck: 20,
      medianHoursToAssessment: 36,
      escalationsThisWeek: 1,
    });
    expect(res.body.overdueByAgency).toEqual([
      { agencyCode: 'cn.police.huayang', name: { zh: expect.any(String), en: expect.any(String) }, count: 1 },
      { agencyCode: 'cn.street.huayang', name: { zh: expect.any(String), en: expect.any(String) }, count: 1 },
    ]);
    expect(res.body.perStreet).toEqual([
      {
        streetCode: 'huayang',
        name: expect.objectContaining({ zh: expect.stringContaining('华阳') }),
        cases: 2,
        overdue: 1,
      },
      {
        streetCode: 'xinhua',
        name: expect.objectContaining({ zh: expect.stringContaining('新华') }),
        cases: 2,
        overdue: 0,
      },
    ]);
    expect(res.body.clocksEndingSoon).toEqual([
      {
        caseId: caseIds.a,
        clockId: `${caseIds.a}/task-1:accept`,
        label: 'accept',
        clause: 'CN 四(二)',
        firesAt: new Date(now + 2 * HOUR).toISOString(),
      },
    ]);
  });

  it("refuses another district's indicators and anyone who is not a coordinator or oversight", async () => {
    expect((await as('civilAffairs', request(app).get(`/api/v1/indicators?districtCode=${FT}`))).status).toBe(403);
    expect((await as('police', request(app).get('/api/v1/indicators'))).status).toBe(403);
    const ft = await as('ftCoordinator', request(app).get('/api/v1/indicators'));
    expect(ft.body).toMatchObject({
      districtCode: FT,
      casesByStage: { assessment: 1 },
      reportsBySourceType: { school: 1 },
    });
  });
});

describe('the agency directory and policy packs', () => {
  it('lists agencies by district and type, without their contacts', async () => {
    const res = await as('reporter', request(app).get(`/api/v1/agencies?districtCode=${CN}&type=police_station`));
    expect(res.status).toBe(200);
    const codes = (res.body.items as { code: string }[]).map((a) => a.code);
    expect(codes).toContain('cn.police.huayang');
    expect(codes.every((c) => c.startsWith('cn.police.'))).toBe(true);
    expect(res.body.items[0]).not.toHaveProperty('contacts');
    const bad = await as('reporter', request(app).get('/api/v1/agencies?type=bank'));
    expect(bad.status).toBe(400);
  });

  it('lists every pack with its concern types and serves one whole pack', async () => {
    const list = await as('reporter', request(app).get('/api/v1/policies'));
    expect(list.status).toBe(200);
    expect(list.body.map((p: { id: string }) => p.id)).toEqual(listPolicyPacks().map((p) => p.id));
    expect(list.body[0]).toMatchObject({ id: 'cn-changning', district: { code: CN }, concernTypes: expect.any(Array) });
    const pack = await as('reporter', request(app).get('/api/v1/policies/ft-fengtai'));
    expect(pack.body).toMatchObject({
      id: 'ft-fengtai',
      taskKinds: expect.any(Object),
      escalationLadders: expect.any(Object),
    });
    expect((await as('reporter', request(app).get('/api/v1/policies/nowhere'))).status).toBe(404);
    expect((await as('reporter', request(app).get('/api/v1/policies/cn-changning?version=0.1'))).status).toBe(404);
  });
});

describe('the audit trail', () => {
  it('shows a coordinator the trail of a case and its tasks in their jurisdiction, newest first, and records the look', async () => {
    const caseId = caseIds.a!;
    await appendAudit({
      actor: { kind: 'workflow', id: caseId },
      action: 'task_created',
      caseWorkflowId: `${caseId}/task-1`,
      at: new Date(now - HOUR),
    });
    await appendAudit({
      actor: { kind: 'user', id: 'u1' },
      action: 'child_file.read',
      caseWorkflowId: caseId,
      at: new Date(now - MINUTE),
      reason: 'case_work: case',
    });
    const res = await as('street', request(app).get(`/api/v1/audit?caseId=${caseId}`));
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['child_file.read', 'task_created']);
    const again = await as('admin', request(app).get(`/api/v1/audit?caseId=${caseId}`));
    expect(again.body.items[0]).toMatchObject({ action: 'audit.read', caseId });
  });

  it("finds a child's trail and answers 404 outside the jurisdiction", async () => {
    const { child } = await children.findOrCreateChildFile({
      provisionalKey: randomUUID(),
      name: '小芳',
      districtCode: CN,
      residence: { districtCode: CN, streetCode: 'xinhua' },
    });
    await appendAudit({ actor: { kind: 'user', id: 'u2' }, action: 'child_file.read', childId: child._id });
    const mine = await as('civilAffairs', request(app).get(`/api/v1/audit?childId=${child._id.toHexString()}`));
    expect(mine.body.items.map((e: { action: string }) => e.action)).toEqual(['child_file.read']);
    expect((await as('street', request(app).get(`/api/v1/audit?childId=${child._id.toHexString()}`))).status).toBe(404);
    expect((await as('ftCoordinator', request(app).get(`/api/v1/audit?caseId=${caseIds.a}`))).status).toBe(404);
    expect((await as('police', request(app).get(`/api/v1/audit?caseId=${caseIds.a}`))).status).toBe(403);
    const neither = await as('civilAffairs', request(app).get('/api/v1/audit'));
    expect(neither.status).toBe(400);
  });
});

describe('the Temporal UI codec', () => {
  const wire = (p: Payload) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
    ),
    data: Buffer.from(p.data!).toString('base64'),
  });
  const plain = defaultPayloadConverter.toPayload({ childName: '小明' });
  const scoped = async (workflowId: string) =>
    (await codec.encode([plain], { type: 'workflow', namespace: 'default', workflowId }))[0]!;
  const decode = (who: keyof typeof PEOPLE, payloads: Payload[]) =>
    as(who, request(app).post('/api/v1/codec/decode'))
      .set('origin', UI)
      .send({ payloads: payloads.map(wire) });

  it("decodes payloads of my district's workflows for a district coordinator, in the remote codec format, and audits it", async () => {
    const res = await decode('civilAffairs', [
      await scoped('case-cn1'),
      await scoped('case-cn1/task-1-police_response'),
    ]);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(res.body.payloads).toEqual([wire(plain), wire(plain)]);
    const audited = await AuditEventModel.find({
      action: 'temporal_payload.decoded',
      caseWorkflowId: 'case-cn1',
    }).lean();
    expect(audited.length).toBe(2);
    expect(audited.map((a) => a.reason).sort()).toEqual([
      '1 payload(s) of case-cn1 via the Temporal UI codec',
      '1 payload(s) of case-cn1/task-1-police_response via the Temporal UI codec',
    ]);
    // A payload the codec did not encrypt passes through unchanged and needs no scope.
    expect((await decode('civilAffairs', [plain])).body.payloads).toEqual([wire(plain)]);

    const encoded = await as('civilAffairs', request(app).post('/api/v1/codec/encode')).send({
      payloads: [wire(plain)],
    });
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  });

  it('refuses (403) another district, administrators, other roles and payloads without a scope, decrypting nothing, and audits the refusal', async () => {
    const fengtai = await scoped('case-ft1/task-2-police_response');
    const crossDistrict = await decode('civilAffairs', [await scoped('case-cn1'), fengtai]);
    expect(crossDistrict.status).toBe(403);
    expect(JSON.stringify(crossDistrict.body)).not.toContain('小明');
    expect(
      await AuditEventModel.countDocuments({ action: 'temporal_payload.decode_refused', caseWorkflowId: 'case-ft1' }),
    ).toBe(1);
    expect((await decode('ftCoordinator', [await scoped('case-cn1')])).status).toBe(403);
    expect((await decode('ftCoordinator', [fengtai])).status).toBe(200);
    // Administrators run the system and see no child data, whatever the district.
    expect((await decode('admin', [await scoped('case-cn1')])).status).toBe(403);
    expect((await as('admin', request(app).post('/api/v1/codec/encode')).send({ payloads: [] })).status).toBe(403);
    expect((await decode('police', [])).status).toBe(403);
    expect((await decode('street', [await scoped('case-cn1')])).status).toBe(403);
    // Unscoped (written before scopes, or stripped) and unknown workflows: no verifiable scope, no decode.
    const [unscoped] = await codec.encode([plain]);
    expect((await decode('civilAffairs', [unscoped!])).status).toBe(403);
    expect((await decode('civilAffairs', [await scoped('case-unknown')])).status).toBe(403);
  });

  it('refuses a payload whose scope was relabelled to my district: the scope is authenticated', async () => {
    const fengtai = await scoped('case-ft1');
    const relabelled = { ...fengtai, metadata: { ...fengtai.metadata, [METADATA_SCOPE]: Buffer.from('case-cn1') } };
    const res = await decode('civilAffairs', [relabelled]);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain('小明');
  });

  it("answers the Temporal UI's preflight, and refuses other origins' CORS and undecodable payloads", async () => {
    const preflight = await request(app).options('/api/v1/codec/decode').set('origin', UI);
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('X-Namespace');
    const elsewhere = await as('civilAffairs', request(app).post('/api/v1/codec/decode'))
      .set('origin', 'http://evil.example')
      .send({ payloads: [] });
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
    const tampered = await as('civilAffairs', request(app).post('/api/v1/codec/decode')).send({
      payloads: [
        {
          metadata: {
            encoding: Buffer.from('binary/encrypted').toString('base64'),
            'encryption-key-id': Buffer.from('k1').toString('base64'),
            [METADATA_SCOPE]: Buffer.from('case-cn1').toString('base64'),
          },
          data: randomBytes(40).toString('base64'),
        },
      ],
    });
    expect(tampered.status).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  it('documents every route of every resource router, with the roles it admits', async () => {
    const res = await request(app).get('/api/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, { 'x-roles'?: string[] }>>;
    const declared = Object.entries(routers).flatMap(([mount, router]) =>
      documentedRoutes(router).map((r) => `${r.method.toUpperCase()} ${openApiPath(mount, r.path)}`),
    );
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(declared.sort());
    expect(declared).toEqual(
      expect.arrayContaining([
        'GET /api/v1/tasks',
        'GET /api/v1/tasks/{taskId}',
        'POST /api/v1/tasks/{taskId}/accept',
        'POST /api/v1/tasks/{taskId}/complete',
        'POST /api/v1/tasks/{taskId}/decline',
        'GET /api/v1/cases',
        'GET /api/v1/cases/{caseId}',
        'GET /api/v1/children',
        'GET /api/v1/children/{childId}',
        'GET /api/v1/agencies',
        'GET /api/v1/policies',
        'GET /api/v1/policies/{id}',
        'GET /api/v1/indicators',
        'GET /api/v1/audit',
        'POST /api/v1/codec/decode',
        'POST /api/v1/codec/encode',
      ]),
    );
    expect(paths['/api/v1/cases/{caseId}']!.get!['x-roles']).not.toContain('mandated_reporter');
  });
});
