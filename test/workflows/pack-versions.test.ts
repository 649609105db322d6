/**
 * Issue #16 on the time-skipping server: a case pinned to cn-changning@1.0.0 keeps the rules it started with after
 * 1.1.0 reads the text right, while a case started under 1.1.0 follows the new reading, on the same worker and code.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { getPolicyPack, loadPolicyPack } from '../../policies';
import { addDuration, subtractDuration } from '../../policies/duration';
import type { PolicyPack } from '../../policies/schema';
import { TaskRejection, intakeWorkflowId, type TaskOutcomeInput } from '../../workflows/definitions';
import type { intakeWorkflow } from '../../workflows/intake.workflow';
import {
  InterventionRejection,
  recordGuardianRefusalUpdate,
  recordHarmGroundUpdate,
  recordLegalStepUpdate,
} from '../../workflows/intervention.definitions';
import { testAgencies } from '../fixtures/policy-pack';
import {
  caseHandle,
  caseStatus,
  createHarness,
  eventually,
  accept,
  acceptAndComplete,
  complete,
  jointAssessment,
  maybeRecordHistory,
  openTaskOf,
  police,
  policeOutcome,
  streetOffice,
  type PoliceOutcomeInput,
  submission,
  withWorker,
  type Harness,
} from './harness';
import { actorFor, rejection, sleepPast } from './intervention.helpers';

jest.setTimeout(180_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const OLD = getPolicyPack('cn-changning', '1.0.0');
const NEW = getPolicyPack('cn-changning', '1.1.0');
const LATEST = loadPolicyPack('cn-changning');
const committee = actorFor(testAgencies.residents_committee);

/** Files a report under `pack` (as the API does with the newest pack at the time) and waits for the case. */
async function openCase(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  pack: PolicyPack,
  concerns?: string[],
): Promise<string> {
  const childId = `child-${randomUUID()}`;
  const report = await submission(env, childId, concerns ? { concerns } : {});
  await env.client.workflow.execute<typeof intakeWorkflow>('intakeWorkflow', {
    workflowId: intakeWorkflowId(report.idempotencyKey),
    taskQueue,
    args: [{ submission: report, pack, agencies: testAgencies }],
  });
  await openTaskOf(env, childId, 'police_response');
  return childId;
}

const nowIso = async (env: TestWorkflowEnvironment) => new Date(await env.currentTimeMs()).toISOString();

describe('a case keeps the pack version it pinned (issue #16)', () => {
  it('CN 四(四)3: a 1.0.0 case still refuses a penalty before a written warning; a 1.1.0 case records it, side by side', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const pinnedOld = await openCase(env, taskQueue, OLD);
      const pinnedNew = await openCase(env, taskQueue, NEW);
      expect((await caseStatus(env, pinnedOld)).state.pack).toEqual({ id: 'cn-changning', version: '1.0.0' });
      expect((await caseStatus(env, pinnedNew)).state.pack).toEqual({ id: 'cn-changning', version: '1.1.0' });

      const penalty = async (childId: string) =>
        caseHandle(env, childId).executeUpdate(recordLegalStepUpdate, {
          args: [{ actor: police, step: 'administrative_penalty', evidenceRef: 'CF-1', occurredAt: await nowIso(env) }],
        });
      const refused = await rejection(penalty(pinnedOld));
      expect(refused.type).toBe(InterventionRejection.IllegalLegalStep);
      expect(refused.message).toContain('written warning');
      const recorded = await penalty(pinnedNew);
      expect(recorded.legalSteps.map((s) => s.step)).toEqual(['administrative_penalty']);
    });
  });

  it("CN 四(四)3: the case workflow itself refuses a sanction by a school or the procuratorate, and takes the police station's and the procuratorate's transfer", async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue, LATEST);
      const step = async (actorAgencyId: string, s: 'administrative_penalty' | 'judicial_transfer') =>
        caseHandle(env, childId).executeUpdate(recordLegalStepUpdate, {
          args: [{ actor: actorFor(actorAgencyId), step: s, evidenceRef: `E-${s}`, occurredAt: await nowIso(env) }],
        });
      for (const agencyId of [testAgencies.education, testAgencies.health, testAgencies.civil_affairs]) {
        const refused = await rejection(step(agencyId, 'administrative_penalty'));
        expect({ agencyId, type: refused.type }).toEqual({
          agencyId,
          type: InterventionRejection.NotLegalStepRecorder,
        });
        expect(refused.message).toContain('CN 四(四)3');
      }
      // The API's directory type is checked too: a procuratorate may transfer but not penalise.
      const byProcuratorate = (s: 'administrative_penalty' | 'judicial_transfer') =>
        caseHandle(env, childId).executeUpdate(recordLegalStepUpdate, {
          args: [
            {
              actor: actorFor('agency-procuratorate-1'),
              agencyType: 'procuratorate',
              step: s,
              evidenceRef: `P-${s}`,
              occurredAt: new Date(0).toISOString(),
            },
          ],
        });
      expect((await rejection(byProcuratorate('administrative_penalty'))).type).toBe(
        InterventionRejection.NotLegalStepRecorder,
      );
      expect((await caseStatus(env, childId)).state.intervention?.legalSteps ?? []).toEqual([]);
      const penalised = await step(testAgencies.police_station, 'administrative_penalty');
      expect(penalised.legalSteps.map((l) => [l.step, l.recordedBy.agencyId])).toEqual([
        ['administrative_penalty', testAgencies.police_station],
      ]);
      const transferred = await byProcuratorate('judicial_transfer');
      expect(transferred.legalSteps.map((l) => l.step)).toEqual(['administrative_penalty', 'judicial_transfer']);
    });
  });

  it('FT 三(一)1: the case decides 择高 on the amounts its joint assessment recorded (a higher 特困 payment wins), under 1.2.0', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const childId = await openCase(env, taskQueue, loadPolicyPack('ft-fengtai'));
      const policeTask = await openTaskOf(env, childId, 'police_response');
      await acceptAndComplete(
        env,
        policeTask,
        police,
        policeOutcome(await env.currentTimeMs(), { kind: 'remains_with_guardian' }),
      );
      const jointTask = await openTaskOf(env, childId, 'joint_assessment');
      await acceptAndComplete(env, jointTask, streetOffice, {
        ...jointAssessment,
        ageYears: 10,
        facts: ['meets_child_living_guarantee_conditions', 'no_labour_capacity', 'no_income', 'no_legal_supporter'],
        benefitAmounts: { child_living_guarantee: 1900, extreme_poverty_support: 2350 },
      } as TaskOutcomeInput);
      const benefits = await eventually(async () => {
        const b = (await caseStatus(env, childId)).state.assessment.benefits;
        if (!b) throw new Error('not assessed yet');
        return b;
      });
      expect(benefits.granted.map((b) => b.code)).toEqual(['extreme_poverty_support']);
      expect(benefits.excluded).toEqual([
        expect.objectContaining({
          code: 'child_living_guarantee',
          groupClause: 'FT 三(一)1',
          basis: 'higher_amount',
          monthlyYuan: 1900,
          keptMonthlyYuan: 2350,
          amountSource: 'recorded',
        }),
      ]);
    });
  });

  it('CN 四(二): for an orphan nobody can take, the police record temporary care and the street office places the child (1.2.0); a 1.1.0 case still asks for parents ordered back', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const orphan = await openCase(env, taskQueue, LATEST, ['lacking_guardianship']);
      const pinned = await openCase(env, taskQueue, NEW, ['lacking_guardianship']);
      const now = await env.currentTimeMs();
      const careArranged = (arrangedWith: string, custody: PoliceOutcomeInput['custody']) =>
        ({
          ...policeOutcome(now, custody),
          responses: [{ concern: 'lacking_guardianship', response: 'care_arranged', arrangedWith }],
        }) as TaskOutcomeInput;
      const nobody = { kind: 'nobody_can_take', reason: '父母双亡，无其他监护人、亲属，居委会无照料条件' } as const;

      // Under 1.1.0 the response is still fixed to guardian_recalled.
      const pinnedTask = await openTaskOf(env, pinned, 'police_response');
      await accept(env, pinnedTask, police);
      const old = await rejection(complete(env, pinnedTask, police, careArranged('temporary_care', nobody)));
      expect(old.type).toBe(TaskRejection.InvalidOutcome);
      expect(old.message).toContain('calls for guardian_recalled');

      const task = await openTaskOf(env, orphan, 'police_response');
      await accept(env, task, police);
      // Temporary care must be what the custody says, and a handover names who took the child.
      const mismatch = await rejection(
        complete(env, task, police, careArranged('temporary_care', { kind: 'remains_with_guardian' })),
      );
      expect(mismatch.message).toContain('CN 四(二)');
      const noHandover = await rejection(complete(env, task, police, careArranged('relative', nobody)));
      expect(noHandover.message).toContain('handed_over to the relative');

      const done = await complete(env, task, police, careArranged('temporary_care', nobody));
      expect(done.status).toBe('completed');
      // The placement path opens: the street office's urgent placement (CN 四(二)).
      await openTaskOf(env, orphan, 'urgent_placement');
      const { state } = await caseStatus(env, orphan);
      expect(state.emergencyOutcomes[0]?.outcome.responses).toEqual([
        { concern: 'lacking_guardianship', response: 'care_arranged', arrangedWith: 'temporary_care' },
      ]);
      await maybeRecordHistory(caseHandle(env, orphan), 'case-lacking-guardianship-temporary-care');
    });
  });

  it('CN 四(四)3 (b): after six months of refused duties that left the child provided for, the 1.0.0 case still accepts ground (b) and the 1.1.0 case refuses it (生活无着)', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const pinnedOld = await openCase(env, taskQueue, OLD);
      const pinnedNew = await openCase(env, taskQueue, NEW);
      const since = subtractDuration(new Date(await env.currentTimeMs()), 'P1M').toISOString();
      for (const childId of [pinnedOld, pinnedNew]) {
        await caseHandle(env, childId).executeUpdate(recordGuardianRefusalUpdate, {
          args: [{ actor: committee, since, evidenceRef: 'visit-1', childWithoutMeansOfLiving: false }],
        });
      }
      await sleepPast(env, addDuration(new Date(since), 'P6M').toISOString());
      for (const childId of [pinnedOld, pinnedNew]) {
        await eventually(async () =>
          expect((await caseStatus(env, childId)).state.intervention?.neglect[0]?.thresholdReachedAt).toBeDefined(),
        );
      }

      const ground = (childId: string) =>
        caseHandle(env, childId).executeUpdate(recordHarmGroundUpdate, {
          args: [{ actor: committee, ground: 'refused_duties_six_months', evidenceRef: 'ground-b' }],
        });
      const old = await ground(pinnedOld);
      expect(old.grounds.map((g) => g.ground)).toEqual(['refused_duties_six_months']);
      const refused = await rejection(ground(pinnedNew));
      expect(refused.type).toBe(InterventionRejection.GroundNotMet);
      expect(refused.message).toContain('生活无着');
    });
  });
});
