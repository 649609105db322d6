/**
 * Starting a case's agency task from the worker (activities/task-start.ts): one workflow start with the task's id on
 * the case's queue, never a second run of the same id, and a local activity run again after its first run started the
 * task succeeds. The Temporal client is a recorder that can be told to refuse.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { createTaskStartActivities } from '../../../activities/task-start';
import type { AgencyTaskInput } from '../../../workflows/definitions';

function client(refuse?: Error) {
  const starts: { type: string; options: Record<string, unknown> }[] = [];
  const fake = {
    workflow: {
      start: (fn: { name: string }, options: Record<string, unknown>) => {
        starts.push({ type: fn.name, options });
        return refuse ? Promise.reject(refuse) : Promise.resolve({ workflowId: options.workflowId });
      },
    },
  };
  return { client: fake as unknown as Client, starts };
}

const task = { taskId: 'case-child-1:police_response:1', ownerWorkflowId: 'case-child-1' } as AgencyTaskInput;

describe('startAgencyTask', () => {
  it("starts the agency task's workflow under the task's id on the case's queue, an id used once", async () => {
    const { client: c, starts } = client();
    await createTaskStartActivities({ client: c }).startAgencyTask({ taskQueue: 'childsafe-q', task });
    expect(starts).toEqual([
      {
        type: 'agencyTaskWorkflow',
        options: {
          workflowId: task.taskId,
          taskQueue: 'childsafe-q',
          args: [task],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        },
      },
    ]);
  });

  it('succeeds when the task was started already (a run again after a crash)', async () => {
    const { client: c } = client(
      new WorkflowExecutionAlreadyStartedError('started', task.taskId, 'agencyTaskWorkflow'),
    );
    await expect(
      createTaskStartActivities({ client: c }).startAgencyTask({ taskQueue: 'q', task }),
    ).resolves.toBeUndefined();
  });

  it('fails, to be retried, when Temporal does not answer', async () => {
    const down = new Error('14 UNAVAILABLE: connection refused');
    const { client: c } = client(down);
    await expect(createTaskStartActivities({ client: c }).startAgencyTask({ taskQueue: 'q', task })).rejects.toBe(down);
  });
});
