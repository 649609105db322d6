/**
 * The whole chain on the real stack (Temporal dev server, FerretDB, SMTP sink, the API as npm start builds it): a
 * report filed over HTTP becomes a case, the police station is told by email and sees the task, acts on it through
 * the API, and the coordinator sees the case move on. Also: idempotent filing under concurrency, scope, bad input,
 * and no child data in clear in Temporal's history.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { temporal } from '@temporalio/proto';
import { caseWorkflowId } from '../../../workflows/definitions';
import { AuditEventModel } from '../../../models/audit-event';
import { CaseModel } from '../../../models/case';
import { ReportModel } from '../../../models/report';
import { CHANGNING, FENGTAI_POLICE, eventually, mailTo, reportBody, startFullStack, type FullStack } from './harness';
import { isLocalActivity } from '../../workflows/history-shape';

jest.setTimeout(120_000); // the whole chain through a worker with the real activities: several workflow hops and emails

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => request(stack.app);

async function file(token: string, body: object, key = randomUUID()) {
  return api().post('/api/v1/reports').set('authorization', `Bearer ${token}`).set('idempotency-key', key).send(body);
}

async function caseOfReceipt(receipt: string): Promise<string> {
  return eventually(async () => {
    const report = await ReportModel.findOne({ receiptNumber: receipt }).lean();
    if (!report?.caseWorkflowId) throw new Error('report not recorded yet');
    return report.caseWorkflowId;
  });
}

/** The `notify` activities a workflow's history has scheduled, and how many of them completed. */
async function noticesOf(workflowId: string): Promise<{ scheduled: number; completed: number }> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Set<string>();
  let completed = 0;
  for (const event of history.events ?? []) {
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'notify')
      scheduled.add(String(event.eventId));
    const done = event.activityTaskCompletedEventAttributes;
    if (done && scheduled.has(String(done.scheduledEventId))) completed += 1;
    // A notice run as a local activity (a task's since `task-local-activities`) is recorded once it has returned: done
    // unless its marker holds a failure.
    if (isLocalActivity(event, 'notify')) {
      scheduled.add(String(event.eventId));
      if (!event.markerRecordedEventAttributes?.failure) completed += 1;
    }
  }
  return { scheduled: scheduled.size, completed };
}

describe('a mandatory report on the real stack', () => {
  it('reaches the police by email and inbox, is accepted and completed through the API, and the coordinator sees the case move to assessment with its timeline', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const filed = await file(reporter, reportBody());
    expect(filed.status).toBe(202);
    expect(filed.headers.location).toBe(`/api/v1/reports/${filed.body.receipt}`);
    const caseId = await caseOfReceipt(filed.body.receipt);
    // Opening the child's file is a write to it, and audited with who caused it.
    await eventually(async () => {
      const audit = await AuditEventModel.findOne({
        action: 'child_file.created_by_report',
        caseWorkflowId: caseId,
      }).lean();
      expect(audit).toMatchObject({ actor: { kind: 'user' }, reason: `mandatory report ${filed.body.receipt}` });
    });

    const police = await stack.login(CHANGNING.police);
    const task = await eventually(async () => {
      const inbox = await api().get('/api/v1/tasks').set('authorization', `Bearer ${police}`).expect(200);
      const found = inbox.body.items.find((t: { caseId: string }) => t.caseId === caseId);
      if (!found) throw new Error('task not in inbox yet');
      return found as { taskId: string; kind: string };
    });
    expect(task.kind).toBe('police_response');
    const mail = await eventually(() => {
      const found = mailTo(CHANGNING.police, task.taskId);
      if (found.length === 0) throw new Error('no mail yet');
      return found;
    });
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain('公安机关应急处置');
    expect(mail[0]!.subject).not.toContain('王小红');

    const taskPath = `/api/v1/tasks/${encodeURIComponent(task.taskId)}`;
    await api().post(`${taskPath}/accept`).set('authorization', `Bearer ${police}`).send({}).expect(200);
    await api()
      .post(`${taskPath}/complete`)
      .set('authorization', `Bearer ${police}`)
      .send({
        outcome: {
          kind: 'police_response',
          dispatchedAt: new Date().toISOString(),
          responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
          custody: { kind: 'remains_with_guardian' },
        },
      })
      .expect(200);

    const coordinator = await stack.login(CHANGNING.coordinator);
    const detail = await eventually(async () => {
      const res = await api().get(`/api/v1/cases/${caseId}`).set('authorization', `Bearer ${coordinator}`).expect(200);
      if (res.body.status.stage !== 'assessment') throw new Error(`stage ${res.body.status.stage}`);
      return res.body;
    });
    expect(detail.timeline.length).toBeGreaterThan(3);
    // The list reads the projection, which follows the live status by a moment.
    await eventually(async () => {
      const listed = await api()
        .get('/api/v1/cases?stage=assessment')
        .set('authorization', `Bearer ${coordinator}`)
        .expect(200);
      expect(listed.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    });
    await eventually(async () => {
      const mine = await api().get('/api/v1/reports/mine').set('authorization', `Bearer ${reporter}`).expect(200);
      expect(mine.body.items.find((r: { receipt: string }) => r.receipt === filed.body.receipt)).toMatchObject({
        status: 'in_assessment',
      });
    });
  });

  it("lets neither the reporter nor another district's police read the case or its task", async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const filed = await file(reporter, reportBody());
    const caseId = await caseOfReceipt(filed.body.receipt);
    const readCase = await api().get(`/api/v1/cases/${caseId}`).set('authorization', `Bearer ${reporter}`);
    expect([403, 404]).toContain(readCase.status);
    expect(JSON.stringify(readCase.body)).not.toContain('王小红');

    const police = await stack.login(CHANGNING.police);
    const taskId = await eventually(async () => {
      const inbox = await api().get('/api/v1/tasks').set('authorization', `Bearer ${police}`).expect(200);
      const found = inbox.body.items.find((t: { caseId: string }) => t.caseId === caseId);
      if (!found) throw new Error('task not yet projected');
      return found.taskId as string;
    });
    const other = await stack.login(FENGTAI_POLICE);
    const res = await api()
      .get(`/api/v1/tasks/${encodeURIComponent(taskId)}`)
      .set('authorization', `Bearer ${other}`);
    expect([403, 404]).toContain(res.status);
    expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String) }));
    expect(res.body.task).toBeUndefined();
  });

  it('makes the same report posted 20 times at once with one idempotency key into one case, one email and 20 identical receipts', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const body = reportBody();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => file(reporter, body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const receipts = new Set(answers.map((a) => a.body.receipt));
    expect(receipts.size).toBe(1);
    const [receipt] = [...receipts] as [string];
    const caseId = await caseOfReceipt(receipt);
    expect(await ReportModel.countDocuments({ receiptNumber: receipt })).toBe(1);
    await eventually(async () => {
      expect(await CaseModel.countDocuments({ workflowId: caseId })).toBe(1);
    });
    // The filing is audited by the intake's first activity (not before the 202): once for the 20 posts, with who filed
    // it in which role and by which of the requests.
    const filed = await eventually(async () => {
      const found = await AuditEventModel.find({ action: 'report.filed', reason: `receipt ${receipt}` }).lean();
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    expect(filed).toMatchObject({
      actor: { kind: 'user' },
      details: { actorRole: 'mandated_reporter', requestId: expect.any(String) },
    });
    expect(answers.map((a) => a.headers['x-request-id'])).toContain((filed.details as { requestId: string }).requestId);
    const police = await stack.login(CHANGNING.police);
    const taskId = await eventually(async () => {
      const inbox = await api().get('/api/v1/tasks').set('authorization', `Bearer ${police}`).expect(200);
      const tasks = inbox.body.items.filter((t: { caseId: string }) => t.caseId === caseId);
      if (tasks.length === 0) throw new Error('task not yet projected');
      expect(tasks).toHaveLength(1);
      return tasks[0].taskId as string;
    });
    await eventually(() => expect(mailTo(CHANGNING.police, taskId)).toHaveLength(1));
    // Nothing more can come: the task's history shows every notice it scheduled completed (none pending or retrying),
    // so the one email in the sink is all there will be, not all there was so far.
    await eventually(async () => {
      const notices = await noticesOf(taskId);
      expect(notices.scheduled).toBeGreaterThan(0);
      expect(notices.completed).toBe(notices.scheduled);
    });
    expect(mailTo(CHANGNING.police, taskId)).toHaveLength(1);
  });

  it('keeps two filers who send the same Idempotency-Key apart, and shows each only their own reports, in the list and by receipt', async () => {
    const school = await stack.login(CHANGNING.reporter);
    const hospital = await stack.login(CHANGNING.hospitalReporter);
    const body = reportBody();
    const key = randomUUID();
    const bySchool = await file(school, body, key);
    const byHospital = await file(hospital, body, key);
    expect([bySchool.status, byHospital.status]).toEqual([202, 202]);
    // The key is per filer: the same key from another filer is another report with its own receipt.
    expect(byHospital.body.receipt).not.toBe(bySchool.body.receipt);
    await caseOfReceipt(bySchool.body.receipt);
    await caseOfReceipt(byHospital.body.receipt);
    expect(
      await ReportModel.countDocuments({ receiptNumber: { $in: [bySchool.body.receipt, byHospital.body.receipt] } }),
    ).toBe(2);

    // Both reports are recorded (above), so the lists below are complete: absence in them is real.
    const receiptsOf = async (token: string) =>
      (await api().get('/api/v1/reports/mine').set('authorization', `Bearer ${token}`).expect(200)).body.items.map(
        (r: { receipt: string }) => r.receipt,
      );
    const schoolSees = await receiptsOf(school);
    expect(schoolSees).toContain(bySchool.body.receipt);
    expect(schoolSees).not.toContain(byHospital.body.receipt);
    const hospitalSees = await receiptsOf(hospital);
    expect(hospitalSees).toContain(byHospital.body.receipt);
    expect(hospitalSees).not.toContain(bySchool.body.receipt);

    const read = (token: string, receipt: string) =>
      api().get(`/api/v1/reports/${receipt}`).set('authorization', `Bearer ${token}`);
    expect((await read(school, bySchool.body.receipt)).body).toMatchObject({ receipt: bySchool.body.receipt });
    const foreign = await read(school, byHospital.body.receipt);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(byHospital.body.receipt.slice(3));
    expect((await read(hospital, bySchool.body.receipt)).status).toBe(404);
    // Police staff filed nothing here: they follow no one else's report by receipt either.
    expect((await read(await stack.login(CHANGNING.police), bySchool.body.receipt)).status).toBe(404);
  });

  it('answers malformed, wrong-type, operator-injection and oversized reports with 400 or 413 naming the fields, and keeps serving', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const auth = { authorization: `Bearer ${reporter}` };
    const wrong = await file(reporter, {
      ...reportBody(),
      concerns: 'living_alone',
      discoveredAt: 12,
      child: { idNumber: '123' },
    });
    expect(wrong.status).toBe(400);
    const fields = wrong.body.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['concerns', 'discoveredAt', 'child.idNumber']));

    const injected = await file(reporter, { ...reportBody(), policyPackId: { $gt: '' }, extra: 1 });
    expect(injected.status).toBe(400);
    expect(injected.body.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['policyPackId.$gt', 'extra']),
    );

    const unknownConcern = await file(reporter, { ...reportBody(), concerns: ['living_alone', 'aliens'] });
    expect(unknownConcern.status).toBe(400);
    expect(unknownConcern.body.details.fields).toEqual([
      { field: 'concerns.1', message: expect.stringContaining('not a concern type') },
    ]);

    const noKey = await api().post('/api/v1/reports').set(auth).send(reportBody());
    expect(noKey.status).toBe(400);
    expect(noKey.body.details.fields[0].field).toBe('Idempotency-Key');

    const huge = await file(reporter, { ...reportBody(), account: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);

    const notJson = await api()
      .post('/api/v1/reports')
      .set(auth)
      .set('idempotency-key', randomUUID())
      .set('content-type', 'application/json')
      .send('{"concerns": [');
    expect(notJson.status).toBe(400);

    await api().get('/healthz').expect(200);
    expect((await file(reporter, reportBody())).status).toBe(202);
  });

  it("keeps the child's name and ID number out of Temporal's history in clear", async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const name = `测试${randomUUID().slice(0, 4)}`;
    const body = reportBody({ name });
    const filed = await file(reporter, body);
    const caseId = await caseOfReceipt(filed.body.receipt);
    expect(caseId).toBe(caseWorkflowId(caseId.replace(/^case-/, '')));
    // The histories as the server stores them: protobuf bytes, searched for the secrets' UTF-8 bytes.
    const rawHistories: Buffer[] = [];
    // This stack's intakes only: other test files share the server with payload keys of their own.
    const query = `WorkflowType = 'intakeWorkflow' AND TaskQueue = '${stack.config.TEMPORAL_TASK_QUEUE}'`;
    for await (const execution of stack.client.workflow.list({ query })) {
      const history = await stack.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      rawHistories.push(Buffer.from(temporal.api.history.v1.History.encode(history).finish()));
    }
    // The report names its case before the intake has started the case workflow: wait for it to exist.
    const caseHistory = await eventually(() => stack.client.workflow.getHandle(caseId).fetchHistory());
    rawHistories.push(Buffer.from(temporal.api.history.v1.History.encode(caseHistory).finish()));
    const raw = Buffer.concat(rawHistories);
    expect(raw.length).toBeGreaterThan(1000);
    for (const secret of [name, body.child.idNumber, body.account]) {
      expect(raw.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
    expect(raw.includes(Buffer.from('binary/encrypted'))).toBe(true);
  });
});
