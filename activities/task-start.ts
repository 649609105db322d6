/**
 * Starts a case's agency-task workflow from the worker (issue #19), so a case opens a task inside the workflow task
 * that decided it: one local activity instead of a child workflow start, whose "child started" event cost the case a
 * second workflow task per task it opened (and the server a transfer task and five history events). The task is
 * started as the child was: its own workflow id (the task id), the case's task queue, the same id reuse policy (a
 * closed workflow of that id does not stop it), no parent (the child was abandoned on the parent's close anyway); it
 * reports back by signal to the case's workflow id, as before.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { agencyTaskWorkflow } from '../workflows/agency-task.workflow';
import type { AgencyTaskInput } from '../workflows/definitions';

export interface StartAgencyTaskInput {
  /** The task queue of the case that opens the task (a child ran on its parent's). */
  taskQueue: string;
  task: AgencyTaskInput;
}

/** A running workflow holds the task's id but was not started for this task: the case cannot open it. */
export class TaskIdTakenError extends Error {
  override readonly name = 'TaskIdTakenError';
}

export function createTaskStartActivities({ client }: { client: Client }) {
  return {
    /**
     * Idempotent: when the task's workflow is running already and started no earlier than the case created the task,
     * it is this call's own start (a local activity run again after a crash) and counts as started. A running
     * workflow of that id started before the task existed belongs to an earlier run of the case's workflow id (one
     * terminated by hand, whose task sequence began again): that is refused, retried by the activity's policy, and
     * left for a person (the reconciler flags a case without its first response), never taken for this task.
     */
    async startAgencyTask({ taskQueue, task }: StartAgencyTaskInput): Promise<void> {
      try {
        await client.workflow.start(agencyTaskWorkflow, { workflowId: task.taskId, taskQueue, args: [task] });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        const { startTime } = await client.workflow.getHandle(task.taskId).describe();
        if (startTime.getTime() >= Date.parse(task.createdAt)) return;
        throw new TaskIdTakenError(
          `workflow ${task.taskId} has run since ${startTime.toISOString()}, before the task was created at ${task.createdAt}`,
        );
      }
    },
  };
}

export type TaskStartActivities = ReturnType<typeof createTaskStartActivities>;
