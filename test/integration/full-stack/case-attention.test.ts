/**
 * A receipt is a promise: when an activity fails non-retryably inside a case, the case workflow fails, and the
 * reconciler (a Temporal Schedule on the real dev server, the real activities over FerretDB) flags the case for the
 * district coordinators, who see it on their case list and in their inbox within a minute.
 */
import { Types } from 'mongoose';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDataConverter } from '../../../common/temporal';
import { createMailTransport } from '../../../common/mail';
import { CaseModel } from '../../../models/case';
import { loadPolicyPack } from '../../../policies';
import { createWorkerActivities } from '../../../workers/activities';
import { ensureReconcilerSchedule } from '../../../workers/reconciler-schedule';
import {
  caseWorkflowId,
  policyPackSearchAttribute,
  reportFiledSignal,
  type CaseWorkflowInput,
  type FiledReport,
} from '../../../workflows/definitions';
import { CHANGNING, eventually, startFullStack, type FullStack } from './harness';
import { workflowBundleOptions } from '../../../workers/workflow-bundle';

jest.setTimeout(180_000);

let stack: FullStack;
let scheduleId: string;
beforeAll(async () => {
  stack = await startFullStack();
  // The worker process creates it every minute; here every 10 seconds, so "within a minute" is measured with room.
  scheduleId = await ensureReconcilerSchedule(stack.client, {
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    every: '10 seconds',
  });
});
afterAll(async () => {
  await stack?.client.schedule
    .getHandle(scheduleId)
    .delete()
    .catch(() => undefined);
  await stack?.stop();
});

describe('a case whose activity fails non-retryably', () => {
  it('is flagged for the district coordinators within a minute: on their case list and in their inbox', async () => {
    // A worker whose projection activity refuses for good (a non-retryable failure), on its own task queue.
    const taskQueue = `faulty-${randomUUID()}`;
    const transport = createMailTransport(stack.config.SMTP_URL);
    const connection = await NativeConnection.connect({ address: stack.config.TEMPORAL_ADDRESS });
    const activities = createWorkerActivities({
      config: { ...stack.config, TEMPORAL_TASK_QUEUE: taskQueue },
      client: stack.client,
      transport,
    });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('../../../workflows'),
      bundlerOptions: workflowBundleOptions,
      dataConverter: createDataConverter(stack.config),
      activities: {
        ...activities,
        async projectCase() {
          throw ApplicationFailure.nonRetryable('the read model refused the write', 'ProjectionRejected');
        },
      },
    });
    const running = worker.run();
    try {
      const pack = loadPolicyPack('cn-changning');
      const childId = new Types.ObjectId().toHexString();
      const caseId = caseWorkflowId(childId);
      const input: CaseWorkflowInput = {
        caseId,
        childId,
        pack,
        agencies: {
          police_station: 'cn.police.huayang',
          street_office: 'cn.street.huayang',
          police_substation: 'cn.police',
          civil_affairs: 'cn.civil-affairs',
        },
        jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
      };
      const now = new Date().toISOString();
      const report: FiledReport = {
        reportId: new Types.ObjectId().toHexString(),
        childId,
        reporter: { unitId: 'cn.hospital', unitType: 'hospital' },
        concerns: ['living_alone'],
        discoveredAt: now,
        reportedAt: now,
        leftBehind: false,
      };
      const handle = await stack.client.workflow.signalWithStart('caseWorkflow', {
        workflowId: caseId,
        taskQueue,
        args: [input],
        signal: reportFiledSignal,
        signalArgs: [report],
        typedSearchAttributes: [{ key: policyPackSearchAttribute, value: `${pack.id}@${pack.version}` }],
      });
      await expect(handle.result()).rejects.toThrow();
      const failedAt = Date.now();

      const coordinator = await stack.login(CHANGNING.coordinator);
      const flagged = await eventually(async () => {
        const res = await request(stack.app)
          .get('/api/v1/cases?attention=true')
          .set('authorization', `Bearer ${coordinator}`)
          .expect(200);
        const item = res.body.items.find((c: { caseId: string }) => c.caseId === caseId);
        if (!item) throw new Error('case not flagged yet');
        return item as { attention: { reason: string; since: string } };
      }, 75_000);
      expect(flagged.attention.reason).toBe('workflow_failed');
      expect(Date.now() - failedAt).toBeLessThan(60_000);

      const inbox = await eventually(async () => {
        const res = await request(stack.app)
          .get('/api/v1/notifications')
          .set('authorization', `Bearer ${coordinator}`)
          .expect(200);
        const item = res.body.items.find(
          (n: { kind: string; caseId?: string }) => n.kind === 'case_needs_attention' && n.caseId === caseId,
        );
        if (!item) throw new Error('no inbox item yet');
        return item as { subject: string };
      });
      expect(inbox.subject).toContain('案件需要关注');
      // Flagged once: later runs of the reconciler leave the flag and the inbox as they are.
      expect(await CaseModel.countDocuments({ workflowId: caseId })).toBe(1);
    } finally {
      worker.shutdown();
      await running;
      transport.close();
      await connection.close();
    }
  });
});
