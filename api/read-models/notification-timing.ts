/**
 * Whether a notice's deadline was missed, from the deadline and the time the step it is about was done, not from the
 * clock alone: a task accepted 3 minutes after it opened was not late, however long ago its 15-minute deadline passed.
 * An escalation is about a deadline that passed (always overdue); a new task's or a reminder's deadline is still to
 * come when it is sent (overdue only once it passed with the step still not done).
 */
import { TaskModel, type TaskRecord } from '../../models/task';
import type { NotificationKind } from '../../contracts/enums';

export type TaskProgress = Pick<
  TaskRecord,
  'taskId' | 'status' | 'acceptDueAt' | 'completeDueAt' | 'acceptedAt' | 'completedAt'
> & { updatedAt?: Date | null };

const CLOSED = new Set(['completed', 'declined', 'cancelled', 'withdrawn']);

/** When the step a deadline belongs to was done: accepting for the accept deadline, else finishing the task. */
function stepDoneAt(task: TaskProgress, dueAt: Date): Date | undefined {
  const closedAt =
    task.status && CLOSED.has(task.status) ? (task.completedAt ?? task.updatedAt ?? undefined) : undefined;
  const isAccept = task.acceptDueAt && task.acceptDueAt.getTime() === dueAt.getTime();
  if (isAccept) return task.acceptedAt ?? closedAt ?? undefined;
  return closedAt;
}

export function noticeTiming(
  notice: { kind: NotificationKind; dueAt?: Date | null },
  task: TaskProgress | undefined,
  now: Date,
): { overdue: boolean; done: boolean } {
  const due = notice.dueAt ?? undefined;
  const doneAt = task && due ? stepDoneAt(task, due) : undefined;
  const done = doneAt !== undefined || (task?.status !== undefined && task.status !== null && CLOSED.has(task.status));
  if (notice.kind === 'task_escalated') return { overdue: true, done };
  // Only a new task and a reminder are about a deadline still to come; a decision due at a cap is told at the cap
  // (its overruns come as escalations), and the other kinds carry no deadline of their own.
  if (!due || (notice.kind !== 'task_created' && notice.kind !== 'task_reminder')) return { overdue: false, done };
  return { overdue: (doneAt ?? now).getTime() > due.getTime(), done };
}

/** The progress of the tasks some notices are about, by task id. */
export async function taskProgress(taskIds: readonly string[]): Promise<Map<string, TaskProgress>> {
  const ids = [...new Set(taskIds)];
  if (ids.length === 0) return new Map();
  const tasks = await TaskModel.find({ taskId: { $in: ids } })
    .select({ taskId: 1, status: 1, acceptDueAt: 1, completeDueAt: 1, acceptedAt: 1, completedAt: 1, updatedAt: 1 })
    .lean<TaskProgress[]>()
    .exec();
  return new Map(tasks.map((t) => [t.taskId, t]));
}
