/**
 * Issue #18 item 3, the window found in session 8: a child's file opened by a report can be enrolled on a street's
 * ledger before the case's first projection is written. The enrolment (api/routes/ledger.ts) writes the ledger entry,
 * then starts the monitoring workflow, which reads the projection for an open case (startLedgerMonitoring: none yet)
 * and starts without `openCaseId`; the intake tells no ledger (the case does, after its projection). Without a fix
 * the monitoring then schedules its own visits and escalations beside the case's, and the case's closing does not
 * return the child from a case the ledger never knew of.
 *
 * The ordering is forced here, not left to timing: the enrolment runs inside the case's first projection activity,
 * before the projection is recorded (the test's read of the fake store stands for the start's read of the projection:
 * startLedgerMonitoring itself finds no file for the test's child id, there being no store here).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startLedgerMonitoring } from '../../activities/ledger';
import { createIntakeActivities } from '../../activities';
import { addDuration } from '../../policies/duration';
import { caseWorkflowId } from '../../workflows/definitions';
import { approveClosureUpdate, reopenCaseUpdate } from '../../workflows/intervention.definitions';
import { ledgerMonitoringQuery, ledgerWorkflowId } from '../../workflows/ledger.definitions';
import {
  caseHandle,
  createHarness,
  eventually,
  ledgerProfile,
  maybeRecordHistory,
  withWorker,
  type Activities,
  type Harness,
  type Recorded,
  type TestContext,
} from './harness';
import { coordinator, sleepPast, throughDecision } from './intervention.helpers';

jest.setTimeout(90_000); // each test starts its own time-skipping server and worker and skips weeks of workflow time

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

/** What the enrolment route reads for an open case: the case's projection (here, the fake store's), not closed. */
function openCaseOf(recorded: Recorded, childId: string): string | undefined {
  const caseId = caseWorkflowId(childId);
  const last = recorded.caseProjections.filter((p) => p.workflowId === caseId).at(-1);
  return last && last.fields.stage !== 'closed' ? caseId : undefined;
}

/**
 * The fakes with the enrolment of `childId` run by `enrol` inside the case's first projection activity, before that
 * projection is recorded; the intake's routing is the real one (a real signal-with-start of the case).
 */
function enrolBeforeFirstProjection(childId: string, enrol: (ctx: TestContext) => Promise<void>) {
  return (fakes: Activities, ctx: TestContext): Partial<Activities> => {
    let enrolled = false;
    const intake = createIntakeActivities({
      client: ctx.env.client,
      taskQueue: ctx.taskQueue,
      reports: { recordReport: fakes.recordReport },
    });
    return {
      ...intake,
      async projectCase(snapshot) {
        if (snapshot.workflowId === caseWorkflowId(childId) && !enrolled) {
          enrolled = true;
          await enrol(ctx);
        }
        await fakes.projectCase(snapshot);
      },
    };
  };
}

describe('a child enrolled on the ledger before the first projection of the case its report opened (issue #18)', () => {
  it("is paused on the case (no ledger visits or escalations while it runs); the case's closing returns it to the visits, a reopening pauses it again", async () => {
    const childId = `child-${randomUUID()}`;
    let enrolledAt = '';
    let openCaseSeen: string | undefined = 'not read';
    const enrol = async ({ env, taskQueue, recorded }: TestContext) => {
      // The route's steps in its order: the ledger entry, the open case (none projected yet), the workflow's start.
      recorded.ledger.profiles.set(childId, ledgerProfile({ leftBehind: true }));
      openCaseSeen = openCaseOf(recorded, childId);
      enrolledAt = new Date(await env.currentTimeMs()).toISOString();
      await startLedgerMonitoring(env.client, taskQueue, { childId, districtCode: '110106' });
    };
    await withWorker(
      h,
      async ({ env, taskQueue, recorded }) => {
        await throughDecision(env, taskQueue, childId, { riskLevel: 'low', recommendation: 'monitoring_only' });
        expect(openCaseSeen).toBeUndefined(); // the window was hit: the enrolment saw no open case
        const ledger = env.client.workflow.getHandle(ledgerWorkflowId(childId));
        await eventually(async () =>
          expect(await ledger.query(ledgerMonitoringQuery)).toMatchObject({
            status: 'case_open',
            openCaseId: caseWorkflowId(childId),
          }),
        );
        await eventually(async () =>
          expect(recorded.ledger.caseOpen).toContainEqual({ childId, caseId: caseWorkflowId(childId) }),
        );
        // The ledger's own visit (left-behind: 30 days from the enrolment) passes while the case runs: no escalation.
        await sleepPast(env, addDuration(new Date(enrolledAt), 'P30D').toISOString());
        const missed = () =>
          recorded.notifications.filter((n) => n.event.type === 'ledger_visit_missed' && n.event.childId === childId);
        expect(missed()).toHaveLength(0);
        expect((await ledger.query(ledgerMonitoringQuery)).status).toBe('case_open');

        // The case closes: the child returns to the ledger's visits, the next one counted from the closing.
        const closed = await caseHandle(env, childId).executeUpdate(approveClosureUpdate, {
          args: [{ approver: coordinator, reason: '家庭监护已恢复，结案' }],
        });
        const closedAt = closed.closure!.at;
        const back = await eventually(async () => {
          const v = await ledger.query(ledgerMonitoringQuery);
          expect(v.status).toBe('monitoring');
          if (!v.dueAt) throw new Error('not rescheduled yet');
          return v;
        });
        expect(back.dueAt).toBe(addDuration(new Date(closedAt), 'P30D').toISOString());

        // A coordinator reopens the case (no new report): the ledger is paused on it again.
        await caseHandle(env, childId).executeUpdate(reopenCaseUpdate, {
          args: [{ approver: coordinator, reason: '家庭监护再次出现问题，重新办理' }],
        });
        await eventually(async () =>
          expect(await ledger.query(ledgerMonitoringQuery)).toMatchObject({
            status: 'case_open',
            openCaseId: caseWorkflowId(childId),
          }),
        );
        await sleepPast(env, back.dueAt!);
        expect(missed()).toHaveLength(0);
        await maybeRecordHistory(caseHandle(env, childId), 'case-ledger-told-open');
      },
      enrolBeforeFirstProjection(childId, enrol),
    );
  });

  it("is paused on the case when the enrolment's start reaches Temporal only after the case looked for a ledger", async () => {
    const childId = `child-${randomUUID()}`;
    let openCaseSeen: string | undefined = 'not read';
    const enrol = async ({ recorded }: TestContext) => {
      // The ledger entry and the read for an open case now; the start of the workflow later (below).
      recorded.ledger.profiles.set(childId, ledgerProfile({ leftBehind: true }));
      openCaseSeen = openCaseOf(recorded, childId);
    };
    await withWorker(
      h,
      async ({ env, taskQueue, recorded }) => {
        await throughDecision(env, taskQueue, childId, { riskLevel: 'low', recommendation: 'monitoring_only' });
        expect(openCaseSeen).toBeUndefined();
        // The case, once projected, looked for the child's ledger and found the entry.
        await eventually(async () =>
          expect(recorded.ledger.told).toContainEqual({ childId, caseId: caseWorkflowId(childId), onLedger: true }),
        );
        const started = await startLedgerMonitoring(env.client, taskQueue, { childId, districtCode: '110106' });
        const ledger = env.client.workflow.getHandle(ledgerWorkflowId(childId));
        // The enrolment's start found the run the case started (one workflow per child), paused on the case.
        expect(started.runId).toBe((await ledger.describe()).runId);
        await eventually(async () =>
          expect(await ledger.query(ledgerMonitoringQuery)).toMatchObject({
            status: 'case_open',
            openCaseId: caseWorkflowId(childId),
          }),
        );
        expect(recorded.ledger.schedules.filter((s) => s.childId === childId)).toHaveLength(0);
      },
      enrolBeforeFirstProjection(childId, enrol),
    );
  });

  it('a case for a child on no ledger starts no monitoring until it closes', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(env, taskQueue, childId, { riskLevel: 'low', recommendation: 'monitoring_only' });
      await eventually(async () =>
        expect(recorded.ledger.told).toContainEqual({ childId, caseId: caseWorkflowId(childId), onLedger: false }),
      );
      await expect(env.client.workflow.getHandle(ledgerWorkflowId(childId)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    });
  });
});
