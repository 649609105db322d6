/**
 * The placement workflow on its own (CN 四(三)): the cap clock, reminders, the decision the cap requires, the daily
 * overrun escalation, an extension approved by a coordinator, and the police certificate that medium/long-term
 * guardianship needs. The case that owns a placement is exercised in intervention.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDuration, subtractDuration } from '../../policies/duration';
import {
  InterventionRejection,
  approveExtensionUpdate,
  placementStatusQuery,
  placementWorkflowId,
  recordPlacementDecisionUpdate,
  recordPoliceCertificateUpdate,
  type Coordinator,
  type PlacementState,
  type PlacementTerm,
  type PoliceCertificate,
} from '../../workflows/intervention.definitions';
import type { placementWorkflow } from '../../workflows/placement.workflow';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import {
  createHarness,
  eventually,
  maybeRecordHistory,
  police,
  streetOffice,
  withWorker,
  type Harness,
} from './harness';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow months

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const coordinator: Coordinator = {
  userId: 'coord-1',
  agencyId: 'agency-district-office',
  role: 'district_coordinator',
};
const civilAffairs = { userId: 'civil-1', agencyId: testAgencies.civil_affairs };

async function startPlacement(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  term: PlacementTerm,
  policeCertificate?: PoliceCertificate,
): Promise<WorkflowHandle<typeof placementWorkflow>> {
  const caseId = `case-child-${randomUUID()}`;
  const placementId = placementWorkflowId(caseId, 1, term);
  const startedAt = new Date(await env.currentTimeMs()).toISOString();
  return env.client.workflow.start<typeof placementWorkflow>('placementWorkflow', {
    workflowId: placementId,
    taskQueue,
    args: [
      {
        placementId,
        // No case runs in these tests: the placement's signals to it are logged and dropped.
        ownerWorkflowId: caseId,
        term,
        startedAt,
        agencyId: term === 'short_term' ? testAgencies.street_office : testAgencies.civil_affairs,
        siteAgencyId: 'care-site-1',
        policeAgencyIds: [testAgencies.police_station, testAgencies.police_substation],
        policeCertificate,
        cap: term === 'short_term' ? testPolicyPack.placement.shortTermCap : testPolicyPack.placement.longTermCap,
        remindBefore: testPolicyPack.placement.remindBefore,
        overrunEscalationEvery: testPolicyPack.placement.overrunEscalationEvery,
        pack: { id: testPolicyPack.id, version: testPolicyPack.version },
      },
    ],
  });
}

function placementStatus(handle: WorkflowHandle): Promise<PlacementState> {
  return handle.query(placementStatusQuery);
}

/** Sleeps on the time-skipping server until just past `at`. */
async function sleepPast(env: TestWorkflowEnvironment, at: string, slackMs = 60_000): Promise<void> {
  await env.sleep(Math.max(1, new Date(at).getTime() - (await env.currentTimeMs()) + slackMs));
}

async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('a short-term temporary guardianship placement (CN 四(三))', () => {
  it('reminds before the 1-month cap, requires a decision at the cap and escalates every day until it is recorded', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const handle = await startPlacement(env, taskQueue, 'short_term');
      const started = await eventually(() => placementStatus(handle));
      const endsAt = addDuration(new Date(started.startedAt), 'P1M').toISOString();
      const remindAt = subtractDuration(new Date(endsAt), 'P7D').toISOString();
      expect(started).toMatchObject({ status: 'running', endsAt, clause: 'CN 四(三)' });
      expect(started.clocks).toEqual([
        expect.objectContaining({
          id: `${handle.workflowId}:end`,
          clause: 'CN 四(三)',
          startedAt: started.startedAt,
          firesAt: endsAt,
        }),
        expect.objectContaining({ id: `${handle.workflowId}:reminder`, clause: 'CN 四(三)', firesAt: remindAt }),
      ]);

      await sleepPast(env, remindAt);
      const reminded = await eventually(async () => {
        const s = await placementStatus(handle);
        expect(s.reminders).toHaveLength(1);
        return s;
      });
      expect(reminded.reminders[0]).toMatchObject({ before: 'P7D', capAt: endsAt });
      expect(reminded.capReachedAt).toBeUndefined();

      await sleepPast(env, endsAt);
      const atCap = await eventually(async () => {
        const s = await placementStatus(handle);
        expect(s.capReachedAt).toBeDefined();
        return s;
      });
      expect(atCap.status).toBe('running');
      expect(atCap.overruns).toEqual([]);
      const firstOverrun = addDuration(new Date(endsAt), 'P1D').toISOString();
      expect(atCap.clocks).toContainEqual(
        expect.objectContaining({ id: `${handle.workflowId}:overrun`, startedAt: endsAt, firesAt: firstOverrun }),
      );

      await env.sleep('1 day');
      await env.sleep('1 day');
      const overrun = await eventually(async () => {
        const s = await placementStatus(handle);
        expect(s.overruns).toHaveLength(2);
        return s;
      });
      expect(overrun.overruns.map((o) => [o.n, o.capAt])).toEqual([
        [1, endsAt],
        [2, endsAt],
      ]);
      expect(recorded.notifications.map((n) => n.idempotencyKey)).toEqual([
        `${handle.workflowId}:remind:0:P7D`,
        `${handle.workflowId}:end:0`,
        `${handle.workflowId}:overrun:0:1`,
        `${handle.workflowId}:overrun:0:2`,
      ]);
      expect(recorded.notifications.at(-1)?.event).toMatchObject({
        type: 'task_escalated',
        kind: 'short_term_placement',
        rung: 2,
        target: 'district_coordinator',
        clause: 'CN 四(三)',
        deadline: endsAt,
      });

      const decided = await handle.executeUpdate(recordPlacementDecisionUpdate, {
        args: [
          {
            actor: streetOffice,
            decision: { kind: 'return_home', assessmentRef: 'assessment-7' },
            reason: 'family situation assessed as safe',
          },
        ],
      });
      expect(decided).toMatchObject({
        status: 'ended',
        decision: { kind: 'return_home', assessmentRef: 'assessment-7', decidedBy: streetOffice },
      });
      const result = await handle.result();
      expect(result.clocks).toEqual([]);
      expect(result.overruns).toHaveLength(2);
      await maybeRecordHistory(handle, 'placement-short-term-overrun-decided');
    });
  });

  it('extends past the cap only with a coordinator approval and its reason, and re-arms the reminders for the new end', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const handle = await startPlacement(env, taskQueue, 'short_term');
      const { endsAt } = await eventually(() => placementStatus(handle));
      await sleepPast(env, endsAt);
      await eventually(async () => expect((await placementStatus(handle)).capReachedAt).toBeDefined());

      const staff = { ...coordinator, role: 'agency_staff' } as unknown as Coordinator; // a role the API should never send
      expect(
        (
          await rejection(
            handle.executeUpdate(approveExtensionUpdate, {
              args: [{ approver: staff, reason: 'school term', extendBy: 'P14D' }],
            }),
          )
        ).type,
      ).toBe(InterventionRejection.NotCoordinator);
      expect(
        (
          await rejection(
            handle.executeUpdate(approveExtensionUpdate, {
              args: [{ approver: coordinator, reason: ' ', extendBy: 'P14D' }],
            }),
          )
        ).type,
      ).toBe(InterventionRejection.InvalidCommand);
      expect(
        (
          await rejection(
            handle.executeUpdate(approveExtensionUpdate, {
              args: [{ approver: coordinator, reason: 'exams', extendBy: '14 days' }],
            }),
          )
        ).type,
      ).toBe(InterventionRejection.InvalidCommand);

      const extended = await handle.executeUpdate(approveExtensionUpdate, {
        args: [
          { approver: coordinator, reason: 'the child sits end-of-term exams at the local school', extendBy: 'P14D' },
        ],
      });
      const newEnd = addDuration(new Date(endsAt), 'P14D').toISOString();
      expect(extended).toMatchObject({ status: 'running', endsAt: newEnd });
      expect(extended.capReachedAt).toBeUndefined();
      expect(extended.extensions).toEqual([
        expect.objectContaining({
          approvedBy: coordinator,
          reason: 'the child sits end-of-term exams at the local school',
          previousEndsAt: endsAt,
          endsAt: newEnd,
        }),
      ]);
      const clocks = (
        await eventually(async () => {
          const s = await placementStatus(handle);
          expect(s.clocks.find((c) => c.id.endsWith(':overrun'))).toBeUndefined();
          return s;
        })
      ).clocks;
      expect(clocks).toContainEqual(expect.objectContaining({ id: `${handle.workflowId}:end`, firesAt: newEnd }));
      expect(clocks).toContainEqual(
        expect.objectContaining({
          id: `${handle.workflowId}:reminder`,
          firesAt: subtractDuration(new Date(newEnd), 'P7D').toISOString(),
        }),
      );

      // No overrun escalation while the extension runs; the new end reminds, then requires a decision again.
      await sleepPast(env, newEnd);
      const atNewEnd = await eventually(async () => {
        const s = await placementStatus(handle);
        expect(s.capReachedAt).toBeDefined();
        return s;
      });
      expect(atNewEnd.overruns).toEqual([]);
      expect(atNewEnd.reminders.map((r) => r.capAt)).toEqual([endsAt, newEnd]);
      expect(recorded.notifications.map((n) => n.idempotencyKey)).toEqual([
        `${handle.workflowId}:remind:0:P7D`,
        `${handle.workflowId}:end:0`,
        `${handle.workflowId}:remind:1:P7D`,
        `${handle.workflowId}:end:1`,
      ]);
      await handle.executeUpdate(recordPlacementDecisionUpdate, {
        args: [{ actor: streetOffice, decision: { kind: 'return_home', assessmentRef: 'assessment-9' } }],
      });
      expect((await handle.result()).extensions).toHaveLength(1);
    });
  });

  it('moves to medium/long-term guardianship only once the police have certified in writing that the search failed', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const handle = await startPlacement(env, taskQueue, 'short_term');
      await eventually(() => placementStatus(handle));
      const move = { actor: streetOffice, decision: { kind: 'move_to_long_term' as const } };

      const refused = await rejection(handle.executeUpdate(recordPlacementDecisionUpdate, { args: [move] }));
      expect(refused.type).toBe(InterventionRejection.NoPoliceCertificate);
      expect(refused.message).toContain('CN 四(三)');
      const now = new Date(await env.currentTimeMs()).toISOString();
      const byStreetOffice = handle.executeUpdate(recordPoliceCertificateUpdate, {
        args: [{ actor: streetOffice, certificateRef: 'cert-1', issuedAt: now }],
      });
      expect((await rejection(byStreetOffice)).type).toBe(InterventionRejection.WrongAgency);

      const certified = await handle.executeUpdate(recordPoliceCertificateUpdate, {
        args: [{ actor: police, certificateRef: 'cert-1', issuedAt: now }],
      });
      expect(certified.policeCertificate).toMatchObject({ certificateRef: 'cert-1', recordedBy: police });
      const moved = await handle.executeUpdate(recordPlacementDecisionUpdate, { args: [move] });
      expect(moved).toMatchObject({ status: 'ended', decision: { kind: 'move_to_long_term' } });
      await handle.result();
      // An ended placement takes no further commands.
      await expect(handle.executeUpdate(recordPlacementDecisionUpdate, { args: [move] })).rejects.toThrow();
    });
  });
});

describe('a medium/long-term temporary guardianship placement (CN 四(三))', () => {
  it('runs the 6-month cap with the same reminder, decision and daily overrun escalation', async () => {
    await withWorker(h, async ({ env, taskQueue, recorded }) => {
      const now = new Date(await env.currentTimeMs()).toISOString();
      const handle = await startPlacement(env, taskQueue, 'long_term', {
        certificateRef: 'cert-1',
        issuedAt: now,
        recordedBy: police,
      });
      const started = await eventually(() => placementStatus(handle));
      const endsAt = addDuration(new Date(started.startedAt), 'P6M').toISOString();
      expect(started).toMatchObject({ term: 'long_term', endsAt, agencyId: testAgencies.civil_affairs });
      expect(started.clocks[0]).toMatchObject({
        label: testPolicyPack.placement.longTermCap.label.en,
        clause: 'CN 四(三)',
        firesAt: endsAt,
      });

      await sleepPast(env, endsAt);
      await env.sleep('1 day');
      const overrun = await eventually(async () => {
        const s = await placementStatus(handle);
        expect(s.overruns).toHaveLength(1);
        return s;
      });
      expect(overrun.reminders.map((r) => r.before)).toEqual(['P7D']);
      expect(recorded.notifications.map((n) => n.event)).toContainEqual(
        expect.objectContaining({
          type: 'task_escalated',
          kind: 'long_term_placement',
          agencyId: testAgencies.civil_affairs,
          rung: 1,
          deadline: endsAt,
        }),
      );
      // Civil affairs decides a long-term placement (or a coordinator); and it cannot "move to long-term" again.
      const byStreetOffice = handle.executeUpdate(recordPlacementDecisionUpdate, {
        args: [{ actor: streetOffice, decision: { kind: 'return_home', assessmentRef: 'a-1' } }],
      });
      expect((await rejection(byStreetOffice)).type).toBe(InterventionRejection.WrongAgency);
      const again = handle.executeUpdate(recordPlacementDecisionUpdate, {
        args: [{ actor: civilAffairs, decision: { kind: 'move_to_long_term' } }],
      });
      expect((await rejection(again)).type).toBe(InterventionRejection.InvalidCommand);
      await handle.executeUpdate(recordPlacementDecisionUpdate, {
        args: [
          { actor: coordinator, decision: { kind: 'escort_to_registration_place', registrationPlace: 'Hefei, Anhui' } },
        ],
      });
      expect((await handle.result()).decision).toMatchObject({ kind: 'escort_to_registration_place' });
    });
  });
});
