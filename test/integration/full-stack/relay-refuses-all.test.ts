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

beforeAll(async () => {
  drop = await connectTestDatabase('relay550');
  await ensureIndexes();
  await seedDirectory();
  await seedDemoUsers(createUserRepository(), { environment: 'test' });
  relay = await startSmtpSink({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-relay-550-')),
    rejectWith: () => {
      offered += 1;
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

describe('a mail relay that refuses every address (550)', () => {
  it('fails no workflow: the task and case go on, coordinators are told in-app, the deadline escalation fires, and the police can still accept', async () => {
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
        expect(await taskHandle.describe()).toMatchObject({ status: { name: 'RUNNING' } });

        // Nobody acknowledged within CN 四(二)'s 15 minutes: the ladder's first rung fires as for any missed notice.
        await env.sleep(new Date(task.acceptBy).getTime() - (await env.currentTimeMs()) + 60_000);
        const escalated = await eventually(async () => {
          const state = await taskHandle.query(taskStatusQuery);
          expect(state.escalations.length).toBeGreaterThanOrEqual(1);
          return state;
        });
        expect(escalated.escalations[0]).toMatchObject({ phase: 'accept', rung: 1, clause: 'CN 四(二)' });
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
        expect(await taskHandle.describe()).toMatchObject({ status: { name: 'RUNNING' } });

        // The police can still act on the task, and the case hears of it.
        const police = await UserModel.findOne({ email: POLICE }).lean();
        const accepted = await taskHandle.executeUpdate(acceptTaskUpdate, {
          args: [{ actor: { userId: String(police!._id), agencyId: task.agencyId } }],
        });
        expect(accepted.status).toBe('accepted');
        await eventually(async () => {
          const status = await caseHandle.query(caseStatusQuery);
          expect(status.openTasks.find((t) => t.taskId === task.taskId)?.acceptedAt).toBeTruthy();
        });
      });
    } finally {
      transport.close();
      await env.teardown();
    }
    expect(offered).toBeGreaterThan(0);
    expect(readSinkMessages(relay.dir)).toEqual([]);
  });
});
