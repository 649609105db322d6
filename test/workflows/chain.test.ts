/**
 * Issue #17 items 1 and 4: every outcome the seeds follow with an action opens it. A police protective placement
 * starts a placement (cap and services); a missing child not found keeps a search task open with its own deadline and
 * ladder until found or handed to the criminal process; a `services` decision opens service tasks; a new concern on a
 * follow-up visit files a report joined to the case; `continue_support` keeps the visits going; benefits the
 * assessment decided are applied for at the street office / civil affairs and granted or refused with a reason.
 */
import { randomUUID } from 'node:crypto';
import { TaskRejection, type TaskOutcomeInput } from '../../workflows/definitions';
import { testAgencies } from '../fixtures/policy-pack';
import {
  accept,
  acceptAndComplete,
  caseHandle,
  caseStatus,
  complete,
  createHarness,
  eventually,
  fileReport,
  jointAssessment,
  maybeRecordHistory,
  openTaskOf,
  police,
  policeOutcome,
  socialWorker,
  streetOffice,
  submission,
  taskStatus,
  withWorker,
  type Harness,
} from './harness';
import { actorFor, completeOpenTasks, rejection, sleepPast, throughDecision } from './intervention.helpers';
import { recordPlacementDecisionUpdate } from '../../workflows/intervention.definitions';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow days

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const SERVICE_AGENCIES = [
  ['daily_care', testAgencies.residents_committee],
  ['schooling', testAgencies.education],
  ['psychological_support', testAgencies.womens_federation],
  ['medical_care', testAgencies.health],
  ['legal_aid', testAgencies.justice],
];

describe('outcomes that open their action (issue #17 item 1)', () => {
  it('a police protective placement after domestic violence starts a short-term placement with its cap and the services, and no guardian search', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId, { concerns: ['domestic_violence'] }));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      const dispatchedAt = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, policeTask, police, {
        kind: 'police_response',
        dispatchedAt,
        responses: [
          {
            concern: 'domestic_violence',
            response: 'violence_stopped',
            childMovedToProtection: true,
            protectionInstitution: 'district rescue station',
          },
        ],
        custody: { kind: 'protective_placement', institution: 'district rescue station' },
      });
      const s = await eventually(async () => {
        const status = await caseStatus(env, childId);
        const placement = status.state.intervention?.placements.find((p) => p.status === 'running');
        expect(placement).toMatchObject({ term: 'short_term', startedAt: dispatchedAt, clause: 'CN 四(三)' });
        expect(status.openTasks.map((t) => [t.kind, t.agencyId])).toEqual(expect.arrayContaining(SERVICE_AGENCIES));
        return status;
      });
      // The cap runs from the response: one month in the test pack.
      const placement = s.state.intervention?.placements[0];
      expect(s.pendingClocks).toContainEqual(
        expect.objectContaining({ id: `${placement?.placementId}:end`, startedAt: dispatchedAt }),
      );
      // The assessment goes on beside it; the guardians are known, so nobody searches for them.
      expect(s.openTasks.map((t) => t.kind)).toEqual(expect.arrayContaining(['joint_assessment', 'risk_grading']));
      expect(s.openTasks.some((t) => t.kind === 'guardian_search')).toBe(false);
      await maybeRecordHistory(caseHandle(env, childId), 'case-protective-placement');
      // The same case as recorded once its projections ran locally (CASE_PROJECTION_LOCAL_PATCH).
      await maybeRecordHistory(caseHandle(env, childId), 'case-projection-local');
      // The same case as recorded once it started its tasks in a local activity (TASK_START_LOCAL_PATCH).
      await maybeRecordHistory(caseHandle(env, childId), 'case-task-start-local');
      // The same case as recorded once a new case asked one patch for all (CASE_PATCHES_HOLD_PATCH).
      await maybeRecordHistory(caseHandle(env, childId), 'case-patches-hold');
    });
  });

  it('a missing child not found keeps a police search open, escalating on its own deadline, until found; then the assessment', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId, { concerns: ['missing'] }));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      const now = await env.currentTimeMs();
      await acceptAndComplete(env, policeTask, police, {
        kind: 'police_response',
        dispatchedAt: new Date(now).toISOString(),
        responses: [
          { concern: 'missing', response: 'child_search', searchStartedAt: new Date(now).toISOString(), found: false },
        ],
        custody: { kind: 'remains_with_guardian' },
      });
      const searchTask = await openTaskOf(env, childId, 'child_search');
      const opened = await caseStatus(env, childId);
      const search = opened.openTasks.find((t) => t.taskId === searchTask);
      expect(search).toMatchObject({ agencyId: testAgencies.police_station, completeClause: 'FT 三(二)4' });
      expect(opened.state.childSearches).toEqual([
        { taskId: searchTask, concern: 'missing', startedAt: new Date(now).toISOString() },
      ]);
      expect((await taskStatus(env, searchTask)).concerns).toEqual(['missing']);
      // No assessment of a child nobody has found yet.
      expect(opened.openTasks.some((t) => t.kind === 'joint_assessment')).toBe(false);

      // Its own deadline: not accepted within 15 minutes, the emergency ladder starts.
      await sleepPast(env, search?.acceptBy ?? '', 20 * 60_000);
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.escalations.filter((e) => e.taskId === searchTask).length).toBeGreaterThan(0);
      });
      await accept(env, searchTask, police);
      const bad = complete(env, searchTask, police, {
        kind: 'child_search',
        result: 'found',
        at: new Date(await env.currentTimeMs()).toISOString(),
      });
      expect((await rejection(bad)).type).toBe(TaskRejection.InvalidOutcome);
      await complete(env, searchTask, police, {
        kind: 'child_search',
        result: 'found',
        at: new Date(await env.currentTimeMs()).toISOString(),
        foundWhere: 'at a classmate’s home',
      });
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.childSearches?.[0]).toMatchObject({ result: 'found' });
        expect(s.openTasks.map((t) => t.kind).sort()).toEqual(['joint_assessment', 'risk_grading']);
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-missing-child-search-found');
    });
  });

  it('a search handed to the criminal process ends the search task and the assessment follows', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId, { concerns: ['missing'] }));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      const now = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, policeTask, police, {
        kind: 'police_response',
        dispatchedAt: now,
        responses: [{ concern: 'missing', response: 'child_search', searchStartedAt: now, found: false }],
        custody: { kind: 'remains_with_guardian' },
      });
      const searchTask = await openTaskOf(env, childId, 'child_search');
      await acceptAndComplete(env, searchTask, police, {
        kind: 'child_search',
        result: 'handed_to_criminal_process',
        at: now,
        criminalCaseRef: 'criminal-case-2026-17',
      });
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.childSearches?.[0]).toMatchObject({ result: 'handed_to_criminal_process' });
        expect(s.openTasks.map((t) => t.kind).sort()).toEqual(['joint_assessment', 'risk_grading']);
      });
    });
  });

  it('a services decision opens the services the grading named, with their agencies', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      await acceptAndComplete(
        env,
        policeTask,
        police,
        policeOutcome(await env.currentTimeMs(), { kind: 'remains_with_guardian' }),
      );
      await acceptAndComplete(env, await openTaskOf(env, childId, 'joint_assessment'), streetOffice, jointAssessment);
      await acceptAndComplete(env, await openTaskOf(env, childId, 'risk_grading'), socialWorker, {
        kind: 'risk_grading',
        riskLevel: 'medium',
        recommendation: 'services',
        services: ['schooling', 'medical_care'],
      });
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.stage).toBe('services');
        expect(s.openTasks.map((t) => [t.kind, t.agencyId]).sort()).toEqual([
          ['medical_care', testAgencies.health],
          ['schooling', testAgencies.education],
        ]);
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-services-decision');
    });
  });

  it('a services decision naming none opens psychological support (the pack-independent default)', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(env, taskQueue, childId, { riskLevel: 'medium', recommendation: 'services' });
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.openTasks.map((t) => t.kind)).toEqual(['psychological_support']);
      });
    });
  });

  /** Temporary guardianship, return home, the services done: the follow-up visit and later assessment are open. */
  async function throughReturnHome(
    env: TestWorkflowEnvironment,
    taskQueue: string,
    childId: string,
  ): Promise<{ visit: string; later: string }> {
    await throughDecision(env, taskQueue, childId, { riskLevel: 'high', recommendation: 'temporary_guardianship' });
    const placementTask = await openTaskOf(env, childId, 'short_term_placement');
    await acceptAndComplete(env, placementTask, streetOffice, {
      kind: 'short_term_placement',
      placedAt: new Date(await env.currentTimeMs()).toISOString(),
      siteAgencyId: 'care-site-1',
      fit: { wishes: 'near home', health: 'well', address: '1 km', school: 'same school' },
    });
    const placementId = await eventually(async () => {
      const p = (await caseStatus(env, childId)).state.intervention?.placements[0];
      if (!p) throw new Error('no placement yet');
      return p.placementId;
    });
    await env.client.workflow.getHandle(placementId).executeUpdate(recordPlacementDecisionUpdate, {
      args: [{ actor: streetOffice, decision: { kind: 'return_home', assessmentRef: 'home-assessment-1' } }],
    });
    const visit = await openTaskOf(env, childId, 'follow_up_visit');
    const later = await openTaskOf(env, childId, 'later_assessment');
    await completeOpenTasks(
      env,
      childId,
      SERVICE_AGENCIES.map(([kind]) => kind),
    );
    return { visit, later };
  }

  it('a new concern on a follow-up visit files a report joined to the case, and the police respond to it', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      const { visit } = await throughReturnHome(env, taskQueue, childId);
      const before = await caseStatus(env, childId);
      const visitedAt = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, visit, actorFor(testAgencies.social_work), {
        kind: 'follow_up_visit',
        visitedAt,
        childSeen: true,
        newConcern: true,
        concerns: ['injury'],
      });
      const reported = await eventually(async () => {
        const s = await caseStatus(env, childId);
        const report = s.state.reports.find((r) => r.reportId === `${visit}:new-concern`);
        expect(report).toMatchObject({
          concerns: ['injury'],
          reporterUnitId: testAgencies.social_work,
          discoveredAt: visitedAt,
        });
        const response = s.openTasks.find((t) => t.kind === 'police_response');
        expect(response).toBeDefined();
        expect(report?.handledByTaskId).toBe(response?.taskId);
        expect(s.state.stage).toBe('emergency_response');
        return s;
      });
      expect(reported.state.reports.length).toBe(before.state.reports.length + 1);
      const response = reported.openTasks.find((t) => t.kind === 'police_response');
      expect((await taskStatus(env, response?.taskId ?? '')).concerns).toEqual(['injury']);
      await maybeRecordHistory(caseHandle(env, childId), 'case-follow-up-new-concern');
    });
  });

  it('a later assessment recommending continue_support keeps the child on the periodic visits (stage monitoring)', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      const { visit, later } = await throughReturnHome(env, taskQueue, childId);
      const at = new Date(await env.currentTimeMs()).toISOString();
      const sw = actorFor(testAgencies.social_work);
      await acceptAndComplete(env, visit, sw, {
        kind: 'follow_up_visit',
        visitedAt: at,
        childSeen: true,
        newConcern: false,
      });
      await acceptAndComplete(env, later, sw, {
        kind: 'later_assessment',
        submittedAt: at,
        reportRef: 'later-report-1',
        recommendation: 'continue_support',
      });
      const clock = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.intervention?.laterAssessments).toEqual([
          { taskId: later, recommendation: 'continue_support', at },
        ]);
        // Without it the stage fell back to the old decision (temporary_guardianship_pending).
        expect(s.state.stage).toBe('monitoring');
        const next = s.state.clocks.find((c) => c.id === 'next_visit');
        if (!next) throw new Error('no visit scheduled');
        return next;
      });
      await sleepPast(env, clock.firesAt);
      const visitTask = await openTaskOf(env, childId, 'monitoring_visit');
      expect((await caseStatus(env, childId)).openTasks.find((t) => t.taskId === visitTask)).toMatchObject({
        agencyId: testAgencies.residents_committee,
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-later-assessment-continue-support');
    });
  });
});

describe('benefit applications (issue #17 item 4, CN 五(一))', () => {
  it('opens one application per granting agency with the decided benefits; each is granted or refused with a reason', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      await acceptAndComplete(
        env,
        policeTask,
        police,
        policeOutcome(await env.currentTimeMs(), { kind: 'remains_with_guardian' }),
      );
      const assessment: TaskOutcomeInput = {
        ...(jointAssessment as Extract<TaskOutcomeInput, { kind: 'joint_assessment' }>),
        facts: ['family_dibao', 'scattered_orphan'],
      };
      await acceptAndComplete(env, await openTaskOf(env, childId, 'joint_assessment'), streetOffice, assessment);
      const s = await eventually(async () => {
        const status = await caseStatus(env, childId);
        expect(status.state.benefitApplications?.length).toBe(2);
        return status;
      });
      const granted = s.state.assessment.benefits?.granted.map((b) => b.code) ?? [];
      expect(granted).toEqual(expect.arrayContaining(['dibao', 'scattered_orphan_guarantee']));
      const apps = s.state.benefitApplications ?? [];
      const civil = apps.find((a) => a.agencyId === testAgencies.civil_affairs);
      const street = apps.find((a) => a.agencyId === testAgencies.street_office);
      expect(civil?.benefits).toEqual(['scattered_orphan_guarantee']);
      expect([...(street?.benefits ?? [])].sort()).toEqual(
        granted.filter((b) => b !== 'scattered_orphan_guarantee').sort(),
      );
      expect(street?.clause).toBe('CN 五(一)');
      const streetTask = s.openTasks.find((t) => t.taskId === street?.taskId);
      expect(streetTask).toMatchObject({ kind: 'benefit_application', completeClause: 'CN 五(一)' });
      expect((await taskStatus(env, street!.taskId)).benefits).toEqual(street?.benefits);

      const at = new Date(await env.currentTimeMs()).toISOString();
      const clerk = actorFor(testAgencies.street_office);
      await accept(env, street!.taskId, clerk);
      // Every benefit asked for needs its decision; a refusal needs its reason.
      const [first, ...rest] = street!.benefits;
      const partial = complete(env, street!.taskId, clerk, {
        kind: 'benefit_application',
        decisions: [{ benefit: first, result: 'granted', decidedAt: at, decisionRef: 'approval-1' }],
      });
      if (rest.length > 0) expect((await rejection(partial)).type).toBe(TaskRejection.ConcernNotAddressed);
      else await partial;
      const noReason = complete(env, street!.taskId, clerk, {
        kind: 'benefit_application',
        decisions: street!.benefits.map((benefit) => ({ benefit, result: 'refused' as const, decidedAt: at })),
      });
      if (rest.length > 0) expect((await rejection(noReason)).type).toBe(TaskRejection.InvalidOutcome);
      if (rest.length > 0) {
        await complete(env, street!.taskId, clerk, {
          kind: 'benefit_application',
          decisions: [
            { benefit: first, result: 'granted', decidedAt: at, decisionRef: 'approval-1' },
            ...rest.map((benefit) => ({
              benefit,
              result: 'refused' as const,
              decidedAt: at,
              reason: 'family income above the line',
            })),
          ],
        });
      }
      await acceptAndComplete(env, civil!.taskId, actorFor(testAgencies.civil_affairs), {
        kind: 'benefit_application',
        decisions: [{ benefit: 'scattered_orphan_guarantee', result: 'granted', decidedAt: at, decisionRef: 'ca-7' }],
      });
      await eventually(async () => {
        const status = await caseStatus(env, childId);
        const decided = (status.state.benefitApplications ?? []).flatMap((a) => a.decisions ?? []);
        expect(decided.map((d) => [d.benefit, d.result]).sort()).toEqual(
          [[first, 'granted'], ...rest.map((b) => [b, 'refused']), ['scattered_orphan_guarantee', 'granted']].sort(),
        );
        expect(status.openTasks.some((t) => t.kind === 'benefit_application')).toBe(false);
      });
      await maybeRecordHistory(caseHandle(env, childId), 'case-benefit-applications');
    });
  });
});
