/**
 * Notification activities. The workflow says what happened and to whom (by role and agency); the Notifier resolves
 * recipients and delivers (mail, in-app). Every send carries an idempotency key of workflow id + logical key, never
 * the run id (which changes on continue-as-new), so a retried or replayed activity notifies once.
 */
import type { EscalationTarget } from '../policies/schema';
import type { TaskKind, TaskPhase } from '../workflows/definitions';

export type NotificationEvent =
  | { type: 'task_assigned'; taskId: string; kind: TaskKind; agencyId: string; acceptBy: string; completeBy: string }
  | {
      type: 'task_escalated';
      taskId: string;
      kind: TaskKind;
      agencyId: string;
      phase: TaskPhase;
      rung: number;
      target: EscalationTarget;
      clause: string;
      deadline: string;
    }
  | {
      type: 'late_report_finding';
      caseId: string;
      reportId: string;
      againstUnitId: string;
      clause: string;
      /** The case's district, whose coordinators are told (a reporting unit outside the directory has none). */
      districtCode?: string;
    }
  | { type: 'report_joined_case'; caseId: string; reportId: string; agencyId: string; taskId: string }
  /** The directory had no agency for a step; the district fallback took it. Told to the district coordinators. */
  | { type: 'task_to_fallback'; caseId: string; taskId: string; kind: TaskKind; agencyId: string }
  /** A case failed, is stuck, or its report has no first-response task in time (the reconciler). */
  | { type: 'case_needs_attention'; caseId: string; districtCode: string; reason: string }
  /** Issue #18: a ledger child's visit is past due (ids only; the street opens the ledger to see who). */
  | {
      type: 'ledger_visit_missed';
      ledgerId: string;
      childId: string;
      streetOfficeId: string;
      visitNo: number;
      dueAt: string;
      clause: string;
    };

export interface NotificationRequest {
  /** The workflow that causes the notification (case, task or detention notice). */
  workflowId: string;
  /** Stable within that workflow, e.g. `escalate:accept:2`. */
  logicalKey: string;
  event: NotificationEvent;
}

/** Implemented by the lead (mail/in-app); `send` must be idempotent on `idempotencyKey` (unique index). */
export interface Notifier {
  send(message: { idempotencyKey: string; event: NotificationEvent }): Promise<void>;
}

export function notificationIdempotencyKey(workflowId: string, logicalKey: string): string {
  return `${workflowId}:${logicalKey}`;
}

export function createNotificationActivities({ notifier }: { notifier: Notifier }) {
  return {
    async notify(request: NotificationRequest): Promise<void> {
      await notifier.send({
        idempotencyKey: notificationIdempotencyKey(request.workflowId, request.logicalKey),
        event: request.event,
      });
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
