/**
 * The task routes through the HTTP stack on the real FerretDB and the real Temporal dev server: the inbox and the
 * task view read the projection (seeded here as the projection activities write it), the commands go to a running
 * agencyTaskWorkflow served by a worker started in this file with fake notification activities and projection
 * activities that write the real read model.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import mongoose, { Types } from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createProjectionActivities, createNotificationActivities } from '../../../activities';
import { createApp } from '../../../api/app';
import { createAuditLogSink } from '../../../api/auth/audit';
import { createAuthenticate } from '../../../api/auth/authenticate';
import type { Role } from '../../../api/auth/roles';
import { createTokenService } from '../../../api/auth/tokens';
import { createCaseRouter } from '../../../api/routes/cases';
import { createTaskRouter } from '../../../api/routes/tasks';
import { createAttachmentStore } from '../../../models/attachment-repository';
import { AuditEventModel } from '../../../models/audit-event';
import { createChildRepository } from '../../../models/child-repository';
import { ensureIndexes } from '../../../models';
import { createMongoProjectionStore } from '../../../activities/stores/projection-store';
import { TaskModel } from '../../../models/task';
import { createUserRepository, UserModel } from '../../../models/user';
import { loadPolicyPack } from '../../../policies';
import type { agencyTaskWorkflow } from '../../../workflows/agency-task.workflow';
import { taskWorkflowId, type AgencyTaskInput, type TaskKind, type TaskStatus } from '../../../workflows/definitions';
import { eventually } from '../../helpers/eventually';
import { connectTestDatabase } from '../../helpers/mongo';
import { hoursFromNow, projectCase, projectTask } from '../../helpers/projections';
import { connectDevServer, devServerAddress } from '../../helpers/temporal';
import { testConfig } from '../../unit/api/test-config';
import { workflowBundleOptions } from '../../../workers/workflow-bundle';

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

const PACK = loadPolicyPack('cn-changning');
const POLICE_A = 'cn.police.huayang';
const STREET_A = 'cn.street.huayang';
const POLICE_B = 'ft.police.youanmen';

let drop: () => Promise<void>;
let app: Express;
/** Attachments of the cases, encrypted under a key of this file's own (the evidence of an outcome may cite them). */
const attachments = createAttachmentStore({ key: randomBytes(32) });
let client: Client;
let connection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let workerRun: Promise<void>;
const taskQueue = `api-tasks-${randomUUID()}`;
const started: string[] = [];
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};
const children = createChildRepository({
  identityKeys: { encryptionKey: randomBytes(32), hmacKey: randomBytes(32) },
});

const PEOPLE: Record<
  string,
  { role: Role; agencyCode: string; jurisdiction: { districtCode: string; streetCode?: string } }
> = {
  policeA: {
    role: 'agency_staff',
    agencyCode: POLICE_A,
    jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
  },
  streetA: {
    role: 'street_coordinator',
    agencyCode: STREET_A,
    jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
  },
  districtA: { role: 'district_coordinator', agencyCode: 'cn.civil-affairs', jurisdiction: { districtCode: '310105' } },
  policeB: {
    role: 'agency_staff',
    agencyCode: POLICE_B,
    jurisdiction: { districtCode: '110106', streetCode: 'youanmen' },
  },
  reporter: { role: 'mandated_reporter', agencyCode: 'cn.school', jurisdiction: { districtCode: '310105' } },
};

const as = (who: keyof typeof PEOPLE, req: request.Test) => req.set('authorization', `Bearer ${tokens[who]}`);
const taskPath = (taskId: string, suffix = '') => `/api/v1/tasks/${encodeURIComponent(taskId)}${suffix}`;

/** The worker's own projection store (activities/stores/projection-store.ts): the rows the API reads are the ones production writes. */
const projection = createProjectionActivities({ cases: createMongoProjectionStore() });
const notifications = createNotificationActivities({ notifier: { send: async () => undefined } });

beforeAll(async () => {
  drop = await connectTestDatabase('api_tasks');
  await ensureIndexes();
  await UserModel.init();
  const config = testConfig();
  const users = createUserRepository();
  const tokenService = createTokenService({ secret: config.AUTH_TOKEN_SECRET, ttlMinutes: 60 });
  for (const [key, person] of Object.entries(PEOPLE)) {
    const user = await users.create({
      ...person,
      email: `${key}-${randomUUID().slice(0, 6)}@test.childsafe.local`,
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
      '/tasks': createTaskRouter({ temporal: client, authenticate, audit, attachments }),
      '/cases': createCaseRouter({ temporal: client, authenticate, audit }),
    },
  });
  workerConnection = await NativeConnection.connect({ address: devServerAddress() });
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: require.resolve('../../../workflows'),
    bundlerOptions: workflowBundleOptions,
    activities: { ...projection, ...notifications },
  });
  workerRun = worker.run();
});

afterAll(async () => {
  for (const id of started)
    await client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  worker?.shutdown();
  await workerRun?.catch(() => undefined);
  await workerConnection?.close();
  await connection?.close();
  await drop();
});

/** A case as the case workflow projects it, through the real projection activity (test/helpers/projections.ts). */
async function seedCase(
  overrides: { agencyCodes?: string[]; childId?: Types.ObjectId; districtCode?: string; streetCode?: string } = {},
) {
  const caseId = `case-${new Types.ObjectId().toHexString()}`;
  await projectCase(caseId, {
    ...(overrides.childId ? { childId: overrides.childId.toHexString() } : {}),
    jurisdiction: { districtCode: overrides.districtCode ?? '310105', streetCode: overrides.streetCode ?? 'huayang' },
    stage: 'emergency_response',
    pack: { id: PACK.id, version: PACK.version },
    agencyCodes: overrides.agencyCodes ?? [POLICE_A],
  });
  return caseId;
}

/** A task as its agency-task workflow projects it, opened an hour ago, through the real projection activity. */
async function seedTask(
  caseId: string,
  kind: TaskKind,
  agencyId: string,
  due: { acceptInHours: number; completeInHours: number; status?: TaskStatus },
  extra: { collaboratingAgencyIds?: string[]; concerns?: string[] } = {},
) {
  const taskId = taskWorkflowId(caseId, kind, Math.floor(Math.random() * 1e6));
  const status = due.status ?? 'notified';
  await projectTask(taskId, {
    ownerWorkflowId: caseId,
    kind,
    agencyId,
    status,
    createdAt: hoursFromNow(-1),
    acceptBy: hoursFromNow(due.acceptInHours),
    completeBy: hoursFromNow(due.completeInHours),
    ...(status === 'completed' ? { acceptedAt: hoursFromNow(-0.5), closedAt: hoursFromNow(-0.25) } : {}),
    pack: { id: PACK.id, version: PACK.version },
    ...extra,
  });
  return taskId;
}

async function newChild(options: { sealed?: boolean } = {}) {
  const { child } = await children.findOrCreateChildFile({
    provisionalKey: randomUUID(),
    name: '小明',
    sex: 'male',
    dateOfBirth: new Date('2016-03-01T00:00:00Z'),
    districtCode: '310105',
    residence: { districtCode: '310105', streetCode: 'huayang', address: '华阳路 1 号' },
    guardians: [{ name: '王芳', relation: 'grandparent', phone: '13800000000', status: 'able' }],
    school: { name: '华阳路小学' },
  });
  if (options.sealed) {
    await mongoose.connection
      .collection('children')
      .updateOne({ _id: child._id }, { $set: { 'flags.recordSealed': true } });
  }
  return child;
}

async function startPoliceTask(caseId: string, concerns = ['living_alone']): Promise<string> {
  const taskId = taskWorkflowId(caseId, 'police_response', 1);
  const input: AgencyTaskInput = {
    taskId,
    ownerWorkflowId: caseId,
    reportToOwner: false,
    kind: 'police_response',
    agencyId: POLICE_A,
    collaboratingAgencyIds: [],
    concerns,
    createdAt: new Date().toISOString(),
    rule: PACK.taskKinds.police_response!,
    ladder: PACK.escalationLadders.emergency!,
    pack: { id: PACK.id, version: PACK.version },
  };
  await client.workflow.start<typeof agencyTaskWorkflow>('agencyTaskWorkflow', {
    workflowId: taskId,
    taskQueue,
    args: [input],
  });
  started.push(taskId);
  // The workflow's first projection write makes the task visible to the API.
  await eventually(async () => {
    if (!(await TaskModel.exists({ taskId }))) throw new Error(`task ${taskId} not projected yet`);
  });
  return taskId;
}

const policeOutcome = (concern: string, response: Record<string, unknown>) => ({
  kind: 'police_response',
  dispatchedAt: new Date().toISOString(),
  responses: [{ concern, ...response }],
  custody: { kind: 'remains_with_guardian' },
});

describe('the task inbox', () => {
  it("lists my agency's tasks and the tasks shared with it, overdue first, and none of another agency's", async () => {
    const caseId = await seedCase({ agencyCodes: [POLICE_A, STREET_A, POLICE_B] });
    const later = await seedTask(caseId, 'police_response', POLICE_A, { acceptInHours: 5, completeInHours: 9 });
    const overdue = await seedTask(caseId, 'police_response', POLICE_A, { acceptInHours: -1, completeInHours: 3 });
    const shared = await seedTask(
      caseId,
      'joint_assessment',
      STREET_A,
      { acceptInHours: 2, completeInHours: 48 },
      {
        collaboratingAgencyIds: [POLICE_A],
      },
    );
    const foreign = await seedTask(caseId, 'police_response', POLICE_B, { acceptInHours: -2, completeInHours: 3 });

    const res = await as('policeA', request(app).get('/api/v1/tasks'));
    expect(res.status).toBe(200);
    const ids = (res.body.items as { taskId: string }[]).map((t) => t.taskId);
    expect(ids).toEqual([overdue, shared, later]);
    expect(ids).not.toContain(foreign);
    expect(res.body.items[0]).toEqual({
      taskId: overdue,
      caseId,
      kind: 'police_response',
      label: PACK.taskKinds.police_response!.label,
      status: 'notified',
      agencyCode: POLICE_A,
      acceptBy: expect.any(String),
      completeBy: expect.any(String),
      overdue: true,
      clause: 'CN 四(二)',
    });
    expect(res.body.items[1].overdue).toBe(false);
  });

  it('filters open and closed tasks and refuses an unknown filter naming it', async () => {
    const caseId = await seedCase();
    const done = await seedTask(caseId, 'police_response', POLICE_A, {
      acceptInHours: -5,
      completeInHours: -1,
      status: 'completed',
    });
    const closed = await as('policeA', request(app).get('/api/v1/tasks?status=closed'));
    expect((closed.body.items as { taskId: string; overdue: boolean }[]).find((t) => t.taskId === done)).toMatchObject({
      status: 'completed',
      overdue: false,
    });
    const open = await as('policeA', request(app).get('/api/v1/tasks?status=open'));
    expect((open.body.items as { taskId: string }[]).map((t) => t.taskId)).not.toContain(done);
    const bad = await as('policeA', request(app).get('/api/v1/tasks?status=all&sort=1'));
    expect(bad.status).toBe(400);
    expect((bad.body.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'query.sort',
      'query.status',
    ]);
  });

  it('is closed to mandated reporters and to anyone without a session', async () => {
    expect((await as('reporter', request(app).get('/api/v1/tasks'))).status).toBe(403);
    expect((await request(app).get('/api/v1/tasks')).status).toBe(401);
  });
});

describe('one task', () => {
  it("answers agency B's request for agency A's task with the same 404 as for a task that does not exist", async () => {
    const caseId = await seedCase();
    const taskId = await seedTask(caseId, 'police_response', POLICE_A, { acceptInHours: 1, completeInHours: 4 });
    const theirs = await as('policeB', request(app).get(taskPath(taskId)));
    const missing = await as('policeB', request(app).get(taskPath(`${caseId}/task-999-police_response`)));
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(theirs.body)).toEqual(strip(missing.body));
    expect(JSON.stringify(theirs.body)).not.toContain(caseId);
  });

  it("shows the police the policy and only the child's approximate age, sex, place and concerns, and audits the read", async () => {
    const child = await newChild();
    const caseId = await seedCase({ childId: child._id });
    const taskId = await seedTask(
      caseId,
      'police_response',
      POLICE_A,
      { acceptInHours: 1, completeInHours: 4 },
      {
        concerns: ['living_alone'],
      },
    );
    const res = await as('policeA', request(app).get(taskPath(taskId)));
    expect(res.status).toBe(200);
    expect(res.body.policy).toMatchObject({ clause: 'CN 四(二)', label: PACK.taskKinds.police_response!.label });
    const livingAlone = PACK.concernTypes.find((c) => c.code === 'living_alone')!;
    expect(res.body.policy.text.zh).toContain(livingAlone.policeAction.zh);
    expect(res.body.policy.text.en).toContain('Acknowledge the report: within PT15M (CN 四(二))');
    expect(res.body.task).toMatchObject({
      taskId,
      caseId,
      status: 'notified',
      concerns: ['living_alone'],
      live: false,
    });
    // Issue 12: the police look for a child by the name and school as reported; never the identity number.
    expect(Object.keys(res.body.child).sort()).toEqual(
      expect.arrayContaining(['address', 'approximateAge', 'concerns', 'name', 'place', 'sex']),
    );
    expect(
      Object.keys(res.body.child).every((k) =>
        ['school', 'address', 'approximateAge', 'concerns', 'name', 'place', 'sex'].includes(k),
      ),
    ).toBe(true);
    expect(res.body.child).toMatchObject({ sex: 'male', address: '华阳路 1 号', concerns: ['living_alone'] });
    expect(res.body.child.name).toContain('小明');
    expect(res.body.child).not.toHaveProperty('idNumber');
    expect(res.body.reports).toEqual(expect.any(Array));

    const reads = await AuditEventModel.find({ childId: child._id, action: 'child_file.read' }).lean().exec();
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      actor: { kind: 'user', id: userIds.policeA },
      caseWorkflowId: caseId,
      reason: `case_work: task ${taskId}`,
    });
  });

  it('shows the street office more of the file for a joint assessment', async () => {
    const child = await newChild();
    const caseId = await seedCase({ childId: child._id, agencyCodes: [POLICE_A, STREET_A] });
    const taskId = await seedTask(caseId, 'joint_assessment', STREET_A, { acceptInHours: 24, completeInHours: 72 });
    const res = await as('streetA', request(app).get(taskPath(taskId)));
    expect(res.status).toBe(200);
    expect(res.body.child).toMatchObject({
      name: '小明',
      school: '华阳路小学',
      guardians: [{ name: '王芳', relation: 'grandparent', status: 'able', phone: '13800000000' }],
    });
    expect(res.body.child).not.toHaveProperty('idNumber');
  });

  it("keeps a sealed child's file out of the task view for the police", async () => {
    const child = await newChild({ sealed: true });
    const caseId = await seedCase({ childId: child._id });
    const taskId = await seedTask(
      caseId,
      'police_response',
      POLICE_A,
      { acceptInHours: 1, completeInHours: 4 },
      {
        concerns: ['missing'],
      },
    );
    const res = await as('policeA', request(app).get(taskPath(taskId)));
    expect(res.status).toBe(200);
    expect(res.body.child).toEqual({ concerns: ['missing'] });
    expect(await AuditEventModel.countDocuments({ childId: child._id })).toBe(0);
  });
});

describe('task commands on the running task workflow', () => {
  it('accepts a task through the workflow, shows it live, and answers 409 when it is accepted again', async () => {
    const caseId = await seedCase();
    const taskId = await startPoliceTask(caseId);
    const accepted = await as('policeA', request(app).post(taskPath(taskId, '/accept')).send({}));
    expect(accepted.status).toBe(200);
    expect(accepted.body.task).toMatchObject({
      taskId,
      caseId,
      status: 'accepted',
      agencyCode: POLICE_A,
      overdue: false,
    });

    const view = await as('policeA', request(app).get(taskPath(taskId)));
    expect(view.body.task).toMatchObject({ status: 'accepted', live: true, acceptedAt: expect.any(String) });

    const again = await as('policeA', request(app).post(taskPath(taskId, '/accept')));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'CONFLICT', message: `task ${taskId} is already accepted` });
  });

  it('answers 409 when a task is completed before it is accepted', async () => {
    const taskId = await startPoliceTask(await seedCase());
    const res = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: policeOutcome('living_alone', { response: 'guardian_recalled', measure: 'parents_ordered_to_return' }),
    });
    expect(res.status).toBe(409);
    expect(res.body.details).toEqual({ rejection: 'TaskNotAccepted' });
  });

  it("refuses an outcome that leaves a concern unanswered with 422 and the workflow's reason, then completes a good one", async () => {
    const taskId = await startPoliceTask(await seedCase(), ['living_alone']);
    await as('policeA', request(app).post(taskPath(taskId, '/accept')));
    const wrong = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: policeOutcome('missing', {
        response: 'child_search',
        searchStartedAt: new Date().toISOString(),
        found: false,
      }),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({
      error: 'ILLEGAL_TRANSITION',
      message: 'concern "living_alone" has no recorded response',
      details: { rejection: 'ConcernNotAddressed' },
    });

    const kind = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: {
        kind: 'monitoring_visit',
        visitedAt: new Date().toISOString(),
        childSeen: true,
        guardianshipArrangementAdequate: true,
        newConcern: false,
      },
    });
    expect(kind.status).toBe(422);
    expect(kind.body.details).toEqual({ rejection: 'OutcomeKindMismatch' });

    const done = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: policeOutcome('living_alone', { response: 'guardian_recalled', measure: 'parents_ordered_to_return' }),
    });
    expect(done.status).toBe(200);
    expect(done.body.task.status).toBe('completed');
    const view = await as('policeA', request(app).get(taskPath(taskId)));
    expect(view.body.task.outcome).toMatchObject({
      kind: 'police_response',
      custody: { kind: 'remains_with_guardian' },
    });
  });

  it("accepts an outcome whose evidence is an attachment of the task's case; another case's is 400 naming the field", async () => {
    const caseId = await seedCase();
    const taskId = await startPoliceTask(caseId, ['living_alone']);
    await as('policeA', request(app).post(taskPath(taskId, '/accept'))).expect(200);
    const file = {
      name: 'photo.pdf',
      bytes: Buffer.from('%PDF-1.4\n%%EOF\n'),
      contentType: 'application/pdf' as const,
    };
    const own = await attachments.save({
      ...file,
      caseWorkflowId: caseId,
      uploadedBy: 'u',
      uploaderAgencyCode: POLICE_A,
    });
    const foreign = await attachments.save({
      ...file,
      caseWorkflowId: await seedCase(),
      uploadedBy: 'u',
      uploaderAgencyCode: POLICE_A,
    });
    const outcome = (evidenceRefs: string[]) => ({
      ...policeOutcome('living_alone', { response: 'guardian_recalled', measure: 'parents_ordered_to_return' }),
      evidenceRefs,
    });
    const refused = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: outcome(['JY-2026-1', `attachment:${foreign.id}`]),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details.fields).toEqual([
      { field: 'outcome.evidenceRefs.1', message: expect.stringContaining('not an attachment of this case') },
    ]);
    const done = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: outcome(['JY-2026-1', `attachment:${own.id}`]),
    });
    expect(done.status).toBe(200);
    const view = await as('policeA', request(app).get(taskPath(taskId)));
    expect(view.body.task.outcome.evidenceRefs).toEqual(['JY-2026-1', `attachment:${own.id}`]);
  });

  it('names every invalid outcome field in a 400 before the workflow sees it', async () => {
    const taskId = await startPoliceTask(await seedCase());
    const res = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: {
        kind: 'police_response',
        dispatchedAt: 'yesterday',
        responses: [],
        custody: { kind: 'remains_with_guardian' },
        extra: 1,
      },
    });
    expect(res.status).toBe(400);
    expect((res.body.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'outcome.dispatchedAt',
      'outcome.extra',
      'outcome.responses',
    ]);
  });

  it('declines with a reason, after which the task is closed to every command', async () => {
    const taskId = await startPoliceTask(await seedCase());
    const noReason = await as('policeA', request(app).post(taskPath(taskId, '/decline'))).send({ reason: '  ' });
    expect(noReason.status).toBe(400);
    const declined = await as('policeA', request(app).post(taskPath(taskId, '/decline'))).send({
      reason: '不属本所辖区',
      redirectToAgencyId: 'cn.police',
    });
    expect(declined.status).toBe(200);
    expect(declined.body.task.status).toBe('declined');
    const late = await as('policeA', request(app).post(taskPath(taskId, '/accept')));
    expect(late.status).toBe(409);
    expect(late.body.details).toEqual({ rejection: 'TaskClosed' });

    // Once the workflow has finished, the answer is the same.
    await client.workflow.getHandle(taskId).result();
    const finished = await as('policeA', request(app).post(taskPath(taskId, '/complete'))).send({
      outcome: policeOutcome('living_alone', { response: 'guardian_recalled', measure: 'parents_ordered_to_return' }),
    });
    expect(finished.status).toBe(409);
    expect(finished.body.details).toEqual({ rejection: 'TaskClosed' });
    const view = await as('policeA', request(app).get(taskPath(taskId)));
    expect(view.body.task).toMatchObject({
      status: 'declined',
      declineReason: '不属本所辖区',
      redirectToAgencyId: 'cn.police',
    });
  });

  it('answers 404 to another agency and 403 to a coordinator who can see the task but is not its agency', async () => {
    const taskId = await startPoliceTask(await seedCase());
    const other = await as('policeB', request(app).post(taskPath(taskId, '/accept')));
    expect(other.status).toBe(404);
    const coordinator = await as('districtA', request(app).post(taskPath(taskId, '/accept')));
    expect(coordinator.status).toBe(403);
    const view = await as('policeA', request(app).get(taskPath(taskId)));
    expect(view.body.task.status).toBe('notified');
  });
});
