/**
 * The directory notifier on the real store and a real SMTP sink: a task reaches the responsible agency's duty desk
 * and its staff's inboxes, an escalation reaches the rung's people, and a permanent delivery failure is not dropped
 * but reported to the district coordinators.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { seedDemoUsers } from '../../api/auth/demo-users';
import { createMailTransport } from '../../common/mail';
import { createNotificationDelivery } from '../../activities/notification-delivery';
import { createDirectoryNotifier } from '../../activities/stores/notifier';
import { ensureIndexes } from '../../models';
import { createNotificationRepository, NotificationModel } from '../../models/notification';
import { seedDirectory } from '../../models/seed/directory';
import { createUserRepository, UserModel } from '../../models/user';
import { readSinkMessages, startSmtpSink, type SmtpSink } from '../../scripts/services/smtp-sink';
import { connectTestDatabase } from '../helpers/mongo';

jest.setTimeout(60_000); // the real SMTP sink and FerretDB, with retries on a refusing relay

const POLICE = 'police.huayang@changning.demo.childsafe.local';
const SUPERVISOR = 'supervisor.police.huayang@changning.demo.childsafe.local';
const COORDINATOR = 'civil-affairs@changning.demo.childsafe.local';

let drop: () => Promise<void>;
let sink: SmtpSink;
let refuse: Set<string>;

beforeAll(async () => {
  drop = await connectTestDatabase('notifier');
  await ensureIndexes();
  await seedDirectory();
  await seedDemoUsers(createUserRepository(), { environment: 'test' });
  refuse = new Set();
  sink = await startSmtpSink({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-notifier-')),
    rejectWith: (to) => (to.some((a) => refuse.has(a)) ? { code: 550, message: 'mailbox unavailable' } : undefined),
  });
});
afterAll(async () => {
  await sink.stop();
  await drop();
});

function notifier() {
  const transport = createMailTransport(sink.url);
  const delivery = createNotificationDelivery({
    transport,
    notifications: createNotificationRepository(),
    mailFrom: 'noreply@childsafe.local',
    publicUrl: 'http://127.0.0.1:3000',
  });
  return { notifier: createDirectoryNotifier({ delivery }), close: () => transport.close() };
}

const mailFor = (address: string, taskId: string) =>
  readSinkMessages(sink.dir).filter((m) => m.to.includes(address) && m.text.includes(encodeURIComponent(taskId)));

describe('the directory notifier', () => {
  it("tells the responsible police station's duty desk by email, once, and puts the task in its staff's inbox", async () => {
    const { notifier: n, close } = notifier();
    const taskId = `case-x/task-1-police_response-${randomUUID()}`;
    const event = {
      type: 'task_assigned' as const,
      taskId,
      kind: 'police_response' as const,
      agencyId: 'cn.police.huayang',
      acceptBy: new Date(Date.now() + 15 * 60_000).toISOString(),
      completeBy: new Date(Date.now() + 4 * 3600_000).toISOString(),
    };
    await n.send({ idempotencyKey: `${taskId}:assigned`, event });
    await n.send({ idempotencyKey: `${taskId}:assigned`, event });
    close();
    const mail = mailFor(POLICE, taskId);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain('公安机关应急处置');
    const staff = await UserModel.findOne({ email: POLICE }).lean();
    const inbox = await NotificationModel.find({
      channel: 'inbox',
      'recipient.userId': String(staff!._id),
      taskId,
    }).lean();
    expect(inbox).toHaveLength(1);
  });

  it("escalates the supervisor rung to the station's supervisor", async () => {
    const { notifier: n, close } = notifier();
    const taskId = `case-y/task-1-police_response-${randomUUID()}`;
    await n.send({
      idempotencyKey: `${taskId}:escalate:accept:1`,
      event: {
        type: 'task_escalated',
        taskId,
        kind: 'police_response',
        agencyId: 'cn.police.huayang',
        phase: 'accept',
        rung: 1,
        target: 'agency_supervisor',
        clause: 'CN 四(二)',
        deadline: new Date().toISOString(),
      },
    });
    close();
    expect(mailFor(SUPERVISOR, taskId)).toHaveLength(1);
    expect(mailFor(POLICE, taskId)).toHaveLength(0);
  });

  it('reports a permanent delivery failure to the district coordinators instead of dropping it', async () => {
    refuse.add(POLICE);
    const { notifier: n, close } = notifier();
    const taskId = `case-z/task-1-police_response-${randomUUID()}`;
    try {
      await n.send({
        idempotencyKey: `${taskId}:assigned`,
        event: {
          type: 'task_assigned',
          taskId,
          kind: 'police_response',
          agencyId: 'cn.police.huayang',
          acceptBy: new Date().toISOString(),
          completeBy: new Date().toISOString(),
        },
      });
    } finally {
      refuse.delete(POLICE);
      close();
    }
    expect(mailFor(POLICE, taskId)).toHaveLength(0);
    // Told that the notice did not arrive, and the missed notice escalated on its own (its own kind and text).
    const warning = mailFor(COORDINATOR, taskId);
    expect(warning.map((m) => m.headers['x-childsafe-notification']).sort()).toEqual([
      'delivery_failed',
      'missed_notice',
    ]);
    expect(warning.find((m) => m.subject.includes('通知未能送达'))).toBeDefined();
    expect(warning.find((m) => m.subject.includes('漏送通知督办'))?.subject).toContain('Missed notice escalated');
    // Each names the station that was not told, from the directory (whom to call), never its code.
    for (const m of warning) {
      expect(m.text).toContain('承办单位「华阳路派出所」');
      expect(m.text).toContain('Huayang Road Subdistrict police station');
      expect(m.text).not.toContain('cn.police');
    }
    // The agency's supervisor, whose address is not refused, hears of the missed notice too.
    expect(mailFor(SUPERVISOR, taskId).map((m) => m.headers['x-childsafe-notification'])).toEqual(['missed_notice']);
    expect(await NotificationModel.countDocuments({ taskId, status: 'failed' })).toBeGreaterThan(0);
  });

  it('absorbs a relay that refuses everyone (550): nothing throws, every refusal is recorded, and the coordinators are told in their inbox', async () => {
    const everyone = await startSmtpSink({
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-notifier-550-')),
      rejectWith: () => ({ code: 550, message: 'relay refuses every recipient' }),
    });
    const transport = createMailTransport(everyone.url);
    const n = createDirectoryNotifier({
      delivery: createNotificationDelivery({
        transport,
        notifications: createNotificationRepository(),
        mailFrom: 'noreply@childsafe.local',
        publicUrl: 'http://127.0.0.1:3000',
      }),
    });
    const taskId = `case-w/task-1-police_response-${randomUUID()}`;
    const message = {
      idempotencyKey: `${taskId}:assigned`,
      event: {
        type: 'task_assigned' as const,
        taskId,
        kind: 'police_response' as const,
        agencyId: 'cn.police.huayang',
        acceptBy: new Date().toISOString(),
        completeBy: new Date().toISOString(),
      },
    };
    try {
      await expect(n.send(message)).resolves.toBeUndefined();
      // A retry of the activity changes nothing and still does not throw.
      await expect(n.send(message)).resolves.toBeUndefined();
    } finally {
      transport.close();
      await everyone.stop();
    }
    expect(readSinkMessages(everyone.dir)).toEqual([]);
    const emails = await NotificationModel.find({ taskId, channel: 'email' }).lean();
    expect(emails.length).toBeGreaterThan(1);
    for (const e of emails) expect(e).toMatchObject({ status: 'failed', lastError: expect.stringContaining('550') });
    const coordinator = await UserModel.findOne({ email: COORDINATOR }).lean();
    const alert = await NotificationModel.find({
      channel: 'inbox',
      kind: 'delivery_failed',
      'recipient.userId': String(coordinator!._id),
      taskId,
    }).lean();
    expect(alert).toHaveLength(1);
    expect(alert[0]!.subject).toContain('通知未能送达');
    // The inbox entry keeps whom to call, as the email named it.
    expect(alert[0]!.agencyName).toEqual({ zh: '华阳路派出所', en: 'Huayang Road Subdistrict police station' });
  });
});
