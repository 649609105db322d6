/**
 * Fault: the mail relay answers 550 to every address. The real workflows with the worker's real activities
 * (createWorkerActivities: FerretDB, the directory notifier, nodemailer to a real SMTP server that refuses everyone)
 * on the time-skipping server, so the police task's legal deadline can pass. The task and the case go on, the district
 * coordinators are told in-app that the notice did not arrive, the missed deadline still escalates, and the police can
 * still accept the task (before the fix, `send('assigned')` failed the task workflow and accepting answered 409).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { seedDemoUsers } from '../../../api/auth/demo-users';
import { createMailTransport } from '../../../common/mail';
import { ensureIndexes } from '../../../models';
import { responsibleAgencies } from '../../../models/agency-directory';
import { NotificationModel } from '../../../models/notification';
import { seedDirectory } from '../../../models/seed/directory';
import { createUserRepository, UserModel } from '../../../models/user';
import { loadPolicyPack } from '../../../policies';
import { readSinkMessages, startSmtpSink, type SmtpSink } from '../../../scripts/services/smtp-sink';
import { createWorkerActivities } from '../../../workers/activities';
import {
  acceptTaskUpdate,
  caseStatusQuery,
  intakeWorkflowId,
  taskStatusQuery,
  type CaseTaskSummary,
  type IntakeInput,
  type IntakeResult,
} from '../../../workflows/definitions';
import { testConfig } from '../../helpers/config';
import { connectTestDatabase } from '../../helpers/mongo';
import { createTimeSkippingEnv } from '../../helpers/temporal';
import { createHarness, eventually, registerSearchAttributes, type Harness } from '../../workflows/harness';

jest.setTimeout(180_000);

const COORDINATOR = 'civil-affairs@changning.demo.childsafe.local';
const POLICE = 'police.huayang@changning.demo.childsafe.local';

let drop: () => Promise<void>;
let relay: SmtpSink;
let h: Harness;
let offered = 0;
/** Addresses the relay accepts (the second test: the coordinators'); the first test refuses everyone. */
const accepted = new Set<string>();

beforeAll(async () => {
  drop = await connectTestDatabase('relay550');
  await ensureIndexes();
  await seedDirectory();
  await seedDemoUsers(createUserRepository(), { environment: 'test' });
  relay = await startSmtpSink({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-relay-550-')),
    rejectWith: (to) => {
      offered += 1;
      if (to.every((a) => accepted.has(a.toLowerCase()))) return undefined;
      return { code: 550, message: '5.7.1 relay refuses every recipient' };
    },
  });
  h = await createHarness();
});
afterAll(async () => {
  await relay?.stop();
  await drop?.();
});

async function intakeInput(env: TestWorkflowEnvironment): Promise<IntakeInput> {
  const pack = loadPolicyPack('cn-changning');
  const now = await env.currentTimeMs();
  const agencies = await responsibleAgencies({ districtCode: pack.district.code, streetCode: 'huayang' });
  return {
    pack,
    agencies,
    submission: {
      idempotencyKey: randomUUID(),
      receipt: `CS-550-${randomUUID().slice(0, 8)}`,
      child: { sex: 'unknown', approximateAge: 7, leftBehind: false },
      reporter: { unitId: 'cn.school.demo', unitType: 'school', staffId: 'teacher-550', unitName: '长宁区演示小学' },
      concerns: ['missing'],
      discoveredAt: new Date(now - 10 * 60_000).toISOString(),
      receivedAt: new Date(now).toISOString(),
      leftBehind: false,
      narrative: '测试：邮件中继拒收一切 test: the relay refuses everything',
      place: { districtCode: pack.district.code, streetCode: 'huayang' },
    },
  };
}

/** The real worker on a time-skipping server, a report filed through the intake, and its open police task. */
async function withStack(
  fn: (ctx: { env: TestWorkflowEnvironment; caseHandle: WorkflowHandle; task: CaseTaskSummary }) => Promise<void>,
): Promise<void> {
  const env = await createTimeSkippingEnv();
  const transport = createMailTransport(relay.url);
  try {
    await registerSearchAttributes(env);
    const config = testConfig({ TEMPORAL_TASK_QUEUE: `q-550-${randomUUID()}`, SMTP_URL: relay.url });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowBundle: h.bundle,
      activities: createWorkerActivities({ config, client: env.client, transport }),
    });
    await worker.runUntil(async () => {
      const input = await intakeInput(env);
      const intake = await env.client.workflow.execute('intakeWorkflow', {
        workflowId: intakeWorkflowId(input.submission.idempotencyKey),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [input],
      });
      const caseHandle = env.client.workflow.getHandle((intake as IntakeResult).caseWorkflowId);
      const task = await eventually(async () => {
        const status = await caseHandle.query(caseStatusQuery);
        const found = status.openTasks.find((t) => t.kind === 'police_response');
        if (!found) throw new Error('no police task yet');
        return found;
      });
      await fn({ env, caseHandle, task });
    });
  } finally {
    transport.close();
    await env.teardown();
  }
}

describe('a mail relay that refuses every address (550)', () => {
  it('fails no workflow: the task and case go on, coordinators are told in-app, the deadline escalation fires, and the police can still accept', async () => {
    await withStack(async ({ env, caseHandle, task }) => {
      const taskHandle = env.client.workflow.getHandle(task.taskId);

      // The 'assigned' notice was refused for everyone, recorded as failed, and the task went on to 'notified'.
      await eventually(async () => expect((await taskHandle.query(taskStatusQuery)).status).toBe('notified'));
      const assigned = await NotificationModel.find({ eventKey: `${task.taskId}:assigned`, channel: 'email' }).lean();
      expect(assigned.map((n) => n.recipient.email)).toContain(POLICE);
      for (const n of assigned)
        expect(n).toMatchObject({ status: 'failed', lastError: expect.stringContaining('550') });
      // The district coordinators are told in their inbox (their email is refused too, and recorded).
      const coordinator = await UserModel.findOne({ email: COORDINATOR }).lean();
      const alerts = () =>
        NotificationModel.find({
          channel: 'inbox',
          kind: 'delivery_failed',
          'recipient.userId': String(coordinator!._id),
          taskId: task.taskId,
        }).lean();
      expect(await alerts()).toHaveLength(1);
      expect((await alerts())[0]!.subject).toContain('通知未能送达');
      // …and the missed notice escalates on its own: its own kind and text, to the coordinators' inbox (their email is
      // refused here and recorded), not the deadline ladder (nothing is overdue yet).
      const missed = (eventKey: string) =>
        NotificationModel.find({ eventKey, kind: 'missed_notice', 'recipient.userId': String(coordinator!._id) })
          .sort({ channel: 1 })
          .lean();
      const assignedMissed = await missed(`${task.taskId}:assigned:missed-notice`);
      expect(assignedMissed.map((n) => [n.channel, n.status])).toEqual([
        ['email', 'failed'],
        ['inbox', 'sent'],
      ]);
      expect(assignedMissed[1]!.subject).toContain('漏送通知督办');
      expect(assignedMissed[1]!.subject).toContain('Missed notice escalated');
      expect(assignedMissed[1]!.subject).not.toContain('逾期升级');
      expect(await NotificationModel.countDocuments({ taskId: task.taskId, kind: 'task_escalated' })).toBe(0);
      expect(await taskHandle.describe()).toMatchObject({ status: { name: 'RUNNING' } });

      // Nobody acknowledged within CN 四(二)'s 15 minutes: the ladder's first rung fires as for any missed notice.
      await env.sleep(new Date(task.acceptBy).getTime() - (await env.currentTimeMs()) + 60_000);
      const escalated = await eventually(async () => {
        const state = await taskHandle.query(taskStatusQuery);
        expect(state.escalations.length).toBeGreaterThanOrEqual(1);
        return state;
      });
      expect(escalated.escalations[0]).toMatchObject({ phase: 'accept', rung: 1, clause: 'CN 四(二)' });
      // The deadline escalation is its own notification (the ladder's text), distinct from the missed notice.
      await eventually(async () => {
        const deadline = await NotificationModel.find({ taskId: task.taskId, kind: 'task_escalated' }).lean();
        expect(deadline.length).toBeGreaterThanOrEqual(1);
        for (const n of deadline) expect(n.subject).toContain('逾期升级');
      });
      // Its notice was refused as well, recorded, and reported to the coordinators in-app: still no failure.
      await eventually(async () =>
        expect(
          await NotificationModel.countDocuments({
            eventKey: `${task.taskId}:escalate:accept:1:delivery-failed`,
            channel: 'inbox',
            'recipient.userId': String(coordinator!._id),
          }),
        ).toBe(1),
      );
      // Its refusal is a missed notice too, escalated to the coordinators once.
      await eventually(async () =>
        expect(await missed(`${task.taskId}:escalate:accept:1:missed-notice`)).toHaveLength(2),
      );
      expect(await taskHandle.describe()).toMatchObject({ status: { name: 'RUNNING' } });

      // The police can still act on the task, and the case hears of it.
      const police = await UserModel.findOne({ email: POLICE }).lean();
      const acceptance = await taskHandle.executeUpdate(acceptTaskUpdate, {
        args: [{ actor: { userId: String(police!._id), agencyId: task.agencyId } }],
      });
      expect(acceptance.status).toBe('accepted');
      await eventually(async () => {
        const status = await caseHandle.query(caseStatusQuery);
        expect(status.openTasks.find((t) => t.taskId === task.taskId)?.acceptedAt).toBeTruthy();
      });
    });
    expect(offered).toBeGreaterThan(0);
    expect(readSinkMessages(relay.dir)).toEqual([]);
  });

  it('the missed-notice escalation reaches the coordinators by email where the relay accepts their address', async () => {
    accepted.add(COORDINATOR);
    try {
      await withStack(async ({ task }) => {
        // The police desk's notice is refused; the coordinator's missed-notice email goes through, in Chinese first.
        const mail = await eventually(async () => {
          const found = readSinkMessages(relay.dir).filter(
            (m) => m.envelopeTo.includes(COORDINATOR) && m.subject.includes('漏送通知督办'),
          );
          expect(found).toHaveLength(1);
          return found[0]!;
        }, 60_000); // the worker's activities on a loaded machine
        expect(mail.subject).toContain('Missed notice escalated');
        expect(mail.text).toContain('作为漏送通知升级至您');
        expect(mail.text.indexOf('作为漏送通知升级至您')).toBeLessThan(
          mail.text.indexOf('This is escalated to you as a missed notice'),
        );
        expect(mail.text).toContain(encodeURIComponent(task.taskId));
        // Marked sent once the relay's answer is in (the sink stores the message before it answers).
        await eventually(async () => {
          const records = await NotificationModel.find({
            eventKey: `${task.taskId}:assigned:missed-notice`,
            channel: 'email',
            'recipient.email': COORDINATOR,
          }).lean();
          expect(records.map((r) => r.status)).toEqual(['sent']);
        });
        // Nothing is overdue: no deadline escalation went out, and no mail to the refused police desk.
        expect(await NotificationModel.countDocuments({ taskId: task.taskId, kind: 'task_escalated' })).toBe(0);
        expect(readSinkMessages(relay.dir).some((m) => m.envelopeTo.includes(POLICE))).toBe(false);
      });
    } finally {
      accepted.clear();
    }
  });
});
