/**
 * The audit trail seen from the API: every read and write of a child's file is recorded (domain.md §6, "every access
 * recorded"), and so are sign-ins. Routes depend on this narrow interface, never on the model.
 */
import { Types } from 'mongoose';
import { appendAudit } from '../../models/audit-repository';
import type { Role } from './roles';

export interface AuditRecord {
  actorId: string;
  actorRole: Role;
  /** What happened, dotted: `child_file.read`, `case.task_accepted`, `auth.login`. */
  action: string;
  childId?: string;
  caseId?: string;
  /** The purpose given for the access, or why an action was refused. */
  reason?: string;
  requestId: string;
  /** The account an administrator acted on (account.* actions), and what changed: ids and codes, never a person's data. */
  targetUserId?: string;
  changes?: Record<string, string>;
}

export interface AuditSink {
  record(event: AuditRecord): Promise<void>;
}

/** The sink over the audit log (models/audit-repository.ts): the caller's role and request id go into `details`. */
export function createAuditLogSink(append: typeof appendAudit = appendAudit): AuditSink {
  return {
    async record(event) {
      await append({
        actor: { kind: 'user', id: event.actorId },
        action: event.action,
        ...(event.childId ? { childId: new Types.ObjectId(event.childId) } : {}),
        ...(event.caseId ? { caseWorkflowId: event.caseId } : {}),
        ...(event.reason ? { reason: event.reason } : {}),
        details: {
          actorRole: event.actorRole,
          requestId: event.requestId,
          ...(event.targetUserId ? { targetUserId: event.targetUserId } : {}),
          ...(event.changes ? { changes: event.changes } : {}),
        },
      });
    },
  };
}
