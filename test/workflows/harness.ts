/**
 * Shared set-up for the workflow tests: one time-skipping server and one workflow bundle per test file, the case
 * search attributes registered, and the real activity factories over in-memory fakes of their narrow dependencies
 * (so the fakes are typed as the factories' return types).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ledgerTaskQueue } from '../../workflows/task-queues';
import {
  createAccountabilityActivities,
  createIntakeActivities,
  createTaskStartActivities,
  createNotificationActivities,
  createProjectionActivities,
  type AccountabilityActivities,
  type AuditEvent,
  type CaseProjectionFields,
  type GuardianDesignation,
  type IntakeActivities,
  type LedgerActivities,
  type LedgerProfile,
  type NotificationActivities,
  type NotificationEvent,
  type ProjectionActivities,
  type RecordedReport,
  type TaskProjectionFields,
} from '../../activities';
import {
  acceptTaskUpdate,
  caseStatusQuery,
  caseWorkflowId,
  completeTaskUpdate,
  intakeWorkflowId,
  taskStatusQuery,
  type Actor,
  type CaseStatus,
  type IntakeResult,
  type ReportSubmission,
  type TaskOutcomeInput,
  type TaskState,
} from '../../workflows/definitions';
import type { intakeWorkflow } from '../../workflows/intake.workflow';
import { ledgerCaseClosedSignal, ledgerCaseOpenedSignal, ledgerWorkflowId } from '../../workflows/ledger.definitions';
import { newestPackOfDistrict } from '../../policies/visits';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { workflowBundleOptions } from '../../workers/workflow-bundle';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';

export const workflowsPath = require.resolve('../../workflows');

/** What the fakes saw, for assertions. */
export interface Recorded {
  caseProjections: { workflowId: string; version: number; fields: CaseProjectionFields }[];
  taskProjections: { taskId: string; version: number; fields: TaskProjectionFields }[];
  audit: AuditEvent[];
  notifications: { idempotencyKey: string; event: NotificationEvent }[];
  reports: Map<string, RecordedReport>;
  /** Court designations written to the child's file (issue #17). */
  guardianDesignations: GuardianDesignation[];
  /** The ledger (issue #18): each child's facts as the monitoring workflow reads them, and what it wrote. */
  ledger: {
    profiles: Map<string, LedgerProfile>;
    schedules: Parameters<LedgerActivities['setLedgerSchedule']>[0][];
    visits: Parameters<LedgerActivities['recordLedgerVisit']>[0][];
    caseOpen: Parameters<LedgerActivities['setLedgerCaseOpen']>[0][];
    returns: Parameters<LedgerActivities['returnToLedgerMonitoring']>[0][];
    /** The case's word to the ledger that it is open (issue #18), with whether the child was on a ledger. */
    told: (Parameters<LedgerActivities['tellLedgerOfOpenCase']>[0] & { onLedger: boolean })[];
  };
}

/**
 * A ledger child's facts for the fakes: the committee and street office of the test directory, and (as the real
 * activity reads it) the newest pack of the ledger's district.
 */
export function ledgerProfile(over: Partial<LedgerProfile> = {}): LedgerProfile {
  const districtCode = over.districtCode ?? '110106';
  const pack = newestPackOfDistrict(districtCode);
  return {
    riskLevel: 'low',
    leftBehind: false,
    categories: [],
    multipleDifficulty: false,
    districtCode,
    ...(pack ? { pack } : {}),
    committeeAgencyId: testAgencies.residents_committee,
    streetOfficeId: testAgencies.street_office,
    ...over,
  };
}

/** The district pack the ledger's monitoring runs under in the workflow tests (the newest Fengtai pack). */
export const LEDGER_TEST_PACK = { id: 'ft-fengtai', version: '1.3.0' };

export interface Activities
  extends ProjectionActivities,
    NotificationActivities,
    IntakeActivities,
    AccountabilityActivities,
    LedgerActivities {}

/** The district procuratorate the fake directory names for every agency (issue #17 item 6). */
export const TEST_PROCURATORATE = 'agency-procuratorate-1';

export function createFakes(
  env: TestWorkflowEnvironment,
  taskQueue: string,
): { activities: Activities; recorded: Recorded } {
  const recorded: Recorded = {
    caseProjections: [],
    taskProjections: [],
    audit: [],
    notifications: [],
    reports: new Map(),
    guardianDesignations: [],
    ledger: { profiles: new Map(), schedules: [], visits: [], caseOpen: [], returns: [], told: [] },
  };
  const auditKeys = new Set<string>();
  const notificationKeys = new Set<string>();
  const activities: Activities = {
    ...createProjectionActivities({
      cases: {
        async upsertCaseProjection(workflowId, version, fields) {
          recorded.caseProjections.push({ workflowId, version, fields });
        },
        async upsertTaskProjection(taskId, version, fields) {
          recorded.taskProjections.push({ taskId, version, fields });
        },
        async appendAudit(event) {
          if (auditKeys.has(event.key)) return;
          auditKeys.add(event.key);
          recorded.audit.push(event);
        },
        async recordGuardianDesignation(designation) {
          recorded.guardianDesignations.push(designation);
        },
      },
    }),
    ...createNotificationActivities({
      notifier: {
        async send(message) {
          if (notificationKeys.has(message.idempotencyKey)) return;
          notificationKeys.add(message.idempotencyKey);
          recorded.notifications.push(message);
        },
      },
    }),
    ...createTaskStartActivities({ client: env.client }),
    ...createIntakeActivities({
      client: env.client,
      taskQueue,
      reports: {
        // Idempotent on the submission's key, as the MongoDB store is (unique index).
        async recordReport(submission) {
          const known = recorded.reports.get(submission.idempotencyKey);
          if (known) return known;
          // The real store finds the child's file by ID number; here the ID number stands for the file id.
          const childId = submission.child.idNumber ?? `child-${randomUUID()}`;
          const report = { reportId: `report-${randomUUID()}`, childId, receipt: `R-${recorded.reports.size + 1}` };
          recorded.reports.set(submission.idempotencyKey, report);
          return report;
        },
      },
    }),
    // The directory as the test agencies: a unit's superior of a type is the test agency of that type.
    ...createAccountabilityActivities({
      client: env.client,
      taskQueue,
      directory: {
        async superiorOf(_unitId, type) {
          return (testAgencies as Record<string, string>)[type] ?? null;
        },
        async procuratorateFor() {
          return { agencyId: TEST_PROCURATORATE, districtCode: 'test' };
        },
      },
    }),
    // The ledger over an in-memory map (the real activities write the child's file: activities/ledger.ts).
    async readLedgerProfile(childId) {
      return recorded.ledger.profiles.get(childId) ?? null;
    },
    async setLedgerSchedule(input) {
      recorded.ledger.schedules.push(input);
    },
    async setLedgerCaseOpen(input) {
      recorded.ledger.caseOpen.push(input);
    },
    async recordLedgerVisit(input) {
      if (!recorded.ledger.visits.some((v) => v.visit.visitId === input.visit.visitId))
        recorded.ledger.visits.push(input);
    },
    async returnToLedgerMonitoring(input) {
      recorded.ledger.returns.push(input);
      if (!recorded.ledger.profiles.has(input.childId)) recorded.ledger.profiles.set(input.childId, ledgerProfile());
      const workflowId = ledgerWorkflowId(input.childId);
      await env.client.workflow.signalWithStart('ledgerMonitoringWorkflow', {
        workflowId,
        taskQueue: ledgerTaskQueue(taskQueue),
        args: [{ childId: input.childId, pack: LEDGER_TEST_PACK, since: input.closedAt }],
        signal: ledgerCaseClosedSignal,
        signalArgs: [{ caseId: input.caseId, closedAt: input.closedAt }],
      });
      return { workflowId, enrolled: false };
    },
    // As the real activity: only a child on a ledger (here: with facts in the map) has a monitoring workflow to tell.
    async tellLedgerOfOpenCase(input) {
      const onLedger = recorded.ledger.profiles.has(input.childId);
      recorded.ledger.told.push({ ...input, onLedger });
      if (!onLedger) return { told: false };
      await env.client.workflow.signalWithStart('ledgerMonitoringWorkflow', {
        workflowId: ledgerWorkflowId(input.childId),
        taskQueue: ledgerTaskQueue(taskQueue),
        args: [
          {
            childId: input.childId,
            pack: LEDGER_TEST_PACK,
            since: new Date(await env.currentTimeMs()).toISOString(),
            openCaseId: input.caseId,
          },
        ],
        signal: ledgerCaseOpenedSignal,
        signalArgs: [{ caseId: input.caseId }],
      });
      return { told: true };
    },
  };
  return { activities, recorded };
}

/** Registers the case search attributes (the worker bootstrap does the same on a real cluster). */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const { IndexedValueType } = temporal.api.enums.v1;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: {
      CaseStage: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      NextDeadline: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
      PolicyPack: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    },
  });
}

export interface Harness {
  bundle: WorkflowBundleWithSourceMap;
}

/** Built once per test file (bundling is the slow part). */
export async function createHarness(): Promise<Harness> {
  return { bundle: await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, logger: quietLogger }) };
}

const noop = () => undefined;
export const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export interface TestContext {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  recorded: Recorded;
}

/**
 * Runs `fn` against a fresh time-skipping server (it starts in a fraction of a second) and a worker for it. One
 * server per test, not per file: a workflow left running by an earlier test keeps a timer or task outstanding, and
 * the time-skipping server then will not skip time for the next test's sleeps.
 */
export async function withWorker<T>(
  { bundle }: Harness,
  fn: (ctx: TestContext) => Promise<T>,
  /** Replaces some fakes for one test, e.g. to force an ordering between a workflow's activity and the test. */
  override?: (fakes: Activities, ctx: TestContext) => Partial<Activities>,
): Promise<T> {
  const env = await createTimeSkippingEnv();
  try {
    await registerSearchAttributes(env);
    const taskQueue = `q-${randomUUID()}`;
    const { activities: fakes, recorded } = createFakes(env, taskQueue);
    const activities = { ...fakes, ...override?.(fakes, { env, taskQueue, recorded }) };
    // As the deployed worker (workers/worker.ts): the same bundle and activities on ChildSafe's queue and the ledger's.
    const [worker, ledgerWorker] = await Promise.all(
      [taskQueue, ledgerTaskQueue(taskQueue)].map((queue) =>
        Worker.create({ connection: env.nativeConnection, taskQueue: queue, workflowBundle: bundle, activities }),
      ),
    );
    return await worker.runUntil(ledgerWorker!.runUntil(fn({ env, taskQueue, recorded })));
  } finally {
    await env.teardown();
  }
}

export const police: Actor = { userId: 'officer-1', agencyId: testAgencies.police_station };
export const streetOffice: Actor = { userId: 'street-1', agencyId: testAgencies.street_office };
export const committee: Actor = { userId: 'committee-sw-1', agencyId: testAgencies.residents_committee };
export const socialWorker: Actor = { userId: 'sw-1', agencyId: testAgencies.social_work };

/** A submission for `childId`, discovered `discoveredMinutesAgo` before the server's current time. */
export async function submission(
  env: TestWorkflowEnvironment,
  childId: string,
  overrides: Partial<ReportSubmission> & { discoveredMinutesAgo?: number } = {},
): Promise<ReportSubmission> {
  const now = await env.currentTimeMs();
  const { discoveredMinutesAgo = 10, ...rest } = overrides;
  return {
    idempotencyKey: randomUUID(),
    receipt: `CS-TEST-${randomUUID().slice(0, 8)}`,
    child: { idNumber: childId },
    reporter: { unitId: 'school-7', unitType: 'school', staffId: 'teacher-3' },
    place: { districtCode: '310105', streetCode: 'huayang' },
    concerns: ['living_alone'],
    discoveredAt: new Date(now - discoveredMinutesAgo * 60_000).toISOString(),
    receivedAt: new Date(now).toISOString(),
    leftBehind: false,
    ...rest,
  };
}

/** Files a report as the API does: starts the intake with the id derived from the idempotency key. */
export async function fileReport(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  report: ReportSubmission,
): Promise<IntakeResult> {
  return env.client.workflow.execute<typeof intakeWorkflow>('intakeWorkflow', {
    workflowId: intakeWorkflowId(report.idempotencyKey),
    taskQueue,
    args: [{ submission: report, pack: testPolicyPack, agencies: testAgencies, fileInOneStep: true }],
  });
}

export function caseHandle(env: TestWorkflowEnvironment, childId: string): WorkflowHandle {
  return env.client.workflow.getHandle(caseWorkflowId(childId));
}

/**
 * A query sent while the case is continuing-as-new can go unanswered on the time-skipping server; give up after a
 * few seconds (a gRPC deadline, so nothing is left pending) and let `eventually` ask again. The API should bound its
 * queries the same way.
 */
function bounded<T>(env: TestWorkflowEnvironment, fn: () => Promise<T>, ms = 3_000): Promise<T> {
  return env.connection.withDeadline(Date.now() + ms, fn);
}

export async function caseStatus(env: TestWorkflowEnvironment, childId: string): Promise<CaseStatus> {
  return bounded(env, () => caseHandle(env, childId).query(caseStatusQuery));
}

export async function taskStatus(env: TestWorkflowEnvironment, taskId: string): Promise<TaskState> {
  return bounded(env, () => env.client.workflow.getHandle(taskId).query(taskStatusQuery));
}

/** Retries `check` until it stops throwing (workers process in real time between time skips). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() - started > timeoutMs) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Waits until the case has an open task of `kind`, and returns its id. */
export async function openTaskOf(env: TestWorkflowEnvironment, childId: string, kind: string): Promise<string> {
  return eventually(async () => {
    const status = await caseStatus(env, childId);
    const task = status.openTasks.find((t) => t.kind === kind);
    if (!task) throw new Error(`no open ${kind} task; stage ${status.state.stage}`);
    // The case lists a task as soon as it decides to open it; its workflow starts a moment later. Callers send it
    // updates at once (ci19d: a decline answered "workflow not found"), so wait until it exists.
    await env.client.workflow.getHandle(task.taskId).describe();
    return task.taskId;
  });
}

export async function accept(env: TestWorkflowEnvironment, taskId: string, actor: Actor): Promise<TaskState> {
  // The case lists a task as soon as it decides to open it; the task's own workflow may start a moment later, so
  // only "not found" is waited out (up to 15 s), anything else fails at once.
  for (let attempt = 0; ; attempt++) {
    try {
      return await env.client.workflow.getHandle(taskId).executeUpdate(acceptTaskUpdate, { args: [{ actor }] });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || attempt >= 150) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function complete(
  env: TestWorkflowEnvironment,
  taskId: string,
  actor: Actor,
  outcome: TaskOutcomeInput,
): Promise<TaskState> {
  return env.client.workflow.getHandle(taskId).executeUpdate(completeTaskUpdate, { args: [{ actor, outcome }] });
}

export async function acceptAndComplete(
  env: TestWorkflowEnvironment,
  taskId: string,
  actor: Actor,
  outcome: TaskOutcomeInput,
): Promise<TaskState> {
  await accept(env, taskId, actor);
  return complete(env, taskId, actor, outcome);
}

export type PoliceOutcomeInput = Extract<TaskOutcomeInput, { kind: 'police_response' }>;

export function policeOutcome(now: number, custody: PoliceOutcomeInput['custody']): PoliceOutcomeInput {
  return {
    kind: 'police_response',
    dispatchedAt: new Date(now).toISOString(),
    responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
    custody,
  };
}

export const jointAssessment: TaskOutcomeInput = {
  kind: 'joint_assessment',
  ageYears: 9,
  facts: ['both_parents_migrant'],
  familySituation: 'both parents work in another city',
  guardianship: 'improper',
  physicalHealth: 'good',
  mentalHealth: 'withdrawn',
};

/**
 * When RECORD_HISTORIES=1, saves the workflow's history for the replay test. Histories are committed to the repo so a
 * non-deterministic change to the workflow code fails test/workflows/replay.test.ts.
 */
export async function maybeRecordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  const dir = join(__dirname, 'histories');
  mkdirSync(dir, { recursive: true });
  const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ workflowId: handle.workflowId, history: json }, null, 1)}\n`,
  );
}
