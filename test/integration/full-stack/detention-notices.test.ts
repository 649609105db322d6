/**
 * Detention notices through the API on the real stack (CN 三(四)): the police record a detained adult's children;
 * each child gets a file, and a care-arrangement task opens for the agency the pack names for each child who needs it —
 * once, however often the notice is retried. The police file them, and the executing organs (prison, drug
 * rehabilitation) the pack names.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuditEventModel } from '../../../models/audit-event';
import { AgencyModel } from '../../../models/agency';
import { TaskModel } from '../../../models/task';
import { loadPolicyPack } from '../../../policies';
import { detentionWorkflowId } from '../../../workflows/definitions';
import { CHANGNING, eventually, randomIdNumber, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000); // the whole chain through a worker with the real activities: several workflow hops and emails

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
});
afterAll(async () => {
  await stack?.stop();
});

const notice = () => ({
  policyPackId: 'cn-changning',
  detainedAt: new Date(Date.now() - 60 * 60_000).toISOString(),
  detainedPersonRef: `JL-${randomUUID().slice(0, 8)}`,
  place: { streetCode: 'huayang', address: '长宁区华阳路某小区' },
  children: [
    { name: '李小兰', sex: 'female', idNumber: randomIdNumber(), needsEntrustedCare: true },
    { sex: 'male', dateOfBirth: '2012-03-04', needsEntrustedCare: false },
  ],
});

describe('a detention notice', () => {
  it("opens one care-arrangement task for the agency the pack names per child who needs care, once, and audits the children's files", async () => {
    const police = await stack.login(CHANGNING.police);
    const key = randomUUID();
    const body = notice();
    const file = () =>
      request(stack.app)
        .post('/api/v1/detention-notices')
        .set('authorization', `Bearer ${police}`)
        .set('idempotency-key', key)
        .send(body);
    const first = await file();
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ childrenNeedingCare: 1 });
    const again = await file();
    expect(again.body.noticeId).toBe(first.body.noticeId);

    const owner = detentionWorkflowId(first.body.noticeId);
    const tasks = await eventually(async () => {
      const found = await TaskModel.find({ caseWorkflowId: owner }).lean();
      expect(found).toHaveLength(1);
      return found;
    });
    // The agency the pack names for the arrangement (CN 三(四): the police help arrange it), in Changning.
    const rule = loadPolicyPack('cn-changning').taskKinds.detention_care_arrangement!;
    expect(tasks[0]).toMatchObject({ kind: 'detention_care_arrangement' });
    const assignee = await AgencyModel.findOne({ code: tasks[0]!.agencyCode }).lean();
    expect(assignee).toMatchObject({ type: rule.agencyType, jurisdiction: { districtCode: '310105' } });
    expect(tasks[0]!.collaboratingAgencyCodes).toEqual(['cn.police.huayang']);
    await eventually(async () => {
      expect(await AuditEventModel.countDocuments({ 'actor.id': `detention-${first.body.noticeId}` })).toBe(2);
    });
  });

  it('is for the police only, and names every invalid field', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const refused = await request(stack.app)
      .post('/api/v1/detention-notices')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(notice());
    expect(refused.status).toBe(403);
    const police = await stack.login(CHANGNING.police);
    const bad = await request(stack.app)
      .post('/api/v1/detention-notices')
      .set('authorization', `Bearer ${police}`)
      .set('idempotency-key', randomUUID())
      .send({ ...notice(), children: [], detainedAt: 'today' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['children', 'detainedAt']),
    );
  });

  it('CN 三(四): is filed by the 执行机关 too — a prison and a compulsory drug rehabilitation centre', async () => {
    for (const email of ['prison@changning.demo.childsafe.local', 'drug-rehab@changning.demo.childsafe.local']) {
      const token = await stack.login(email);
      const filed = await request(stack.app)
        .post('/api/v1/detention-notices')
        .set('authorization', `Bearer ${token}`)
        .set('idempotency-key', randomUUID())
        .send(notice());
      expect({ email, status: filed.status }).toEqual({ email, status: 202 });
      expect(filed.body.childrenNeedingCare).toBe(1);
    }
  });
});
