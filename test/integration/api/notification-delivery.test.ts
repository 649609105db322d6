/** Notification delivery against a real SMTP sink and the real store: one email per event and recipient, whatever retries. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { ApplicationFailure } from '@temporalio/common';
import { connectTestDatabase } from '../../helpers/mongo';
import { readSinkMessages, startSmtpSink, type SmtpSink } from '../../../scripts/services/smtp-sink';
import {
  createNotificationDelivery,
  DEFAULT_IN_FLIGHT_LIMIT_MS,
  NotificationFailure,
  type NotificationDeliveryDependencies,
  type NotificationEvent,
} from '../../../activities/notification-delivery';
import {
  createNotificationRepository,
  NotificationModel,
  type NotificationRepository,
} from '../../../models/notification';

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

const PUBLIC_URL = 'https://childsafe.example.gov.cn';
let drop: () => Promise<void>;
const sinks: SmtpSink[] = [];
const transports: nodemailer.Transporter[] = [];

beforeAll(async () => {
  drop = await connectTestDatabase('delivery');
  await NotificationModel.init();
});
afterAll(async () => {
  for (const t of transports) t.close();
  await Promise.all(sinks.map((s) => s.stop()));
  await drop();
});

async function sink(rejectWith?: () => { code: number; message: string } | undefined) {
  const started = await startSmtpSink({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-mail-')), rejectWith });
  sinks.push(started);
  return started;
}

function transportTo(url: string) {
  const transport = nodemailer.createTransport(url, {
    connectionTimeout: 2000,
    greetingTimeout: 2000,
    socketTimeout: 5000,
  });
  transports.push(transport);
  return transport;
}

function delivery(smtpUrl: string, overrides: Partial<NotificationDeliveryDependencies> = {}) {
  return createNotificationDelivery({
    transport: transportTo(smtpUrl),
    notifications: createNotificationRepository(),
    mailFrom: 'ChildSafe 儿童保护转介 <noreply@childsafe.local>',
    publicUrl: PUBLIC_URL,
    ...overrides,
  });
}

function taskCreated(overrides: Partial<NotificationEvent> = {}): NotificationEvent {
  const id = randomUUID().slice(0, 8);
  return {
    idempotencyKey: `case-${id}:task:1:created`,
    kind: 'task_created',
    recipients: [
      {
        email: 'police.huayang@changning.demo.childsafe.local',
        userId: 'user-police',
        agencyCode: 'cn.police.huayang',
      },
    ],
    taskId: `task-${id}`,
    caseId: `case-${id}`,
    caseNumber: '长宁-2026-000042',
    taskKind: 'emergency_response',
    taskLabel: { zh: '紧急响应', en: 'Emergency response' },
    dueAt: '2026-11-23T09:30:00.000Z',
    policyClause: 'CN 四(一)',
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('notification delivery', () => {
  it('sends one email in Chinese then English, linking to the task, naming only the task kind and case number', async () => {
    const smtp = await sink();
    const event = taskCreated();
    const report = await delivery(smtp.url).deliver(event);
    expect(report).toEqual({ inboxEntries: 1, emailsSent: 1, emailsAlreadySent: 0, emailsResent: 0 });

    const [mail, ...others] = readSinkMessages(smtp.dir);
    expect(others).toEqual([]);
    expect(mail!.to).toEqual(['police.huayang@changning.demo.childsafe.local']);
    expect(mail!.subject).toBe(
      '[ChildSafe] 新任务：紧急响应（案件 长宁-2026-000042） / New task: Emergency response (case 长宁-2026-000042)',
    );
    expect(mail!.text).not.toContain(event.caseId!);
    expect(mail!.messageId).toMatch(/^<[0-9a-f]{40}\.notification@childsafe\.example\.gov\.cn>$/);
    const text = mail!.text;
    expect(text.indexOf('贵单位有一项新任务')).toBeLessThan(text.indexOf('Your agency has a new task'));
    expect(text).toContain('办理期限：2026年11月23日 17:30（北京时间）');
    expect(text).toContain('Due by: 23 Nov 2026, 17:30 (China Standard Time)');
    expect(text).toContain('政策依据：CN 四(一)');
    expect(text).toContain(`${PUBLIC_URL}/tasks/${event.taskId}`);
    expect(mail!.html).toContain(`href="${PUBLIC_URL}/tasks/${event.taskId}"`);
    expect(
      await NotificationModel.findOne({
        idempotencyKey: `${event.idempotencyKey}:email:police.huayang@changning.demo.childsafe.local`,
      }).lean(),
    ).toMatchObject({
      status: 'sent',
      attempts: 1,
      channel: 'email',
      messageId: mail!.messageId,
    });
  });

  it('sends nothing again when the activity runs again after a success', async () => {
    const smtp = await sink();
    const event = taskCreated();
    const deliver = delivery(smtp.url);
    await deliver.deliver(event);
    expect(await deliver.deliver(event)).toEqual({
      inboxEntries: 1,
      emailsSent: 0,
      emailsAlreadySent: 1,
      emailsResent: 0,
    });
    expect(readSinkMessages(smtp.dir)).toHaveLength(1);
  });

  it('claims a new email with the write that creates its record, and of concurrent attempts exactly one sends', async () => {
    const smtp = await sink();
    const event = taskCreated();
    const repository = createNotificationRepository();
    let separateClaims = 0;
    const counting: NotificationRepository = {
      ...repository,
      claim: async (...args) => {
        separateClaims += 1;
        return repository.claim(...args);
      },
    };
    const deliver = delivery(smtp.url, { notifications: counting });
    // Three attempts at once (an activity retried while the first still runs): one creates the record, claimed.
    const outcomes = await Promise.allSettled([deliver.deliver(event), deliver.deliver(event), deliver.deliver(event)]);
    const sent = outcomes.filter((o) => o.status === 'fulfilled' && o.value.emailsSent === 1);
    expect(sent).toHaveLength(1);
    // The others found it being sent (retryable, in progress) or already sent.
    const others = outcomes
      .filter((x) => x !== sent[0])
      .map((o) =>
        o.status === 'rejected'
          ? (o.reason as ApplicationFailure).type
          : o.value.emailsAlreadySent === 1 && o.value.emailsSent === 0
            ? 'already sent'
            : 'sent again',
      );
    expect(others.filter((o) => o !== NotificationFailure.InProgress && o !== 'already sent')).toEqual([]);
    expect(separateClaims).toBe(0);
    expect(readSinkMessages(smtp.dir)).toHaveLength(1);
    expect(await NotificationModel.findOne({ eventKey: event.idempotencyKey, channel: 'email' }).lean()).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
  });

  it('sends each recipient one email of their own', async () => {
    const smtp = await sink();
    const event = taskCreated({
      kind: 'task_escalated',
      escalationLevel: 2,
      recipients: [
        { email: 'supervisor.police.huayang@changning.demo.childsafe.local', userId: 'user-supervisor' },
        { email: 'street.huayang@changning.demo.childsafe.local' },
      ],
    });
    await delivery(smtp.url).deliver(event);
    await delivery(smtp.url).deliver(event);
    const mails = readSinkMessages(smtp.dir);
    expect(mails.map((m) => m.to[0]).sort()).toEqual([
      'street.huayang@changning.demo.childsafe.local',
      'supervisor.police.huayang@changning.demo.childsafe.local',
    ]);
    expect(mails[0]!.subject).toContain('任务逾期升级（第2级）');
    expect(await NotificationModel.countDocuments({ eventKey: event.idempotencyKey, channel: 'inbox' })).toBe(1);
  });

  it('sends again, with the same Message-ID, when an attempt was interrupted between claim and result, and only after the in-flight limit', async () => {
    const smtp = await sink();
    const event = taskCreated();
    const repository = createNotificationRepository();
    let recordingFails = true;
    let recordTries = 0;
    // The database writes after the server's "250 accepted" fail, every try, as when the worker loses the database.
    const flaky: NotificationRepository = {
      ...repository,
      markSent: async (...args) => {
        if (recordingFails) {
          recordTries += 1;
          throw Object.assign(new Error('connection lost'), { name: 'MongoNetworkError' });
        }
        return repository.markSent(...args);
      },
    };
    let now = new Date();
    const deliver = delivery(smtp.url, { notifications: flaky, now: () => now, recordRetryDelaysMs: [0, 0] });

    await expect(deliver.deliver(event)).rejects.toThrow('connection lost');
    expect(recordTries).toBe(3);
    recordingFails = false;
    expect(readSinkMessages(smtp.dir)).toHaveLength(1);

    // Retried at once: the first send might still be in flight, so wait and retry later.
    const early = await failureOf(deliver.deliver(event));
    expect(early.type).toBe(NotificationFailure.InProgress);
    expect(early.nonRetryable).toBe(false);
    now = new Date(now.getTime() + DEFAULT_IN_FLIGHT_LIMIT_MS - 1000);
    expect((await failureOf(deliver.deliver(event))).type).toBe(NotificationFailure.InProgress);

    // Past the in-flight limit (seconds, not minutes): sent again, at-least-once, under the same Message-ID.
    now = new Date(now.getTime() + 2000);
    expect(await deliver.deliver(event)).toMatchObject({ emailsSent: 1, emailsResent: 1 });
    expect(await deliver.deliver(event)).toMatchObject({ emailsSent: 0, emailsAlreadySent: 1 });
    const mails = readSinkMessages(smtp.dir);
    expect(mails).toHaveLength(2);
    expect(mails[0]!.messageId).toBeTruthy();
    expect(mails[1]!.messageId).toBe(mails[0]!.messageId);
    expect(await NotificationModel.findOne({ eventKey: event.idempotencyKey, channel: 'email' }).lean()).toMatchObject({
      status: 'sent',
      attempts: 2,
      messageId: mails[0]!.messageId,
    });
  });

  it('records a send the server accepted through the store’s passing refusals, so no later attempt sends it again', async () => {
    const smtp = await sink();
    const event = taskCreated();
    const repository = createNotificationRepository();
    let refusals = 2;
    // FerretDB on SQLite under a timer storm: "database is locked" (SQLITE_BUSY) on the write after the "250".
    const busy: NotificationRepository = {
      ...repository,
      markSent: async (...args) => {
        if (refusals > 0) {
          refusals -= 1;
          throw Object.assign(new Error('database is locked (5) (SQLITE_BUSY)'), { name: 'MongoServerError' });
        }
        return repository.markSent(...args);
      },
    };
    let now = new Date();
    const deliver = delivery(smtp.url, { notifications: busy, now: () => now, recordRetryDelaysMs: [10, 10, 10] });

    expect(await deliver.deliver(event)).toMatchObject({ emailsSent: 1, emailsResent: 0 });
    expect(refusals).toBe(0);
    // A later attempt (the activity retried for another reason), long past the in-flight limit: nothing sent again.
    now = new Date(now.getTime() + 2 * DEFAULT_IN_FLIGHT_LIMIT_MS);
    expect(await deliver.deliver(event)).toMatchObject({ emailsSent: 0, emailsAlreadySent: 1, emailsResent: 0 });
    expect(readSinkMessages(smtp.dir)).toHaveLength(1);
    expect(await NotificationModel.findOne({ eventKey: event.idempotencyKey, channel: 'email' }).lean()).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
  });

  it('sends a record an earlier version left unconfirmed (never resent) once more', async () => {
    const smtp = await sink();
    const event = taskCreated();
    const deliver = delivery(smtp.url);
    await expect(deliver.deliver(event)).resolves.toMatchObject({ emailsSent: 1 });
    await NotificationModel.updateOne(
      { eventKey: event.idempotencyKey, channel: 'email' },
      { $set: { status: 'unconfirmed' } },
    );
    expect(await deliver.deliver(event)).toMatchObject({ emailsResent: 1 });
    expect(await deliver.deliver(event)).toMatchObject({ emailsAlreadySent: 1 });
    const mails = readSinkMessages(smtp.dir);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.messageId).toBe(mails[0]!.messageId);
  });

  it('records a permanent refusal (5xx) as failed and fails without retry, and never tries that email again', async () => {
    let offered = 0;
    const smtp = await sink(() => {
      offered++;
      return { code: 550, message: 'Mailbox unavailable' };
    });
    const event = taskCreated();
    const deliver = delivery(smtp.url);
    const failure = await failureOf(deliver.deliver(event));
    expect(failure.type).toBe('PermanentDeliveryFailure');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ failedRecipients: ['police.huayang@changning.demo.childsafe.local'] }]);
    const record = await NotificationModel.findOne({ eventKey: event.idempotencyKey, channel: 'email' }).lean();
    expect(record).toMatchObject({ status: 'failed', lastError: expect.stringContaining('550') });

    const again = await failureOf(deliver.deliver(event));
    expect(again.type).toBe('PermanentDeliveryFailure');
    expect(offered).toBe(1);
    expect(readSinkMessages(smtp.dir)).toEqual([]);
    // The inbox entry was stored before any email was tried.
    expect(await NotificationModel.countDocuments({ eventKey: event.idempotencyKey, channel: 'inbox' })).toBe(1);
  });

  it('fails with a retryable error on a temporary refusal (4xx) and sends once on the retry', async () => {
    let refuse = true;
    const smtp = await sink(() => (refuse ? { code: 451, message: 'Try again later' } : undefined));
    const event = taskCreated();
    const deliver = delivery(smtp.url);
    const failure = await failureOf(deliver.deliver(event));
    expect(failure.type).toBe(NotificationFailure.Temporary);
    expect(failure.nonRetryable).toBe(false);
    expect(await NotificationModel.findOne({ eventKey: event.idempotencyKey, channel: 'email' }).lean()).toMatchObject({
      status: 'pending',
      lastError: expect.stringContaining('451'),
    });

    refuse = false;
    expect(await deliver.deliver(event)).toMatchObject({ emailsSent: 1 });
    expect(readSinkMessages(smtp.dir)).toHaveLength(1);
    expect(await NotificationModel.findOne({ eventKey: event.idempotencyKey, channel: 'email' }).lean()).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
  });

  it('treats an unreachable mail server as temporary', async () => {
    const smtp = await sink();
    await smtp.stop();
    sinks.splice(sinks.indexOf(smtp), 1);
    const failure = await failureOf(delivery(smtp.url).deliver(taskCreated()));
    expect(failure.type).toBe(NotificationFailure.Temporary);
    expect(failure.nonRetryable).toBe(false);
  });

  it('refuses an event carrying anything beyond its fields, such as a child’s name, and stores and sends nothing', async () => {
    const smtp = await sink();
    const event = { ...taskCreated(), childName: '张小明' } as NotificationEvent;
    const failure = await failureOf(delivery(smtp.url).deliver(event));
    expect(failure.type).toBe(NotificationFailure.InvalidEvent);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('(event)');
    expect(await NotificationModel.countDocuments({ eventKey: event.idempotencyKey })).toBe(0);
    expect(readSinkMessages(smtp.dir)).toEqual([]);
  });

  it('writes each kind of notice in both languages without a child’s name', async () => {
    const smtp = await sink();
    const kinds = ['task_created', 'task_reminder', 'task_escalated', 'decision_needed', 'delivery_failed'] as const;
    for (const kind of kinds) await delivery(smtp.url).deliver(taskCreated({ kind }));
    const mails = readSinkMessages(smtp.dir);
    expect(mails).toHaveLength(kinds.length);
    for (const mail of mails) {
      expect(mail.subject).toMatch(/^\[ChildSafe\] \S.*紧急响应.* \/ .*Emergency response/);
      expect(mail.text).toMatch(/[\u4e00-\u9fff]/);
      expect(mail.text).toContain('It carries no personal data about the child');
    }
  });
});
