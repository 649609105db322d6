/**
 * Starts a case's agency-task workflow from the worker (issue #19), so a case opens a task inside the workflow task
 * that decided it: one local activity instead of a child workflow start, whose "child started" event cost the case a
 * second workflow task per task it opened (and the server a transfer task and five history events). The task is
 * started as the child was: its own workflow id (the task id), the case's task queue, no parent (the child was
 * abandoned on the parent's close anyway); it reports back by signal to the case's workflow id, as before.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { agencyTaskWorkflow } from '../workflows/agency-task.workflow';
import type { AgencyTaskInput } from '../workflows/definitions';

export interface StartAgencyTaskInput {
  /** The task queue of the case that opens the task (a child ran on its parent's). */
  taskQueue: string;
  task: AgencyTaskInput;
}

export function createTaskStartActivities({ client }: { client: Client }) {
  return {
    /**
     * Idempotent: a task id is used once (REJECT_DUPLICATE, even after the task closed), so a local activity run
     * again after a crash, whose first run had started the task, finds it started and succeeds.
     */
    async startAgencyTask({ taskQueue, task }: StartAgencyTaskInput): Promise<void> {
      try {
        await client.workflow.start(agencyTaskWorkflow, {
          workflowId: task.taskId,
          taskQueue,
          args: [task],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return;
        throw err;
      }
    },
  };
}

export type TaskStartActivities = ReturnType<typeof createTaskStartActivities>;
