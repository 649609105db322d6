/**
 * Helpers for the intervention tests: run a case to its decision, act as whichever agency a task belongs to, and
 * complete any open task with a plausible outcome of its kind.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type {
  Actor,
  CaseStatus,
  CaseTaskSummary,
  NextStep,
  RiskLevel,
  TaskOutcomeInput,
} from '../../workflows/definitions';
import type { Coordinator } from '../../workflows/intervention.definitions';
import { testAgencies } from '../fixtures/policy-pack';
import {
  accept,
  acceptAndComplete,
  caseStatus,
  complete,
  eventually,
  fileReport,
  jointAssessment,
  openTaskOf,
  police,
  policeOutcome,
  socialWorker,
  streetOffice,
  submission,
  taskStatus,
} from './harness';

export const coordinator: Coordinator = {
  userId: 'coord-1',
  agencyId: testAgencies.street_office,
  role: 'street_coordinator',
};

export const actorFor = (agencyId: string): Actor => ({ userId: `user-of-${agencyId}`, agencyId });

/** Sleeps on the time-skipping server until just past `at`. */
export async function sleepPast(env: TestWorkflowEnvironment, at: string, slackMs = 60_000): Promise<void> {
  await env.sleep(Math.max(1, new Date(at).getTime() - (await env.currentTimeMs()) + slackMs));
}

export async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** Runs a case from report to the risk grading's decision; the police leave the child where they found it. */
export async function throughDecision(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  childId: string,
  grading: { riskLevel: RiskLevel; recommendation: NextStep },
  guardianship: 'adequate' | 'improper' | 'missing' = 'improper',
): Promise<CaseStatus> {
  await fileReport(env, taskQueue, await submission(env, childId));
  const policeTask = await openTaskOf(env, childId, 'police_response');
  await acceptAndComplete(
    env,
    policeTask,
    police,
    policeOutcome(await env.currentTimeMs(), { kind: 'remains_with_guardian' }),
  );
  const jointTask = await openTaskOf(env, childId, 'joint_assessment');
  const gradingTask = await openTaskOf(env, childId, 'risk_grading');
  await acceptAndComplete(env, jointTask, streetOffice, { ...jointAssessment, guardianship } as TaskOutcomeInput);
  await acceptAndComplete(env, gradingTask, socialWorker, { kind: 'risk_grading', ...grading });
  return eventually(async () => {
    const s = await caseStatus(env, childId);
    expect(s.state.assessment.decision).toBeDefined();
    return s;
  });
}

/** A plausible outcome for any task kind, at `now`. */
export function outcomeFor(task: CaseTaskSummary, now: number): TaskOutcomeInput {
  const at = new Date(now).toISOString();
  switch (task.kind) {
    case 'joint_assessment':
      return jointAssessment;
    case 'risk_grading':
      return { kind: 'risk_grading', riskLevel: 'low', recommendation: 'monitoring_only' };
    case 'guardian_search':
      return { kind: 'guardian_search', searchedUntil: at, found: false };
    case 'daily_care':
    case 'schooling':
    case 'medical_care':
    case 'legal_aid':
      return { kind: task.kind, startedAt: at, providedBy: task.agencyId, provided: `${task.kind} provided` };
    case 'psychological_support':
      return {
        kind: 'psychological_support',
        startedAt: at,
        providedBy: task.agencyId,
        provided: 'weekly counselling',
        familyEducationGuidance: true,
      };
    case 'monitoring_visit':
      return {
        kind: 'monitoring_visit',
        visitedAt: at,
        childSeen: true,
        guardianshipArrangementAdequate: true,
        newConcern: false,
      };
    case 'follow_up_visit':
      return { kind: 'follow_up_visit', visitedAt: at, childSeen: true, newConcern: false };
    case 'later_assessment':
      return { kind: 'later_assessment', submittedAt: at, reportRef: 'later-report-1', recommendation: 'close_case' };
    default:
      throw new Error(`no canned outcome for ${task.kind}`);
  }
}

/** Accepts and completes every open task of the given kinds (all open tasks by default), as the owning agency. */
export async function completeOpenTasks(
  env: TestWorkflowEnvironment,
  childId: string,
  kinds?: string[],
): Promise<void> {
  const { openTasks } = await caseStatus(env, childId);
  const now = await env.currentTimeMs();
  for (const task of openTasks.filter((t) => !kinds || kinds.includes(t.kind))) {
    const actor = actorFor(task.agencyId);
    if ((await taskStatus(env, task.taskId)).status !== 'accepted') await accept(env, task.taskId, actor);
    await complete(env, task.taskId, actor, outcomeFor(task, now));
  }
}
