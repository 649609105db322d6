/**
 * Issue #17 item 3: permanent arrangements after temporary guardianship (FT 三(一)4(2)) as placement decisions with
 * their checks and tasks, and the court's designation (CN 四(四)3, FT 三(三)2(5)) recorded, written to the child's
 * file and required for `new_guardian`.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  InterventionRejection,
  placementStatusQuery,
  recordHarmGroundUpdate,
  recordPlacementDecisionUpdate,
  type PlacementDecision,
  type PlacementState,
} from '../../workflows/intervention.definitions';
import { testAgencies } from '../fixtures/policy-pack';
import {
  acceptAndComplete,
  caseHandle,
  caseStatus,
  createHarness,
  eventually,
  maybeRecordHistory,
  openTaskOf,
  police,
  streetOffice,
  withWorker,
  type Harness,
} from './harness';
import { actorFor, rejection, throughDecision } from './intervention.helpers';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through a placement and a court

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const civil = actorFor(testAgencies.civil_affairs);
const court = actorFor(testAgencies.court);
const nowIso = async (env: TestWorkflowEnvironment) => new Date(await env.currentTimeMs()).toISOString();

/** Temporary guardianship decided and the child placed short-term; returns the running placement's id. */
async function placed(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  childId: string,
  guardianship: 'improper' | 'missing',
): Promise<string> {
  await throughDecision(
    env,
    taskQueue,
    childId,
    { riskLevel: 'high', recommendation: 'temporary_guardianship' },
    guardianship,
  );
  await acceptAndComplete(env, await openTaskOf(env, childId, 'short_term_placement'), streetOffice, {
    kind: 'short_term_placement',
    placedAt: await nowIso(env),
    siteAgencyId: 'care-site-1',
    fit: { wishes: 'near home', health: 'well', address: '1 km', school: 'same school' },
  });
  return eventually(async () => {
    const p = (await caseStatus(env, childId)).state.intervention?.placements.find((x) => x.status === 'running');
    if (!p) throw new Error('no running placement yet');
    return p.placementId;
  });
}

/** Serious harm → petition by civil affairs → the court revokes and designates (civil affairs or a person). */
async function courtRevokes(
  env: TestWorkflowEnvironment,
  childId: string,
  judgmentRef: string,
  civilAffairs: boolean,
): Promise<void> {
  await caseHandle(env, childId).executeUpdate(recordHarmGroundUpdate, {
    args: [{ actor: police, ground: 'serious_harm', evidenceRef: 'injury-report-1' }],
  });
  await acceptAndComplete(env, await openTaskOf(env, childId, 'guardianship_petition'), civil, {
    kind: 'guardianship_petition',
    filedAt: await nowIso(env),
    courtRef: '(2026)沪0105民特1号',
  });
  const designatedAt = await nowIso(env);
  await acceptAndComplete(env, await openTaskOf(env, childId, 'court_hearing'), court, {
    kind: 'court_hearing',
    hearingDate: designatedAt,
    judgmentRef,
    decision: {
      result: 'revoked',
      newGuardian: civilAffairs ? { name: '区民政局', relation: '民政部门' } : { name: '李阿姨', relation: '姨母' },
      designatedAt,
      ...(civilAffairs ? { civilAffairs: true } : {}),
    },
  });
}

function decide(env: TestWorkflowEnvironment, placementId: string, decision: PlacementDecision, actor = streetOffice) {
  return env.client.workflow
    .getHandle(placementId)
    .executeUpdate(recordPlacementDecisionUpdate, { args: [{ actor, decision, reason: 'permanent plan' }] });
}

async function placementOf(env: TestWorkflowEnvironment, placementId: string): Promise<PlacementState> {
  return env.client.workflow.getHandle(placementId).query(placementStatusQuery);
}

describe('the court designation and new_guardian (CN 四(四)3)', () => {
  it('refuses new_guardian until the court designated one under that judgment; the designation is written to the child file', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const childId = `child-${randomUUID()}`;
      const placementId = await placed(env, taskQueue, childId, 'improper');
      const early = decide(env, placementId, { kind: 'new_guardian', courtRef: 'judgment-1' });
      expect((await rejection(early)).type).toBe(InterventionRejection.NoCourtDesignation);

      await courtRevokes(env, childId, 'judgment-1', false);
      await eventually(async () => {
        expect((await placementOf(env, placementId)).courtDesignations).toEqual([
          expect.objectContaining({ judgmentRef: 'judgment-1', civilAffairs: false }),
        ]);
      });
      expect(recorded.guardianDesignations).toEqual([
        expect.objectContaining({
          childId,
          judgmentRef: 'judgment-1',
          guardian: { name: '李阿姨', relation: '姨母' },
          civilAffairs: false,
        }),
      ]);
      const wrongRef = decide(env, placementId, { kind: 'new_guardian', courtRef: 'judgment-9' });
      expect((await rejection(wrongRef)).type).toBe(InterventionRejection.NoCourtDesignation);
      // A person was designated, not civil affairs.
      const notCivil = decide(env, placementId, {
        kind: 'permanent_arrangement',
        arrangement: 'civil_affairs_guardianship',
      });
      expect((await rejection(notCivil)).type).toBe(InterventionRejection.NoCourtDesignation);

      await decide(env, placementId, { kind: 'new_guardian', courtRef: 'judgment-1' });
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.intervention?.courtDesignations).toEqual([
          expect.objectContaining({ judgmentRef: 'judgment-1' }),
        ]);
        expect(s.state.stage).toBe('follow_up');
        expect(s.openTasks.map((t) => t.kind)).toEqual(expect.arrayContaining(['follow_up_visit', 'later_assessment']));
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-court-designation-new-guardian');
    });
  });
});

describe('permanent arrangements (FT 三(一)4(2))', () => {
  it('civil affairs as guardian only after the court designated it: a civil-affairs task, then follow-up', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      const placementId = await placed(env, taskQueue, childId, 'improper');
      // Parents known and not revoked: no ground for kinship care or civil-affairs guardianship yet.
      const kinship = decide(env, placementId, { kind: 'permanent_arrangement', arrangement: 'kinship_care' });
      expect((await rejection(kinship)).type).toBe(InterventionRejection.ArrangementNotAllowed);
      const early = decide(env, placementId, {
        kind: 'permanent_arrangement',
        arrangement: 'civil_affairs_guardianship',
      });
      expect((await rejection(early)).type).toBe(InterventionRejection.NoCourtDesignation);

      await courtRevokes(env, childId, 'judgment-ca', true);
      await eventually(async () => {
        expect((await placementOf(env, placementId)).courtDesignations?.[0]).toMatchObject({ civilAffairs: true });
      });
      await decide(env, placementId, {
        kind: 'permanent_arrangement',
        arrangement: 'civil_affairs_guardianship',
        courtRef: 'judgment-ca',
      });
      const taskId = await openTaskOf(env, childId, 'permanent_arrangement');
      const pending = await caseStatus(env, childId);
      expect(pending.state.stage).toBe('permanent_arrangement');
      expect(pending.openTasks.find((t) => t.taskId === taskId)).toMatchObject({
        agencyId: testAgencies.civil_affairs,
        completeClause: 'FT 三(一)4(2)',
      });
      await acceptAndComplete(env, taskId, civil, {
        kind: 'permanent_arrangement',
        arrangement: 'civil_affairs_guardianship',
        arrangedAt: await nowIso(env),
        caregiver: '长宁区儿童福利院',
        documentRef: 'MZ-JH-2026-3',
      });
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.intervention?.arrangements).toEqual([
          expect.objectContaining({
            placementId,
            arrangement: 'civil_affairs_guardianship',
            taskId,
            documentRef: 'MZ-JH-2026-3',
          }),
        ]);
        expect(s.state.stage).toBe('follow_up');
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-permanent-arrangement-civil-affairs');
    });
  });

  it('family foster care for a child whose parents cannot be found, on the police certificate', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      const placementId = await placed(env, taskQueue, childId, 'missing');
      const foster: PlacementDecision = { kind: 'permanent_arrangement', arrangement: 'family_foster_care' };
      expect((await rejection(decide(env, placementId, foster))).type).toBe(
        InterventionRejection.ArrangementNotAllowed,
      );
      await acceptAndComplete(env, await openTaskOf(env, childId, 'guardian_search'), police, {
        kind: 'guardian_search',
        searchedUntil: await nowIso(env),
        found: false,
        certificateRef: 'GA-ZM-2026-018',
      });
      await eventually(async () => expect((await placementOf(env, placementId)).policeCertificate).toBeDefined());
      await decide(env, placementId, foster);
      const taskId = await openTaskOf(env, childId, 'permanent_arrangement');
      expect((await caseStatus(env, childId)).state.intervention?.arrangements).toEqual([
        { placementId, arrangement: 'family_foster_care', taskId },
      ]);
    });
  });
});
