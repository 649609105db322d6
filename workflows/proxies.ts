/**
 * The activity proxies of every workflow, in one place: one timeout and retry policy per activity group, with the
 * non-retryable failure types taken from the catalogue (failures.ts). Activity types and call order are unchanged by
 * where a proxy is declared, so this module changes no workflow's commands.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type {
  AccountabilityActivities,
  DetentionActivities,
  IndicatorActivities,
  IntakeActivities,
  LedgerActivities,
  NotificationActivities,
  NotificationRequest,
  ProjectionActivities,
  TaskStartActivities,
} from '../activities';
import { NON_RETRYABLE } from './failures';

/** Only activities write the read model; a projection retries until it heals (failures.ts says why). */
export const { projectCase, projectTask, recordGuardianDesignation } = proxyActivities<ProjectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE.projection] },
});

/**
 * A task's first projection and the case's projections as local activities (issue #19): run by the worker that runs
 * the workflow task and recorded as a marker, so the police inbox gets the task without a round trip through the task
 * queue, and a case pass takes one workflow task fewer. Same timeout and retries as the scheduled ones.
 */
export const { projectTask: projectTaskLocally, projectCase: projectCaseLocally } =
  proxyLocalActivities<ProjectionActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE.projection] },
  });

const notifyOptions: ActivityOptions & LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '5 minutes', nonRetryableErrorTypes: [...NON_RETRYABLE.notify] },
};
const { notify } = proxyActivities<NotificationActivities>(notifyOptions);
/**
 * The notice as a local activity (issue #18, a storm of missed visits): run by the worker that runs the workflow task
 * and recorded as a marker, with no activity task through the server. Same timeout and retries; the notifier is
 * idempotent on workflow id + logical key, so a local activity run again after a crash notifies once.
 */
const { notify: notifyLocally } = proxyLocalActivities<NotificationActivities>(notifyOptions);

/** MongoDB or Temporal briefly down: keep retrying, the report must not be lost; a bad record fails at once. */
export const { recordReport, routeReportToCase } = proxyActivities<IntakeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE.records] },
});

/**
 * The intake's activities as local activities (issue #19): they run inside the intake's first workflow task, so a
 * report reaches its case in one workflow task instead of three, with no task-queue round trips; `fileReport` is both
 * steps in one call (one activation fewer). Same timeout and retries (a bad record still fails at once); each call is
 * recorded in history as a marker.
 */
export const {
  recordReport: recordReportLocally,
  routeReportToCase: routeReportToCaseLocally,
  fileReport: fileReportLocally,
} = proxyLocalActivities<IntakeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE.records] },
});

/**
 * A case opens an agency task by starting its workflow in a local activity (issue #19: no child start, so no second
 * workflow task of the case per task). Temporal briefly down: keep retrying, the task must not be lost; a task
 * already started counts as started (activities/task-start.ts).
 */
export const { startAgencyTask: startAgencyTaskLocally } = proxyLocalActivities<TaskStartActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

/** MongoDB briefly down: keep retrying, the notice must not be lost; a bad record fails at once. */
export const { recordDetainedPersonsChildren } = proxyActivities<DetentionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE.records] },
});

/** Directory reads and the oversight report (issue #17 item 6): retried until the database or Temporal is back. */
export const { superiorOf, reportLadderExhausted } = proxyActivities<AccountabilityActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

/** Issue #18: a closing case returns the child to the ledger's monitoring; retried until it is done. */
export const { returnToLedgerMonitoring } = proxyActivities<LedgerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

/**
 * Issue #18: a case tells the child's ledger monitoring that it is open, right after its projection, in the same
 * workflow task (a local activity: one read of the child's file, and a signal only for a child on a ledger).
 */
export const { tellLedgerOfOpenCase } = proxyLocalActivities<LedgerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

/**
 * The district dashboard's snapshot (issues #19, #18): a computation over the district's records, about 2 minutes at
 * 100,000 cases on the loaded embedded store (bench/README.md), so a generous limit; retried until the database is
 * back (the dashboard shows the last snapshot's time meanwhile, and says when it is out of date).
 */
export const { refreshIndicatorSnapshot } = proxyActivities<IndicatorActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumInterval: '1 minute' },
});

/**
 * The failure type of a final activity failure, when it is one of `types`. A scheduled activity's failure reaches the
 * workflow wrapped (an `ActivityFailure` whose cause is the `ApplicationFailure`); a local activity's, in SDK 1.24, as
 * the `ApplicationFailure` itself (its marker holds no activity failure info): both are read.
 */
export function finalFailureType(err: unknown, types: readonly string[]): string | undefined {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  if (!(failure instanceof ApplicationFailure)) return undefined;
  const type = failure.type ?? undefined;
  return type && types.includes(type) ? type : undefined;
}

/**
 * Sends a notice. A notice never fails the workflow that sends it: a failure no retry can cure (a malformed event, a
 * relay that refuses for good) is logged, ids only, and the workflow goes on; its deadlines still escalate.
 */
export async function sendNotice(request: NotificationRequest): Promise<void> {
  return deliverNotice(request, notify);
}

/** `sendNotice` as a local activity (`notifyLocally`): the same failure handling. */
export async function sendNoticeLocally(request: NotificationRequest): Promise<void> {
  return deliverNotice(request, notifyLocally);
}

async function deliverNotice(
  request: NotificationRequest,
  send: (request: NotificationRequest) => Promise<void>,
): Promise<void> {
  try {
    await send(request);
  } catch (err) {
    const type = finalFailureType(err, NON_RETRYABLE.notify);
    if (!type) throw err;
    log.warn('notice not delivered', { workflowId: request.workflowId, logicalKey: request.logicalKey, type });
  }
}
