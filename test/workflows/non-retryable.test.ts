/**
 * The activity proxies' retry policies (workflows/proxies.ts) against the real time-skipping server: a failure type the
 * catalogue (workflows/failures.ts) names as final is tried once, anything else is retried; and a notice that fails
 * for good does not fail the task that sends it.
 */
import { randomUUID } from 'node:crypto';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { Activities } from './harness';
import { createFakes, createHarness, eventually, submission, type Harness } from './harness';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import { NotificationFailure, RecordFailure } from '../../workflows/failures';
import { acceptTaskUpdate, intakeWorkflowId, taskStatusQuery, type AgencyTaskInput } from '../../workflows/definitions';
import type { agencyTaskWorkflow } from '../../workflows/agency-task.workflow';
import type { intakeWorkflow } from '../../workflows/intake.workflow';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

jest.setTimeout(60_000); // bundles the workflow code once, then each test starts its own time-skipping Temporal server and worker

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

/** A worker over the harness fakes with some activities replaced. */
async function withActivities<T>(
  override: (base: Activities) => Partial<Activities>,
  fn: (env: TestWorkflowEnvironment, taskQueue: string) => Promise<T>,
): Promise<T> {
  const env = await createTimeSkippingEnv();
  try {
    const taskQueue = `q-${randomUUID()}`;
    const { activities } = createFakes(env, taskQueue);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: h.bundle,
      activities: { ...activities, ...override(activities) },
    });
    return await worker.runUntil(fn(env, taskQueue));
  } finally {
    await env.teardown();
  }
}

/** Thrown like the child-file repository's error of the same name (models/child-repository.ts). */
class MissingIdentityError extends Error {
  override readonly name = 'MissingIdentityError';
}
/** A database that is briefly unreachable. */
class MongoNetworkError extends Error {
  override readonly name = 'MongoNetworkError';
}

describe('non-retryable failure types on the activity proxies', () => {
  it('fails an intake at once on a record failure no retry can cure, after exactly one attempt', async () => {
    let attempts = 0;
    const failure = await withActivities(
      () => ({
        // The intake's one local activity (INTAKE_ONE_LOCAL_ACTIVITY_PATCH): its recording step fails.
        async fileReport() {
          attempts += 1;
          throw new MissingIdentityError('a child without an ID number needs a provisionalKey');
        },
      }),
      async (env, taskQueue) => {
        const report = await submission(env, `child-${randomUUID()}`);
        const run = env.client.workflow.execute<typeof intakeWorkflow>('intakeWorkflow', {
          workflowId: intakeWorkflowId(report.idempotencyKey),
          taskQueue,
          args: [{ submission: report, pack: testPolicyPack, agencies: testAgencies }],
        });
        return run.then(
          () => undefined,
          (err: unknown) => err,
        );
      },
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    // The intake runs its activity locally (INTAKE_ONE_LOCAL_ACTIVITY_PATCH): the workflow fails with the activity's
    // own failure (a scheduled activity's would come wrapped in an ActivityFailure).
    const failed = (failure as WorkflowFailedError).cause;
    const cause = failed instanceof ActivityFailure ? failed.cause : failed;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(RecordFailure.MissingIdentity);
    expect(attempts).toBe(1);
  });

  it('retries an intake through a database outage and records the report', async () => {
    let attempts = 0;
    const result = await withActivities(
      (base) => ({
        // The intake's one local activity: its recording fails twice, then records; the case is not under test here.
        async fileReport({ submission: s }) {
          attempts += 1;
          if (attempts < 3) throw new MongoNetworkError('connection refused');
          const recorded = await base.recordReport(s);
          return { ...recorded, caseWorkflowId: `case-${recorded.childId}` };
        },
      }),
      async (env, taskQueue) => {
        const report = await submission(env, `child-${randomUUID()}`);
        return env.client.workflow.execute<typeof intakeWorkflow>('intakeWorkflow', {
          workflowId: intakeWorkflowId(report.idempotencyKey),
          taskQueue,
          args: [{ submission: report, pack: testPolicyPack, agencies: testAgencies }],
        });
      },
    );
    expect(attempts).toBe(3);
    expect(result.reportId).toMatch(/^report-/);
  });

  it('keeps a task open and working when its notice fails for good, sending it once', async () => {
    const sent: string[] = [];
    const state = await withActivities(
      () => ({
        async notify(request) {
          sent.push(request.logicalKey);
          // Marked retryable by the thrower: only the proxy's list makes it final.
          throw ApplicationFailure.retryable('550 mailbox unavailable', NotificationFailure.Permanent);
        },
      }),
      async (env, taskQueue) => {
        const taskId = `detention-${randomUUID()}/task-1-police_response`;
        const rule = testPolicyPack.taskKinds.police_response;
        const input: AgencyTaskInput = {
          taskId,
          ownerWorkflowId: `detention-${randomUUID()}`,
          reportToOwner: false,
          kind: 'police_response',
          agencyId: testAgencies.police_station,
          collaboratingAgencyIds: [],
          concerns: [],
          createdAt: new Date(await env.currentTimeMs()).toISOString(),
          rule,
          ladder: testPolicyPack.escalationLadders[rule.ladder],
          pack: { id: testPolicyPack.id, version: testPolicyPack.version },
        };
        const handle = await env.client.workflow.start<typeof agencyTaskWorkflow>('agencyTaskWorkflow', {
          workflowId: taskId,
          taskQueue,
          args: [input],
        });
        await eventually(async () => expect((await handle.query(taskStatusQuery)).status).toBe('notified'));
        return handle.executeUpdate(acceptTaskUpdate, {
          args: [{ actor: { userId: 'officer-1', agencyId: testAgencies.police_station } }],
        });
      },
    );
    expect(state.status).toBe('accepted');
    expect(sent).toEqual(['assigned']);
  });
});
