/**
 * The intervention through the case workflow (CN 四(三), 四(四), 五(一); FT 三(三)4): the decision leads into a
 * short-term placement whose clocks the case status shows, services during placement, the move to medium/long-term
 * with the parallel guardian search, escort to the registration place, follow-up and closure.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { addDuration } from '../../policies/duration';
import { declineTaskUpdate, type CaseStatus } from '../../workflows/definitions';
import {
  InterventionRejection,
  approveClosureUpdate,
  placementStatusQuery,
  recordPlacementDecisionUpdate,
  requestServicesUpdate,
  type Coordinator,
  type PlacementState,
} from '../../workflows/intervention.definitions';
import { testAgencies } from '../fixtures/policy-pack';
import {
  accept,
  acceptAndComplete,
  caseHandle,
  complete,
  caseStatus,
  createHarness,
  eventually,
  fileReport,
  maybeRecordHistory,
  openTaskOf,
  police,
  policeOutcome,
  streetOffice,
  submission,
  taskStatus,
  withWorker,
  type Harness,
} from './harness';
import {
  actorFor,
  completeOpenTasks,
  coordinator,
  rejection,
  sleepPast,
  throughDecision,
} from './intervention.helpers';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow months

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const fit = {
  wishes: 'the child asked to stay near her grandmother',
  health: 'asthma: the site has a nurse',
  address: '2 km from home',
  school: 'same school, 10 minutes walk',
};

async function runningPlacement(
  env: TestWorkflowEnvironment,
  childId: string,
  term: 'short_term' | 'long_term',
  stage: string = term === 'short_term' ? 'short_term_guardianship' : 'long_term_guardianship',
): Promise<{ status: CaseStatus; placement: PlacementState }> {
  return eventually(async () => {
    const status = await caseStatus(env, childId);
    const placement = status.state.intervention?.placements.find((p) => p.status === 'running' && p.term === term);
    if (!placement) throw new Error(`no running ${term} placement; stage ${status.state.stage}`);
    // The stage is derived when the case projects, just after it records the placement.
    expect(status.state.stage).toBe(stage);
    return { status, placement };
  });
}

function placementHandle(env: TestWorkflowEnvironment, placementId: string) {
  return env.client.workflow.getHandle(placementId);
}

describe('temporary guardianship through the case (CN 四(三), 四(四))', () => {
  it('places the child after a temporary-guardianship decision, shows the cap clock in the case status, and follows up after return home', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(env, taskQueue, childId, { riskLevel: 'high', recommendation: 'temporary_guardianship' });
      const placementTask = await openTaskOf(env, childId, 'short_term_placement');
      const pending = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.stage).toBe('temporary_guardianship_pending');
        return s;
      });
      expect(pending.openTasks.find((t) => t.taskId === placementTask)).toMatchObject({
        agencyId: testAgencies.street_office,
      });

      const placedAt = new Date(await env.currentTimeMs()).toISOString();
      await accept(env, placementTask, streetOffice);
      // CN 四(三): the site must be matched to the child's school too; an empty reason is rejected.
      await expect(
        complete(env, placementTask, streetOffice, {
          kind: 'short_term_placement',
          placedAt,
          siteAgencyId: 'care-site-1',
          fit: { ...fit, school: '' },
        }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      await complete(env, placementTask, streetOffice, {
        kind: 'short_term_placement',
        placedAt,
        siteAgencyId: 'care-site-1',
        fit,
      });

      const { status, placement } = await runningPlacement(env, childId, 'short_term');
      const endsAt = addDuration(new Date(placedAt), 'P1M').toISOString();
      expect(status.state.stage).toBe('short_term_guardianship');
      expect(status.pendingClocks).toContainEqual({
        id: `${placement.placementId}:end`,
        label: expect.any(String),
        clause: 'CN 四(三)',
        startedAt: placedAt,
        firesAt: endsAt,
      });
      // CN 四(四): services during placement, each an agency task with its own deadline.
      const services = await eventually(async () => {
        const s = await caseStatus(env, childId);
        const kinds = s.openTasks.map((t) => [t.kind, t.agencyId]);
        expect(kinds).toEqual(
          expect.arrayContaining([
            ['daily_care', testAgencies.residents_committee],
            ['schooling', testAgencies.education],
            ['psychological_support', testAgencies.womens_federation],
            ['medical_care', testAgencies.health],
            ['legal_aid', testAgencies.justice],
          ]),
        );
        return s;
      });
      // Parents known (assessment: improper guardianship), so no guardian search.
      expect(services.openTasks.some((t) => t.kind === 'guardian_search')).toBe(false);

      await sleepPast(env, endsAt);
      const atCap = await eventually(async () => {
        const s = await caseStatus(env, childId);
        const p = s.state.intervention?.placements[0];
        expect(p?.capReachedAt).toBeDefined();
        return s;
      });
      expect(atCap.pendingClocks).toContainEqual(
        expect.objectContaining({ id: `${placement.placementId}:overrun`, clause: 'CN 四(三)', startedAt: endsAt }),
      );

      await placementHandle(env, placement.placementId).executeUpdate(recordPlacementDecisionUpdate, {
        args: [
          {
            actor: streetOffice,
            decision: { kind: 'return_home', assessmentRef: 'home-assessment-1' },
            reason: 'parents back from work',
          },
        ],
      });
      // CN 五(一), FT 三(三)4: follow-up visits and a later-stage assessment report by the social-work agency.
      const followUp = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.stage).toBe('follow_up');
        expect(
          s.openTasks
            .filter((t) => t.kind === 'follow_up_visit' || t.kind === 'later_assessment')
            .map((t) => [t.kind, t.agencyId]),
        ).toEqual([
          ['follow_up_visit', testAgencies.social_work],
          ['later_assessment', testAgencies.social_work],
        ]);
        return s;
      });
      expect(followUp.pendingClocks.some((c) => c.id.startsWith(placement.placementId))).toBe(false);

      // Closing needs a coordinator, a reason, and nothing left open.
      const closeWith = (approver: Coordinator, reason: string) =>
        caseHandle(env, childId).executeUpdate(approveClosureUpdate, { args: [{ approver, reason }] });
      expect((await rejection(closeWith(coordinator, 'child safe at home'))).type).toBe(
        InterventionRejection.CaseNotClosable,
      );
      await completeOpenTasks(env, childId);
      await eventually(async () => expect((await caseStatus(env, childId)).openTasks).toEqual([]));
      const staff = { ...streetOffice, role: 'agency_staff' } as unknown as Coordinator; // a role the API should never send
      expect((await rejection(closeWith(staff, 'child safe at home'))).type).toBe(InterventionRejection.NotCoordinator);
      expect((await rejection(closeWith(coordinator, ''))).type).toBe(InterventionRejection.InvalidCommand);
      const closed = await closeWith(coordinator, 'later-stage report recommends closing; child safe at home');
      expect(closed.closure).toMatchObject({
        approvedBy: coordinator,
        reason: 'later-stage report recommends closing; child safe at home',
      });
      const final = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.stage).toBe('closed');
        return s;
      });
      expect(final.pendingClocks).toEqual([]);
      await maybeRecordHistory(caseHandle(env, childId), 'case-intervention-return-home-closed');
    });
  });

  it('moves to medium/long-term only with the police certificate, searches in parallel and opens a return assessment when a guardian is found', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(
        env,
        taskQueue,
        childId,
        { riskLevel: 'high', recommendation: 'temporary_guardianship' },
        'missing',
      );
      const placementTask = await openTaskOf(env, childId, 'short_term_placement');
      const placedAt = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, placementTask, streetOffice, {
        kind: 'short_term_placement',
        placedAt,
        siteAgencyId: 'care-site-1',
        fit,
      });
      const { placement } = await runningPlacement(env, childId, 'short_term');
      const shortTerm = placementHandle(env, placement.placementId);
      const move = { actor: streetOffice, decision: { kind: 'move_to_long_term' as const } };
      expect((await rejection(shortTerm.executeUpdate(recordPlacementDecisionUpdate, { args: [move] }))).type).toBe(
        InterventionRejection.NoPoliceCertificate,
      );

      // Parents unknown: the police search, and certify in writing that it failed.
      const policeSearch = await openTaskOf(env, childId, 'guardian_search');
      const searchAgency =
        (await caseStatus(env, childId)).openTasks.find((t) => t.taskId === policeSearch)?.agencyId ?? '';
      expect(searchAgency).toBe(testAgencies.police_station);
      await acceptAndComplete(env, policeSearch, police, {
        kind: 'guardian_search',
        searchedUntil: placedAt,
        found: false,
        certificateRef: 'police-cert-9',
      });
      await eventually(async () =>
        expect((await shortTerm.query(placementStatusQuery)).policeCertificate).toMatchObject({
          certificateRef: 'police-cert-9',
          taskId: policeSearch,
        }),
      );
      await shortTerm.executeUpdate(recordPlacementDecisionUpdate, { args: [move] });

      const longTask = await openTaskOf(env, childId, 'long_term_placement');
      const civil = actorFor(testAgencies.civil_affairs);
      const longPlacedAt = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, longTask, civil, {
        kind: 'long_term_placement',
        placedAt: longPlacedAt,
        institutionAgencyId: 'welfare-home-1',
      });
      const { status, placement: longTerm } = await runningPlacement(env, childId, 'long_term');
      expect(status.state.stage).toBe('long_term_guardianship');
      expect(longTerm.policeCertificate).toMatchObject({ certificateRef: 'police-cert-9' });
      expect(status.pendingClocks).toContainEqual(
        expect.objectContaining({
          id: `${longTerm.placementId}:end`,
          clause: 'CN 四(三)',
          startedAt: longPlacedAt,
          firesAt: addDuration(new Date(longPlacedAt), 'P6M').toISOString(),
        }),
      );
      // CN 四(三): civil affairs, the court and the police keep searching, in parallel.
      const searches = await eventually(async () => {
        const open = (await caseStatus(env, childId)).openTasks.filter((t) => t.kind === 'guardian_search');
        expect(open.map((t) => t.agencyId).sort()).toEqual(
          [testAgencies.civil_affairs, testAgencies.court, testAgencies.police_station].sort(),
        );
        return open;
      });

      await env.sleep('20 days');
      const courtSearch = searches.find((t) => t.agencyId === testAgencies.court)?.taskId ?? '';
      await acceptAndComplete(env, courtSearch, actorFor(testAgencies.court), {
        kind: 'guardian_search',
        searchedUntil: new Date(await env.currentTimeMs()).toISOString(),
        found: true,
        guardianRef: 'father-located-1',
      });
      const found = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.intervention?.guardianSearch.returnAssessmentTaskId).toBeDefined();
        return s;
      });
      expect(found.state.intervention?.guardianSearch).toMatchObject({ foundByTaskId: courtSearch });
      // Issue #17: the civil-affairs and police searches are moot once the court's search found the guardian.
      const others = searches.filter((t) => t.taskId !== courtSearch).map((t) => t.taskId);
      expect(others).toHaveLength(2);
      for (const other of others) {
        expect(found.state.tasks.find((t) => t.taskId === other)?.status).toBe('withdrawn');
        await eventually(async () =>
          expect((await taskStatus(env, other)).withdrawal).toMatchObject({
            reason: 'guardian_found',
            byTaskId: courtSearch,
          }),
        );
      }
      expect(found.openTasks.filter((t) => t.kind === 'guardian_search')).toEqual([]);
      const returnAssessment = found.state.intervention?.guardianSearch.returnAssessmentTaskId ?? '';
      expect(found.openTasks.find((t) => t.taskId === returnAssessment)).toMatchObject({
        kind: 'joint_assessment',
        agencyId: testAgencies.street_office,
      });
      await acceptAndComplete(env, returnAssessment, streetOffice, {
        kind: 'joint_assessment',
        ageYears: 9,
        facts: [],
        familySituation: 'father located, stable work and housing',
        guardianship: 'adequate',
        physicalHealth: 'good',
        mentalHealth: 'good',
      });
      const assessed = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.intervention?.guardianSearch.returnAssessmentDoneAt).toBeDefined();
        return s;
      });
      // The return assessment does not redo the case's original decision.
      expect(assessed.state.assessment.decision?.nextStep).toBe('temporary_guardianship');

      await placementHandle(env, longTerm.placementId).executeUpdate(recordPlacementDecisionUpdate, {
        args: [{ actor: civil, decision: { kind: 'return_home', assessmentRef: returnAssessment } }],
      });
      await openTaskOf(env, childId, 'follow_up_visit');
      expect(
        (await caseStatus(env, childId)).state.intervention?.placements.map((p) => [
          p.term,
          p.status,
          p.decision?.kind,
        ]),
      ).toEqual([
        ['short_term', 'ended', 'move_to_long_term'],
        ['long_term', 'ended', 'return_home'],
      ]);
    });
  });

  it('takes the failed-search certificate only from the police: a search declined to civil affairs cannot certify', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(
        env,
        taskQueue,
        childId,
        { riskLevel: 'high', recommendation: 'temporary_guardianship' },
        'missing',
      );
      const placementTask = await openTaskOf(env, childId, 'short_term_placement');
      const placedAt = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, placementTask, streetOffice, {
        kind: 'short_term_placement',
        placedAt,
        siteAgencyId: 'care-site-1',
        fit,
      });
      const { placement } = await runningPlacement(env, childId, 'short_term');
      // The police decline the search and send it to civil affairs ("one door accepts", FT 三(二)5).
      const policeSearch = await openTaskOf(env, childId, 'guardian_search');
      await env.client.workflow.getHandle(policeSearch).executeUpdate(declineTaskUpdate, {
        args: [
          {
            actor: police,
            reason: 'civil affairs holds the family register',
            redirectToAgencyId: testAgencies.civil_affairs,
          },
        ],
      });
      const civilSearch = await eventually(async () => {
        const open = (await caseStatus(env, childId)).openTasks.find((t) => t.kind === 'guardian_search');
        expect(open).toMatchObject({ agencyId: testAgencies.civil_affairs });
        return open?.taskId ?? '';
      });
      await acceptAndComplete(env, civilSearch, actorFor(testAgencies.civil_affairs), {
        kind: 'guardian_search',
        searchedUntil: placedAt,
        found: false,
        certificateRef: 'civil-affairs-letter-1',
      });
      // The case handles a closed task in the same workflow activation in which the task's close signal lands, so
      // once the case shows the search completed, its outcome has been handled: a certificate would be on record now.
      const handled = await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.state.tasks.find((t) => t.taskId === civilSearch)?.status).toBe('completed');
        return s;
      });
      // CN 四(三): only the police certify in writing that the search failed.
      expect(handled.state.intervention?.policeCertificate).toBeUndefined();
      expect((await placementHandle(env, placement.placementId).query(placementStatusQuery)).policeCertificate).toBe(
        undefined,
      );
      const move = { actor: streetOffice, decision: { kind: 'move_to_long_term' as const } };
      const refused = placementHandle(env, placement.placementId).executeUpdate(recordPlacementDecisionUpdate, {
        args: [move],
      });
      expect((await rejection(refused)).type).toBe(InterventionRejection.NoPoliceCertificate);
    });
  });

  it('escorts a non-local child placed urgently to the registration place, and closes locally only after the handover is confirmed', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await fileReport(env, taskQueue, await submission(env, childId));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      await acceptAndComplete(
        env,
        policeTask,
        police,
        policeOutcome(await env.currentTimeMs(), {
          kind: 'nobody_can_take',
          reason: 'parents registered in Anhui, unreachable',
        }),
      );
      const urgent = await openTaskOf(env, childId, 'urgent_placement');
      const placedAt = new Date(await env.currentTimeMs()).toISOString();
      await acceptAndComplete(env, urgent, streetOffice, {
        kind: 'urgent_placement',
        placedAt,
        siteType: 'temporary_care_site',
        siteAgencyId: 'care-site-1',
      });

      // The urgent placement starts short-term guardianship: its cap counts from the placement, beside the assessment;
      // the child is in placement, so that is the stage while the assessment runs (issue #14).
      const { status, placement } = await runningPlacement(env, childId, 'short_term', 'short_term_guardianship');
      expect(status.pendingClocks).toContainEqual(
        expect.objectContaining({
          id: `${placement.placementId}:end`,
          startedAt: placedAt,
          firesAt: addDuration(new Date(placedAt), 'P1M').toISOString(),
        }),
      );
      await openTaskOf(env, childId, 'joint_assessment');

      await placementHandle(env, placement.placementId).executeUpdate(recordPlacementDecisionUpdate, {
        args: [
          {
            actor: streetOffice,
            decision: { kind: 'escort_to_registration_place', registrationPlace: 'Fuyang, Anhui' },
          },
        ],
      });
      const escortTask = await openTaskOf(env, childId, 'escort_to_registration_place');
      const escortStatus = await caseStatus(env, childId);
      expect(escortStatus.openTasks.find((t) => t.taskId === escortTask)).toMatchObject({
        agencyId: testAgencies.civil_affairs,
      });
      const inPlacement = [
        'joint_assessment',
        'risk_grading',
        'guardian_search',
        'daily_care',
        'schooling',
        'psychological_support',
        'medical_care',
        'legal_aid',
      ];
      // The case opens these one after another; complete them only once all are open (a loaded CI run once took the
      // list while the last three were still opening, and they stayed open).
      await eventually(async () =>
        expect((await caseStatus(env, childId)).openTasks.map((t) => t.kind)).toEqual(
          expect.arrayContaining(inPlacement),
        ),
      );
      await completeOpenTasks(env, childId, inPlacement);
      // The grading's decision asks for services again; if the case heard of it after the services' own closures, it
      // opens them anew. Settled once the decision is taken, nothing is waiting to open, and none of them is open.
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        const open = s.openTasks.filter((t) => inPlacement.includes(t.kind));
        if (open.length > 0) await completeOpenTasks(env, childId, inPlacement);
        expect(s.state.assessment.decision).toBeDefined();
        expect(s.state.intervention?.pendingServices ?? []).toEqual([]);
        expect(open).toEqual([]);
      }, 60_000);
      await eventually(async () => expect((await caseStatus(env, childId)).state.stage).toBe('escort'));
      const early = caseHandle(env, childId).executeUpdate(approveClosureUpdate, {
        args: [{ approver: coordinator, reason: 'child returned to registration place' }],
      });
      const refused = await rejection(early);
      expect(refused.type).toBe(InterventionRejection.CaseNotClosable);
      expect(refused.message).toContain('confirms the handover');

      const civil = actorFor(testAgencies.civil_affairs);
      const now = new Date(await env.currentTimeMs()).toISOString();
      const handover = {
        receivingOffice: 'Fuyang civil affairs bureau',
        receiverName: 'Officer Wang',
        handedOverAt: now,
        documentRef: 'handover-1',
      };
      await accept(env, escortTask, civil);
      // Deliberately incomplete: the schema requires the receiving office's confirmation.
      const withoutConfirmation = complete(env, escortTask, civil, {
        kind: 'escort_to_registration_place',
        registrationPlace: 'Fuyang, Anhui',
        handover,
      } as never);
      await expect(withoutConfirmation).rejects.toThrow(WorkflowUpdateFailedError);
      await complete(env, escortTask, civil, {
        kind: 'escort_to_registration_place',
        registrationPlace: 'Fuyang, Anhui',
        handover,
        confirmation: { confirmedAt: now, reference: 'fuyang-receipt-77' },
      });
      await eventually(async () =>
        expect((await caseStatus(env, childId)).state.intervention?.escort).toMatchObject({
          confirmationRef: 'fuyang-receipt-77',
        }),
      );
      await caseHandle(env, childId).executeUpdate(approveClosureUpdate, {
        args: [{ approver: coordinator, reason: 'handed to Fuyang civil affairs, receipt fuyang-receipt-77' }],
      });
      await eventually(async () => expect((await caseStatus(env, childId)).state.stage).toBe('closed'));
    });
  });

  it('opens the services a coordinator requests for a child who stays at home', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = `child-${randomUUID()}`;
      await throughDecision(env, taskQueue, childId, { riskLevel: 'medium', recommendation: 'services' });
      const bad = caseHandle(env, childId).executeUpdate(requestServicesUpdate, {
        args: [{ actor: coordinator, services: ['haircut' as never] }],
      });
      expect((await rejection(bad)).type).toBe(InterventionRejection.InvalidCommand);
      await caseHandle(env, childId).executeUpdate(requestServicesUpdate, {
        args: [{ actor: coordinator, services: ['psychological_support', 'legal_aid'] }],
      });
      await eventually(async () => {
        const s = await caseStatus(env, childId);
        expect(s.openTasks.map((t) => t.kind).sort()).toEqual(['legal_aid', 'psychological_support']);
        expect(s.state.stage).toBe('services');
      });
    });
  });
});
