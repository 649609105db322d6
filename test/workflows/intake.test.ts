import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { addDuration } from '../../policies/duration';
import { caseWorkflowId, intakeWorkflowId, reportFiledSignal, type FiledReport } from '../../workflows/definitions';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import { isLocalActivity } from './history-shape';
import {
  caseHandle,
  caseStatus,
  createHarness,
  eventually,
  fileReport,
  maybeRecordHistory,
  openTaskOf,
  submission,
  withWorker,
  type Harness,
} from './harness';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow months

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe('intake of mandatory reports (CN 四(一), FT 三(二)4)', () => {
  it('records an accountability finding against the reporting unit when a report comes later than the pack allows', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      // The fixture allows PT2H from discovery to report; this unit waited five hours.
      const report = await submission(env, childId, {
        discoveredMinutesAgo: 300,
        reporter: { unitId: 'clinic-4', unitType: 'hospital' },
      });
      const { reportId } = await fileReport(env, taskQueue, report);
      // An intake whose two steps ran as one local activity (INTAKE_ONE_LOCAL_ACTIVITY_PATCH), for the replay test.
      // (intake-local-activities.json, recorded before, keeps the two local activities' path replaying.)
      await maybeRecordHistory(
        env.client.workflow.getHandle(intakeWorkflowId(report.idempotencyKey)),
        'intake-one-local-activity',
      );
      // The same intake as the API starts it since (`fileInOneStep`): the one local activity, and no patch asked.
      const intakeHandle = env.client.workflow.getHandle(intakeWorkflowId(report.idempotencyKey));
      const intakeEvents = (await intakeHandle.fetchHistory()).events ?? [];
      expect(intakeEvents.filter((e) => isLocalActivity(e, 'fileReport'))).toHaveLength(1);
      expect(intakeEvents.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
      expect(intakeEvents.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);
      await maybeRecordHistory(intakeHandle, 'intake-file-in-one-step');

      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.findings).toHaveLength(1);
        return s;
      });
      expect(status.state.findings[0]).toEqual({
        kind: 'late_report',
        againstUnitId: 'clinic-4',
        againstUnitType: 'hospital',
        reportId,
        discoveredAt: report.discoveredAt,
        reportedAt: report.receivedAt,
        deadline: addDuration(new Date(report.discoveredAt), 'PT2H').toISOString(),
        clause: testPolicyPack.deadlines.report.clause,
        recordedAt: expect.any(String),
      });
      expect(status.state.reports[0].late).toBe(true);
      await eventually(async () =>
        expect(recorded.caseProjections.at(-1)?.fields.findings).toEqual(status.state.findings),
      );
      expect(recorded.audit.map((a) => a.type)).toContain('late_report_finding');
      // The finding's notice is sent (issue 15): to the district coordinators, once, with the clause.
      const notice = await eventually(async () => {
        const found = recorded.notifications.filter((n) => n.event.type === 'late_report_finding');
        expect(found).toHaveLength(1);
        return found[0]!;
      });
      expect(notice.event).toEqual({
        type: 'late_report_finding',
        caseId: status.state.caseId,
        reportId,
        againstUnitId: 'clinic-4',
        clause: testPolicyPack.deadlines.report.clause,
        districtCode: status.state.jurisdiction?.districtCode,
      });
      expect(notice.idempotencyKey).toBe(`${status.state.caseId}:late-report:${reportId}`);
    });
  });

  it('records no finding for a report made in time', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId, { discoveredMinutesAgo: 30 }));
      await openTaskOf(env, childId, 'police_response');
      const status = await caseStatus(env, childId);
      expect(status.state.findings).toEqual([]);
      expect(status.state.reports[0].late).toBe(false);
    });
  });

  it('makes one case of the same report submitted twice', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      const report = await submission(env, childId);
      const intakeArgs = {
        workflowId: intakeWorkflowId(report.idempotencyKey),
        taskQueue,
        args: [{ submission: report, pack: testPolicyPack, agencies: testAgencies }],
      };
      const running = await env.client.workflow.start('intakeWorkflow', intakeArgs);
      // Submitted again while that intake runs: Temporal refuses a second start with the same id.
      await expect(env.client.workflow.start('intakeWorkflow', intakeArgs)).rejects.toBeInstanceOf(
        WorkflowExecutionAlreadyStartedError,
      );
      const first = await running.result();
      const caseRunId = (await caseHandle(env, childId).describe()).runId;

      // Submitted again after the intake finished: the store returns the same report, the case dedupes it.
      const again = await fileReport(env, taskQueue, report);
      expect(again).toEqual(first);
      // And a raw duplicate signal (intake activity retried) changes nothing either.
      const filed: FiledReport = {
        reportId: first.reportId,
        childId,
        reporter: report.reporter,
        concerns: report.concerns,
        discoveredAt: report.discoveredAt,
        reportedAt: report.receivedAt,
        leftBehind: false,
      };
      await caseHandle(env, childId).signal(reportFiledSignal, filed);

      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.reports.map((r) => r.handledByTaskId)).toEqual([expect.any(String)]);
        return s;
      });
      expect(status.state.reports.map((r) => r.reportId)).toEqual([first.reportId]);
      expect(status.state.tasks.filter((t) => t.kind === 'police_response')).toHaveLength(1);
      expect(first.caseWorkflowId).toBe(caseWorkflowId(childId));
      expect((await caseHandle(env, childId).describe()).runId).toBe(caseRunId);
      await maybeRecordHistory(caseHandle(env, childId), 'case-duplicate-reports');
    });
  });

  it('joins a second report about the same child to the open case and raises its risk', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const first = await fileReport(env, taskQueue, await submission(env, childId));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      expect((await caseStatus(env, childId)).state.risk).toBe('low');

      await env.sleep('2 days');
      const second = await fileReport(
        env,
        taskQueue,
        await submission(env, childId, {
          concerns: ['living_alone'],
          reporter: { unitId: 'committee-2', unitType: 'residents_committee' },
        }),
      );
      expect(second.caseWorkflowId).toBe(first.caseWorkflowId);

      const status = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.reports.map((r) => r.handledByTaskId)).toEqual([policeTask, policeTask]);
        return s;
      });
      expect(status.state.risk).toBe('medium');
      expect(status.state.riskChanges).toEqual([
        expect.objectContaining({
          from: 'low',
          to: 'medium',
          reason: 'repeat_concern',
          clause: testPolicyPack.deadlines.repeatConcernWindow.clause,
          reportId: second.reportId,
        }),
      ]);
      // The running police response covers it: no second task, but the police are told.
      expect(status.openTasks.map((t) => t.taskId)).toEqual([policeTask]);
      await eventually(async () =>
        expect(recorded.notifications.map((n) => n.idempotencyKey)).toContain(
          `${first.caseWorkflowId}:report-joined:${second.reportId}`,
        ),
      );
    });
  });
});
