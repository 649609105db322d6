/**
 * The reconciler's Temporal Schedule: every minute by default, one run at a time (a slow run is not piled onto).
 * Created when missing, left alone when present, so every worker may call it at start.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';

export function reconcilerScheduleId(taskQueue: string): string {
  return `childsafe-reconciler-${taskQueue}`;
}

export async function ensureReconcilerSchedule(
  client: Client,
  options: { taskQueue: string; every?: Duration },
): Promise<string> {
  const scheduleId = reconcilerScheduleId(options.taskQueue);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: options.every ?? '1 minute' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'reconcilerWorkflow',
        workflowId: `reconciler-${options.taskQueue}`,
        taskQueue: options.taskQueue,
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  return scheduleId;
}
