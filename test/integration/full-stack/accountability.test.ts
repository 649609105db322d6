/**
 * Issue #17 item 6 through the API on the real stack (worker with the real activities, FerretDB, the SMTP sink, the
 * Changning pack 1.3.0): a late report reaches the school's superior, the education bureau, by inbox and email with a
 * follow-up task it completes (CN 四(一)); the coordinator's indicators and their export name each reporting unit's
 * reports, late reports and median delay; an agency whose tasks run through their whole ladder three times is
 * referred to the district procuratorate, which lists the referral and records its outcome (FT 三(三)2(4)).
 */
import { randomUUID } from 'node:crypto';
import { AgencyModel } from '../../../models/agency';
import { ReportModel } from '../../../models/report';
import { getPolicyPack } from '../../../policies';
import type { agencyTaskWorkflow } from '../../../workflows/agency-task.workflow';
import { CHANGNING, eventually, mailTo, reportBody, startFullStack, type FullStack } from './harness';
import { apiSteps, taskPath } from './api-steps';

jest.setTimeout(180_000); // several workflow hops through a worker with the real activities on a loaded machine

const EDUCATION = 'education@changning.demo.childsafe.local';
const PROCURATORATE = 'procuratorate@changning.demo.childsafe.local';

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
});
afterAll(async () => {
  await stack?.stop();
});

const { api, get } = apiSteps(() => stack);

async function accept(token: string, taskId: string): Promise<void> {
  await api()
    .post(`${taskPath(taskId)}/accept`)
    .set('authorization', `Bearer ${token}`)
    .send({})
    .expect(200);
}

describe('a late report goes to the reporting unit’s superior (CN 四(一))', () => {
  it('the education bureau gets the follow-up by inbox and email, sees the unit by name and no child data, and records what it did', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    // The Changning pack allows PT1H from discovery to report; this school waited five hours.
    const filed = await api()
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody({ discoveredMinutesAgo: 300 }))
      .expect(202);
    const caseId = await eventually(async () => {
      const found = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
      if (!found?.caseWorkflowId) throw new Error('report not recorded yet');
      return found.caseWorkflowId;
    });

    const education = await stack.login(EDUCATION);
    const taskId = await eventually(async () => {
      const inbox = await get(education, '/api/v1/tasks');
      const task = inbox.body.items.find(
        (t: { caseId: string; kind: string }) => t.caseId === caseId && t.kind === 'late_report_follow_up',
      );
      if (!task) throw new Error('no follow-up in the education bureau’s inbox yet');
      expect(task.label.zh).toBe('迟报追责跟进');
      return task.taskId as string;
    }, 60_000);
    await eventually(async () => expect(mailTo(EDUCATION, taskId).length).toBeGreaterThanOrEqual(1));

    const view = (await get(education, taskPath(taskId))).body;
    expect(view.task.subject).toMatchObject({
      kind: 'late_report',
      caseId,
      againstUnit: { code: 'cn.school', name: { zh: '长宁区演示小学' } },
      clause: 'CN 四(一)',
    });
    // The follow-up is about the school, not the child: nothing of the child's file.
    expect(view.child).toEqual({});
    expect(view.reports).toBeUndefined();

    await accept(education, taskId);
    const bad = await api()
      .post(`${taskPath(taskId)}/complete`)
      .set('authorization', `Bearer ${education}`)
      .send({ outcome: { kind: 'late_report_follow_up', action: 'scolded', decidedAt: 'yesterday' } })
      .expect(400);
    expect((bad.body.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'outcome.action',
      'outcome.decidedAt',
      'outcome.note',
    ]);
    await api()
      .post(`${taskPath(taskId)}/complete`)
      .set('authorization', `Bearer ${education}`)
      .send({
        outcome: {
          kind: 'late_report_follow_up',
          action: 'talked_to',
          decidedAt: new Date().toISOString(),
          note: '已约谈校长，明确第一时间报告的流程',
        },
      })
      .expect(200);
    const done = (await get(education, taskPath(taskId))).body;
    expect(done.task.status).toBe('completed');
    expect(done.task.outcome).toMatchObject({ action: 'talked_to', note: '已约谈校长，明确第一时间报告的流程' });

    // The case page names the superior the finding went to, and its follow-up task.
    const coordinator = await stack.login(CHANGNING.coordinator);
    const caseView = (await get(coordinator, `/api/v1/cases/${encodeURIComponent(caseId)}`)).body;
    const finding = caseView.status.findings.find((f: { kind: string }) => f.kind === 'late_report');
    expect(finding).toMatchObject({
      againstUnitName: { zh: '长宁区演示小学' },
      superiorName: { zh: '长宁区教育局' },
      followUpTaskId: taskId,
    });

    // Per-unit indicators (item 6): the school's reports, its late report and the median delay, by name.
    const school = await eventually(async () => {
      const indicators = (await get(coordinator, '/api/v1/indicators')).body;
      const unit = indicators.perReportingUnit.find((u: { agencyCode: string }) => u.agencyCode === 'cn.school');
      expect(unit?.lateReports).toBeGreaterThanOrEqual(1);
      return unit;
    });
    expect(school.name.zh).toBe('长宁区演示小学');
    expect(school.reports).toBeGreaterThanOrEqual(1);
    expect(school.medianMinutesToReport).toBeGreaterThan(0);
    const csv = await api()
      .get('/api/v1/exports/indicators?format=csv')
      .set('authorization', `Bearer ${coordinator}`)
      .expect(200);
    const text = Buffer.isBuffer(csv.body) ? csv.body.toString('utf8') : String(csv.text);
    expect(text).toContain('各报告单位迟报数 Late reports per reporting unit');
    expect(text).toContain('长宁区演示小学');
  });
});

describe('an agency whose tasks exhaust their ladders is referred to the procuratorate (FT 三(三)2(4))', () => {
  it('the procuratorate lists the referral with the agency by name and records its supervision outcome', async () => {
    // An agency of this run only: the oversight workflow is one per agency on the shared Temporal server.
    const agencyCode = `cn.street.test-${randomUUID().slice(0, 8)}`;
    await AgencyModel.create({
      code: agencyCode,
      name: { zh: '测试街道办事处', en: 'Test Subdistrict Office' },
      type: 'street_office',
      level: 'street_township',
      jurisdiction: { districtCode: '310105', streetCode: `test-${agencyCode.slice(-8)}` },
    });
    const pack = getPolicyPack('cn-changning', '1.3.0');
    const referral = pack.accountability!.procuratorateReferral!;
    const base = pack.taskKinds.benefit_application!;
    // Deadlines of seconds so three ladders run out on the real server; the referral rule is the pack's.
    const second = { ...base.accept, duration: 'PT1S' };
    const rule = { ...base, accept: second, complete: { ...base.complete, duration: 'PT2S' } };
    for (let n = 1; n <= referral.exhaustedLadders; n++) {
      const taskId = `case-test-${randomUUID()}/task-${n}-benefit_application`;
      await stack.client.workflow.start<typeof agencyTaskWorkflow>('agencyTaskWorkflow', {
        workflowId: taskId,
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        args: [
          {
            taskId,
            ownerWorkflowId: taskId.split('/')[0]!,
            reportToOwner: false,
            kind: 'benefit_application',
            agencyId: agencyCode,
            collaboratingAgencyIds: [],
            concerns: [],
            benefits: ['basic_living'],
            createdAt: new Date().toISOString(),
            rule,
            ladder: [{ after: 'PT1S', notify: 'assignee' }],
            pack: { id: pack.id, version: pack.version },
            referral: { exhaustedLadders: referral.exhaustedLadders, period: referral.period, clause: referral.clause },
          },
        ],
      });
    }

    const procuratorate = await stack.login(PROCURATORATE);
    const item = await eventually(async () => {
      const list = (await get(procuratorate, '/api/v1/tasks/referrals')).body;
      const found = list.items.find((r: { againstAgency: { code: string } }) => r.againstAgency.code === agencyCode);
      if (!found) throw new Error('no referral yet');
      return found;
    }, 90_000);
    expect(item).toMatchObject({
      againstAgency: { name: { zh: '测试街道办事处' } },
      exhaustedTasks: 3,
      period: 'P90D',
    });
    expect(item.outcome).toBeUndefined();
    // In the procuratorate's inbox too, with its email.
    const inbox = (await get(procuratorate, '/api/v1/tasks')).body;
    expect(inbox.items.some((t: { taskId: string }) => t.taskId === item.taskId)).toBe(true);
    await eventually(async () => expect(mailTo(PROCURATORATE, item.taskId).length).toBeGreaterThanOrEqual(1));

    const view = (await get(procuratorate, taskPath(item.taskId))).body;
    expect(view.task.kind).toBe('procuratorate_supervision');
    expect(view.task.subject.exhaustions).toHaveLength(3);
    expect(view.task.subject.exhaustions[0].label.zh).toBe(base.label.zh);

    // Only the procuratorate sees the referral list.
    const coordinator = await stack.login(CHANGNING.coordinator);
    await api().get('/api/v1/tasks/referrals').set('authorization', `Bearer ${coordinator}`).expect(403);

    await accept(procuratorate, item.taskId);
    const missingRef = await api()
      .post(`${taskPath(item.taskId)}/complete`)
      .set('authorization', `Bearer ${procuratorate}`)
      .send({
        outcome: {
          kind: 'procuratorate_supervision',
          result: 'supervision_opinion_issued',
          decidedAt: new Date().toISOString(),
          note: '发出监督意见',
        },
      })
      .expect(400);
    expect(JSON.stringify(missingRef.body)).toContain('opinionRef');
    await api()
      .post(`${taskPath(item.taskId)}/complete`)
      .set('authorization', `Bearer ${procuratorate}`)
      .send({
        outcome: {
          kind: 'procuratorate_supervision',
          result: 'supervision_opinion_issued',
          opinionRef: '长检监〔2026〕7号',
          decidedAt: new Date().toISOString(),
          note: '向测试街道办事处发出检察监督意见',
        },
      })
      .expect(200);
    await eventually(async () => {
      const list = (await get(procuratorate, '/api/v1/tasks/referrals')).body;
      const found = list.items.find((r: { taskId: string }) => r.taskId === item.taskId);
      expect(found.outcome).toEqual({ code: 'supervision_opinion_issued', note: '向测试街道办事处发出检察监督意见' });
    });
  });
});
