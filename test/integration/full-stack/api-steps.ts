/**
 * The steps a full-stack test takes through the HTTP API as the people of a case would: file a report and find its
 * case, find a task in an agency's inbox, accept and complete it. `stackOf` reads the suite's stack when a step runs
 * (the stack starts in `beforeAll`).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ReportModel } from '../../../models/report';
import { caseStatusQuery } from '../../../workflows/definitions';
import { eventually, type FullStack } from './harness';

export const taskPath = (taskId: string) => `/api/v1/tasks/${encodeURIComponent(taskId)}`;

export function apiSteps(stackOf: () => FullStack) {
  const api = () => request(stackOf().app);
  const get = (token: string, path: string) => api().get(path).set('authorization', `Bearer ${token}`).expect(200);
  const post = (token: string, path: string, body: object) =>
    api().post(path).set('authorization', `Bearer ${token}`).send(body);
  return {
    api,
    get,
    post,
    /** The case workflow's own status (what the case page reads while the case runs). */
    liveCase: (caseId: string) => stackOf().client.workflow.getHandle(caseId).query(caseStatusQuery),
    /**
     * The task of `kind` on the case in this account's inbox once it is there: any status, or only open ones; never
     * one of `except`.
     */
    taskIn(token: string, caseId: string, kind: string, opts: { open?: boolean; except?: string[] } = {}) {
      return eventually(async () => {
        const inbox = await get(token, `/api/v1/tasks${opts.open ? '?status=open' : ''}`);
        const task = (inbox.body.items as { caseId: string; kind: string; taskId: string }[]).find(
          (t) => t.caseId === caseId && t.kind === kind && !(opts.except ?? []).includes(t.taskId),
        );
        if (!task) throw new Error(`no ${opts.open ? 'open ' : ''}${kind} task in this inbox yet`);
        return task.taskId;
      });
    },
    async acceptAndComplete(token: string, taskId: string, outcome: object): Promise<void> {
      await post(token, `${taskPath(taskId)}/accept`, {}).expect(200);
      await post(token, `${taskPath(taskId)}/complete`, { outcome }).expect(200);
    },
    /** Files a report (202) and waits until the intake has recorded it with its case. */
    async fileReport(token: string, body: object): Promise<{ caseId: string; childId: string }> {
      const filed = await api()
        .post('/api/v1/reports')
        .set('authorization', `Bearer ${token}`)
        .set('idempotency-key', randomUUID())
        .send(body)
        .expect(202);
      return eventually(async () => {
        const found = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
        if (!found?.caseWorkflowId) throw new Error('report not recorded yet');
        return { caseId: found.caseWorkflowId, childId: String(found.childId) };
      });
    },
  };
}
