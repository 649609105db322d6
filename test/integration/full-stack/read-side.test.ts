/**
 * The read side on rows the real write path wrote: a report filed over HTTP runs through the worker (intake, police
 * response, joint assessment, risk grading) with the real activities, and the case list's category filter and the
 * dashboard's report→assessment indicator then read what the case workflow projected. No hand-written rows.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEMO_PASSWORD } from '../../../api/auth/demo-users';
import { hashPassword } from '../../../api/auth/passwords';
import { pinnedPack } from '../../../api/read-models/policy-lookup';
import { decideBenefits } from '../../../policies/benefits';
import { AgencyModel } from '../../../models/agency';
import { CaseModel } from '../../../models/case';
import { ChildModel } from '../../../models/child';
import { ReportModel } from '../../../models/report';
import { TaskModel } from '../../../models/task';
import { createUserRepository } from '../../../models/user';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000); // the whole chain through a worker with the real activities: several workflow hops

// The Changning social-work agency grades the risk (FT 三(三)4); the demo directory has the agency but no account.
const SOCIAL_WORKER = `social-worker-${randomUUID().slice(0, 8)}@changning.demo.childsafe.local`;

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
  await createUserRepository().create({
    email: SOCIAL_WORKER,
    displayName: '长宁区社工（测试）',
    role: 'agency_staff',
    agencyCode: 'cn.social-work',
    jurisdiction: { districtCode: '310105' },
    passwordHash: await hashPassword(DEMO_PASSWORD),
  });
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => request(stack.app);
const get = (token: string, path: string) => api().get(path).set('authorization', `Bearer ${token}`).expect(200);

/** Waits for the case's open task of `kind` in the inbox of whoever `token` is, and returns its id. */
async function taskIn(token: string, caseId: string, kind: string): Promise<string> {
  return eventually(async () => {
    const inbox = await get(token, '/api/v1/tasks');
    const task = inbox.body.items.find((t: { caseId: string; kind: string }) => t.caseId === caseId && t.kind === kind);
    if (!task) throw new Error(`no ${kind} task in this inbox yet`);
    return task.taskId as string;
  });
}

async function acceptAndComplete(token: string, taskId: string, outcome: object): Promise<void> {
  const path = `/api/v1/tasks/${encodeURIComponent(taskId)}`;
  await api().post(`${path}/accept`).set('authorization', `Bearer ${token}`).send({}).expect(200);
  await api().post(`${path}/complete`).set('authorization', `Bearer ${token}`).send({ outcome }).expect(200);
}

describe('the case list and the dashboard on a case that went through the worker', () => {
  it('filters by the categories of the assessed facts and measures report→assessment from the report', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const coordinator = await stack.login(CHANGNING.coordinator);
    const before = (await get(coordinator, '/api/v1/indicators')).body;
    expect(before.medianHoursToAssessment).toBeNull();

    const filed = await api()
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody())
      .expect(202);
    const report = await eventually(async () => {
      const found = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
      if (!found?.caseWorkflowId) throw new Error('report not recorded yet');
      return found;
    });
    const caseId = report.caseWorkflowId!;

    const police = await stack.login(CHANGNING.police);
    await acceptAndComplete(police, await taskIn(police, caseId, 'police_response'), {
      kind: 'police_response',
      dispatchedAt: new Date().toISOString(),
      responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
      custody: { kind: 'remains_with_guardian' },
    });
    const street = await stack.login('street.huayang@changning.demo.childsafe.local');
    const socialWorker = await stack.login(SOCIAL_WORKER);
    const jointTask = await taskIn(street, caseId, 'joint_assessment');
    const gradingTask = await taskIn(socialWorker, caseId, 'risk_grading');
    // Two kinds of difficulty (CN 一): family poverty (低保) and disability.
    await acceptAndComplete(street, jointTask, {
      kind: 'joint_assessment',
      ageYears: 9,
      facts: ['family_dibao', 'disabled'],
      familySituation: '父母在外地打工，家庭享受低保',
      guardianship: 'improper',
      physicalHealth: '肢体残疾',
      mentalHealth: '情绪低落',
    });
    await acceptAndComplete(socialWorker, gradingTask, {
      kind: 'risk_grading',
      riskLevel: 'medium',
      recommendation: 'services',
    });

    const listed = (query: string) =>
      get(coordinator, `/api/v1/cases?${query}`).then((r) =>
        r.body.items.map((c: { caseId: string; categories: string[] }) => c),
      );
    // The projection follows the workflow by a moment; once the case is listed under a category of its facts, the
    // same projected row answers every other filter.
    const poverty = await eventually(async () => {
      const items = await listed('category=family_poverty');
      const found = items.find((c: { caseId: string }) => c.caseId === caseId);
      if (!found) throw new Error('not yet projected with its categories');
      return found;
    });
    expect(poverty.categories).toEqual(['family_poverty', 'disability']);
    expect((await listed('category=disability')).map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    expect((await listed('category=guardianship_failure')).map((c: { caseId: string }) => c.caseId)).not.toContain(
      caseId,
    );

    // What the pack's rules decided is on the child's file too (issue #14 item 3): the categories of the assessed
    // facts, two of them so multiple difficulty, the benefits granted, and the risk the social worker graded.
    const projectedCase = await CaseModel.findOne({ workflowId: caseId }).lean();
    const pack = pinnedPack(projectedCase?.policyPackId, projectedCase?.policyPackVersion)!;
    const granted = decideBenefits(pack, { ageYears: 9, facts: ['family_dibao', 'disabled'] }).granted.map(
      (b) => b.code,
    );
    expect(granted.length).toBeGreaterThan(0);
    const file = await eventually(async () => {
      const child = await ChildModel.findById(projectedCase!.childId).lean();
      if (child?.riskLevel !== 'medium') throw new Error('risk not on the file yet');
      return child;
    });
    expect(file.categories).toEqual(['family_poverty', 'disability']);
    expect(file.flags?.multipleDifficulty).toBe(true);
    expect(file.benefits).toEqual(granted);
    // The same activity wrote the case just before the file: the case holds the graded risk too.
    expect(await CaseModel.findOne({ workflowId: caseId }).lean()).toMatchObject({
      riskLevel: 'medium',
      multipleDifficulty: true,
      benefits: granted,
    });
    expect((await listed('risk=medium')).map((c: { caseId: string }) => c.caseId)).toContain(caseId);

    // A readable number, allocated once (district, year in Beijing time, sequence), searchable in the list.
    const number = (await CaseModel.findOne({ workflowId: caseId }).lean())!.caseNumber!;
    expect(number).toMatch(/^长宁-20\d\d-\d{6}$/);
    expect(number.split('-')[1]).toBe(
      String(new Date(new Date(report.reportedAt).getTime() + 8 * 3_600_000).getUTCFullYear()),
    );
    expect((await listed(`number=${encodeURIComponent(number)}`)).map((c: { caseId: string }) => c.caseId)).toEqual([
      caseId,
    ]);
    expect((await listed(`number=${number.slice(-6)}`)).map((c: { caseNumber: string }) => c.caseNumber)).toContain(
      number,
    );
    expect(await listed('number=%E4%B8%B0%E5%8F%B0')).toEqual([]); // 丰台: another district's prefix

    // The case page reads the same decisions, by name with their clauses, and the stage the grading decided.
    const page = (await get(coordinator, `/api/v1/cases/${encodeURIComponent(caseId)}`)).body;
    expect(page.case).toMatchObject({
      caseNumber: number,
      risk: 'medium',
      stage: 'services',
      streetName: { zh: expect.any(String) },
    });
    expect(page.cockpit.classification).toMatchObject({
      multipleDifficulty: true,
      categories: [
        { code: 'family_poverty', label: pack.categories.find((c) => c.code === 'family_poverty')!.label },
        { code: 'disability', label: pack.categories.find((c) => c.code === 'disability')!.label },
      ],
    });
    expect(page.cockpit.benefits.granted.map((b: { code: string }) => b.code)).toEqual(granted);
    // Every task of the case with its agency by name: the police response, closed, held by the Huayang police.
    const policeTask = page.cockpit.tasks.find((t: { kind: string }) => t.kind === 'police_response');
    expect(policeTask).toMatchObject({ status: 'completed', agency: { code: 'cn.police.huayang' } });
    expect(policeTask.agency.name.zh).not.toBe('cn.police.huayang');

    // The projected case opens when the report reached ChildSafe, as the intake recorded it.
    const projected = await CaseModel.findOne({ workflowId: caseId }).lean();
    expect(projected?.openedAt?.toISOString()).toBe(new Date(report.reportedAt).toISOString());
    const assessed = await TaskModel.findOne({ caseWorkflowId: caseId, kind: 'joint_assessment' }).lean();
    expect(assessed?.status).toBe('completed');
    const expectedHours =
      (new Date(assessed!.completedAt!).getTime() - new Date(report.reportedAt).getTime()) / 3_600_000;
    const after = (await get(coordinator, '/api/v1/indicators')).body;
    expect(after.medianHoursToAssessment).toBe(Math.round(expectedHours * 10) / 10);
    expect(after.medianHoursToAssessment).toBeGreaterThanOrEqual(0);
  });
});

describe('the case page names what the rules decided about', () => {
  it('names the reporting unit of a late-report finding (CN 四(一)), never its code', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const coordinator = await stack.login(CHANGNING.coordinator);
    // Found two days before it was reported: far past the pack's reporting deadline.
    const filed = await api()
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody({ discoveredMinutesAgo: 2 * 24 * 60 }))
      .expect(202);
    const caseId = await eventually(async () => {
      const found = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
      if (!found?.caseWorkflowId) throw new Error('report not recorded yet');
      return found.caseWorkflowId;
    });
    const finding = await eventually(async () => {
      const view = await get(coordinator, `/api/v1/cases/${encodeURIComponent(caseId)}`);
      const late = view.body.status.findings.find((f: { kind: string }) => f.kind === 'late_report');
      if (!late) throw new Error('no late-report finding yet');
      return late as { againstUnitId: string; againstUnitName?: { zh: string; en: string } };
    });
    const unit = await AgencyModel.findOne({ code: finding.againstUnitId }).lean();
    expect(unit).not.toBeNull();
    expect(finding.againstUnitName).toEqual({ zh: unit!.name.zh, en: unit!.name.en });
    expect(finding.againstUnitName!.zh).not.toBe(finding.againstUnitId);
  });
});
