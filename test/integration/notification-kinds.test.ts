/**
 * Issue #15 item 2, "Must show": every notification kind, through the directory notifier and the real delivery, on
 * FerretDB and the SMTP sink; for each, the email the sink received (its own text, Chinese and English) and the inbox
 * entry the recipient reads through GET /notifications (kind, escalation level, overdue flag). Also: overdue comes
 * from the deadline and the time the step was done (a task accepted 3 minutes after it opened is not late), levels
 * count from 1 as the task's ladder does, the street office's urgent-placement task reaches its coordinator's inbox,
 * the coordinators hear of findings, decisions and failures, and one entry or all can be marked read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEMO_PASSWORD, seedDemoUsers } from '../../api/auth/demo-users';
import { createNotificationDelivery } from '../../activities/notification-delivery';
import type { NotificationEvent } from '../../activities/notifications';
import { createDirectoryNotifier } from '../../activities/stores/notifier';
import { createMailTransport } from '../../common/mail';
import { ensureIndexes } from '../../models';
import { createNotificationRepository } from '../../models/notification';
import { seedDirectory } from '../../models/seed/directory';
import { CaseModel } from '../../models/case';
import { TaskModel } from '../../models/task';
import { readSinkMessages, startSmtpSink, type SinkMessage, type SmtpSink } from '../../scripts/services/smtp-sink';
import { connectTestDatabase } from '../helpers/mongo';
import { createTestApi } from './api/api-harness';

jest.setTimeout(90_000); // the real SMTP sink and FerretDB on a loaded machine, one delivery per kind

const STREET = 'street.huayang@changning.demo.childsafe.local';
const CIVIL = 'civil-affairs@changning.demo.childsafe.local';
const POLICE = 'police.huayang@changning.demo.childsafe.local';
const SUPERVISOR = 'supervisor.police.huayang@changning.demo.childsafe.local';
const FT_CIVIL = 'civil-affairs@fengtai.demo.childsafe.local';

let drop: () => Promise<void>;
let sink: SmtpSink;
let api: ReturnType<typeof createTestApi>;
const refuse = new Set<string>();
const tokens = new Map<string, string>();

beforeAll(async () => {
  drop = await connectTestDatabase('notice_kinds');
  await ensureIndexes();
  await seedDirectory();
  api = createTestApi();
  await seedDemoUsers(api.users, { environment: 'test' });
  sink = await startSmtpSink({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-kinds-')),
    rejectWith: (to) => (to.some((a) => refuse.has(a)) ? { code: 550, message: 'mailbox unavailable' } : undefined),
  });
});
afterAll(async () => {
  await sink.stop();
  await drop();
});

async function send(event: NotificationEvent, key = randomUUID()): Promise<void> {
  const transport = createMailTransport(sink.url);
  const delivery = createNotificationDelivery({
    transport,
    notifications: createNotificationRepository(),
    mailFrom: 'noreply@childsafe.local',
    publicUrl: 'http://127.0.0.1:3000',
  });
  try {
    await createDirectoryNotifier({ delivery }).send({ idempotencyKey: key, event });
  } finally {
    transport.close();
  }
}

async function token(email: string): Promise<string> {
  let known = tokens.get(email);
  if (!known) {
    const res = await request(api.app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200);
    known = res.body.token as string;
    tokens.set(email, known);
  }
  return known;
}

interface Entry {
  id: string;
  kind: string;
  subject: string;
  level: number | null;
  overdue: boolean;
  done: boolean;
  read: boolean;
  taskId?: string;
  caseId?: string;
}

/** The recipient's inbox entries about a task or case, read through the API as the web app reads them. */
async function inbox(email: string, about: string): Promise<Entry[]> {
  const res = await request(api.app)
    .get('/api/v1/notifications?limit=100')
    .set('authorization', `Bearer ${await token(email)}`)
    .expect(200);
  return (res.body.items as Entry[]).filter((e) => e.taskId === about || e.caseId === about);
}

/** Mail the sink received for `address` whose link names the task or case. */
const mail = (address: string, about: string): SinkMessage[] =>
  readSinkMessages(sink.dir).filter((m) => m.to.includes(address) && m.text.includes(encodeURIComponent(about)));

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);
const caseIdOf = () => `case-${randomUUID()}`;

describe('each notification kind has its own text, level and overdue flag, in the inbox and the email', () => {
  it('task_created: the street office’s 30-minute urgent-placement task reaches its coordinator’s inbox and mailbox; done 3 minutes after it opened, it is not overdue once the deadline has passed', async () => {
    const caseId = caseIdOf();
    const onTime = `${caseId}/task-2-urgent_placement`;
    const late = `${caseId}/task-3-urgent_placement`;
    const openedAt = minutesFromNow(-40);
    const acceptBy = minutesFromNow(-10);
    const threeMinutesIn = new Date(openedAt.getTime() + 3 * 60_000);
    await TaskModel.create([
      {
        taskId: onTime,
        caseWorkflowId: caseId,
        kind: 'urgent_placement',
        agencyCode: 'cn.street.huayang',
        status: 'completed',
        openedAt,
        acceptDueAt: acceptBy,
        completeDueAt: acceptBy,
        acceptedAt: threeMinutesIn,
        completedAt: threeMinutesIn,
      },
      {
        taskId: late,
        caseWorkflowId: caseId,
        kind: 'urgent_placement',
        agencyCode: 'cn.street.huayang',
        status: 'open',
        openedAt,
        acceptDueAt: acceptBy,
        completeDueAt: acceptBy,
      },
    ]);
    for (const taskId of [onTime, late]) {
      await send({
        type: 'task_assigned',
        taskId,
        kind: 'urgent_placement',
        agencyId: 'cn.street.huayang',
        acceptBy: acceptBy.toISOString(),
        completeBy: acceptBy.toISOString(),
      });
    }
    const [email] = mail(STREET, onTime);
    expect(email?.subject).toContain('新任务：紧急安置于临时监护照料机构');
    expect(email?.subject).toContain('New task: Urgent placement');
    expect(email?.text).toContain('办理期限');
    expect(await inbox(STREET, onTime)).toEqual([
      expect.objectContaining({ kind: 'task_created', level: null, overdue: false, done: true, read: false }),
    ]);
    expect(await inbox(STREET, late)).toEqual([
      expect.objectContaining({ kind: 'task_created', level: null, overdue: true, done: false }),
    ]);
  });

  it('task_reminder: a placement’s reminder before its cap says it is not overdue, in the email and the inbox', async () => {
    const placementId = `${caseIdOf()}/placement-1-long_term`;
    const cap = minutesFromNow(7 * 24 * 60);
    await send({
      type: 'task_escalated',
      taskId: placementId,
      kind: 'long_term_placement',
      agencyId: 'cn.civil-affairs',
      phase: 'complete',
      rung: 0,
      target: 'assignee',
      clause: 'CN 四(三)',
      deadline: cap.toISOString(),
    });
    const [email] = mail(CIVIL, placementId);
    expect(email?.subject).toContain('期限提醒（尚未超期）');
    expect(email?.subject).toContain('Reminder, not overdue yet');
    expect(email?.text).toContain('办理期限');
    expect(email?.text).not.toMatch(/已超过期限|原定期限|逾期|升级|has passed|Was due by|Escalation/);
    expect(await inbox(CIVIL, placementId)).toEqual([
      expect.objectContaining({ kind: 'task_reminder', level: null, overdue: false, done: false }),
    ]);
  });

  it('decision_needed: a placement at its cap asks the street’s and the district’s coordinators for a decision', async () => {
    const placementId = `${caseIdOf()}/placement-1-short_term`;
    await send({
      type: 'task_escalated',
      taskId: placementId,
      kind: 'short_term_placement',
      agencyId: 'cn.street.huayang',
      phase: 'complete',
      rung: 0,
      target: 'street_coordinator',
      clause: 'CN 四(三)',
      deadline: new Date().toISOString(),
    });
    for (const coordinator of [STREET, CIVIL]) {
      const [email] = mail(coordinator, placementId);
      expect(email?.subject).toContain('已到期限，待您决定：短期临时监护安置');
      expect(email?.subject).toContain('Deadline reached, decision needed');
      expect(await inbox(coordinator, placementId)).toEqual([
        expect.objectContaining({ kind: 'decision_needed', level: null, overdue: false }),
      ]);
    }
  });

  it('task_escalated: the second rung of a police task is level 2 everywhere, overdue, after the deadline', async () => {
    const taskId = `${caseIdOf()}/task-1-police_response`;
    const event = {
      type: 'task_escalated' as const,
      taskId,
      kind: 'police_response' as const,
      agencyId: 'cn.police.huayang',
      phase: 'accept' as const,
      clause: 'CN 四(二)',
      deadline: minutesFromNow(-20).toISOString(),
    };
    await send({ ...event, rung: 1, target: 'agency_supervisor' });
    await send({ ...event, rung: 2, target: 'street_coordinator' });
    const [first] = mail(SUPERVISOR, taskId);
    expect(first?.subject).toContain('任务逾期升级（第1级）');
    expect(first?.subject).toContain('Escalation (level 1)');
    const [second] = mail(STREET, taskId);
    expect(second?.subject).toContain('任务逾期升级（第2级）');
    expect(second?.subject).toContain('Escalation (level 2)');
    expect(second?.text).toContain('已超过期限');
    expect(second?.text).toContain('原定期限');
    expect(await inbox(SUPERVISOR, taskId)).toEqual([
      expect.objectContaining({ kind: 'task_escalated', level: 1, overdue: true }),
    ]);
    expect(await inbox(STREET, taskId)).toEqual([
      expect.objectContaining({ kind: 'task_escalated', level: 2, overdue: true }),
    ]);
  });

  it('accountability_finding: a late report’s finding reaches the case district’s coordinators, not another district’s', async () => {
    const caseId = caseIdOf();
    await send({
      type: 'late_report_finding',
      caseId,
      reportId: `report-${randomUUID()}`,
      againstUnitId: 'cn.school',
      clause: 'CN 四(一)',
      districtCode: '310105',
    });
    const [email] = mail(CIVIL, caseId);
    expect(email?.subject).toContain('迟报问责记录');
    expect(email?.subject).toContain('Late-report finding');
    expect(await inbox(CIVIL, caseId)).toEqual([
      expect.objectContaining({ kind: 'accountability_finding', level: null, overdue: false }),
    ]);
    expect(mail(FT_CIVIL, caseId)).toEqual([]);
  });

  it('names a numbered case by its number in the inbox and the email, never by its id', async () => {
    const caseId = caseIdOf();
    // The case's projection as the case workflow leaves it: its number allocated (models/case-number.ts).
    await CaseModel.collection.insertOne({ workflowId: caseId, caseNumber: '长宁-2026-000777' });
    await send({ type: 'case_needs_attention', caseId, districtCode: '310105', reason: 'stuck' });
    const [email] = mail(CIVIL, caseId);
    expect(email?.subject).toBe(
      '[ChildSafe] 案件需要关注（案件 长宁-2026-000777） / Case needs attention (case 长宁-2026-000777)',
    );
    expect(email?.text.replaceAll(encodeURIComponent(caseId), '')).not.toContain(caseId);
    const [entry] = await inbox(CIVIL, caseId);
    expect(entry?.subject).toContain('长宁-2026-000777');
    expect(entry?.subject).not.toContain(caseId);
  });

  it('case_needs_attention, routed_to_fallback and case_update each say what happened, to whom it concerns', async () => {
    const caseId = caseIdOf();
    await send({ type: 'case_needs_attention', caseId, districtCode: '310105', reason: 'stuck' });
    expect(mail(CIVIL, caseId)[0]?.subject).toContain('案件需要关注');
    expect(await inbox(CIVIL, caseId)).toEqual([expect.objectContaining({ kind: 'case_needs_attention' })]);

    const fallbackTask = `${caseIdOf()}/task-4-monitoring_visit`;
    await send({
      type: 'task_to_fallback',
      caseId,
      taskId: fallbackTask,
      kind: 'monitoring_visit',
      agencyId: 'cn.civil-affairs',
    });
    expect(mail(CIVIL, fallbackTask)[0]?.subject).toContain('任务已转兜底单位');
    expect(await inbox(CIVIL, fallbackTask)).toEqual([
      expect.objectContaining({ kind: 'routed_to_fallback', level: null, overdue: false }),
    ]);

    const policeTask = `${caseIdOf()}/task-1-police_response`;
    await send({
      type: 'report_joined_case',
      caseId,
      reportId: `report-${randomUUID()}`,
      agencyId: 'cn.police.huayang',
      taskId: policeTask,
    });
    expect(mail(POLICE, policeTask)[0]?.subject).toContain('案件有新情况');
    expect(await inbox(POLICE, policeTask)).toEqual([
      expect.objectContaining({ kind: 'case_update', level: null, overdue: false }),
    ]);
  });

  it('delivery_failed: a refused notice reaches the district coordinators’ inbox and mailbox instead', async () => {
    const taskId = `${caseIdOf()}/task-1-police_response`;
    refuse.add(POLICE);
    try {
      await send({
        type: 'task_assigned',
        taskId,
        kind: 'police_response',
        agencyId: 'cn.police.huayang',
        acceptBy: minutesFromNow(15).toISOString(),
        completeBy: minutesFromNow(240).toISOString(),
      });
    } finally {
      refuse.delete(POLICE);
    }
    expect(mail(CIVIL, taskId).map((m) => m.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('通知未能送达')]),
    );
    expect(await inbox(CIVIL, taskId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'delivery_failed', level: null })]),
    );
  });
});

describe('marking read', () => {
  it('marks one entry read, then all, for the signed-in person only', async () => {
    const auth = `Bearer ${await token(STREET)}`;
    const unread = await request(api.app)
      .get('/api/v1/notifications?unread=true')
      .set('authorization', auth)
      .expect(200);
    expect(unread.body.items.length).toBeGreaterThan(1);
    const first = unread.body.items[0] as Entry;
    const read = await request(api.app)
      .post(`/api/v1/notifications/${first.id}/read`)
      .set('authorization', auth)
      .expect(200);
    expect(read.body).toMatchObject({ id: first.id, read: true });
    // Another person cannot mark it (it is not theirs): 404, as if it did not exist.
    await request(api.app)
      .post(`/api/v1/notifications/${first.id}/read`)
      .set('authorization', `Bearer ${await token(CIVIL)}`)
      .expect(404);
    const civilUnread = await request(api.app)
      .get('/api/v1/notifications?unread=true')
      .set('authorization', `Bearer ${await token(CIVIL)}`)
      .expect(200);

    const all = await request(api.app).post('/api/v1/notifications/read-all').set('authorization', auth).expect(200);
    expect(all.body.marked).toBe(unread.body.items.length - 1);
    const after = await request(api.app)
      .get('/api/v1/notifications?unread=true')
      .set('authorization', auth)
      .expect(200);
    expect(after.body.items).toEqual([]);
    const civilAfter = await request(api.app)
      .get('/api/v1/notifications?unread=true')
      .set('authorization', `Bearer ${await token(CIVIL)}`)
      .expect(200);
    expect(civilAfter.body.items.length).toBe(civilUnread.body.items.length);
  });
});
