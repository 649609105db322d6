/**
 * Issue #17 item 2 through the API on the real stack (worker with the real activities, FerretDB): a protective
 * placement whose guardian is unknown moves to long-term guardianship on the police certificate, which opens parallel
 * guardian searches at civil affairs, the court and the police (CN 四(三)). The court's search finds the guardian:
 * the other agencies' searches are withdrawn with the reason `guardian_found` in their own inbox and task view, the
 * case goes on to the return assessment, and its closure no longer waits on them.
 */
import { caseStatusQuery } from '../../../workflows/definitions';
import { placementStatusQuery } from '../../../workflows/intervention.definitions';
import { CHANGNING, eventually, reportBody, startFullStack, type FullStack } from './harness';
import { apiSteps, taskPath } from './api-steps';

jest.setTimeout(240_000); // several workflow hops through a worker with the real activities on a loaded machine

const STREET = 'street.huayang@changning.demo.childsafe.local';
const COURT = 'court@changning.demo.childsafe.local';

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface TaskSummary {
  taskId: string;
  caseId: string;
  kind: string;
  status: string;
  agencyCode: string;
  withdrawalReason?: string;
}

const { api, get, taskIn, acceptAndComplete, fileReport } = apiSteps(() => stack);

async function inbox(token: string, query = ''): Promise<TaskSummary[]> {
  return (await get(token, `/api/v1/tasks${query}`)).body.items as TaskSummary[];
}

const openTaskIn = (token: string, caseId: string, kind: string) => taskIn(token, caseId, kind, { open: true });

describe('withdrawing moot tasks through the API (issue #17 item 2)', () => {
  it("withdraws the other agencies' guardian searches with the reason guardian_found once one search finds the guardian", async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const { caseId } = await fileReport(reporter, { ...reportBody(), concerns: ['domestic_violence'] });

    // The police take the child into a protective placement (CN 四(三): short-term temporary guardianship).
    const police = await stack.login(CHANGNING.police);
    await acceptAndComplete(police, await openTaskIn(police, caseId, 'police_response'), {
      kind: 'police_response',
      dispatchedAt: new Date().toISOString(),
      responses: [
        {
          concern: 'domestic_violence',
          response: 'violence_stopped',
          childMovedToProtection: true,
          protectionInstitution: '长宁区未成年人救助保护中心',
        },
      ],
      custody: { kind: 'protective_placement', institution: '长宁区未成年人救助保护中心' },
    });
    const coordinator = await stack.login(CHANGNING.coordinator);
    const placementId = await eventually(async () => {
      const live = await stack.client.workflow.getHandle(caseId).query(caseStatusQuery);
      const id = live.state.intervention?.placements[0]?.placementId;
      if (!id) throw new Error('no placement yet');
      return id;
    });
    const placementPath = `/api/v1/interventions/${caseId}/placements/${encodeURIComponent(placementId)}`;
    // The guardian is not found: the police's written certificate allows medium/long-term guardianship (CN 四(三)).
    await api()
      .post(`${placementPath}/police-certificate`)
      .set('authorization', `Bearer ${police}`)
      .send({ certificateRef: '长公证〔2026〕17号', issuedAt: new Date().toISOString() })
      .expect(200);
    await eventually(async () => {
      const placement = await stack.client.workflow.getHandle(placementId).query(placementStatusQuery);
      expect(placement.policeCertificate).toMatchObject({ certificateRef: '长公证〔2026〕17号' });
    });
    const street = await stack.login(STREET);
    await api()
      .post(`${placementPath}/decision`)
      .set('authorization', `Bearer ${street}`)
      .send({ decision: { kind: 'move_to_long_term' } })
      .expect(200);

    // CN 四(三): civil affairs, the court and the police search in parallel, each in its own inbox.
    const court = await stack.login(COURT);
    const searchers = { civilAffairs: coordinator, court, police };
    const searches = await eventually(async () => {
      const found: Record<keyof typeof searchers, TaskSummary | undefined> = {
        civilAffairs: undefined,
        court: undefined,
        police: undefined,
      };
      for (const [who, token] of Object.entries(searchers) as [keyof typeof searchers, string][]) {
        found[who] = (await inbox(token, '?status=open')).find(
          (t) => t.caseId === caseId && t.kind === 'guardian_search',
        );
        if (!found[who]) throw new Error(`no open guardian search for ${who} yet`);
      }
      return found as Record<keyof typeof searchers, TaskSummary>;
    });
    expect(new Set(Object.values(searches).map((t) => t.agencyCode)).size).toBe(3);

    // The court's search finds the guardian.
    await acceptAndComplete(court, searches.court.taskId, {
      kind: 'guardian_search',
      searchedUntil: new Date().toISOString(),
      found: true,
      guardianRef: '父亲已找到（长宁区某街道）',
    });

    // The other two searches are withdrawn, with the reason, in the other agencies' task view and closed inbox.
    for (const who of ['civilAffairs', 'police'] as const) {
      const token = searchers[who];
      const { taskId } = searches[who];
      await eventually(async () => {
        const view = await get(token, taskPath(taskId));
        expect({ who, task: view.body.task }).toMatchObject({
          who,
          task: { taskId, status: 'withdrawn', withdrawalReason: 'guardian_found' },
        });
      });
      await eventually(async () => {
        const closed = (await inbox(token, '?status=closed')).find((t) => t.taskId === taskId);
        expect({ who, closed }).toMatchObject({
          who,
          closed: { status: 'withdrawn', withdrawalReason: 'guardian_found' },
        });
        expect((await inbox(token, '?status=open')).map((t) => t.taskId)).not.toContain(taskId);
      });
      // A withdrawn task asks nothing more of its agency: accepting it is refused as closed.
      const accept = await api()
        .post(`${taskPath(taskId)}/accept`)
        .set('authorization', `Bearer ${token}`)
        .send({});
      expect(accept.status).toBe(409);
    }
    // The found search itself is completed, not withdrawn.
    const courtView = await get(court, taskPath(searches.court.taskId));
    expect(courtView.body.task.status).toBe('completed');
    expect(courtView.body.task.withdrawalReason).toBeUndefined();

    // The case goes on: the street office's return assessment opens (CN 四(三)), and no search is left open.
    await openTaskIn(street, caseId, 'joint_assessment');
    const detail = await eventually(async () => {
      const res = await get(coordinator, `/api/v1/cases/${caseId}`);
      const kinds = res.body.status.openTasks.map((t: { kind: string }) => t.kind);
      expect(kinds).toContain('joint_assessment');
      expect(kinds).not.toContain('guardian_search');
      return res.body;
    });
    expect(detail.status.openTasks.length).toBeGreaterThan(0);
    // Closure waits only on the tasks still open: the withdrawn searches are not among them.
    const closure = await api()
      .post(`/api/v1/interventions/${caseId}/closure`)
      .set('authorization', `Bearer ${coordinator}`)
      .send({ reason: '监护人已找到' });
    expect(closure.status).toBe(422);
    expect(closure.body.details).toMatchObject({ rejection: 'CaseNotClosable' });
    expect(closure.body.message).toMatch(/open tasks must be completed first: .*joint_assessment/);
    expect(closure.body.message).not.toContain('guardian_search');
  });
});
