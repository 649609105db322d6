/**
 * ChildSafe's two task queues, named in one place (workers, activities and workflow code read these):
 *  - ChildSafe's queue (`TEMPORAL_TASK_QUEUE`, `childsafe`): reports, cases, their tasks, placements, imports, the
 *    reconciler: the work a person waits on.
 *  - its ledger queue (`childsafe-ledger`): one long-running monitoring workflow per child on a street's ledger (issue
 *    #18). A district has tens of thousands of them, asleep for weeks, and thousands can fall due in the same minute
 *    (a ledger imported in one day keeps its visits in step). On their own queue, served by a worker sized for that
 *    (workers/worker.ts `ledgerWorkerSizing`), such a storm neither waits behind a report's workflow tasks nor holds
 *    them up: a report's police task is not delayed by 10,000 overdue visits.
 * Pure functions of the queue's name, so that workflow code may call them (the ledger workflow starts a committee task
 * on ChildSafe's queue).
 */

const LEDGER_SUFFIX = '-ledger';

/** The ledger's queue for ChildSafe's queue `taskQueue`. */
export function ledgerTaskQueue(taskQueue: string): string {
  return `${taskQueue}${LEDGER_SUFFIX}`;
}

/**
 * ChildSafe's queue for a workflow running on `taskQueue`: the queue without its ledger suffix, or `taskQueue` itself
 * (a ledger workflow started before the ledger had its own queue runs on ChildSafe's, as do the tests' single queues).
 */
export function caseTaskQueueOf(taskQueue: string): string {
  return taskQueue.endsWith(LEDGER_SUFFIX) ? taskQueue.slice(0, -LEDGER_SUFFIX.length) : taskQueue;
}
