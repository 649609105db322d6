/**
 * The Temporal UI's codec endpoint on the real stack: a report filed over HTTP runs as real workflows whose history
 * payloads are encrypted and scoped; those payloads, exactly as the Temporal UI would send them, decode for the
 * district coordinator of the case's district (audited), and are refused (403) to the other district's coordinator
 * and to administrators, with nothing decrypted.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { temporal } from '@temporalio/proto';
import { payloadScope } from '../../../common/codec';
import { AuditEventModel } from '../../../models/audit-event';
import { ReportModel } from '../../../models/report';
import { TaskModel } from '../../../models/task';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000);

const FENGTAI_COORDINATOR = 'civil-affairs@fengtai.demo.childsafe.local';
const CHANGNING_ADMIN = 'admin@changning.demo.childsafe.local';

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
});
afterAll(async () => {
  await stack?.stop();
});

type Payload = temporal.api.common.v1.IPayload;
const wire = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Every payload in a workflow's history, as the Temporal UI gets it from the server. */
async function historyPayloads(workflowId: string): Promise<Payload[]> {
  const history = await stack.client.workflowService.getWorkflowExecutionHistory({
    namespace: stack.client.options.namespace,
    execution: { workflowId },
  });
  const found: Payload[] = [];
  const walk = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(walk);
    const v = value as Record<string, unknown>;
    if (v.metadata && v.data instanceof Uint8Array) {
      found.push(v as Payload);
      return;
    }
    Object.values(v).forEach(walk);
  };
  walk(history.history?.events ?? []);
  return found.filter((p) => Buffer.from(p.metadata?.encoding ?? []).toString() === 'binary/encrypted');
}

describe('the codec endpoint on real workflow histories', () => {
  it("decodes a case's payloads for its district's coordinator only: another district and administrators get 403", async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const name = `李${randomUUID().slice(0, 4)}`;
    const filed = await request(stack.app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody({ name }));
    expect(filed.status).toBe(202);
    const caseId = await eventually(async () => {
      const report = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
      if (!report?.caseWorkflowId) throw new Error('not recorded yet');
      return report.caseWorkflowId;
    });
    // The intake carries the child as reported (the name), the case the child's file id and the pinned pack.
    const intakeId = await eventually(async () => {
      const query = `TaskQueue = '${stack.config.TEMPORAL_TASK_QUEUE}' AND WorkflowType = 'intakeWorkflow'`;
      for await (const w of stack.client.workflow.list({ query })) return w.workflowId;
      throw new Error('intake not listed yet');
    });
    // The police task the case started (from a local activity: its start input is in the task's own history).
    const taskId = await eventually(async () => {
      const task = await TaskModel.findOne({ caseWorkflowId: caseId, kind: 'police_response' }).lean();
      if (!task) throw new Error('task not projected yet');
      return task.taskId;
    });
    expect(taskId.startsWith(`${caseId}/`)).toBe(true);
    const payloads = await eventually(async () => {
      const found = [
        ...(await historyPayloads(intakeId)),
        ...(await historyPayloads(caseId)),
        ...(await historyPayloads(taskId)),
      ];
      expect(found.length).toBeGreaterThan(2);
      // The task's payloads are scoped to the task, whose id begins with the case's.
      expect(found.some((p) => payloadScope(p as never) === taskId)).toBe(true);
      return found;
    });
    // Every payload the workers and the API wrote names its workflow: the intake, the case, or a task of the case,
    // whose id begins with the case's.
    for (const p of payloads) {
      const scope = payloadScope(p as never) ?? '';
      expect(scope === intakeId || scope === caseId || scope.startsWith(`${caseId}/`)).toBe(true);
    }

    // A decode is audited under the case it belongs to: a task's payloads count for its case.
    const auditedUnder = (workflowId: string) =>
      payloads.filter((p) => {
        const scope = payloadScope(p as never) ?? '';
        return scope === workflowId || scope.startsWith(`${workflowId}/`);
      }).length;

    // One request per payload, as the Temporal UI asks for an event's payloads (a request body is capped).
    const decodeAll = async (email: string) => {
      const token = await stack.login(email);
      const answers = [];
      for (const p of payloads) {
        answers.push(
          await request(stack.app)
            .post('/api/v1/codec/decode')
            .set('authorization', `Bearer ${token}`)
            .send({ payloads: [wire(p)] }),
        );
      }
      return answers;
    };

    const own = await decodeAll(CHANGNING.coordinator);
    expect(own.map((r) => r.status)).toEqual(payloads.map(() => 200));
    const text = own.map((r) => Buffer.from(r.body.payloads[0].data, 'base64').toString()).join('');
    expect(text).toContain(name);
    expect(text).toContain(caseId);
    for (const workflowId of [intakeId, caseId]) {
      expect(
        await AuditEventModel.countDocuments({ action: 'temporal_payload.decoded', caseWorkflowId: workflowId }),
      ).toBe(auditedUnder(workflowId));
    }

    for (const outsider of [FENGTAI_COORDINATOR, CHANGNING_ADMIN]) {
      const refused = await decodeAll(outsider);
      expect(refused.map((r) => r.status)).toEqual(payloads.map(() => 403));
      expect(JSON.stringify(refused.map((r) => r.body))).not.toContain(name);
    }
    // The other district's coordinator passed the role check and was refused per workflow, audited; administrators
    // were refused by role before anything was looked at.
    for (const workflowId of [intakeId, caseId]) {
      expect(
        await AuditEventModel.countDocuments({ action: 'temporal_payload.decode_refused', caseWorkflowId: workflowId }),
      ).toBe(auditedUnder(workflowId));
    }
  });
});
