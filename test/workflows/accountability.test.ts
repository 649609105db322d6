/**
 * Accountability for silence (issue #17 item 6) on the time-skipping server: a late report goes to the reporting
 * unit's superior with a follow-up task (CN 四(一)); an agency whose tasks run through their whole escalation ladder
 * the pack's number of times in its period is referred to the district procuratorate (FT 三(三)2(4)).
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { getPolicyPack } from '../../policies';
import { TASK_LOCAL_ACTIVITIES_PATCH, type agencyTaskWorkflow } from '../../workflows/agency-task.workflow';
import { firstTaskMarks, patchMarkers } from './history-shape';
import {
  caseWorkflowId,
  intakeWorkflowId,
  oversightStatusQuery,
  oversightWorkflowId,
  type IntakeResult,
  type PackRef,
  type ReportSubmission,
} from '../../workflows/definitions';
import type { intakeWorkflow } from '../../workflows/intake.workflow';
import { testAgencies } from '../fixtures/policy-pack';
import {
  TEST_PROCURATORATE,
  acceptAndComplete,
  caseHandle,
  caseStatus,
  createHarness,
  eventually,
  maybeRecordHistory,
  submission,
  taskStatus,
  withWorker,
  type Harness,
} from './harness';

jest.setTimeout(90_000); // each test starts its own time-skipping server and worker, and skips through weeks of deadlines

const PACK: PackRef = { id: 'cn-changning', version: '1.3.0' };
const pack = getPolicyPack(PACK.id, PACK.version);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

function fileWithPack(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  report: ReportSubmission,
): Promise<IntakeResult> {
  return env.client.workflow.execute<typeof intakeWorkflow>('intakeWorkflow', {
    workflowId: intakeWorkflowId(report.idempotencyKey),
    taskQueue,
    args: [{ submission: report, pack: PACK, agencies: testAgencies }],
  });
}

describe('a late report goes to the reporting unit’s superior (CN 四(一))', () => {
  it('opens a follow-up task for the hospital’s health commission, which records what it did', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      // The pack allows PT1H from discovery to report; the hospital waited five hours.
      const report = await submission(env, childId, {
        discoveredMinutesAgo: 300,
        reporter: { unitId: 'clinic-4', unitType: 'hospital' },
      });
      const { reportId } = await fileWithPack(env, taskQueue, report);

      const finding = await eventually(async () => {
        const found = (await caseStatus(env, childId)).state.findings[0];
        if (found?.kind !== 'late_report' || !found.followUpTaskId) throw new Error('no follow-up yet');
        return found;
      });
      expect(finding).toMatchObject({ againstUnitId: 'clinic-4', againstUnitType: 'hospital', reportId });
      // CN 五(一): medical institutions answer to the district health commission (the pack's superiors).
      expect(finding.superiorAgencyId).toBe(testAgencies.health);
      const taskId = finding.followUpTaskId!;
      // Not one of the case's tasks: it neither moves the stage nor holds up closure.
      const status = await caseStatus(env, childId);
      expect(status.state.tasks.map((t) => t.taskId)).not.toContain(taskId);

      // The task answers from its start ('created'); the superior is notified in its next step.
      const task = await eventually(async () => {
        const t = await taskStatus(env, taskId);
        expect(t.status).toBe('notified');
        return t;
      });
      expect(task).toMatchObject({ kind: 'late_report_follow_up', agencyId: testAgencies.health, status: 'notified' });
      expect(task.subject).toEqual({
        kind: 'late_report',
        caseId: caseWorkflowId(childId),
        reportId,
        againstUnitId: 'clinic-4',
        discoveredAt: report.discoveredAt,
        reportedAt: report.receivedAt,
        deadline: finding.deadline,
        clause: 'CN 四(一)',
      });
      // Email + inbox like every task: the superior's desk is told.
      await eventually(async () =>
        expect(
          recorded.notifications.filter((n) => n.event.type === 'task_assigned' && n.event.taskId === taskId),
        ).toHaveLength(1),
      );
      expect(recorded.audit.map((a) => a.type)).toContain('late_report_to_superior');

      const superior = { userId: 'health-1', agencyId: testAgencies.health };
      const now = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, taskId, superior, {
        kind: 'late_report_follow_up',
        action: 'warned',
        decidedAt: now,
        note: '已约谈医院分管院长并书面警告',
      });
      await eventually(async () => {
        const last = recorded.taskProjections.filter((p) => p.taskId === taskId).at(-1);
        expect(last?.fields).toMatchObject({
          status: 'completed',
          outcome: { code: 'warned', note: '已约谈医院分管院长并书面警告' },
          subject: { kind: 'late_report', againstUnitId: 'clinic-4' },
        });
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-late-report-superior');
      await maybeRecordHistory(env.client.workflow.getHandle(taskId), 'task-late-report-follow-up');
    });
  });

  it('opens no follow-up for a unit type the pack names no superior for (a private person)', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const report = await submission(env, childId, {
        discoveredMinutesAgo: 300,
        reporter: { unitId: 'person-1', unitType: 'individual' },
      });
      await fileWithPack(env, taskQueue, report);
      await eventually(async () =>
        expect(recorded.notifications.some((n) => n.event.type === 'late_report_finding')).toBe(true),
      );
      await eventually(async () => expect((await caseStatus(env, childId)).openTasks.length).toBeGreaterThan(0));
      const finding = (await caseStatus(env, childId)).state.findings[0];
      expect(finding).toMatchObject({ kind: 'late_report', againstUnitType: 'individual' });
      expect(finding).not.toHaveProperty('followUpTaskId');
    });
  });
});

describe('an agency that lets its tasks run through their ladders is referred to the procuratorate (FT 三(三)2(4))', () => {
  const referral = pack.accountability!.procuratorateReferral!;
  const rule = pack.taskKinds.benefit_application!;
  const ladder = pack.escalationLadders[rule.ladder]!;

  async function startIgnoredTask(env: TestWorkflowEnvironment, taskQueue: string, agencyId: string, n: number) {
    const taskId = `case-child-${randomUUID()}/task-${n}-benefit_application`;
    await env.client.workflow.start<typeof agencyTaskWorkflow>('agencyTaskWorkflow', {
      workflowId: taskId,
      taskQueue,
      args: [
        {
          taskId,
          ownerWorkflowId: `case-child-${n}`,
          reportToOwner: false,
          kind: 'benefit_application',
          agencyId,
          collaboratingAgencyIds: [],
          concerns: [],
          benefits: ['basic_living'],
          createdAt: new Date(await env.currentTimeMs()).toISOString(),
          rule,
          ladder,
          pack: PACK,
          referral: { exhaustedLadders: referral.exhaustedLadders, period: referral.period, clause: referral.clause },
        },
      ],
    });
    return taskId;
  }

  it('refers the agency after the pack’s number of exhausted ladders, once, and the procuratorate records its outcome', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const agencyId = `agency-street-${randomUUID().slice(0, 8)}`;
      expect(referral.exhaustedLadders).toBe(3);
      const taskIds: string[] = [];
      for (let n = 1; n <= 3; n++) taskIds.push(await startIgnoredTask(env, taskQueue, agencyId, n));
      // Accept deadline P3D, then the standard ladder's last rung three days later: a week passes unanswered.
      await env.sleep('7 days');

      const oversight = env.client.workflow.getHandle(oversightWorkflowId(agencyId));
      const state = await eventually(async () => {
        const s = await oversight.query(oversightStatusQuery);
        expect(s.referrals).toHaveLength(1);
        return s;
      });
      expect(state.pending).toEqual([]);
      expect(state.referrals[0]!.exhaustions.map((e) => e.taskId).sort()).toEqual([...taskIds].sort());
      expect(state.referrals[0]!.exhaustions.every((e) => e.phase === 'accept' && e.agencyId === agencyId)).toBe(true);
      const referralTaskId = state.referrals[0]!.taskId;

      const task = await eventually(() => taskStatus(env, referralTaskId));
      expect(task).toMatchObject({ kind: 'procuratorate_supervision', agencyId: TEST_PROCURATORATE });
      expect(task.subject).toMatchObject({
        kind: 'ladder_exhaustion',
        againstAgencyId: agencyId,
        threshold: 3,
        period: 'P90D',
        clause: 'FT 三(三)2(4)',
      });
      // The procuratorate is told like any agency of a task.
      await eventually(async () =>
        expect(
          recorded.notifications.some((n) => n.event.type === 'task_assigned' && n.event.taskId === referralTaskId),
        ).toBe(true),
      );
      // Each exhausted task is audited on its own history.
      for (const taskId of taskIds) {
        expect(recorded.audit.some((a) => a.workflowId === taskId && a.type === 'ladder_exhausted')).toBe(true);
      }

      const procurator = { userId: 'proc-1', agencyId: TEST_PROCURATORATE };
      await acceptAndComplete(env, referralTaskId, procurator, {
        kind: 'procuratorate_supervision',
        result: 'supervision_opinion_issued',
        opinionRef: '长检监〔2026〕3号',
        decidedAt: new Date(await env.currentTimeMs()).toISOString(),
        note: '向街道办事处发出检察监督意见',
      });
      await eventually(async () => {
        const last = recorded.taskProjections.filter((p) => p.taskId === referralTaskId).at(-1);
        expect(last?.fields).toMatchObject({
          status: 'completed',
          outcome: { code: 'supervision_opinion_issued', note: '向街道办事处发出检察监督意见' },
        });
      });
      await maybeRecordHistory(oversight, 'oversight-referral');
      // A task started without `localActivities` in its input (as here) asks TASK_LOCAL_ACTIVITIES_PATCH, once, first.
      const ignored = env.client.workflow.getHandle(taskIds[0]!);
      expect(await firstTaskMarks(env, ignored, TASK_LOCAL_ACTIVITIES_PATCH)).toBe(true);
      expect(await patchMarkers(env, ignored, undefined, TASK_LOCAL_ACTIVITIES_PATCH)).toBe(1);
      await maybeRecordHistory(env.client.workflow.getHandle(taskIds[0]!), 'task-ladder-exhausted');
    });
  });

  it('does not refer an agency below the pack’s number', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const agencyId = `agency-street-${randomUUID().slice(0, 8)}`;
      const taskIds = [
        await startIgnoredTask(env, taskQueue, agencyId, 1),
        await startIgnoredTask(env, taskQueue, agencyId, 2),
      ];
      await env.sleep('7 days');
      const oversight = env.client.workflow.getHandle(oversightWorkflowId(agencyId));
      const state = await eventually(async () => {
        const s = await oversight.query(oversightStatusQuery);
        expect(s.pending).toHaveLength(2);
        return s;
      });
      expect(state.referrals).toEqual([]);
      expect(state.pending.map((e) => e.taskId).sort()).toEqual([...taskIds].sort());
      expect(
        recorded.notifications.some(
          (n) => n.event.type === 'task_assigned' && n.event.kind === 'procuratorate_supervision',
        ),
      ).toBe(false);
    });
  });
});
