/**
 * Issue #15 item 2 on the time-skipping server: a placement's reminder is sent BEFORE its cap and is worded as a
 * reminder, never as overdue; at the cap the coordinators are asked for a decision; only the overruns past the cap are
 * escalations, counted from level 1 as a task's ladder counts its rungs. The workflow's notices (recorded by the
 * harness at the workflow time they were sent) go through the real directory notifier and the real email renderer.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { renderNotificationEmail } from '../../activities/mail/notification-email';
import type { NotificationEvent as Delivery } from '../../activities/notification-delivery';
import type { NotificationEvent } from '../../activities/notifications';
import { createDirectoryNotifier } from '../../activities/stores/notifier';
import { seedDemoUsers } from '../../api/auth/demo-users';
import { seedDirectory } from '../../models/seed/directory';
import { createUserRepository } from '../../models/user';
import { addDuration, subtractDuration } from '../../policies/duration';
import { placementWorkflowId } from '../../workflows/intervention.definitions';
import type { placementWorkflow } from '../../workflows/placement.workflow';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import { connectTestDatabase } from '../helpers/mongo';
import { createHarness, eventually, withWorker, type Harness } from './harness';

jest.setTimeout(90_000); // a time-skipping server and worker per test, plus the directory on FerretDB

let h: Harness;
let drop: () => Promise<void>;
beforeAll(async () => {
  h = await createHarness();
  drop = await connectTestDatabase('notice_wording');
  await seedDirectory();
  await seedDemoUsers(createUserRepository(), { environment: 'test' });
});
afterAll(() => drop());

/** What the directory notifier would deliver for a workflow's notice, and the email it renders to. */
async function delivered(message: { idempotencyKey: string; event: NotificationEvent }) {
  const captured: Delivery[] = [];
  const notifier = createDirectoryNotifier({
    delivery: {
      deliver: async (d: Delivery) => {
        captured.push(d);
        return { inboxEntries: 0, emailsSent: 0, emailsAlreadySent: 0, emailsResent: 0 };
      },
    },
  });
  await notifier.send(message);
  const delivery = captured[0]!;
  return { delivery, email: renderNotificationEmail(delivery, { publicUrl: 'http://127.0.0.1:3000' }) };
}

async function sleepUntil(env: TestWorkflowEnvironment, at: string, slackMs: number): Promise<void> {
  await env.sleep(Math.max(1, new Date(at).getTime() - (await env.currentTimeMs()) + slackMs));
}

describe('the notices of a short-term placement (CN 四(三))', () => {
  it('reminds before the cap without a word of overdue, asks for a decision at the cap, and escalates from level 1 after', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const caseId = `case-child-${randomUUID()}`;
      const placementId = placementWorkflowId(caseId, 1, 'short_term');
      const startedAt = new Date(await env.currentTimeMs()).toISOString();
      const handle = await env.client.workflow.start<typeof placementWorkflow>('placementWorkflow', {
        workflowId: placementId,
        taskQueue,
        args: [
          {
            placementId,
            ownerWorkflowId: caseId,
            term: 'short_term',
            startedAt,
            agencyId: testAgencies.street_office,
            siteAgencyId: 'care-site-1',
            policeAgencyIds: [testAgencies.police_station],
            cap: testPolicyPack.placement.shortTermCap,
            remindBefore: testPolicyPack.placement.remindBefore,
            overrunEscalationEvery: testPolicyPack.placement.overrunEscalationEvery,
            pack: { id: testPolicyPack.id, version: testPolicyPack.version },
          },
        ],
      });
      const endsAt = addDuration(new Date(startedAt), 'P1M').toISOString();
      const remindAt = subtractDuration(new Date(endsAt), 'P7D').toISOString();

      // Just past the reminder, six days and more before the cap.
      await sleepUntil(env, remindAt, 60_000);
      const reminder = await eventually(async () => {
        const found = recorded.notifications.find((n) => n.idempotencyKey.includes(':remind:'));
        if (!found) throw new Error('no reminder yet');
        return found;
      });
      expect(await env.currentTimeMs()).toBeLessThan(Date.parse(endsAt) - 6 * 24 * 3600_000);
      const { delivery, email } = await delivered(reminder);
      expect(delivery).toMatchObject({ kind: 'task_reminder', dueAt: endsAt });
      expect(delivery.escalationLevel).toBeUndefined();
      expect(email.subject).toContain('期限提醒（尚未超期）');
      expect(email.subject).toContain('Reminder, not overdue yet');
      expect(`${email.subject}\n${email.text}`).not.toMatch(
        /已超过期限|原定期限|逾期|超期\s|升级|has passed|Was due by|Escalation/,
      );

      // At the cap: a decision is due, told to the coordinators; still not an escalation.
      await sleepUntil(env, endsAt, 60_000);
      const atCap = await eventually(async () => {
        const found = recorded.notifications.find((n) => n.idempotencyKey.endsWith(':end:0'));
        if (!found) throw new Error('cap not reached yet');
        return found;
      });
      const decision = await delivered(atCap);
      expect(decision.delivery.kind).toBe('decision_needed');
      expect(decision.delivery.escalationLevel).toBeUndefined();
      expect(decision.email.subject).toContain('已到期限，待您决定');

      // A day past the cap without a decision: the first escalation, level 1 (not 2).
      await env.sleep('1 day');
      const overrun = await eventually(async () => {
        const found = recorded.notifications.find((n) => n.idempotencyKey.endsWith(':overrun:0:1'));
        if (!found) throw new Error('no overrun yet');
        return found;
      });
      const escalation = await delivered(overrun);
      expect(escalation.delivery).toMatchObject({ kind: 'task_escalated', escalationLevel: 1 });
      expect(escalation.email.subject).toContain('任务逾期升级（第1级）');
      expect(escalation.email.text).toContain('原定期限');
      await handle.terminate('test over');
    });
  });
});
