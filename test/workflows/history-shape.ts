/**
 * The shape of a workflow's recorded history, for tests that assert how many workflow tasks a step took and what ran
 * as a local activity or behind which patch (README.md, "What we learned about local activities").
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Markers of one patch in a run's history (the patch's id is in the marker's details). */
export async function patchMarkers(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  runId: string | undefined,
  patchId: string,
): Promise<number> {
  const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  return (history.events ?? []).filter(
    (e) =>
      e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED &&
      Object.values(e.markerRecordedEventAttributes?.details ?? {}).some((d) =>
        (d.payloads ?? []).some((p) =>
          Buffer.from(p.data ?? [])
            .toString('utf8')
            .includes(`"${patchId}"`),
        ),
      ),
  ).length;
}

/** How many activities of the type the workflow (its current run) scheduled. */
export async function activitiesScheduled(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  type: string,
): Promise<number> {
  const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type)
    .length;
}

/** Whether the run's first workflow task wrote the patch's marker (before anything else it did). */
export async function firstTaskMarks(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  patchId: string,
): Promise<boolean> {
  const events = (await env.client.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
  const { EventType } = temporal.api.enums.v1;
  const completed = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const marker = events[completed + 1]?.markerRecordedEventAttributes;
  return (marker?.details?.['patch-data']?.payloads ?? []).some((p) =>
    Buffer.from(p.data ?? [])
      .toString('utf8')
      .includes(`"${patchId}"`),
  );
}

/**
 * Workflow tasks the SDK completed with nothing and a new task forced (a workflow task completed, and the next
 * scheduled at once): what a query answered while a local activity runs does (README.md).
 */
export function forcedTasks(events: temporal.api.history.v1.IHistoryEvent[]): number {
  const { EventType } = temporal.api.enums.v1;
  return events.filter(
    (e, i) =>
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED &&
      events[i + 1]?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  ).length;
}

/** The local activity markers of the type in the workflow's (current run's) history. */
export async function localActivities(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  type: string,
): Promise<number> {
  const events = (await env.client.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
  return events.filter((e) => isLocalActivity(e, type)).length;
}

export function isLocalActivity(e: temporal.api.history.v1.IHistoryEvent, type: string): boolean {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return false;
  return (marker.details?.data?.payloads ?? []).some((p) =>
    Buffer.from(p.data ?? [])
      .toString('utf8')
      .includes(`"activity_type":"${type}"`),
  );
}

/** Workflow tasks completed since the last timer fired (1: everything the timer started ran in its own task). */
export async function tasksSinceTimer(env: TestWorkflowEnvironment, handle: WorkflowHandle): Promise<number> {
  const events = (await env.client.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
  const { EventType } = temporal.api.enums.v1;
  let fired = events.length - 1;
  while (fired > 0 && events[fired].eventType !== EventType.EVENT_TYPE_TIMER_FIRED) fired -= 1;
  return events.slice(fired).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
}

/**
 * Workflow tasks completed from the timer firing before the workflow's `nth` notice (0: its first) to the notice's
 * scheduling (1: the notice in the timer's task).
 */
export async function tasksBetweenTimerAndNotice(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  nth = 0,
): Promise<number> {
  const events = (await env.client.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
  const { EventType } = temporal.api.enums.v1;
  const notices = events.flatMap((e, i) =>
    e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify' || isLocalActivity(e, 'notify') ? [i] : [],
  );
  const notice = notices[nth] ?? -1;
  let fired = notice;
  while (fired > 0 && events[fired].eventType !== EventType.EVENT_TYPE_TIMER_FIRED) fired -= 1;
  return events.slice(fired, notice).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
}
