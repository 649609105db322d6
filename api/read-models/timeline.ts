/**
 * A case's timeline: what the workflow history says happened (event type and time, with the signal, update,
 * activity, timer or child workflow it names; payloads stay encrypted and undecoded) merged with the audit log of the
 * case and its tasks, oldest first.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { AuditEventModel, type AuditEventRecord } from '../../models/audit-event';
import { LIVE_QUERY_TIMEOUT_MS } from './live';

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  detail: string | null;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;

/** Bookkeeping of the Temporal SDK, not events in the case. */
const SKIPPED = new Set([
  'WORKFLOW_TASK_SCHEDULED',
  'WORKFLOW_TASK_STARTED',
  'WORKFLOW_TASK_COMPLETED',
  'WORKFLOW_TASK_TIMED_OUT',
  'WORKFLOW_TASK_FAILED',
  'ACTIVITY_TASK_STARTED',
  'MARKER_RECORDED',
]);

function detailOf(event: HistoryEvent): string | null {
  return (
    event.workflowExecutionSignaledEventAttributes?.signalName ??
    event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
    event.activityTaskScheduledEventAttributes?.activityType?.name ??
    event.timerStartedEventAttributes?.timerId ??
    event.timerFiredEventAttributes?.timerId ??
    event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ??
    event.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId ??
    event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName ??
    event.workflowExecutionStartedEventAttributes?.workflowType?.name ??
    null
  );
}

export function historyEntries(events: readonly HistoryEvent[]): TimelineEntry[] {
  return events.flatMap((event) => {
    const type = (EventType[event.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED').replace(/^EVENT_TYPE_/, '');
    if (SKIPPED.has(type) || !event.eventTime) return [];
    return [
      {
        at: new Date(tsToMs(event.eventTime)).toISOString(),
        actor: 'workflow',
        action: type.toLowerCase(),
        detail: detailOf(event),
      },
    ];
  });
}

/** The workflow's history (latest run), or nothing if Temporal cannot give it in time. */
export async function workflowHistory(client: Client, workflowId: string): Promise<TimelineEntry[]> {
  try {
    const history = await client.connection.withDeadline(Date.now() + LIVE_QUERY_TIMEOUT_MS, () =>
      client.workflow.getHandle(workflowId).fetchHistory(),
    );
    return historyEntries(history.events ?? []);
  } catch {
    return [];
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Audit events of the case and of its tasks (task ids are `<caseId>/task-…`), newest `limit`. */
export async function caseAuditEvents(caseId: string, limit = 500): Promise<AuditEventRecord[]> {
  return AuditEventModel.find({
    $or: [{ caseWorkflowId: caseId }, { caseWorkflowId: { $regex: `^${escapeRegex(caseId)}/` } }],
  })
    .sort({ at: -1 })
    .limit(limit)
    .lean<AuditEventRecord[]>()
    .exec();
}

export function auditEntries(events: readonly AuditEventRecord[]): TimelineEntry[] {
  return events.map((e) => ({
    at: new Date(e.at).toISOString(),
    actor: e.actor ? `${e.actor.kind}:${e.actor.id}` : 'unknown',
    action: e.action,
    detail: e.reason ?? null,
  }));
}

export function mergeTimeline(...parts: TimelineEntry[][]): TimelineEntry[] {
  return parts.flat().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
