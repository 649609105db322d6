/**
 * Intervention commands through the API on the real stack: the legal ladder refuses a jump with the policy's reason,
 * a recorded refusal of duties starts the 6-month neglect clock that the case page shows with its clause, commands
 * the workflow cannot accept answer 409/422, closure is for coordinators only, and another district sees nothing.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { addDuration } from '../../../policies/duration';
import { AuditEventModel } from '../../../models/audit-event';
import { ReportModel } from '../../../models/report';
import { CHANGNING, FENGTAI_POLICE, eventually, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000); // the whole chain through a worker with the real activities: several workflow hops and emails

let stack: FullStack;
let caseId: string;
let police: string;
beforeAll(async () => {
  stack = await startFullStack();
  const reporter = await stack.login(CHANGNING.reporter);
  const filed = await request(stack.app)
    .post('/api/v1/reports')
    .set('authorization', `Bearer ${reporter}`)
    .set('idempotency-key', randomUUID())
    .send(reportBody())
    .expect(202);
  caseId = await eventually(async () => {
    const report = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
    if (!report?.caseWorkflowId) throw new Error('not recorded yet');
    return report.caseWorkflowId;
  });
  police = await stack.login(CHANGNING.police);
  // The police station holds the case's first task, which puts the case in its scope.
  await eventually(async () => {
    const inbox = await request(stack.app).get('/api/v1/tasks').set('authorization', `Bearer ${police}`).expect(200);
    expect(inbox.body.items.some((t: { caseId: string }) => t.caseId === caseId)).toBe(true);
  });
});
afterAll(async () => {
  await stack?.stop();
});

const command = (token: string, path: string, body: object) =>
  request(stack.app).post(`/api/v1/interventions/${caseId}/${path}`).set('authorization', `Bearer ${token}`).send(body);

describe('intervention commands on a case', () => {
  it("lets only the police record a penalty: school, hospital, women's federation and civil affairs get 403, the street's police station 200 (CN 四(四)3)", async () => {
    const occurredAt = new Date().toISOString();
    const penalty = { step: 'administrative_penalty', evidenceRef: 'CF-000', occurredAt };
    for (const email of [
      CHANGNING.reporter,
      'hospital@changning.demo.childsafe.local',
      'womens-federation@changning.demo.childsafe.local',
      CHANGNING.coordinator,
    ]) {
      const res = await command(await stack.login(email), 'legal-steps', penalty);
      expect({ email, status: res.status, body: JSON.stringify(res.body) }).toEqual({
        email,
        status: 403,
        body: expect.not.stringContaining(caseId.slice(5)),
      });
    }
    // Each refused attempt is in the audit log with who tried, on which case, and why (CN 四(四)3).
    const refused = await eventually(async () => {
      const events = await AuditEventModel.find({ caseWorkflowId: caseId, action: 'case.legal-steps.refused' }).lean();
      if (events.length < 4) throw new Error(`${events.length} refusals audited so far`);
      return events;
    });
    expect(new Set(refused.map((e) => e.actor?.id)).size).toBe(4);
    for (const e of refused) {
      expect(e.reason).toMatch(
        /^not_permitted: CN 四\(四\)3: administrative_penalty is recorded only by police_station/,
      );
    }
    // Nothing was recorded by them: the police's criticism is the first rung on record, and the police station of
    // the case's street records the penalty that follows it (no written warning needed, CN 四(四)3 as written).
    await command(police, 'legal-steps', { step: 'criticism_education', evidenceRef: 'JY-001', occurredAt }).expect(
      200,
    );
    await command(police, 'legal-steps', { ...penalty, evidenceRef: 'CF-001' }).expect(200);
  });

  it('refuses any step after the transfer to the judicial organs, with the clause as the reason (CN 四(四)3)', async () => {
    const occurredAt = new Date().toISOString();
    await command(police, 'legal-steps', { step: 'judicial_transfer', evidenceRef: 'YS-001', occurredAt }).expect(200);
    const back = await command(police, 'legal-steps', { step: 'written_warning', evidenceRef: 'GJ-001', occurredAt });
    expect(back.status).toBe(422);
    expect(back.body).toMatchObject({ error: 'ILLEGAL_TRANSITION', details: { rejection: 'IllegalLegalStep' } });
    expect(back.body.message).toContain('CN 四(四)3');
    const audited = await AuditEventModel.find({ caseWorkflowId: caseId, action: 'case.legal-steps.refused' }).lean();
    expect(audited.map((e) => e.reason)).toContainEqual(expect.stringMatching(/^IllegalLegalStep: CN 四\(四\)3/));
  });

  it('starts the 6-month neglect clock from the recorded date and shows it on the case with the clause it enforces', async () => {
    const since = new Date(Date.now() - 30 * 24 * 3600_000).toISOString();
    await command(police, 'guardian-refusals', {
      since,
      evidenceRef: 'DC-001',
      childWithoutMeansOfLiving: true,
    }).expect(200);
    const again = await command(police, 'guardian-refusals', {
      since,
      evidenceRef: 'DC-002',
      childWithoutMeansOfLiving: true,
    });
    expect(again.status).toBe(409);
    expect(again.body.details).toMatchObject({ rejection: 'NeglectClockRunning' });

    const coordinator = await stack.login(CHANGNING.coordinator);
    const detail = await request(stack.app)
      .get(`/api/v1/cases/${caseId}`)
      .set('authorization', `Bearer ${coordinator}`)
      .expect(200);
    const neglect = (
      detail.body.status.clocks as { clause: string; startedAt: string | null; firesAt: string; label: string }[]
    ).find((c) => c.firesAt === addDuration(new Date(since), 'P6M').toISOString());
    expect(neglect).toBeDefined();
    expect(neglect!.clause).toMatch(/四\(四\)3/);
    expect(neglect!.startedAt).toBe(since);
  });

  it('lets only coordinators approve closure, and refuses it while tasks are open', async () => {
    const byPolice = await command(police, 'closure', { reason: '家庭恢复监护' });
    expect(byPolice.status).toBe(403);
    const coordinator = await stack.login(CHANGNING.coordinator);
    const early = await command(coordinator, 'closure', { reason: '家庭恢复监护' });
    expect(early.status).toBe(422);
    expect(early.body.details).toMatchObject({ rejection: 'CaseNotClosable' });
  });

  it('lets only coordinators reopen, and only a closed case (CaseNotClosed)', async () => {
    expect((await command(police, 'reopen', { reason: '学校再次反映' })).status).toBe(403);
    const coordinator = await stack.login(CHANGNING.coordinator);
    const open = await command(coordinator, 'reopen', { reason: '学校再次反映' });
    expect(open.status).toBe(409);
    expect(open.body.details).toMatchObject({ rejection: 'CaseNotClosed' });
    const bad = await command(coordinator, 'reopen', {});
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
  });

  it('lets only the court seal a record (FT 三(三)2(5)), and only on a case within its scope', async () => {
    const body = { sealed: true, courtRef: '(2026)沪0105刑封1号', reason: '依法封存' };
    for (const email of [CHANGNING.police, CHANGNING.coordinator, 'procuratorate@changning.demo.childsafe.local']) {
      const res = await command(await stack.login(email), 'record-seal', body);
      expect({ email, status: res.status }).toEqual({ email, status: 403 });
    }
    // The court has no task on this case: answered as if it did not exist.
    const court = await command(await stack.login('court@changning.demo.childsafe.local'), 'record-seal', body);
    expect(court.status).toBe(404);
    expect(JSON.stringify(court.body)).not.toContain(caseId.slice(5));
  });

  it("answers another district's police with 404 and no data, and names every invalid field", async () => {
    const other = await stack.login(FENGTAI_POLICE);
    const res = await command(other, 'legal-steps', {
      step: 'criticism_education',
      evidenceRef: 'X',
      occurredAt: new Date().toISOString(),
    });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(caseId.slice(5));
    const bad = await command(police, 'guardian-refusals', { since: 'yesterday', childWithoutMeansOfLiving: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['since', 'evidenceRef', 'childWithoutMeansOfLiving']),
    );
  });
});
