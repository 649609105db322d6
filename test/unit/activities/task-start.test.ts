/**
 * Starting a case's agency task from the worker (activities/task-start.ts): one workflow start with the task's id on
 * the case's queue; a local activity run again after its first run started the task succeeds; a running workflow of
 * that id from before the task existed is never taken for it. The Temporal client is a recorder that can refuse.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TaskIdTakenError, createTaskStartActivities } from '../../../activities/task-start';
import type { AgencyTaskInput } from '../../../workflows/definitions';

const CREATED_AT = '2026-12-02T09:00:00.000Z';

function client(refuse?: Error, runningSince?: string) {
  const starts: { type: string; options: Record<string, unknown> }[] = [];
  const fake = {
    workflow: {
      start: (fn: { name: string }, options: Record<string, unknown>) => {
        starts.push({ type: fn.name, options });
        return refuse ? Promise.reject(refuse) : Promise.resolve({ workflowId: options.workflowId });
      },
      getHandle: () => ({ describe: () => Promise.resolve({ startTime: new Date(runningSince ?? CREATED_AT) }) }),
    },
  };
  return { client: fake as unknown as Client, starts };
}

const task = {
  taskId: 'case-child-1/task-1-police_response',
  ownerWorkflowId: 'case-child-1',
  createdAt: CREATED_AT,
} as AgencyTaskInput;
const taken = () => new WorkflowExecutionAlreadyStartedError('started', task.taskId, 'agencyTaskWorkflow');

describe('startAgencyTask', () => {
  it("starts the agency task's workflow under the task's id on the case's queue", async () => {
    const { client: c, starts } = client();
    await createTaskStartActivities({ client: c }).startAgencyTask({ taskQueue: 'childsafe-q', task });
    expect(starts).toEqual([
      { type: 'agencyTaskWorkflow', options: { workflowId: task.taskId, taskQueue: 'childsafe-q', args: [task] } },
    ]);
  });

  it('succeeds when its own earlier attempt started the task (a run again after a crash)', async () => {
    const { client: c } = client(taken(), '2026-12-02T09:00:00.040Z');
    await expect(
      createTaskStartActivities({ client: c }).startAgencyTask({ taskQueue: 'q', task }),
    ).resolves.toBeUndefined();
  });

  it('refuses a running workflow of that id started before the task existed (an earlier run of the case id)', async () => {
    const { client: c } = client(taken(), '2026-11-20T09:00:00.000Z');
    await expect(createTaskStartActivities({ client: c }).startAgencyTask({ taskQueue: 'q', task })).rejects.toThrow(
      TaskIdTakenError,
    );
  });

  it('fails, to be retried, when Temporal does not answer', async () => {
    const down = new Error('14 UNAVAILABLE: connection refused');
    const { client: c } = client(down);
    await expect(createTaskStartActivities({ client: c }).startAgencyTask({ taskQueue: 'q', task })).rejects.toBe(down);
  });
});
